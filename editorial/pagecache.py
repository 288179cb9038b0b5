"""Anonymous visitors' pages, cached whole, each tagged with the rows it shows (surrogate keys), and purged
when one of those rows changes: an edit drops the pages that show the row, not the whole site.

Keys, collected while a page renders, so that no view can forget one (a ContextVar set by the middleware):

- `press.coverage.12`, a row key: every AuditedModel instance the page loads (a post_init receiver), and
  every row a query is restricted to by its id or a foreign key (`outlet_id = 12`: a list the row owns).
- `press.coverage`, a model's list key: a query of the model not restricted to rows, i.e. a list, a count,
  a search or a filter, which any public row of the model may enter, leave or reorder.
- `press.coverage.published`, a model's membership key: a table joined by a query that a row owns (the
  quotes of a person, joined to their live pieces): they change only when a row of it goes on or off the
  site, or changes what it belongs to.

The queries are read from the SQL Django sends (a cursor wrapper), where every way of reading a table
ends (querysets, related managers, prefetches, counts, values(), unions), rather than from querysets, which
have many doors. Only a page render of an anonymous visitor's GET pays for it (a cache miss).

What a save purges (editorial rules, `changed_keys()`):

- a row never public, before or after (a draft, a row in review): only its own row key,
  which no public page carries unless it named the row anyway (a draft outlet on a published piece's line);
- a public row edited: its row key and its model's list key (pages listing it may sort or search by what
  changed); when it also moved (a foreign key changed), the rows it left and joined and its membership key;
- a scheduled row counts as public: the pages it will enter are purged when it is scheduled, so that a cache
  in front keeps their new copies no longer than its publication time (their s-maxage is cut there);
- a row going on or off the site (published, unpublished, added, deleted, a scheduled publication going live):
  all of the above, plus every row related to it (its foreign keys, many-to-many and reverse relations:
  the person page that now lists a published piece), read with one query per relation;
- a row of a model that is not publishable itself (a quote, a credit) goes with its parents' publication,
  which a save cannot see without queries: it always counts as moving.
- a many-to-many change: both sides' rows and list keys;
- a new row: its row and list keys, and the rows it points at (whose pages may list it).

Purges are counted (a purge counter): a cached page keeps the counter's value read before it was
rendered, and is fresh while none of its keys was purged after that, so a save during a render makes the
page stale, never a stale page fresh. With Redis (REDIS_URL) the counter and each key's last purge live
there (a hit: two round trips, the page then one MGET of its keys' purges); without, they live in an
append-only purge log beside PAGE_CACHE_VERSION_FILE, which every worker process of the machine tails (a
hit: one stat() of the log). Each save purges at once, so that its own transaction's pages are fresh, and
again once the transaction commits, together with the HTTP caches in front (CACHE_PURGE_URLS: Varnish's
xkey, a CDN's surrogate keys), so that a page rendered between the two from the old rows is dropped too.

Only requests without a session cookie are served from or stored in the cache: editors, and the draft
previews only they can see, never are.
"""

import fcntl
import hashlib
import json
import logging
import os
import re
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache as memoized
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, connections, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

from editorial.models import AuditedModel, PublicationStatus, PublishableModel

logger = logging.getLogger(__name__)

NO_SCHEDULE = float("inf")
# Every page depends on it: purging it drops every page (start_new_version(), a test's fresh start).
ALL = "all"
# Surrogate-Key/xkey header at most this long (bytes): under Varnish's 8 KB default for one header
# (http_resp_hdr_len) and Fastly's 16 KB; a page over it has its most numerous model's row keys replaced by
# that model's list key, which every purge of one of them also purges.
MAX_KEYS_BYTES = 4000
COUNTER_KEY = "pages:purges"
NEXT_CHANGE_KEY = "pages:next-change"
# Answer header saying whether the app's page cache served the page (the crawl bench counts it).
HIT_HEADER = "X-Page-Cache"


# Set while rows change only in a transaction that is always rolled back (a draft shown, a restore
# rehearsed: editorial.versions.in_rolled_back_copy): no page changes, so nothing is purged.
held_back = ContextVar("pagecache_held_back", default=False)
# The keys of the page being rendered for the cache (a set), None outside such a render.
collecting = ContextVar("pagecache_collecting", default=None)


# -- keys ------------------------------------------------------------------------------------------------


