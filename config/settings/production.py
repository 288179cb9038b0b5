"""Production settings: what config/wsgi.py, gunicorn and `make serve` use. Everything comes from the
environment, DEBUG is off whatever the environment says, and nothing starts without a SECRET_KEY."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, STORAGES, env_bool, env_list

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production settings refuse to start without one: "
        "set the SECRET_KEY environment variable to a long random string."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# LOCAL_HTTP=1 is for a benchmark or a look on this machine over plain HTTP; never behind a real host name.
LOCAL_HTTP = env_bool("LOCAL_HTTP", False)
SECURE_SSL_REDIRECT = not LOCAL_HTTP
# The load balancer terminates TLS and says so in this header; it must strip the header from clients.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if LOCAL_HTTP else int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = not LOCAL_HTTP
CSRF_COOKIE_SECURE = not LOCAL_HTTP

# Every staff account sets up two-factor sign-in at its first sign-in (editorial.twofactor);
# OTP_REQUIRED_FOR_STAFF=0 leaves it to each editor.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", True)

# Static files from the app itself, through WhiteNoise: compressed, with hashed names cached for a year.
# (In development, runserver serves them from the apps' folders.)
MIDDLEWARE = [*MIDDLEWARE[:1], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Sign-ins, lockouts, unlocks and "sign out everywhere", with address and time, whatever LOG_LEVEL says.
    "loggers": {"editorial.accounts": {"level": "INFO"}},
}
