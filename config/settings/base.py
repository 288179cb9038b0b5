"""Settings every entry point shares, read from the environment with safe defaults.

Not used on its own: config.settings.dev (manage.py, `make run`), config.settings.test (pytest) and
config.settings.production (WSGI, gunicorn, `make serve`) each start from here.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default):
    """The environment variable `name` as a bool: true for 1, true, yes or on (any case, spaces ignored),
    false for any other value; `default` when it is unset or empty.
    """
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    """The environment variable `name` as a list of str, split on commas, each item stripped and empty items
    dropped; `default` when it is unset or empty.
    """
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Empty here: development and tests supply a key of their own, production refuses to start without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# var/ holds what a checkout makes for itself (SQLite database, media, static files); git ignores it.
VAR_DIR.mkdir(exist_ok=True)
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", 60))
if "DATABASE_URL" in os.environ:
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=CONN_MAX_AGE)}
else:
    DATABASES = {"default": dj_database_url.parse(f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}

# The synthetic archive (manage.py make_archive) lives in a database of its own, never the real one:
# by default beside it (a second SQLite file, or a second database on the same PostgreSQL server).
if os.environ.get("ARCHIVE_DATABASE_URL"):
    DATABASES["archive"] = dj_database_url.parse(os.environ["ARCHIVE_DATABASE_URL"])
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["archive"] = dj_database_url.parse(f"sqlite:///{VAR_DIR / 'archive.sqlite3'}")
else:
    DATABASES["archive"] = {**DATABASES["default"], "NAME": f"{DATABASES['default']['NAME']}_archive"}
# SQLite takes one writer at a time. A transaction that reads, then writes (a sign-in code checked, then
# spent) took the write lock only when it wrote, and a second one doing the same at that moment failed at
# once with "database is locked" (a 500: a double click on "Verify"). Begun IMMEDIATE, each takes the lock
# first, and the next waits its turn, up to `timeout` seconds.
for database in DATABASES.values():
    if database["ENGINE"].endswith("sqlite3"):
        database["OPTIONS"] = {**database.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE", "timeout": 20}

# Read replicas: public pages read from one of them; admin and writes use the primary (config.routing).
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica_{number}"] = dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE)
    DATABASES[f"replica_{number}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routing.PrimaryReplicaRouter"]

# Prepared statements on PostgreSQL (config.database): a number of runs after which a statement is prepared,
# or 0 to send every statement whole, as a PgBouncer in transaction mode older than 1.21 needs.
DATABASE_PREPARE_THRESHOLD = int(os.environ.get("DATABASE_PREPARE_THRESHOLD", 2))
if DATABASE_PREPARE_THRESHOLD:
    for database in DATABASES.values():
        if database["ENGINE"].endswith("postgresql"):
            from config.database import prepared_statement_options

            database["OPTIONS"] = {
                **database.get("OPTIONS", {}),
                **prepared_statement_options(DATABASE_PREPARE_THRESHOLD),
            }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Old addresses of moved or deleted pages (editorial.redirects); redirects need the sites framework.
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.postgres",
    "django_filters",
    "axes",
    # Two-factor sign-in to the admin (editorial.twofactor): authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Versions of every save, compared and restored (editorial.versions).
    "reversion",
    "reversion_compare",
    "editorial.apps.EditorialConfig",
    "people",
    "press",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.routing.PrimaryForEditorsMiddleware",
    "config.middleware.RefuseNulInAdminQueryMiddleware",
    "editorial.pagecache.PublicPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, verified this session (request.user.is_verified()); then the admin's door:
    # a staff account with a device must give its code before any admin page (editorial.twofactor).
    "django_otp.middleware.OTPMiddleware",
    "editorial.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: signs a staff session out after STAFF_SESSION_IDLE_SECONDS unused,
    # and keeps the list of each user's sessions that "Sign out everywhere" ends. Requests without a session
    # cookie (the public, and the page cache's hits, which never get this far) pass untouched.
    "editorial.sessions.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the page cache, which stores 200s only: a cached page never reaches it, and it queries only on a
    # 404, answering 301 or 410 for an address a moved or deleted page left (editorial.redirects).
    "editorial.redirects.RedirectFallbackMiddleware",
    # Sign-ins for one username or from one address, one at a time: axes counts each failure before the next
    # is checked (editorial.accounts).
    "editorial.accounts.OneSignInAtATimeMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account and address are refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "editorial.context_processors.site",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = os.environ.get("MEDIA_URL", "media/")
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    # Media on object storage: MEDIA_STORAGE_BACKEND names the storage class (django-storages' S3Storage, say)
    # and MEDIA_STORAGE_OPTIONS its options as JSON; by default, files under MEDIA_ROOT.
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Public pages, cached for anonymous visitors (editorial.pagecache): in this process's memory by default, in
# Redis when REDIS_URL is set, so that several workers or machines share one cache and one invalidation.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pressroom"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# How long a cached page may live at most; saves invalidate it at once. 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 600))
# Without a shared cache, the processes of one machine agree on the content version through this file.
PAGE_CACHE_VERSION_FILE = Path(os.environ.get("PAGE_CACHE_VERSION_FILE", VAR_DIR / "page-cache-version"))
# HTTP caches in front (Varnish with xkey, a CDN) that a save purges once committed (editorial.pagecache):
# comma-separated URLs, each optionally after its method ("POST https://api.fastly.com/service/ID/purge");
# PURGE by default. CACHE_PURGE_HEADERS: extra headers as JSON (a CDN's token). A purge waits at most
# CACHE_PURGE_TIMEOUT seconds; a failure is logged, never an error for the editor.
CACHE_PURGE_URLS = [url.strip() for url in os.environ.get("CACHE_PURGE_URLS", "").split(",") if url.strip()]
CACHE_PURGE_HEADERS = json.loads(os.environ.get("CACHE_PURGE_HEADERS") or "{}")
CACHE_PURGE_TIMEOUT = float(os.environ.get("CACHE_PURGE_TIMEOUT", 2))
# Where an admin import's upload waits between its steps (press.admin.imports); empty: the system's temporary
# folder, which only one machine's workers share. Several app servers need one shared folder. Uploads go
# to its subfolder coverage-uploads/; a relative path is taken from BASE_DIR.
COVERAGE_IMPORT_DIR = os.environ.get("COVERAGE_IMPORT_DIR", "")

# Security headers, on every response.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env_list("CSP_MEDIA_ORIGINS", [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}
X_FRAME_OPTIONS = "DENY"

# Failed admin sign-ins (django-axes, with the lockout rules of editorial.accounts). Three rules, each with
# its own limit within the cool-off: a username from one address (AXES_FAILURE_LIMIT, five), a username from
# any addresses (ten: guessing one editor's password from many machines), and an address over any usernames
# (ten: one common password tried on every account). Each failure counts for the cool-off after it; tries
# while locked out are refused without being counted, so they never extend a lockout. An editor
# lifts a lockout early in the admin (Sign-in lockouts).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", 10))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "editorial.accounts.LockoutRulesHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Every failure (with address, time and whether it locked out) in axes' AccessFailureLog, every sign-in in
# its AccessLog (on by default); both also go to the logger "editorial.accounts".
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_LOCKOUT_CALLABLE = "editorial.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_address"
AXES_USERNAME_CALLABLE = "config.middleware.attempted_username"
# Who the lockout page tells a locked-out editor to ask, e.g. "the news desk, desk@example.org"; empty:
# the names of the active editors and superusers who can lift a lockout (never their usernames or emails).
ACCOUNT_UNLOCK_CONTACT = os.environ.get("ACCOUNT_UNLOCK_CONTACT", "")

# A staff session unused this long is signed out (editorial.sessions.StaffSessionMiddleware); 0: never.
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", 30 * 60))
# How many proxies (load balancers) in front of the app add to X-Forwarded-For; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

# Two-factor sign-in (editorial.twofactor). With OTP_REQUIRED_FOR_STAFF, a staff account without a second
# factor reaches only the page that sets one up (on in production); without it, setting one up is each
# editor's choice. Either way an account that has one gives its code before any admin page.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", False)
# Wrong codes slow down: after n in a row, the next is refused for 2^(n-1) seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# How many one-time recovery codes an account keeps; making new ones voids the old.
OTP_RECOVERY_CODES = 10

# A piece's change form sends some 16 fields for each passage and the claim citing it: Django's default of
# 1,000 fields refused a piece with 240 passages, and its 2.5 MB a long text. Room for 2,000 cited passages
# and a text of several megabytes, still bounded against a flood of fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

# The one Site of django.contrib.sites, which redirects belong to. Its domain is not used for links: the
# sitemap and the feed take the host of the request, as every other absolute link does (editorial/sitemaps.py,
# press/feeds.py).
SITE_ID = 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The site's names, in one place: templates read them through editorial.context_processors.site.
FILM_TITLE = "First Kiss"
FILM_SLUG = "first-kiss"  # the film the home page is about
SITE_NAME = f"{FILM_TITLE} press room"
# What an authenticator app names the account after ("First Kiss press room: eddie").
OTP_TOTP_ISSUER = SITE_NAME
