"""Two-factor sign-in to the admin: the rules and the door.

A staff account signs in with its password (the admin's sign-in page, django-axes counting the failures),
then, once it has a second factor, with a code: from an authenticator app (django-otp's TOTPDevice) or one of
its one-time recovery codes (a StaticDevice). SecondFactorMiddleware keeps every admin address but the code
step shut until then; with settings.OTP_REQUIRED_FOR_STAFF an account without a second factor reaches only
the page that sets one up. The pages themselves are in editorial.admin.twofactor.

What is never written anywhere, logs included: a secret, a code.
"""

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_second_factor(user):
    """True when user (a signed-in User) has a confirmed device: an authenticator app or recovery codes.
    One query."""
    devices = [
        model.objects.filter(user=OuterRef("pk"), confirmed=True) for model in (TOTPDevice, StaticDevice)
    ]
    accounts = get_user_model()._default_manager.filter(pk=user.pk)
    return accounts.filter(Exists(devices[0]) | Exists(devices[1])).exists()


def is_verified(user):
    """True when this session's second factor (django-otp's OTPMiddleware) verified user."""
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def what_is_missing(user):
    """For a signed-in staff user, what stands between them and the admin: "code" (they have a second
    factor and this session has not given it), "enrolment" (they have none and OTP_REQUIRED_FOR_STAFF is
    on) or None (the admin is theirs, as far as two-factor sign-in goes). None for anyone else too."""
    if not (user.is_authenticated and user.is_active and user.is_staff) or is_verified(user):
        return None
    if has_second_factor(user):
        return "code"
    if settings.OTP_REQUIRED_FOR_STAFF:
        return "enrolment"
    return None


class SecondFactorMiddleware:
    """The admin's door for the second factor, after django-otp's OTPMiddleware.

    For a signed-in staff account that still owes a code (or, with OTP_REQUIRED_FOR_STAFF, a second factor
    it has not set up), every admin address but the sign-in, the sign-out and the two-factor pages that
    remedy it answers: a GET or HEAD, a redirect to the code step (or the setup page) that comes back here
    after; anything else (a save, an action, an upload), 403, with nothing done. Outside the admin the same
    account is a visitor: a draft's preview, which staff see on the site, needs the second factor too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = reverse("admin:index")
        if request.path_info.startswith(admin):
            refusal = self.refusal(request, admin)
            if refusal is not None:
                return refusal
        elif hasattr(request, "user"):
            user = request.user
            # Lazy, as request.user is: a page that never asks who is signed in pays no query for it.
            request.user = SimpleLazyObject(lambda: AnonymousUser() if what_is_missing(user) else user)
        return self.get_response(request)

    def refusal(self, request, admin):
        """The response that stops request (to an admin address) short, or None to let it through."""
        missing = what_is_missing(request.user)
        if missing is None:
            return None
        remedy = reverse("twofactor:verify" if missing == "code" else "twofactor:manage")
        allowed = {reverse("admin:login"), reverse("admin:logout"), remedy}
        if request.path_info in allowed:
            return None
        if request.method in ("GET", "HEAD"):
            response = HttpResponseRedirect(f"{remedy}?{urlencode({'next': request.get_full_path()})}")
        else:
            message = (
                "Give the code of your second factor first"
                if missing == "code"
                else "Set up two-factor sign-in first"
            )
            response = HttpResponseForbidden(
                f"{message} ({remedy}): nothing was done.", content_type="text/plain; charset=utf-8"
            )
        add_never_cache_headers(response)
        return response


# The authenticator app this session is setting up (a TOTPDevice's pk). A secret is shown to one session
# only: kept per account, a secret read by someone holding only the password became the editor's own app
# once the editor confirmed it (found by the attack on issue 18's two-factor sign-in).
PENDING_APP_SESSION_KEY = "two_factor_pending_app"
# Unconfirmed apps older than this are dropped when another is started: sessions that never finished.
PENDING_APP_KEPT = timedelta(days=1)


def pending_app(request, *, create=False):
    """The authenticator app this session (request) is setting up for request.user: its unconfirmed
    TOTPDevice, or None. With create, one is made (a new random secret) when the session has none, and the
    account's unconfirmed apps older than PENDING_APP_KEPT are dropped."""
    user = request.user
    pk = request.session.get(PENDING_APP_SESSION_KEY)
    device = TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first() if pk else None
    if device is None and create:
        TOTPDevice.objects.filter(
            user=user, confirmed=False, created_at__lt=timezone.now() - PENDING_APP_KEPT
        ).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
        request.session[PENDING_APP_SESSION_KEY] = device.pk
    return device


def start_new_app(request):
    """Drops the app this session was setting up, if any, and starts another (a new secret); returns it."""
    cancel_new_app(request)
    return pending_app(request, create=True)


def cancel_new_app(request):
    """Drops the app this session was setting up, if any."""
    pk = request.session.pop(PENDING_APP_SESSION_KEY, None)
    if pk:
        TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).delete()


def confirm_app(request, device, code):
    """Confirms device (this session's pending TOTPDevice, pending_app()) when code is its current code: it
    becomes the one authenticator app of the account (any other, pending or not, is removed), verifies this
    session, and the account gets
    recovery codes if it has none. Returns the new recovery codes (a list of str, to show once), or [] when
    it kept its own. Raises CodeRefused for a wrong code (counted: django-otp throttles the device)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        refuse_while_throttled(device)
        # A wrong code is counted on the device: the refusal is raised once that count is committed.
        confirmed = device.verify_token(normalized(code))
        if confirmed:
            TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = [] if recovery_codes_left(device.user) else new_recovery_codes(device.user)
    if not confirmed:
        logger.warning("Two-factor setup: a wrong code for %s", device.user.get_username())
        raise CodeRefused(
            "That code is not right: type the six digits the app shows now for this press room (a code "
            "lasts 30 seconds; the app and this server must agree on the time)."
        )
    request.session.pop(PENDING_APP_SESSION_KEY, None)
    sign_in_with(request, device)
    logger.info("Two-factor sign-in set up for %s", device.user.get_username())
    return codes


def refuse_while_throttled(device):
    """Raises CodeRefused, saying how long to wait, while device refuses codes after wrong ones."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
        raise CodeRefused(
            f"Too many wrong codes in a row: wait {wait} second{'s' if wait != 1 else ''} and try again, "
            "with a new code."
        )


def recovery_codes_left(user):
    """How many unused recovery codes user has (int)."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_recovery_codes(user, request=None):
    """Voids user's recovery codes and makes settings.OTP_RECOVERY_CODES new ones; returns them (list of
    str), to be shown once: they are kept as given, for django-otp's StaticDevice to match. A session
    (request) that a recovery code verified stays verified, by the new ones.

    The account's row is locked first: two of these at once (two tabs) leave one set of codes, the last,
    where each deleted the codes it saw and both sets were kept."""
    with transaction.atomic():
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if request is not None and isinstance(getattr(request.user, "otp_device", None), StaticDevice):
        otp_login(request, device)
    logger.info("New recovery codes for %s", user.get_username())
    return codes


def normalized(code):
    """code as typed (str) as the devices store it: without spaces or dashes, lower case."""
    return "".join(code.split()).replace("-", "").lower()


class CodeRefused(Exception):
    """A code that did not verify; its text says why, in words for the editor."""


def verify_code(request, code):
    """Verifies this session with code: six digits are asked of the account's authenticator app, anything
    else of its recovery codes (a recovery code then works no more). Asking only the device the code is
    meant for keeps a wrong code from slowing down the other. Returns the device that took it; raises
    CodeRefused (counted by the device, which refuses every code for a while after several wrong ones)."""
    user = request.user
    code = normalized(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.filter(user=user, confirmed=True).select_for_update())
        for device in devices:
            refuse_while_throttled(device)
            if device.verify_token(code):
                break
        else:
            device = None
    if device is None:
        logger.warning("Two-factor sign-in: a wrong code for %s", user.get_username())
        raise CodeRefused(
            "That code is not right. Type the six digits your authenticator app shows now, or one of your "
            "recovery codes."
        )
    sign_in_with(request, device)
    return device


def sign_in_with(request, device):
    """Marks this session as verified by device; the session key changes, as it does at sign-in."""
    request.session.cycle_key()
    otp_login(request, device)


def remove_second_factor(user):
    """Removes every device of user (apps, pending or not, and recovery codes); returns True when it had a
    confirmed one, False when there was no second factor to remove."""
    with transaction.atomic():
        had_one = has_second_factor(user)
        for model in (TOTPDevice, StaticDevice):
            model.objects.filter(user=user).delete()
    return had_one


def forget_verification(request):
    """Drops this session's second factor (after its devices are removed)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
