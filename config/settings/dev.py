"""Development settings: what manage.py and `make run` use unless DJANGO_SETTINGS_MODULE says otherwise.

DEBUG is on unless DEBUG=false, and with it the page cache is off (PAGE_CACHE_SECONDS=0) so that an edit
shows at once; a development key stands in for SECRET_KEY.
"""

import os

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "django-insecure-development-only-never-use-in-production"

PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 0 if DEBUG else 600))