def row_key(model, pk):
    """The key of one row: "<app_label>.<model>.<pk>", e.g. "press.coverage.12" (str)."""
    return f"{model._meta.label_lower}.{pk}"


def list_key(model):
    """The key of a model's lists, counts and searches: "<app_label>.<model>", e.g. "press.coverage"."""
    return model._meta.label_lower


def membership_key(model):
    """The key of pages whose rows a query restricts through a join of model's table (see the module's
    docstring): "<app_label>.<model>.published"."""
    return f"{model._meta.label_lower}.published"


def model_of_key(key):
    """The model label ("press.coverage") a key belongs to, or None for ALL."""
    parts = key.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def bounded(keys):
    """keys (a set of str) as a sorted list whose space-separated length is at most MAX_KEYS_BYTES: while
    over, the model with the most row keys has them replaced by its list key (purged with each of them).
    The list and membership keys stay: a few dozen at most, one or two per model."""
    keys = set(keys)
    while len(" ".join(keys)) > MAX_KEYS_BYTES:
        rows = {}
        for key in keys:
            label, _, tail = key.rpartition(".")
            if tail.isdigit():
                rows.setdefault(label, []).append(key)
        if not rows:
            break
        label, widest = max(rows.items(), key=lambda item: len(item[1]))
        keys.difference_update(widest)
        keys.add(label)
    return sorted(keys)


@memoized
def _schema():
    """(tables, foreign_keys): {db_table: model} of every AuditedModel, and {(db_table, column): model} of
    every foreign key column of every table, many-to-many tables included, to the model it points at."""
    tables, foreign_keys = {}, {}
    for model in apps.get_models(include_auto_created=True):
        if issubclass(model, AuditedModel):
            tables[model._meta.db_table] = model
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None:
                foreign_keys[(model._meta.db_table, field.column)] = field.related_model
    return tables, foreign_keys


TABLE = re.compile(r'(?:FROM|JOIN) "(\w+)"(?: (?:AS )?"?([A-Z]\d+)"?)?')
RESTRICTION = re.compile(r'"(\w+)"\."(\w+)" (?:= %s|IN \(((?:%s(?:, )?)+)\))')


def keys_of_query(sql, params):
    """The keys a SELECT's answer depends on (a set of str; see the module's docstring): the rows it is
    restricted to (by id or a foreign key, with their values from params) and the membership keys of the
    other tables it joins; or, unrestricted, the list keys of every AuditedModel table it reads."""
    tables, foreign_keys = _schema()
    aliases = {}
    read = []
    for match in TABLE.finditer(sql):
        table, alias = match.groups()
        aliases[alias or table] = table
        aliases[table] = table
        if table in tables:
            read.append(table)
    if not read:
        return set()
    owners = set()
    main = read[0]
    for match in RESTRICTION.finditer(sql):
        table = aliases.get(match.group(1), match.group(1))
        column = match.group(2)
        model = tables.get(table) if column == "id" else foreign_keys.get((table, column))
        if column == "slug" and table == main:
            owners.add(None)  # one row by its slug: the row's own key comes from loading it
            continue
        if model is None or not issubclass(model, AuditedModel):
            continue
        first = sql.count("%s", 0, match.start())
        count = match.group(3).count("%s") if match.group(3) else 1
        values = list(params or ())[first : first + count] if isinstance(params, list | tuple) else []
        owners.update(row_key(model, value) for value in values)
    if owners:
        owners.discard(None)
        return owners | {membership_key(tables[table]) for table in read if table != main}
    return {list_key(tables[table]) for table in read}


def _collect_query(execute, sql, params, many, context):
    keys = collecting.get()
    if keys is not None and not many and sql.lstrip("( ").startswith(("SELECT", "WITH")):
        keys.update(keys_of_query(sql, params))
    return execute(sql, params, many, context)


def _collect_row(sender, instance, **kwargs):
    """post_init of an AuditedModel: while a page renders for the cache, the row's key."""
    keys = collecting.get()
    if keys is not None and instance.pk is not None:
        keys.add(row_key(sender, instance.pk))


@contextmanager
def collecting_keys():
    """Collects the keys of what is read inside the block into the set it yields."""
    keys = set()
    token = collecting.set(keys)
    try:
        with ExitStack() as stack:
            # Every database: anonymous pages read from the replicas (config.routing).
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(_collect_query))
            yield keys
    finally:
        collecting.reset(token)


# -- purges: where they are counted ----------------------------------------------------------------------


