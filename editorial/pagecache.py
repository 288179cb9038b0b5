"""Anonymous visitors' pages, cached whole and dropped the moment anything a page shows changes.

Every cached page carries the content version it was made from. Any save, delete or change of relations of a
row editors keep (an AuditedModel) makes a new version, so every page made before it is stale at once;
so does the moment a scheduled publication goes live. The version lives in the cache when the cache is shared
(Redis), and in a small file otherwise, so that the worker processes of one machine agree on it.

Only requests without a session cookie are served from or stored in the cache: editors, and the draft
previews only they can see, never are.
"""

import hashlib
import os
import time
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

from editorial.models import AuditedModel, PublicationStatus, PublishableModel

STATE_KEY = "pages:state"
NO_SCHEDULE = float("inf")


class ContentState:
    """The current content version, and when the next scheduled publication goes live (a Unix time)."""

    def __init__(self, version=0, next_change=NO_SCHEDULE):
        self.version = version
        self.next_change = next_change

    def is_outdated(self):
        """Whether the next scheduled publication's time has come, so that pages made before it are stale."""
        return time.time() >= self.next_change


def shares_cache():
    """Whether the default cache is shared between processes (anything but LocMemCache, e.g. Redis): then
    the content state lives in it, else in PAGE_CACHE_VERSION_FILE.
    """
    return not isinstance(caches["default"], LocMemCache)


def read_state():
    """The current ContentState, from the shared cache or the version file; a fresh ContentState (version 0,
    no schedule) when none is stored or the file cannot be read.
    """
    if shares_cache():
        version, next_change = cache.get(STATE_KEY) or (0, NO_SCHEDULE)
        return ContentState(version, next_change)
    try:
        version, next_change = settings.PAGE_CACHE_VERSION_FILE.read_text().split()
        return ContentState(int(version), float(next_change))
    except (FileNotFoundError, ValueError):
        return ContentState()


def write_state(state):
    """Stores state where read_state() finds it: in the shared cache without expiry, or in the version file,
    replaced whole.
    """
    if shares_cache():
        cache.set(STATE_KEY, (state.version, state.next_change), timeout=None)
        return
    path = settings.PAGE_CACHE_VERSION_FILE
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_text(f"{state.version} {state.next_change}")
    os.replace(partial, path)  # readers see the old state or the new one, never half of it


def next_scheduled_publication():
    """When the next published but not yet live row goes live: one query over every publishable model."""
    now = timezone.now()
    firsts = [
        model.objects.filter(status=PublicationStatus.PUBLISHED, published_at__gt=now)
        .order_by()
        .values("status")
        .annotate(first=Min("published_at"))
        .values("first")
        for model in apps.get_models()
        if issubclass(model, PublishableModel)
    ]
    times = [row["first"] for row in firsts[0].union(*firsts[1:], all=True).order_by()]
    return min((moment.timestamp() for moment in times if moment), default=NO_SCHEDULE)


def start_new_version(next_change=None):
    """Makes every page cached so far stale; recounts the next scheduled publication unless given."""
    if next_change is None:
        next_change = next_scheduled_publication()
    state = ContentState(time.time_ns(), next_change)
    write_state(state)
    return state


# Set while rows change only in a transaction that is always rolled back (a draft shown, a restore
# rehearsed: editorial.versions.in_rolled_back_copy): no page changes, so none is dropped.
held_back = ContextVar("pagecache_held_back", default=False)


def content_changed(sender, instance=None, **kwargs):
    """The receiver of post_save, post_delete and m2m_changed: for a row of an AuditedModel, starts a new
    content version now and again once the transaction commits (once per transaction); other senders and
    the pre_* steps of m2m_changed are ignored.
    """
    # Every row editors keep may show on a page; the through rows of a many-to-many change come with the
    # row whose relation changed as instance.
    if not isinstance(instance, AuditedModel) or kwargs.get("action", "post_").startswith("pre_"):
        return
    if held_back.get():
        return
    # At once, so that this request and this transaction's own reads see fresh pages; the scheduled time of
    # the row itself is enough to stay right until the full recount after commit.
    state = read_state()
    published_at = getattr(instance, "published_at", None)
    next_change = state.next_change
    if published_at and published_at > timezone.now():
        next_change = min(next_change, published_at.timestamp())
    start_new_version(next_change)
    # After commit too: a visitor's page made between the first bump and the commit showed the old rows.
    pending = getattr(connection, "run_on_commit", [])
    if not any(entry[1] is start_new_version for entry in pending):
        transaction.on_commit(start_new_version)


def connect_signals():
    """Connects content_changed to every post_save, post_delete and m2m_changed (EditorialConfig.ready())."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"pagecache-{signal}")


def cache_key(request):
    """The cache key of a page: "pages:" and the SHA-256 of its scheme, host, path and query string."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:" + hashlib.sha256(address.encode()).hexdigest()


class PublicPageCacheMiddleware:
    """Serves anonymous GET and HEAD requests of the public site from the cache while the content version
    they were made from is current, and stores each 200 answer to a GET (no cookies set, not private or
    no-store) for at most PAGE_CACHE_SECONDS (seconds; 0 turns the cache off) and never past the next
    scheduled publication. Stored pages go out with Cache-Control: public, no-cache and an ETag, so browsers
    revalidate. Requests with a session cookie pass through, their answers marked private, no-store unless
    the view set Cache-Control itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        if signed_in or not self.is_cacheable_request(request):
            response = self.get_response(request)
            if signed_in and "Cache-Control" not in response:
                # What a signed-in editor sees may be a draft: no browser or proxy may keep it.
                patch_cache_control(response, private=True, no_store=True)
            return response

        key = cache_key(request)
        state, entry = self.lookup(key)
        if state.is_outdated():
            state = start_new_version()
        if entry and entry[0] == state.version:
            _, status, content, headers = entry
            return HttpResponse(content, status=status, headers=headers)

        response = self.get_response(request)
        if request.method == "GET" and self.is_cacheable_response(response):
            patch_cache_control(response, public=True, no_cache=True)
            set_response_etag(response)
            entry = (state.version, response.status_code, response.content, dict(response.headers))
            timeout = max(1, int(min(settings.PAGE_CACHE_SECONDS, state.next_change - time.time())))
            cache.set(key, entry, timeout)
        return response

    def lookup(self, key):
        """(ContentState, cached entry or None) for key: one round trip with a shared cache."""
        if shares_cache():
            found = cache.get_many([STATE_KEY, key])  # one round trip to Redis
            version, next_change = found.get(STATE_KEY) or (0, NO_SCHEDULE)
            return ContentState(version, next_change), found.get(key)
        return read_state(), cache.get(key)

    def is_cacheable_request(self, request):
        """Whether the page cache is on and the request is an anonymous GET or HEAD outside
        the admin, without an Authorization header.
        """
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith("/admin/")
            and "HTTP_AUTHORIZATION" not in request.META
        )

    def is_cacheable_response(self, response):
        """Whether response may be stored: a 200, not streaming, setting no cookie, and not
        marked private or no-store.
        """
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )
