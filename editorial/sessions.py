"""Staff sessions: an idle timeout, and "Sign out everywhere".

A password change ends the user's other sessions by itself: Django keeps a hash of the password in each
session and refuses a session whose hash no longer matches (the browser that changed it gets the new hash).

Sign out everywhere needs each user's sessions, which session stores cannot list by user: each sign-in is
recorded (UserSession, at user_logged_in), and so is a session's new key when it changes (a password change
gives the session a new key), by StaffSessionMiddleware, which also signs out a staff session left unused
longer than STAFF_SESSION_IDLE_SECONDS.
"""

import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from editorial.accounts import logger as accounts_logger
from editorial.models import UserSession

# In each staff session: when it was last used (seconds since the epoch), and the key it was recorded under.
SEEN_AT = "staff_seen_at"
RECORDED_KEY = "recorded_session_key"


def record_sign_in(sender, request, user, **kwargs):
    """Records the session user just signed in to (user_logged_in) as a UserSession, and marks it used now;
    forgets that user's recorded sessions older than SESSION_COOKIE_AGE, long expired."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})
    UserSession.objects.filter(
        user=user, signed_in_at__lt=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()
    session[RECORDED_KEY] = session.session_key
    session[SEEN_AT] = int(time.time())


def forget_sign_out(sender, request, user, **kwargs):
    """Forgets the record of the session being signed out of (user_logged_out)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def open_sessions(user):
    """How many sessions user is signed in to (int): the recorded ones still in the session store and
    still holding the user's password hash. Forgets the records of the others (expired, or ended by a
    password change)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    current_hash = user.get_session_auth_hash()
    dead = []
    for record in UserSession.objects.filter(user=user):
        data = store(session_key=record.session_key).load()
        if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), current_hash):
            dead.append(record.pk)
    UserSession.objects.filter(pk__in=dead).delete()
    return UserSession.objects.filter(user=user).count()


def sign_out_everywhere(request):
    """Ends every session of request.user: those of other browsers (deleted from the session store) and
    this one (signed out). Logs it. Returns how many other sessions were ended (int)."""
    user = request.user
    current = request.session.session_key
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=current)
        .values_list("session_key", flat=True)
    )
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).exclude(session_key=current).delete()
    accounts_logger.warning(
        "Signed out everywhere: %r ended %d other sessions at %s.",
        user.get_username(),
        len(keys),
        timezone.now().isoformat(),
    )
    logout(request)
    return len(keys)


class StaffSessionMiddleware:
    """Signs a staff user out after STAFF_SESSION_IDLE_SECONDS without a request (0: never), with a message
    the sign-in page shows, and records a staff session's new key after it changes.

    A form posted after the limit is still handled (saved, or shown again with its errors), then the
    session ends: a text an editor typed over longer than the limit is saved, not lost to a sign-in page.
    Requests without a session cookie (every anonymous visitor) pass through without reading the session
    or the user, so public pages and their cache are as before. The time of use is written at most once a
    minute (a session save), not at every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        idle = self.idle_staff(request)
        if idle and request.method != "POST":
            self.sign_out_idle(request)
        response = self.get_response(request)
        if idle and request.method == "POST" and request.user.is_authenticated:
            self.sign_out_idle(request)
        self.record_new_key(request)
        return response

    def idle_staff(self, request):
        """True when request.user is signed-in staff whose session went unused past the limit; otherwise
        marks the session used now (at most once a minute) and returns False."""
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return False
        now = int(time.time())
        limit = settings.STAFF_SESSION_IDLE_SECONDS
        seen = request.session.get(SEEN_AT)
        if not isinstance(seen, int):
            seen = None
        if limit and seen is not None and now - seen > limit:
            return True
        if seen is None or now - seen >= min(60, max(1, limit // 10)):
            request.session[SEEN_AT] = now
        return False

    def sign_out_idle(self, request):
        """Signs request's user out, with a message saying why for the next page (the sign-in page)."""
        username = request.user.get_username()
        logout(request)
        minutes = max(1, round(settings.STAFF_SESSION_IDLE_SECONDS / 60))
        messages.info(
            request,
            f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without activity. "
            "Sign in again to go on.",
        )
        accounts_logger.info("Signed out idle: %r at %s.", username, timezone.now().isoformat())

    def record_new_key(self, request):
        """Records the session's key when it changed since it was recorded (a password change gives a new
        one), so that "Sign out everywhere" still finds it."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        key = request.session.session_key
        recorded = request.session.get(RECORDED_KEY)
        if not key or key == recorded:
            return
        if recorded:
            UserSession.objects.filter(session_key=recorded).delete()
        UserSession.objects.update_or_create(session_key=key, defaults={"user": user})
        request.session[RECORDED_KEY] = key


def connect_signals():
    """Connects the session records to sign-in and sign-out; called once, from EditorialConfig.ready()."""
    user_logged_in.connect(record_sign_in, dispatch_uid="editorial.sessions.record_sign_in")
    user_logged_out.connect(forget_sign_out, dispatch_uid="editorial.sessions.forget_sign_out")
