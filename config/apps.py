from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project's own wiring: the public page cache listens to every change the site shows."""

    name = "config"
    label = "site"
    verbose_name = "Site"

    def ready(self):
        from config import pagecache

        pagecache.connect_signals()
