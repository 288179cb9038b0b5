"""Sign-in lockouts (django-axes) that stop guessing, who may lift them, and the record of every sign-in and
lockout.

Three lockout rules (AXES_LOCKOUT_PARAMETERS), each with its own limit of failed sign-ins within the
cool-off (AXES_COOLOFF_TIME), read from settings:

- a username from one address: AXES_FAILURE_LIMIT (5), the narrow rule a mistyping editor meets;
- a username from any addresses: AXES_USERNAME_FAILURE_LIMIT (10), against guessing one editor's password
  from many machines;
- an address over any usernames: AXES_ADDRESS_FAILURE_LIMIT (10), against one common password tried on
  every account.

Failures of one username from one address add up while each comes within a cool-off of the one before
(django-axes keeps one AccessAttempt for them, dated by the newest), so a lockout ends at the latest a
cool-off after the last failure it counted; a try while locked out is refused and not counted
(AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so an attacker's retries never extend it.
An editor with the permission editorial.unlock_account lifts one sooner (lift_lockout(), in the admin's
Sign-in lockouts), and the lockout page names who can (who_can_unlock()).

Every lockout, refused try, sign-in and lifted lockout is logged to the logger "editorial.accounts" with the
address and time; django-axes also keeps each failure (AccessFailureLog) and each sign-in (AccessLog).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_logged_in
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from editorial.models import SignInLockout

logger = logging.getLogger("editorial.accounts")

# The permission that lifts a lockout (on editorial.SignInLockout; Editors get it in editorial 0004).
UNLOCK_PERMISSION = "editorial.unlock_account"
# How many names the lockout page gives at most, and how many lockouts of each rule the admin lists.
MOST_NAMES = 10
MOST_LOCKOUTS = 200


@dataclass(frozen=True)
class Rule:
    """A lockout rule: the AccessAttempt fields it counts failures by, the setting holding its limit, and
    how the lockout page and the admin name it."""

    key: str
    fields: tuple
    limit_setting: str
    description: str

    def limit(self):
        """The rule's limit (int): failed sign-ins within the cool-off that lock out."""
        return getattr(settings, self.limit_setting)


PAIR = Rule("pair", ("username", "ip_address"), "AXES_FAILURE_LIMIT", "this username from this address")
USERNAME = Rule("username", ("username",), "AXES_USERNAME_FAILURE_LIMIT", "this username from every address")
ADDRESS = Rule("address", ("ip_address",), "AXES_ADDRESS_FAILURE_LIMIT", "every username from this address")
RULES = {rule.key: rule for rule in (PAIR, USERNAME, ADDRESS)}


def rule_for(parameter):
    """The Rule of one entry of AXES_LOCKOUT_PARAMETERS (a field name or a list of them); a combination this
    module does not know (one with user_agent, say) counts against AXES_FAILURE_LIMIT."""
    fields = (parameter,) if isinstance(parameter, str) else tuple(parameter)
    for rule in RULES.values():
        if set(rule.fields) == set(fields):
            return rule
    return Rule("other", fields, "AXES_FAILURE_LIMIT", "these sign-in details")


@dataclass(frozen=True)
class Lockout:
    """Failed sign-ins counted by one rule: for a sign-in attempt (the rule nearest its limit) or in the
    admin's list (a lockout in force). username and address are those the rule counts by (None otherwise);
    last is the newest failure counted, and the lockout ends a cool-off after it at the latest (until)."""

    rule: Rule
    failures: int
    limit: int
    username: str | None = None
    address: str | None = None
    last: datetime | None = None
    addresses: int = 0
    usernames: int = 0

    @property
    def until(self):
        """When the lockout ends at the latest (a datetime, or None without a cool-off): a cool-off after
        its last failure. Sooner when older failures, each counted for a cool-off after it, leave the rest
        below the limit."""
        cool_off = get_cool_off()
        return self.last + cool_off if self.last and cool_off else None


class LockoutRulesHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per lockout rule, and a sign-in that forgives only its own
    username's failures from its own address.

    Why a subclass: django-axes compares every rule of AXES_LOCKOUT_PARAMETERS with one AXES_FAILURE_LIMIT
    (get_failures() is the largest count of any rule), and a callable limit is not told which rule it is
    for; here each rule has its limit (Rule.limit()). And on a successful sign-in with
    AXES_RESET_ON_SUCCESS it deletes the attempts matching any rule, so signing in to any account (one's
    own) would wipe an address's count of guesses at every other account.
    """

    def get_failures(self, request, credentials=None):
        """The failures of the rule nearest its limit, as a count against AXES_FAILURE_LIMIT (int): that limit
        less the failures the rule still allows, so that django-axes' own comparison (failures >= limit)
        locks out exactly when some rule reaches its own limit. The rule's Lockout is left on the request
        (request.axes_lockout) for the lockout page; on a tie, the broader rule's."""
        nearest = None
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            rule = rule_for(parameter)
            lockout = Lockout(
                rule=rule,
                failures=totals["failures"] or 0,
                limit=rule.limit(),
                username=get_client_username(request, credentials) if "username" in rule.fields else None,
                address=request.axes_ip_address if "ip_address" in rule.fields else None,
                last=totals["last"],
            )
            if nearest is None or lockout.failures - lockout.limit >= nearest.failures - nearest.limit:
                nearest = lockout
        request.axes_lockout = nearest
        if nearest is None:
            return 0
        return max(0, settings.AXES_FAILURE_LIMIT + nearest.failures - nearest.limit)

    def reset_user_attempts(self, request, credentials=None):
        """Deletes the failed sign-ins of the username just signed in from this address only; returns how
        many attempt rows went. Its failures elsewhere, and other usernames' from this address, still count
        until the cool-off ends or an editor lifts the lockout."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


class OneSignInAtATimeMiddleware:
    """Sign-ins to the admin for one username, or from one address, are checked one at a time.

    django-axes counts failures, then checks a password, then records the failure: twenty guesses sent at
    the same moment were all checked before any was counted (20 against a limit of 10, found by an attack
    on issue 18's lockouts), and on SQLite most of them answered "database is locked". Here a POST to the
    admin's sign-in runs in a transaction that first takes a lock for its username and one for its
    address (PostgreSQL's advisory locks, always in the same order, so two sign-ins never wait on each
    other; on SQLite, the transaction begins IMMEDIATE and so holds the database's one write lock), and
    the next sign-in waits until this one's failure is counted. Place it just before axes' middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path_info != reverse("admin:login"):
            return self.get_response(request)
        names = sorted(
            {
                f"sign-in username {get_client_username(request)}",
                f"sign-in address {get_client_ip_address(request)}",
            }
        )
        with transaction.atomic():
            connection = transaction.get_connection()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for name in names:
                        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
            return self.get_response(request)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE): AXES_LOCKOUT_TEMPLATE with status 429, saying which rule
    locked the sign-in out, until when, and whom to ask (who_can_unlock()). Its context: lockout (a Lockout
    or None), username (as typed), address (the visitor's own), failure_limit, cooloff_timedelta, until,
    unlock_contact (str) and unlockers (list of names)."""
    if isinstance(original_response, dict):  # django-axes' async middleware passes (request, credentials)
        credentials, original_response = original_response, None
    lockout = getattr(request, "axes_lockout", None)
    contact, names = who_can_unlock()
    context = {
        "lockout": lockout,
        "username": get_client_username(request, credentials) or "",
        "address": getattr(request, "axes_ip_address", None),
        "failure_limit": lockout.limit if lockout else settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": get_cool_off(request),
        "until": lockout.until if lockout else None,
        "unlock_contact": contact,
        "unlockers": names,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


def who_can_unlock():
    """Whom the lockout page tells a locked-out editor to ask: (contact, names). contact is
    ACCOUNT_UNLOCK_CONTACT when set (then names is empty); otherwise names lists the full names of the
    active staff who can lift a lockout (superusers, and whoever has UNLOCK_PERMISSION through a group or
    of their own), at most MOST_NAMES, A to Z by last name. Someone without a full name is left out: the
    page is public, and a username or an address would tell a guesser what to try."""
    contact = settings.ACCOUNT_UNLOCK_CONTACT
    if contact:
        return contact, []
    app_label, codename = UNLOCK_PERMISSION.split(".")
    permission = Q(content_type__app_label=app_label, codename=codename)
    can_unlock = (
        Q(is_superuser=True)
        | Q(groups__permissions__in=Permission.objects.filter(permission))
        | Q(user_permissions__in=Permission.objects.filter(permission))
    )
    rows = (
        get_user_model()
        .objects.filter(can_unlock, is_active=True, is_staff=True)
        .exclude(first_name="", last_name="")
        .order_by("last_name", "first_name")
        .values_list("first_name", "last_name")
        .distinct()[:MOST_NAMES]
    )
    return "", [" ".join(part for part in (first.strip(), last.strip()) if part) for first, last in rows]


def current_lockouts(now=None):
    """Every lockout in force at now (default: this moment), rule by rule: a list of Lockout, the broadest
    rules first (address, username, then username from an address), newest first within each, at most
    MOST_LOCKOUTS per rule."""
    now = now or timezone.now()
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=now - cool_off)
    lockouts = []
    for rule in (ADDRESS, USERNAME, PAIR):
        rows = (
            attempts.values(*rule.fields)
            .annotate(
                failures=Sum("failures_since_start"),
                last=Max("attempt_time"),
                addresses=Count("ip_address", distinct=True),
                usernames=Count("username", distinct=True),
            )
            .filter(failures__gte=rule.limit())
            .order_by("-last")[:MOST_LOCKOUTS]
        )
        lockouts += [
            Lockout(
                rule=rule,
                failures=row["failures"],
                limit=rule.limit(),
                username=row.get("username"),
                address=row.get("ip_address"),
                last=row["last"],
                addresses=row["addresses"],
                usernames=row["usernames"],
            )
            for row in rows
        ]
    return lockouts


def lift_lockout(rule, *, username=None, address=None, by):
    """Lifts a lockout: forgets every failed sign-in the rule (a Rule of RULES) counts for username and/or
    address (the fields it counts by), whatever their age; logs it, with the editor `by` (a User), in the
    admin's history (on the locked user when there is one) and to the logger. Returns how many failed
    sign-ins were forgotten (int)."""
    attempts = AccessAttempt.objects.all()
    if "username" in rule.fields:
        attempts = attempts.filter(username=username)
    if "ip_address" in rule.fields:
        attempts = attempts.filter(ip_address=address)
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    attempts.delete()
    what = {
        "pair": f"the sign-in lockout of “{username}” from {address}",
        "username": f"the sign-in lockout of “{username}” from every address",
        "address": f"the sign-in lockout of {address}",
    }.get(rule.key, "a sign-in lockout")
    message = f"Lifted {what} ({failures} failed sign-ins forgotten)."
    user = get_user_model().objects.filter(username=username).first() if username is not None else None
    if user:
        content_type, object_id, object_repr = (
            ContentType.objects.get_for_model(user),
            str(user.pk),
            str(user),
        )
    else:
        content_type, object_id, object_repr = (
            ContentType.objects.get_for_model(SignInLockout),
            None,
            what[:200],
        )
    LogEntry.objects.create(
        user_id=by.pk,
        content_type=content_type,
        object_id=object_id,
        object_repr=object_repr,
        action_flag=CHANGE,
        change_message=message,
    )
    logger.warning("%s By %s at %s.", message, by.get_username(), timezone.now().isoformat())
    return failures


def log_lockout(sender, request, username, ip_address, **kwargs):
    """Logs a lockout (warning), or a try refused while locked out (info), with username, address, rule and
    time (axes' user_locked_out signal). django-axes sends it after counting the failure that locked out
    (request.axes_failures_since_start is then set) and for each refused try."""
    lockout = getattr(request, "axes_lockout", None)
    rule = lockout.rule.description if lockout else "unknown rule"
    now = timezone.now().isoformat()
    if hasattr(request, "axes_failures_since_start"):
        logger.warning("Sign-in locked out: %r from %s (%s) at %s.", username, ip_address, rule, now)
    else:
        logger.info("Sign-in refused, locked out: %r from %s (%s) at %s.", username, ip_address, rule, now)


def log_sign_in(sender, request, user, **kwargs):
    """Logs a successful sign-in (info) with username, address and time (user_logged_in)."""
    address = get_client_ip_address(request) if request is not None else None
    logger.info("Signed in: %r from %s at %s.", user.get_username(), address, timezone.now().isoformat())


def recent_sign_ins(username, count=20):
    """The newest `count` sign-ins (axes AccessLog rows: time, address, browser, sign-out time) and failed
    sign-ins (AccessFailureLog rows) under username (str): a pair of lists, newest first."""
    return (
        list(AccessLog.objects.filter(username=username).order_by("-attempt_time")[:count]),
        list(AccessFailureLog.objects.filter(username=username).order_by("-attempt_time")[:count]),
    )


def connect_signals():
    """Connects the sign-in and lockout loggers; called once, from EditorialConfig.ready()."""
    user_locked_out.connect(log_lockout, dispatch_uid="editorial.accounts.log_lockout")
    user_logged_in.connect(log_sign_in, dispatch_uid="editorial.accounts.log_sign_in")
