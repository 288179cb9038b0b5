"""The production settings, plus the floor views the benchmark compares every page with."""

from config.settings.production import *  # noqa: F403
from config.settings.production import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
