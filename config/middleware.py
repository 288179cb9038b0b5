"""Response headers Django has no setting for, the client's address behind a known number of proxies, the
username a sign-in attempt is counted under, and admin addresses refused before they reach the database."""

import functools
import ipaddress

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.urls import reverse


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy from settings.PERMISSIONS_POLICY: each feature and the origins allowed it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


def client_address(request):
    """The visitor's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies what the outermost one saw;
    None when that is not an IP address (a proxy's header garbled or missing an entry), which django-axes
    then counts under no address, rather than failing to store it (PostgreSQL's inet refuses it).

    Each proxy appends the address it received the request from, so the client is the Nth from the right;
    anything further left was written by the client and cannot be trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return ip_address_or_none(forwarded[-proxies])
    return ip_address_or_none(request.META.get("REMOTE_ADDR"))


def ip_address_or_none(value):
    """value (str or None) as a normalised IPv4 or IPv6 address (str), or None when it is not one (an IPv6
    zone such as %eth0 included: no database column of addresses holds it)."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)


# django-axes keeps the attempted username in a 255-character column (axes.models.AccessAttempt.username).
ATTEMPTED_USERNAME_LENGTH = 255


def attempted_username(request, credentials=None):
    """The username a sign-in attempt is counted under (AXES_USERNAME_CALLABLE): as typed, cut to what the
    lockout's column holds, without NUL (which PostgreSQL cannot store). A longer name is then refused like
    any other failed sign-in, and still counted, instead of failing to be written."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(settings.AXES_USERNAME_FORM_FIELD) if source else None
    if not isinstance(username, str):
        return username
    return username.replace("\x00", "")[:ATTEMPTED_USERNAME_LENGTH]


class RefuseNulInAdminQueryMiddleware:
    """Answers 400 to an admin address whose query string holds a NUL character.

    The admin hands query values (list filters, field lookups, search, date drill-down, autocomplete terms,
    the CSV export's filters) to the database as they come, and PostgreSQL refuses any text holding NUL with
    an error. No filter or search of the admin has a use for one, so the request is refused whole, with a
    message, before any view runs. Posted forms are not refused here: their fields refuse NUL themselves,
    with a form error that keeps what was typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(admin_prefix()) and any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            return HttpResponseBadRequest(
                "This admin address holds a NUL character (%00), which no filter, search or lookup accepts. "
                "Go back to the list and choose the filter again.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


@functools.cache
def admin_prefix():
    """The admin index's path (str, e.g. "/admin/"), reversed once per process: the URLconf does not
    change while the site runs.
    """
    return reverse("admin:index")