def shares_cache():
    """Whether the default cache is shared between processes (anything but LocMemCache, e.g. Redis): then
    the purges are counted in it, else in the purge log beside PAGE_CACHE_VERSION_FILE."""
    return not isinstance(caches["default"], LocMemCache)


def _purged_key(key):
    return f"pages:purged:{key}"


class SharedPurges:
    """Purges counted in the shared cache (Redis): a counter, and each key's last purge as the counter's
    value then, kept PAGE_CACHE_SECONDS and a minute (a page never outlives that), so they stay bounded."""

    # Atomic, so that a later purge always leaves a larger value on a key, whatever the interleaving.
    SCRIPT = (
        "local n = redis.call('INCR', KEYS[1]) "
        "for i = 2, #KEYS do redis.call('SET', KEYS[i], n, 'EX', ARGV[1]) end "
        "return n"
    )

    # Through the Redis client itself: Django's get_many() validates every key character by character, a
    # millisecond for a page of a hundred keys; these names are the cache's own (its KEY_PREFIX, version).
    # One client per process and cache backend: redis-py builds a client in about 0.25 ms (its response
    # callbacks), which Django's RedisCache pays on every call; the connection pool is shared either way.
    def _client(self, write=False):
        backend = cache._cache
        if getattr(self, "_backend", None) is not backend:
            self._backend, self._clients = backend, {}
        if write not in self._clients:
            self._clients[write] = backend.get_client(write=write)
        return self._clients[write]

    def stored_page(self, key):
        """What the cache holds at key (a str, before the cache's prefix and version), or None: as
        cache.get(), through this process's client (Django's RedisCache builds a client for each call)."""
        value = self._client().get(cache.make_key(key))
        return None if value is None else cache._cache._serializer.loads(value)

    def current(self):
        """(counter, next_change): the purge counter now (int) and the next scheduled publication (Unix
        time, float), in one round trip."""
        counter, next_change = self._client().mget(
            [cache.make_key(COUNTER_KEY), cache.make_key(NEXT_CHANGE_KEY)]
        )
        return int(counter or 0), float(next_change or NO_SCHEDULE)

    # Whether any of KEYS was purged after ARGV[1] (the page's counter when stored): 1 if none was. In Redis,
    # so that a page's hundred-odd keys cost one number back, not one reply each (redis-py reads each in
    # about 10 us: a person's page has 165).
    CHECK_SCRIPT = (
        "local since = tonumber(ARGV[1]) "
        "for i = 1, #KEYS do "
        "local purged = redis.call('GET', KEYS[i]) "
        "if purged and tonumber(purged) > since then return 0 end "
        "end "
        "return 1"
    )

    def check(self, keys, since):
        """(fresh, next_change): whether none of keys (nor ALL) was purged after the counter's value since
        (int), and the next scheduled publication. One round trip when nothing at all was purged since the
        page was stored (the counter rises with every purge, in the same step as its keys are marked); two
        otherwise."""
        make_key = cache.make_key
        counter, everything, next_change = self._client().mget(
            [make_key(COUNTER_KEY), make_key(_purged_key(ALL)), make_key(NEXT_CHANGE_KEY)]
        )
        next_change = float(next_change or NO_SCHEDULE)
        if everything is not None and int(everything) > since:
            return False, next_change
        if int(counter or 0) <= since or not keys:
            return True, next_change
        names = [make_key(_purged_key(key)) for key in keys]
        return bool(self._client().eval(self.CHECK_SCRIPT, len(names), *names, since)), next_change

    def purge(self, keys):
        """Counts a purge of keys (an iterable of str); returns the counter's new value."""
        names = [cache.make_key(name) for name in (COUNTER_KEY, *map(_purged_key, keys))]
        return int(
            self._client(write=True).eval(self.SCRIPT, len(names), *names, settings.PAGE_CACHE_SECONDS + 60)
        )

    def set_next_change(self, moment):
        self._client(write=True).set(cache.make_key(NEXT_CHANGE_KEY), repr(float(moment)))

    def claim(self, moment):
        """Whether this process is the first to claim the scheduled publication at moment (Unix time)."""
        return cache.add(f"pages:going-live:{moment}", 1, timeout=60)


