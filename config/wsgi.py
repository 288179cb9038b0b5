"""The WSGI application gunicorn serves (`make serve`, production): production settings unless
DJANGO_SETTINGS_MODULE names others.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def warm_up():
    """Does at import what a new process's first requests would otherwise do, slowly, while visitors wait:
    builds the URL resolver (and the admin's reverse lookups) and compiles the project's own templates into
    the cached template loader. Nothing reads the database or a cache. With gunicorn's preload_app the
    master does it once and every worker, recycled ones too, is forked with it done."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018 (imports every view)
    reverse("admin:index")  # fills the resolver's reverse lookups
    folder = settings.BASE_DIR / "templates"
    for path in sorted(folder.rglob("*.html")):
        try:
            get_template(str(path.relative_to(folder)))
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue  # an admin override extending what only the admin app holds, found at its request


warm_up()
