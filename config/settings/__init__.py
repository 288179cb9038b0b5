"""The settings modules: base (shared), dev (manage.py, `make run`), test (pytest), production (WSGI,
gunicorn, `make serve`)."""

import os

from django.core.exceptions import ImproperlyConfigured

# Until issue 14 config.settings was a module; a deployment still naming it would get this package's empty
# settings and fail far from the cause.
if os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings":
    raise ImproperlyConfigured(
        "DJANGO_SETTINGS_MODULE=config.settings names the settings package, not a settings module: use "
        "config.settings.dev, config.settings.test or config.settings.production."
    )
