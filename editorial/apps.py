"""The editorial app's configuration: what it wires up once every app is loaded."""

from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """What editors do to any row, whatever app it is in. Ready, it connects the public page cache to
    every change the site shows and the redirects (editorial.redirects) to every page that moves or goes, and
    makes the admins that libraries register (auth, django-axes, redirects, sites) refuse bad addresses and
    posts as ours do, django-otp's device admins taken out (editorial.admin.twofactor): admin.autodiscover()
    has run by then, in the admin's ready()."""

    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        from django.contrib import admin

        from editorial import accounts, pagecache, redirects, sessions
        from editorial.admin.hardening import harden_registered_admins
        from editorial.admin.library import mend_library_admins
        from editorial.admin.twofactor import unregister_device_admins

        pagecache.connect_signals()
        redirects.connect_signals()
        accounts.connect_signals()
        sessions.connect_signals()
        mend_library_admins(admin.site)
        unregister_device_admins(admin.site)
        harden_registered_admins(admin.site)
