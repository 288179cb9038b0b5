from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project's own wiring: the public page cache listens to every change the site shows, and the
    admins libraries register refuse bad addresses and posts as ours do."""

    name = "config"
    label = "site"
    verbose_name = "Site"

    def ready(self):
        from django.contrib import admin

        from config import pagecache
        from config.admin import mend_library_admins
        from people.editorial import harden_registered_admins

        pagecache.connect_signals()
        mend_library_admins(admin.site)
        harden_registered_admins(admin.site)