class PurgeLog:
    """Purges counted in an append-only file that every process of the machine tails: each line is
    "<counter> <key>" (or "<counter> @next <Unix time>" for the next scheduled publication). Writers hold an
    exclusive lock (flock on "<file>.lock") while appending; readers take none: a stat() tells them whether
    the log grew, and they read only the new lines. Past 1 MB, a writer rewrites it with each key's last
    purge only (a new file, replaced whole: readers see the new inode and read it again)."""

    COMPACT_BYTES = 1 << 20

    def __init__(self):
        self.mutex = threading.Lock()
        self.path = None
        self.reset()

    def reset(self):
        self.purged, self.counter, self.next_change = {}, 0, NO_SCHEDULE
        self.inode, self.offset = None, 0

    def _path(self):
        path = settings.PAGE_CACHE_VERSION_FILE
        return path.with_name(f"{path.name}.purges")

    def _catch_up(self):
        path = self._path()
        if path != self.path:
            self.path = path
            self.reset()
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            if self.inode is not None:
                self._lost()
            self.reset()
            return
        if stat.st_ino != self.inode or stat.st_size < self.offset:
            known = self.counter if self.inode is not None else None
            self.reset()
            self.inode = stat.st_ino
            self._read(path, stat.st_size)
            if known is not None and self.counter < known:
                self._lost()  # not a compaction, which keeps every counter: a new log
            return
        self._read(path, stat.st_size)

    def _lost(self):
        """The log was deleted or replaced (a clean-up of var/, a deploy): the purges it held are gone, so no
        page stored before can be shown to be fresh. Drops them: this process's pages and the machine's."""
        logger.warning("The page cache's purge log %s was lost: dropping the pages cached before", self.path)
        caches["default"].clear()
        machine_pages().clear()

    def _read(self, path, size):
        """Reads the lines appended to the log at path (size bytes long, by stat()) since the last read."""
        if size == self.offset:
            return
        with open(path, "rb") as log:
            log.seek(self.offset)
            data = log.read()
        end = data.rfind(b"\n") + 1  # a line still being written is read next time
        self.offset += end
        for line in data[:end].decode().splitlines():
            counter, key, *rest = line.split(" ")
            counter = int(counter)
            self.counter = max(self.counter, counter)
            if key == "@next":
                self.next_change = float(rest[0])
            else:
                self.purged[key] = counter

    def current(self):
        """As SharedPurges.current(), from the log (one stat() when nothing changed)."""
        with self.mutex:
            self._catch_up()
            return self.counter, self.next_change

    def check(self, keys, since):
        """As SharedPurges.check(), from the log."""
        with self.mutex:
            self._catch_up()
            purged = self.purged
            fresh = purged.get(ALL, 0) <= since and all(purged.get(key, 0) <= since for key in keys)
            return fresh, self.next_change

    @contextmanager
    def _locked(self):
        path = self._path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(f"{path.name}.lock"), "a") as lock, self.mutex:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._catch_up()
                yield path
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _append(self, path, lines):
        with open(path, "a") as log:
            log.write("".join(f"{line}\n" for line in lines))
        # Compacted, the log holds one line per key ever purged: it is compacted again once it has grown
        # well past that, not at every purge.
        limit = max(self.COMPACT_BYTES, 4 * 32 * len(self.purged))
        if self.offset + sum(len(line) + 1 for line in lines) > limit:
            self._compact(path)

    def _compact(self, path):
        self._catch_up()
        lines = [f"{counter} {key}" for key, counter in self.purged.items()]
        lines.append(f"{self.counter} @next {self.next_change}")
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text("".join(f"{line}\n" for line in lines))
        os.replace(partial, path)

    def purge(self, keys):
        """Counts a purge of keys (an iterable of str); returns the counter's new value."""
        with self._locked() as path:
            counter = self.counter + 1
            self._append(
                path, [f"{counter} {key}" for key in keys] or [f"{counter} @next {self.next_change}"]
            )
            self._catch_up()
            return counter

    def set_next_change(self, moment):
        with self._locked() as path:
            self._append(path, [f"{self.counter} @next {moment}"])
            self._catch_up()

    def claim(self, moment):
        """Whether this process is the first to claim the scheduled publication at moment (Unix time): the
        first to take the log's lock while it still says moment. The claim moves it 30 s on, when another
        process tries again if this one never counts the next."""
        with self._locked() as path:
            if self.next_change != moment:
                return False
            self._append(path, [f"{self.counter} @next {moment + 30}"])
            self._catch_up()
            return True


