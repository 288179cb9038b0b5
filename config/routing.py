"""Reads from the read replicas (DATABASE_REPLICA_URLS), writes to the primary.

Editors must see what they just saved, and a replica may lag behind the primary: the admin, every request that
is not a GET or HEAD, and every request from a signed-in user read from the primary too.
"""

import random
from contextvars import ContextVar

from django.conf import settings

PRIMARY = "default"
reading_from_primary = ContextVar("reading_from_primary", default=False)


def replicas():
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        choices = replicas()
        if not choices or reading_from_primary.get():
            return PRIMARY
        return random.choice(choices)

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: replicas are copies of the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


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
        token = reading_from_primary.set(pinned)
        try:
            return self.get_response(request)
        finally:
            reading_from_primary.reset(token)
