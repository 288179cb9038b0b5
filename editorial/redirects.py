"""Old addresses keep working: when a page's row moves (its slug changes) while it is on the site, its old
path answers 301 to the new one; when it is deleted while on the site, its path answers 410 Gone.

The redirects are Django's own (django.contrib.redirects: one Redirect row per old path, edited in the admin
under "Redirects"); this module only writes them as rows are saved and deleted, and RedirectFallbackMiddleware
answers with them, on a 404 only, so a page that exists never costs a query more.

A model takes part by having RedirectedPage among its bases: a row with a page of its own at
get_absolute_url() built from its slug. What "on the site" means is the row's is_published (a row without
a publication status, reference data such as a neighbourhood, is always on the site). A draft, a row in
review or a scheduled one was never public: moving it writes nothing. Unpublishing writes nothing either: its
address then answers 404, as any draft's does, and answers again once it is published.
"""

import copy

from django.contrib.redirects.middleware import RedirectFallbackMiddleware as DjangoRedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponseGone
from django.shortcuts import render

# Redirect's old_path and new_path hold 200 characters (django.contrib.redirects); a longer path (a 200-letter
# slug) cannot be kept, and its old address then answers 404.
MAX_PATH = Redirect._meta.get_field("old_path").max_length
TRACKED_FIELDS = {"slug", "status", "published_at"}


class RedirectedPage:
    """For a model with a page of its own at a slug route: it remembers the slug and whether it was on the
    site as it was read from the database, so that a save knows where the page was without a query."""

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        """Django's from_db() (kwargs such as fetch_mode passed on), remembering (slug, on the site) unless
        the query deferred one of them."""
        instance = super().from_db(db, field_names, values, **kwargs)
        if not TRACKED_FIELDS & instance.get_deferred_fields():
            instance._stored_page = instance.page_state()
        return instance

    def page_state(self):
        """(slug: str, on the site now: bool) as the row stands in memory."""
        return self.slug, getattr(self, "is_published", True)

    def path_for(self, slug):
        """The path (str, no host) the row's page had or has with slug."""
        row = copy.copy(self)
        row.slug = slug
        return row.get_absolute_url()


def stored_page(instance, using):
    """(slug, on the site) of instance as stored, from what from_db() remembered or else one query; None for
    a row not stored yet."""
    if hasattr(instance, "_stored_page"):
        return instance._stored_page
    if instance._state.adding or instance.pk is None:
        return None
    stored = type(instance)._base_manager.using(using).filter(pk=instance.pk).first()
    return stored.page_state() if stored else None


def remember_stored_page(sender, instance, raw, using, **kwargs):
    """pre_save: notes where the row's page was before this save (fixtures, saved raw, are left alone)."""
    if not raw:
        instance._page_before = stored_page(instance, using)


def follow_moved_page(sender, instance, raw, using, **kwargs):
    """post_save: when a row on the site moved, its old path redirects to the new one (chains collapse: every
    redirect to the old path now points at the new); a row that comes on the site at a path a redirect holds
    takes its path back. Nothing for a row off the site, or saved raw."""
    if raw:
        return
    before = instance.__dict__.pop("_page_before", None)
    instance._stored_page = now = instance.page_state()
    slug, on_site = now
    if not on_site or before == now:
        return
    site = Site.objects.db_manager(using).get_current()
    redirects = Redirect.objects.using(using).filter(site=site)
    new_path = instance.get_absolute_url()
    # The page answers at its path again: a redirect there would loop (a slug changed back) or hide it.
    redirects.filter(old_path=new_path).delete()
    if before is None or not before[1] or before[0] == slug:
        return
    old_path = instance.path_for(before[0])
    if len(old_path) > MAX_PATH or len(new_path) > MAX_PATH:
        return
    redirects.filter(new_path=old_path).update(new_path=new_path)
    redirects.update_or_create(site=site, old_path=old_path, defaults={"new_path": new_path})


def mark_deleted_page_gone(sender, instance, using, **kwargs):
    """post_delete: a row deleted while on the site leaves its path answering 410 Gone (a Redirect with an
    empty new_path), and so do the redirects that pointed at it."""
    slug, on_site = instance.page_state()
    if not on_site:
        return
    path = instance.get_absolute_url()
    if len(path) > MAX_PATH:
        return
    site = Site.objects.db_manager(using).get_current()
    redirects = Redirect.objects.using(using).filter(site=site)
    redirects.filter(new_path=path).update(new_path="")
    redirects.update_or_create(site=site, old_path=path, defaults={"new_path": ""})


def connect_signals():
    """Connects the receivers above for every model with RedirectedPage among its bases
    (EditorialConfig.ready())."""
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, RedirectedPage):
            pre_save.connect(remember_stored_page, sender=model, dispatch_uid=f"redirects-pre-{model}")
            post_save.connect(follow_moved_page, sender=model, dispatch_uid=f"redirects-post-{model}")
            post_delete.connect(mark_deleted_page_gone, sender=model, dispatch_uid=f"redirects-del-{model}")


class GoneResponse(HttpResponseGone):
    """What Django's middleware answers for a removed path: marks it for the page below."""


class RedirectFallbackMiddleware(DjangoRedirectFallbackMiddleware):
    """Django's RedirectFallbackMiddleware (a 404 whose path has a Redirect answers 301 to its new_path, or
    410 when new_path is empty), with the site's own "This page was removed" page (templates/410.html) as the
    410's body instead of an empty one."""

    response_gone_class = GoneResponse

    def process_response(self, request, response):
        """Django's answer to a 404; a 410 comes with templates/410.html rendered for request."""
        answer = super().process_response(request, response)
        if isinstance(answer, GoneResponse):
            return render(request, "410.html", status=410)
        return answer