_log = PurgeLog()
_shared = SharedPurges()


def purges():
    """Where purges are counted: SharedPurges with a shared cache, else the machine's PurgeLog."""
    return _shared if shares_cache() else _log


# -- what a change purges ---------------------------------------------------------------------------------


def _forward_keys(instance, values):
    """Row keys of the rows instance's foreign keys point at, by values ({attname: value})."""
    keys = set()
    for field in instance._meta.concrete_fields:
        if field.many_to_one or field.one_to_one:
            value = values.get(field.attname)
            if value is not None and issubclass(field.related_model, AuditedModel):
                keys.add(row_key(field.related_model, value))
    return keys


def related_keys(instance):
    """Keys of every row related to instance by a many-to-many or reverse relation, read with one query per
    relation: the pages of those rows may list instance. Over MAX_KEYS_BYTES of them, their model's list
    key instead (bounded())."""
    keys = set()
    for relation in instance._meta.get_fields():
        model = relation.related_model
        if not (relation.many_to_many or relation.one_to_many) or model is None:
            continue
        if not issubclass(model, AuditedModel):
            continue
        accessor = relation.get_accessor_name() if relation.auto_created else relation.name
        manager = getattr(instance, accessor, None)
        if manager is None:
            continue
        pks = list(manager.order_by().values_list("pk", flat=True)[:1000])
        keys.update(row_key(model, pk) for pk in pks)
        if len(pks) == 1000:
            keys.add(list_key(model))
    return keys


def _snapshot(instance):
    """What the row stood as before a save: {attname: value} of status, published_at and foreign keys, read
    from the database (one query), or None for a new row."""
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values(*_watched(type(instance))).first()


def _stored(instance):
    """{attname: value} of instance's status, published_at and foreign keys as they are in memory."""
    return {name: getattr(instance, name) for name in _watched(type(instance))}


@memoized
def _watched(model):
    """The attnames a save compares with the stored row: status, published_at, and the foreign keys to
    rows editors keep (not who changed it: created_by, updated_by)."""
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field.attname in ("status", "published_at")
        or ((field.many_to_one or field.one_to_one) and issubclass(field.related_model, AuditedModel))
    )


def changed_keys(instance, before, *, created=False, deleted=False, went_live=False):
    """The keys a change of instance (an AuditedModel row) purges, by the rules of the module's docstring
    (a set of str, empty for a row never public). before: {attname: value} of the row's status,
    published_at and foreign keys as stored before (None when new or unknown); created: a new row;
    deleted: a deleted row; went_live: a scheduled row whose time came."""
    model = type(instance)
    after = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
    if isinstance(instance, PublishableModel):
        # A scheduled row counts as public: the pages it will enter are purged when it is saved, so that
        # the copies a shared cache keeps are made again with their s-maxage cut at its publication time
        # (a cache in front keeps a page until then, whether or not a request reaches the app).
        was = not went_live and before is not None and before["status"] == PublicationStatus.PUBLISHED
        now_public = not deleted and instance.status == PublicationStatus.PUBLISHED
        if not was and not now_public:
            return set()
        toggled = was != now_public and not created
    else:
        toggled = deleted  # a claim or credit goes with its parents' publication (related_keys())
    keys = {row_key(model, instance.pk), list_key(model)}
    if created or before is None:
        # A new row: the pages of the rows it points at may list it; nothing else read it yet.
        return keys | _forward_keys(instance, after)
    moved = any(before[name] != after.get(name) for name in before if name not in ("status", "published_at"))
    if toggled or moved:
        keys |= {membership_key(model)} | _forward_keys(instance, after) | _forward_keys(instance, before)
    return keys


# -- signals ----------------------------------------------------------------------------------------------


class PendingPurge:
    """The keys one transaction purged, purged again once it commits, and sent to the HTTP caches: an
    on_commit callback (one per transaction, found again by its type)."""

    def __init__(self):
        self.keys = set()

    def __call__(self):
        purge(self.keys, http=True, with_lists=False)  # the keys were completed when first purged


