"""Reads from the read replicas (DATABASE_REPLICA_URLS), writes to the primary.

Editors must see what they just saved, and a replica may lag behind the primary: the admin, every request that
is not a GET or HEAD, and every request from a signed-in user read from the primary too.
"""

import random
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

from django.conf import settings

PRIMARY = "default"
pinned_database = ContextVar("pinned_database", default=None)


@contextmanager
def reading_from(alias):
    """Every read in this block, the ORM's own checks included, goes to the given database."""
    token = pinned_database.set(alias)
    try:
        yield
    finally:
        pinned_database.reset(token)


def replicas():
    """The aliases (list of str) of the read replicas in settings.DATABASES: "replica_1", "replica_2"...,
    one per URL in DATABASE_REPLICA_URLS; empty when there are none.
    """
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class PrimaryReplicaRouter:
    """The database router (settings.DATABASE_ROUTERS): reads go to a replica chosen at random, writes to the
    primary ("default"); inside reading_from(alias) both go to that alias.
    """

    def db_for_read(self, model, **hints):
        """The pinned alias, else a random replica, else "default" when there is no replica."""
        if pinned := pinned_database.get():
            return pinned
        return random.choice(replicas() or [PRIMARY])

    def db_for_write(self, model, **hints):
        """The pinned alias, else "default"."""
        return pinned_database.get() or PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: replicas are copies of the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The primary; replicas copy it. Another database (the synthetic archive) only while a command that
        # fills it has pinned it, so that checks and tests never expect it to exist.
        return db in (PRIMARY, pinned_database.get())


class PrimaryForEditorsMiddleware:
    """Pins a request's reads to the primary if it writes, is in the admin, or comes from a signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pinned = (
            request.method not in ("GET", "HEAD")
            or request.path.startswith("/admin/")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        with reading_from(PRIMARY) if pinned else nullcontext():
            return self.get_response(request)
