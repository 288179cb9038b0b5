"""The admin's pages for accounts: Sign-in lockouts (editors lift a colleague's lockout) and Your sign-ins
(each user's own recent sign-ins, and "Sign out everywhere"), at admin/accounts/ (`urls`, mounted by the root
URLconf before the admin's own, named accounts:...). Pages of their own rather than ModelAdmins: nothing here
is a row to add, change or delete."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from editorial.accounts import RULES, UNLOCK_PERMISSION, current_lockouts, lift_lockout, recent_sign_ins
from editorial.sessions import open_sessions, sign_out_everywhere


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


def page_context(request, title):
    """The admin's context for one of these pages titled title."""
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


@permission_required(UNLOCK_PERMISSION, raise_exception=True)
def sign_in_lockouts(request):
    """Sign-in lockouts in force (editorial.accounts.current_lockouts), each with a button that lifts it
    (GET), or lifts the one posted and redirects back with a message (POST); a post naming no lockout
    changes nothing and says so. Only staff with editorial.unlock_account (Editors, superusers) see or post
    it; other staff get 403."""
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid():
            rule = RULES[form.cleaned_data["rule"]]
            username = form.cleaned_data["username"] if "username" in rule.fields else None
            address = (form.cleaned_data["address"] or None) if "ip_address" in rule.fields else None
            in_force = {(found.rule.key, found.username, found.address) for found in current_lockouts()}
            if (rule.key, username, address) not in in_force:
                # Nothing recorded, nothing forgotten: only a lockout the page lists is lifted (an editor
                # could otherwise wipe an address's failures before they lock it, or write words in history).
                messages.info(
                    request,
                    "This request names no lockout; nothing was lifted (it may have ended). Choose again.",
                )
                return HttpResponseRedirect(request.path)
            failures = lift_lockout(rule, username=username, address=address, by=request.user)
            messages.success(request, f"Lockout lifted: {failures} failed sign-ins forgotten.")
        else:
            messages.warning(request, "This request names no lockout; nothing was lifted. Choose again.")
        return HttpResponseRedirect(request.path)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    context = {**page_context(request, "Sign-in lockouts"), "lockouts": current_lockouts(), "rules": RULES}
    return TemplateResponse(request, "admin/editorial/sign_in_lockouts.html", context)


@require_GET
def your_sign_ins(request):
    """Your sign-ins: the newest 20 sign-ins (time, address, browser) and failed sign-ins under the user's
    own username, how many sessions are open, and "Sign out everywhere". A superuser may look at someone
    else's (?username=); other staff asking get 403."""
    own = request.user.get_username()
    username = request.GET.get("username", own)
    if username != own and not request.user.is_superuser:
        raise PermissionDenied
    sign_ins, failures = recent_sign_ins(username)
    context = {
        **page_context(request, "Your sign-ins" if username == own else f"Sign-ins of “{username}”"),
        "own": username == own,
        "sign_ins": sign_ins,
        "failures": failures,
        "open_sessions": open_sessions(request.user),
    }
    return TemplateResponse(request, "admin/editorial/your_sign_ins.html", context)


@require_POST
def sign_out_everywhere_view(request):
    """Ends every session of the user (POST) and sends them to the sign-in page, which says so."""
    ended = sign_out_everywhere(request)
    sessions = f"{ended} other session{'s' if ended != 1 else ''}"
    messages.success(request, f"You were signed out everywhere: this browser and {sessions}.")
    return HttpResponseRedirect(reverse("admin:login"))


# Every page is behind the admin's own door (active staff, else the sign-in page) and its CSRF check.
app_name = "accounts"
urlpatterns = [
    path("lockouts/", admin.site.admin_view(sign_in_lockouts), name="sign-in-lockouts"),
    path("sign-ins/", admin.site.admin_view(your_sign_ins), name="your-sign-ins"),
    path("sign-out-everywhere/", admin.site.admin_view(sign_out_everywhere_view), name="sign-out-everywhere"),
]
