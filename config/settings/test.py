"""Test settings: what pytest uses (pyproject.toml), the development settings with production's page cache.

Per-test isolation that needs a test's own folder (its media, a fresh page-cache version) stays in
tests/conftest.py; everything that holds for the whole run is here.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

# The page cache is on, as in production, whatever DEBUG says: tests see what visitors see.
PAGE_CACHE_SECONDS = 600

# Nothing a test run writes lands in the checkout's var/: media and the page-cache version file live in a
# folder of the run's own, removed when it ends (tests/conftest.py gives each test a media folder within).
TEST_DIR = Path(tempfile.mkdtemp(prefix="pressroom-tests-"))
atexit.register(shutil.rmtree, TEST_DIR, ignore_errors=True)
MEDIA_ROOT = TEST_DIR / "media"
# On SQLite, the test database is a file, as the real one is, not Django's shared in-memory database, whose
# connections lock each other's tables and fail at once instead of waiting their turn: requests made at the
# same moment (tests/test_two_factor_attack.py) behave as they do on a running site.
for database in DATABASES.values():  # noqa: F405
    if database["ENGINE"].endswith("sqlite3"):
        test_name = str(TEST_DIR / f"{Path(database['NAME']).stem}.sqlite3")
        database["TEST"] = {**database.get("TEST", {}), "NAME": test_name}
PAGE_CACHE_VERSION_FILE = TEST_DIR / "page-cache-version"

# Every test's editor and contributor is made with a password: hashing it with PBKDF2's 1.5 million rounds
# took half of a workflow test's time (tests/test_workflow.py: 26 s, 13 s with MD5). No test reads a stored
# hash, and sign-in, lockout and password checks behave the same with any hasher. Never outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
