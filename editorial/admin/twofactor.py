"""Two-factor sign-in in the admin: the code step after the password, the page where an editor sets up an
authenticator app and keeps recovery codes, and the way back from a lost device, "Two-factor sign-in of
staff accounts" in the admin's Editorial section, where another editor or a superuser resets a colleague's
second factor.

The rules (what a session owes, which device a code is for, throttling) are editorial.twofactor's; its
middleware keeps the rest of the admin shut until they are met. URLs: `urls` below, mounted by config/urls.py
at admin/two-factor/ (namespace "twofactor").
"""

import base64
import logging

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import mark_safe
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial import twofactor
from editorial.admin.hardening import HardenedAdmin
from editorial.models import TwoFactorAccount

logger = logging.getLogger("editorial.twofactor")


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a recovery code (dashes and spaces ignored)."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if "\x00" in code or not twofactor.normalized(code).isalnum():
            raise forms.ValidationError("A code has only digits and letters.")
        return code


def next_address(request, default=None):
    """Where to go once the second factor is given: the `next` of the request if it is an address of this
    site, else `default` (the admin's home page)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default or reverse("admin:index")


def page_context(request, title):
    """The admin's context for a page of ours, without the list of models, which a session that still owes
    its second factor must not be shown."""
    context = admin.site.each_context(request)
    if twofactor.what_is_missing(request.user):
        context.update(available_apps=[], is_nav_sidebar_enabled=False)
    return {**context, "title": title, "subtitle": None}


@method_decorator(sensitive_post_parameters("code"), name="__call__")
class VerifyView:
    """The code step (twofactor:verify): after the password, the code of the account's second factor.

    GET shows the form; a POST with the right code verifies the session and goes on to `next`; a wrong one
    shows the form again with why (too many in a row: how long to wait). An account with nothing to give
    goes straight on (to the setup page when it must set one up)."""

    template = "admin/twofactor/verify.html"

    def __call__(self, request):
        missing = twofactor.what_is_missing(request.user)
        if missing is None:
            return HttpResponseRedirect(next_address(request))
        if missing == "enrolment":
            return HttpResponseRedirect(reverse("twofactor:manage"))
        form = CodeForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                device = twofactor.verify_code(request, form.cleaned_data["code"])
            except twofactor.CodeRefused as refusal:
                form.add_error("code", str(refusal))
            else:
                if isinstance(device, StaticDevice):
                    left = twofactor.recovery_codes_left(request.user)
                    messages.warning(
                        request,
                        f"You used a recovery code: {left} left. Make new ones (Your two-factor sign-in) "
                        "if you are running out, and set up your app again if it is lost.",
                    )
                return HttpResponseRedirect(next_address(request))
        context = {
            **page_context(request, "Two-factor sign-in: your code"),
            "form": form,
            "next": next_address(request),
        }
        return TemplateResponse(request, self.template, context)


def qr_code(device):
    """The device's otpauth:// address as a QR code: inline SVG (str, safe), drawn here, nothing loaded."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, light="#fff", title="QR code of the secret for your authenticator app"
    )
    return mark_safe(svg)


def grouped_secret(device):
    """The device's secret as an authenticator app takes it typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


@method_decorator(sensitive_post_parameters("code"), name="__call__")
class ManageView:
    """The account's own Two-factor sign-in page (twofactor:manage).

    Without a confirmed app it shows a new secret (as text and as a QR code) and asks for the app's code to
    confirm it; confirmed, the account shows its recovery codes once. With one it lists the app and how many
    recovery codes are left, and offers: new recovery codes (the old ones stop working), a new app (the old
    one works until the new one is confirmed), and, unless settings require it, turning two-factor off."""

    template = "admin/twofactor/manage.html"
    codes_template = "admin/twofactor/recovery_codes.html"

    def __call__(self, request):
        user = request.user
        action = request.POST.get("action") if request.method == "POST" else None
        app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        form = CodeForm(request.POST if action == "confirm" else None)
        if action == "new-app":
            twofactor.start_new_app(request)
            return HttpResponseRedirect(reverse("twofactor:manage"))
        if action == "cancel":
            twofactor.cancel_new_app(request)
            return HttpResponseRedirect(reverse("twofactor:manage"))
        if action == "recovery-codes" and app is not None:
            return self.show_codes(
                request, twofactor.new_recovery_codes(user, request), "Your new recovery codes"
            )
        if action == "remove" and app is not None and not self.required():
            twofactor.remove_second_factor(user)
            twofactor.forget_verification(request)
            log(request, user, "Turned off their own two-factor sign-in.")
            messages.success(request, "Two-factor sign-in is off: your password alone signs you in.")
            return HttpResponseRedirect(reverse("admin:index"))
        pending = twofactor.pending_app(request, create=app is None)
        if action == "confirm" and pending is not None and form.is_valid():
            try:
                codes = twofactor.confirm_app(request, pending, form.cleaned_data["code"])
            except twofactor.CodeRefused as refusal:
                form.add_error("code", str(refusal))
            else:
                if codes:
                    return self.show_codes(
                        request, codes, "Two-factor sign-in is set up: your recovery codes"
                    )
                messages.success(
                    request, "Your new authenticator app is set up; the old one no longer works."
                )
                return HttpResponseRedirect(reverse("twofactor:manage"))
        context = {
            **page_context(request, "Two-factor sign-in"),
            "app": app,
            "pending": pending,
            "secret": grouped_secret(pending) if pending else None,
            "qr_code": qr_code(pending) if pending else None,
            "form": form,
            "codes_left": twofactor.recovery_codes_left(user),
            "required": self.required(),
            "next": next_address(request),
        }
        return TemplateResponse(request, self.template, context)

    @staticmethod
    def required():
        return settings.OTP_REQUIRED_FOR_STAFF

    def show_codes(self, request, codes, title):
        """The page that shows codes (list of str) this once."""
        context = {**page_context(request, title), "codes": codes, "next": next_address(request)}
        return TemplateResponse(request, self.codes_template, context)


def log(request, account, message):
    """Records message in the admin's history of account (a User, or its TwoFactorAccount proxy: the entry
    goes to the user's own history, under Users), as done by request.user, and in the log."""
    LogEntry.objects.create(
        user_id=request.user.pk,
        content_type=ContentType.objects.get_for_model(account),
        object_id=str(account.pk),
        object_repr=account.get_username(),
        action_flag=CHANGE,
        change_message=message,
    )
    logger.warning("%s (account %s, by %s)", message, account.get_username(), request.user.get_username())