def purge(keys, *, http=False, after_commit=False, with_lists=True):
    """Purges keys (an iterable of str) from the page cache at once; with after_commit, again once the
    transaction commits, then from the HTTP caches in front too; with http, from those at once. Nothing
    while held_back is set. with_lists: a row key purges its model's list key too (see below)."""
    keys = set(keys)
    if not keys or held_back.get():
        return
    # A row's purge is its model's lists' too: a page over MAX_KEYS_BYTES carries the list key for its rows.
    if with_lists:
        keys |= {label for label, _, pk in (key.rpartition(".") for key in keys) if pk.isdigit()}
    purges().purge(keys)
    if http:
        purge_http_caches(keys)
    if after_commit:
        pending = next(
            (
                entry[1]
                for entry in getattr(connection, "run_on_commit", [])
                if isinstance(entry[1], PendingPurge)
            ),
            None,
        )
        if pending is None:
            pending = PendingPurge()
            pending.keys |= keys
            transaction.on_commit(pending)  # runs at once outside a transaction
        else:
            pending.keys |= keys


def _before_save(sender, instance, raw=False, **kwargs):
    if held_back.get() or not isinstance(instance, AuditedModel):
        return
    instance._pagecache_before = None if raw else _snapshot(instance)


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    if held_back.get() or not isinstance(instance, AuditedModel):
        return
    before = instance.__dict__.pop("_pagecache_before", None)
    keys = changed_keys(instance, before, created=created or raw)
    publishable = isinstance(instance, PublishableModel)
    if keys and before is not None and not created and publishable:
        toggled = (before["status"] == PublicationStatus.PUBLISHED) != (
            instance.status == PublicationStatus.PUBLISHED
        )
        keys |= related_keys(instance) if toggled else set()
    if isinstance(instance, PublishableModel) and instance.is_scheduled:
        schedule(instance.published_at.timestamp())
    if not keys and publishable:
        purge_pages_that_loaded(instance)
        return
    purge(keys, after_commit=True)


def purge_pages_that_loaded(instance):
    """Purges the row key of instance, a row never public before or after its change, and no list: the
    only public pages that carry it loaded the row without its being published (a draft outlet named on a
    published piece's line), and show its new values. A draft no public page read purges nothing."""
    purge({row_key(type(instance), instance.pk)}, after_commit=True, with_lists=False)


def _before_delete(sender, instance, **kwargs):
    if held_back.get() or not isinstance(instance, AuditedModel):
        return
    if not isinstance(instance, PublishableModel) or instance.is_published:
        instance._pagecache_related = related_keys(instance)


def _after_delete(sender, instance, **kwargs):
    if held_back.get() or not isinstance(instance, AuditedModel):
        return
    keys = changed_keys(instance, _stored(instance), deleted=True)
    if not keys and isinstance(instance, PublishableModel):
        purge_pages_that_loaded(instance)
        return
    purge(keys | instance.__dict__.pop("_pagecache_related", set()), after_commit=True)


def _relation_changed(sender, instance, action, model, pk_set, **kwargs):
    """m2m_changed: both sides' rows and list keys. A clear names no rows, and needs none: every
    page that showed a row it unlinks loaded it with instance, whose key it carries."""
    if held_back.get() or not isinstance(instance, AuditedModel) or not issubclass(model, AuditedModel):
        return
    if isinstance(instance, PublishableModel) and instance.status != PublicationStatus.PUBLISHED:
        return  # a draft's relations show nowhere (a scheduled row's will: see changed_keys())
    if not action.startswith("post_"):
        return
    keys = {row_key(type(instance), instance.pk), list_key(type(instance)), list_key(model)}
    keys |= {row_key(model, pk) for pk in pk_set or ()}
    purge(keys, after_commit=True)


def connect_signals():
    """Connects the receivers that tag pages (post_init of every AuditedModel) and purge them (pre_save,
    post_save, pre_delete, post_delete, m2m_changed): EditorialConfig.ready()."""
    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            post_init.connect(_collect_row, sender=model, dispatch_uid=f"pagecache-init-{model._meta.label}")
    pre_save.connect(_before_save, dispatch_uid="pagecache-pre-save")
    post_save.connect(_after_save, dispatch_uid="pagecache-post-save")
    pre_delete.connect(_before_delete, dispatch_uid="pagecache-pre-delete")
    post_delete.connect(_after_delete, dispatch_uid="pagecache-post-delete")
    m2m_changed.connect(_relation_changed, dispatch_uid="pagecache-m2m")


