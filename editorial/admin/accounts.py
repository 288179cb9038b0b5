"""The admin's pages for accounts: Sign-in lockouts (editors lift a colleague's lockout) and Your sign-ins
(each user's own recent sign-ins, and "Sign out everywhere")."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from editorial.accounts import RULES, UNLOCK_PERMISSION, current_lockouts, lift_lockout, recent_sign_ins
from editorial.admin.hardening import HardenedAdmin
from editorial.models import SignInLockout, UserSession
from editorial.sessions import sign_out_everywhere


class UnlockForm(forms.Form):
    """What lifting one lockout posts: its rule, and the username and/or address the rule counts by."""

    rule = forms.ChoiceField(choices=[(key, key) for key in RULES])
    username = forms.CharField(max_length=255, required=False, strip=False)
    address = forms.GenericIPAddressField(required=False)

    def clean(self):
        """Requires what the rule counts by: a username, an address, or both."""
        data = super().clean()
        rule = RULES.get(data.get("rule"))
        if rule and "ip_address" in rule.fields and not data.get("address"):
            raise forms.ValidationError("Which address?")
        if rule and "username" in rule.fields and not data.get("username"):
            raise forms.ValidationError("Which username?")
        return data


class AccountPagesAdmin(HardenedAdmin, admin.ModelAdmin):
    """An admin whose only page is its list, replaced by a page of its own: nothing to add, change or
    delete, no other address."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        name = "{}_{}_changelist".format(*info)
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]

    def page_context(self, request, title):
        return {**self.admin_site.each_context(request), "title": title, "subtitle": None, "opts": self.opts}


@admin.register(SignInLockout)
class SignInLockoutAdmin(AccountPagesAdmin):
    """Sign-in lockouts in force (editorial.accounts.current_lockouts), each with a button that lifts it.
    Only staff with editorial.unlock_account (Editors, superusers) see or post it; anyone else gets 403."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm(UNLOCK_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        """The list of lockouts (GET), or lifts the one posted and redirects back with a message (POST);
        a post naming no lockout changes nothing and says so."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = UnlockForm(request.POST)
            if form.is_valid():
                rule = RULES[form.cleaned_data["rule"]]
                failures = lift_lockout(
                    rule,
                    username=form.cleaned_data["username"],
                    address=form.cleaned_data["address"] or None,
                    by=request.user,
                )
                if failures:
                    self.message_user(request, f"Lockout lifted: {failures} failed sign-ins forgotten.")
                else:
                    self.message_user(
                        request, "That lockout had already ended; nothing to lift.", messages.INFO
                    )
            else:
                self.message_user(
                    request,
                    "This request names no lockout; nothing was lifted. Choose again.",
                    messages.WARNING,
                )
            return HttpResponseRedirect(request.path)
        lockouts = current_lockouts()
        context = {
            **self.page_context(request, "Sign-in lockouts"),
            "lockouts": lockouts,
            "rules": RULES,
        }
        return TemplateResponse(request, "admin/editorial/sign_in_lockouts.html", context)


@admin.register(UserSession)
class YourSignInsAdmin(AccountPagesAdmin):
    """Your sign-ins: the newest 20 sign-ins (time, address, browser) and failed sign-ins under the user's
    own username, how many sessions are open, and "Sign out everywhere". Every active staff member sees
    their own; only a superuser may look at someone else's (?username=), anyone else asking gets 403."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        everywhere = path(
            "sign-out-everywhere/",
            self.admin_site.admin_view(self.sign_out_everywhere_view),
            name=f"{info[0]}_{info[1]}_sign_out_everywhere",
        )
        return [everywhere, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        """The page (GET; other methods: 405)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        own = request.user.get_username()
        username = request.GET.get("username", own)
        if username != own and not request.user.is_superuser:
            raise PermissionDenied
        sign_ins, failures = recent_sign_ins(username)
        context = {
            **self.page_context(request, "Your sign-ins" if username == own else f"Sign-ins of “{username}”"),
            "own": username == own,
            "sign_ins": sign_ins,
            "failures": failures,
            "open_sessions": UserSession.objects.filter(user=request.user).count(),
            "everywhere_url": reverse("admin:editorial_usersession_sign_out_everywhere"),
        }
        return TemplateResponse(request, "admin/editorial/your_sign_ins.html", context)

    def sign_out_everywhere_view(self, request):
        """Ends every session of the user (POST; other methods: 405) and sends them to the sign-in page,
        which says so."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        ended = sign_out_everywhere(request)
        sessions = f"{ended} other session{'s' if ended != 1 else ''}"
        self.message_user(request, f"You were signed out everywhere: this browser and {sessions}.")
        return HttpResponseRedirect(reverse("admin:login"))