urls = (
    [
        path("", admin.site.admin_view(ManageView()), name="manage"),
        path("verify/", admin.site.admin_view(VerifyView()), name="verify"),
    ],
    "twofactor",
)


class SecondFactorFilter(admin.SimpleListFilter):
    """Staff accounts by whether they have set up two-factor sign-in."""

    title = "two-factor sign-in"
    parameter_name = "second_factor"

    def lookups(self, request, model_admin):
        return [("yes", "Set up"), ("no", "Not set up")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_app=True)
        if self.value() == "no":
            return queryset.filter(has_app=False)
        return queryset


@admin.register(TwoFactorAccount)
class TwoFactorAccountAdmin(HardenedAdmin, admin.ModelAdmin):
    """Every staff account and its second factor, and the way back from a lost device: "Reset two-factor
    sign-in" removes the selected accounts' apps and recovery codes, so that each sets one up again at its
    next sign-in. Only for whoever has editorial.reset_two_factor (Editors, superusers), and only once they
    have given their own second factor this session; each reset is in the account's history and the log."""

    list_display = ["username", "full_name", "second_factor", "app_last_used", "codes_left"]
    list_filter = [SecondFactorFilter]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = ["username", "full_name", "email", "second_factor", "app_last_used", "codes_left"]
    readonly_fields = fields
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        codes = (
            StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True)
            .values("device__user")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .filter(is_staff=True)
            .annotate(
                has_app=Exists(apps),
                last_used=Subquery(apps.order_by("-pk").values("last_used_at")[:1]),
                codes=Coalesce(Subquery(codes, output_field=IntegerField()), 0),
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_reset_two_factor_permission(self, request):
        return request.user.has_perm("editorial.reset_two_factor")

    @admin.display(description="name")
    def full_name(self, account):
        return account.get_full_name()

    @admin.display(description="two-factor sign-in", boolean=True, ordering="has_app")
    def second_factor(self, account):
        return account.has_app

    @admin.display(description="app last used", ordering="last_used")
    def app_last_used(self, account):
        return account.last_used or "never"

    @admin.display(description="recovery codes left", ordering="codes")
    def codes_left(self, account):
        return account.codes

    @admin.action(
        permissions=["reset_two_factor"], description="Reset two-factor sign-in of the selected accounts"
    )
    def reset_two_factor(self, request, queryset):
        """Removes the selected accounts' second factors, each logged; refused to a session that has not given
        its own second factor (a stolen password alone must not undo a colleague's), and to anyone but a
        superuser when a superuser's account is among them."""
        if not twofactor.is_verified(request.user):
            self.message_user(
                request,
                "Reset nothing: set up your own two-factor sign-in and sign in with it first.",
                messages.ERROR,
            )
            return None
        names = []
        if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
            # A superuser's account holds more than an editor's: only another superuser resets it.
            self.message_user(
                request,
                "Reset nothing: a superuser's two-factor sign-in is reset only by another superuser (or "
                "manage.py reset_two_factor on the server).",
                messages.ERROR,
            )
            return None
        for account in queryset:
            if twofactor.remove_second_factor(account):
                log(request, account, "Reset two-factor sign-in: it is set up again at the next sign-in.")
                names.append(account.get_username())
        if names:
            self.message_user(
                request,
                f"Two-factor sign-in reset for {', '.join(names)}: each sets it up again at their next "
                "sign-in.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, "None of the selected accounts had two-factor sign-in set up.", messages.INFO
            )
        return None


def unregister_device_admins(site):
    """Takes django-otp's own device admins out of site: they would let a superuser read an account's
    secret or give it a device of their choosing. Devices are set up by their owner, and reset here."""
    for model in (TOTPDevice, StaticDevice):
        if site.is_registered(model):
            site.unregister(model)