def rows_changed(model, pks):
    """For writes that send no signal (bulk updates: press.importing): purges the row keys of pks (of
    model, an AuditedModel) and, when any of them is on the site, the model's list and membership keys.
    A draft's rows show on no page, so theirs purge nothing public."""
    pks = list(pks)
    keys = {row_key(model, pk) for pk in pks}
    queryset = model._base_manager.filter(pk__in=pks)
    if (
        not issubclass(model, PublishableModel)
        or queryset.filter(**{"status": PublicationStatus.PUBLISHED}).exists()
    ):
        keys |= {list_key(model), membership_key(model)}
    purge(keys, after_commit=True)


# -- scheduled publications -------------------------------------------------------------------------------


def next_scheduled_publication():
    """When the next published but not yet live row goes live (Unix time, float; NO_SCHEDULE when none):
    one query over every publishable model."""
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


def schedule(moment):
    """Makes moment (Unix time) the next scheduled publication if it comes before the one known."""
    _, known = purges().current()
    if moment < known:
        purges().set_next_change(moment)


def go_live(moment):
    """What the schedule said goes live at moment (Unix time) has: one process (the first to see it) purges
    what those rows' publication changes, as a save publishing them would, then counts the next one."""
    if not purges().claim(moment):
        return
    now = timezone.now()
    since = datetime.fromtimestamp(moment - 1, tz=UTC)
    keys = set()
    for model in apps.get_models():
        if issubclass(model, PublishableModel):
            for row in model.objects.filter(
                status=PublicationStatus.PUBLISHED, published_at__gte=since, published_at__lte=now
            ):
                keys |= changed_keys(row, {}, went_live=True) | related_keys(row)
    purge(keys, http=True)
    purges().set_next_change(next_scheduled_publication())


# -- the state, as earlier versions of this module named it (tests and tools read it) ---------------------


class ContentState:
    """The purge counter now (version: it changes with every purge) and when the next scheduled publication
    goes live (next_change, a Unix time)."""

    def __init__(self, version=0, next_change=NO_SCHEDULE):
        self.version = version
        self.next_change = next_change

    def is_outdated(self):
        """Whether the next scheduled publication's time has come."""
        return time.time() >= self.next_change


def read_state():
    """The current ContentState."""
    return ContentState(*purges().current())


def start_new_version(next_change=None):
    """Makes every page cached so far stale (purges ALL, in this app's cache only), and counts the next
    scheduled publication again unless next_change (Unix time) is given; returns the new ContentState."""
    purges().purge([ALL])
    purges().set_next_change(next_scheduled_publication() if next_change is None else next_change)
    return read_state()


def content_changed(sender, instance=None, **kwargs):
    """Kept for callers of earlier versions: a change of instance (an AuditedModel row) that sent no signal
    purges its row (rows_changed())."""
    if isinstance(instance, AuditedModel):
        rows_changed(type(instance), [instance.pk])


# -- HTTP caches in front ---------------------------------------------------------------------------------


def purge_http_caches(keys):
    """Sends a purge of keys (an iterable of str) to each of CACHE_PURGE_URLS: "PURGE <url>" with the keys
    in the xkey and Surrogate-Key headers (Varnish with varnish-modules' xkey; a Fastly purge is the same
    with "POST https://api.fastly.com/service/<id>/purge" and CACHE_PURGE_HEADERS={"Fastly-Key": ...}); a
    Cloudflare URL (api.cloudflare.com) gets its JSON body {"tags": [...]} instead. Keys go in batches
    under MAX_KEYS_BYTES. All of them together wait at most CACHE_PURGE_TIMEOUT seconds for each URL: a cache
    that hangs costs a save that much, not that much per batch (a bulk action's 20 batches took a minute).
    A failure (refused, the time out, an error status) is logged, never raised: the save it follows is kept;
    what was not purged lives until its s-maxage."""
    keys = sorted(keys)
    if not keys or not settings.CACHE_PURGE_URLS:
        return
    batches, batch = [], []
    for key in keys:
        if batch and len(" ".join([*batch, key])) > MAX_KEYS_BYTES:
            batches.append(batch)
            batch = []
        batch.append(key)
    batches.append(batch)
    for entry in settings.CACHE_PURGE_URLS:
        method, _, url = entry.strip().rpartition(" ")
        deadline = time.monotonic() + settings.CACHE_PURGE_TIMEOUT
        for number, batch in enumerate(batches):
            left = deadline - time.monotonic()
            if left <= 0:
                unsent = sum(len(rest) for rest in batches[number:])
                logger.error(
                    "Purging %d keys from %s gave up: out of time (CACHE_PURGE_TIMEOUT)", unsent, url
                )
                break
            headers = dict(settings.CACHE_PURGE_HEADERS)
            body = None
            if urlsplit(url).hostname == "api.cloudflare.com":
                body = json.dumps({"tags": batch}).encode()
                headers["Content-Type"] = "application/json"
            else:
                headers["xkey"] = headers["Surrogate-Key"] = " ".join(batch)
            request = urllib.request.Request(url, data=body, headers=headers, method=method or "PURGE")
            try:
                with urllib.request.urlopen(request, timeout=left) as answer:
                    answer.read()
            except (OSError, ValueError) as error:
                logger.error("Purging %d keys from %s failed: %s", len(batch), url, error)


# -- the middleware ---------------------------------------------------------------------------------------


def machine_pages():
    """Without a shared cache, the pages every worker process of this machine has rendered: a FileBasedCache
    in the folder "<PAGE_CACHE_VERSION_FILE>.pages" (at most 5,000 pages). Each worker keeps the pages
    it serves in its own memory (LocMemCache), and a page it lacks (a worker just started, gunicorn's
    max_requests restarting one, a page the memory evicted) is read from here (a fraction of a millisecond)
    rather than rendered again (a cold render of the home page stalled the whole benchmark's p99)."""
    path = settings.PAGE_CACHE_VERSION_FILE
    location = str(path.with_name(f"{path.name}.pages"))
    if getattr(machine_pages, "location", None) != location:
        machine_pages.store = FileBasedCache(
            location, {"OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4}}
        )
        machine_pages.location = location
    return machine_pages.store


def lookup(key):
    """The stored entry of the page at key (a tuple: since, status, content, headers, keys, stored at), or
    None: from the default cache, else (without a shared cache) from machine_pages(), then kept in this
    process's memory for what is left of its PAGE_CACHE_SECONDS."""
    if shares_cache():
        return _shared.stored_page(key)
    entry = cache.get(key)
    if entry is None:
        entry = machine_pages().get(key)
        if entry is not None:
            left = int(entry[5] + settings.PAGE_CACHE_SECONDS - time.time())
            if left <= 0:
                return None
            cache.set(key, entry, left)
    return entry


def cache_key(request):
    """The cache key of a page: "pages:" and the SHA-256 of its scheme, host, path and query string."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:" + hashlib.sha256(address.encode()).hexdigest()


class PublicPageCacheMiddleware:
    """Serves anonymous GET and HEAD requests of the public site from the cache while none of the keys of
    the stored page was purged since it was rendered, and stores each 200 answer to a GET (no cookies set,
    not private or no-store) for at most PAGE_CACHE_SECONDS (seconds; 0 turns the cache off).

    Stored pages go out with an ETag, Cache-Control "public, max-age=0, s-maxage=<PAGE_CACHE_SECONDS, or
    until the next scheduled publication>" (browsers revalidate, a shared cache keeps the page until it is
    purged), their keys in Surrogate-Key and xkey (space-separated) and Cache-Tag (comma-separated,
    Cloudflare), and X-Page-Cache: hit or miss. Requests with a session cookie pass through, their answers
    marked private, no-store unless the view set Cache-Control itself."""

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
        store = purges()
        entry = lookup(key)
        if entry is not None:
            since, status, content, headers, keys, _ = entry
            fresh, next_change = store.check(keys, since)
        else:
            fresh, (_, next_change) = False, store.current()
        if time.time() >= next_change:
            go_live(next_change)
            fresh = entry is not None and store.check(keys, since)[0]
        if fresh:
            response = HttpResponse(content, status=status, headers=headers)
            response[HIT_HEADER] = "hit"
            return response

        if request.method != "GET":
            return self.get_response(request)
        since, next_change = store.current()
        with collecting_keys() as keys:
            response = self.get_response(request)
        if self.is_cacheable_response(response):
            keys = bounded(keys)
            seconds = max(1, int(min(settings.PAGE_CACHE_SECONDS, next_change - time.time())))
            patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
            set_response_etag(response)
            response["Surrogate-Key"] = response["xkey"] = " ".join(keys)
            response["Cache-Tag"] = ",".join(keys)
            entry = (since, response.status_code, response.content, dict(response.headers), keys, time.time())
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            if not shares_cache():
                machine_pages().set(key, entry, settings.PAGE_CACHE_SECONDS)
        response[HIT_HEADER] = "miss"
        return response

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
