"""Two-factor sign-in: once an account has a second factor, its password alone opens no admin page, action or
export; the code step takes the app's code or a recovery code (each once); an editor sets it up from the
admin; a colleague resets it when the device is lost; with OTP_REQUIRED_FOR_STAFF an account without one
reaches only the page that sets it up."""

import base64
import logging
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.models import TwoFactorAccount
from press.models import Coverage
from tests.project import run_manage
from tests.story import PASSWORD, Q_AND_A, new_piece, new_staff_member
from tests.twofactor import MANAGE, VERIFY, app_code, enrol, give_code, verified_client

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>')
RECOVERY_CODE = re.compile(r"<li><code>([a-z2-7]{8})</code></li>")


def admin_routes(patterns=None, prefix=""):
    """(route, name) of every URL pattern under admin/, after it: the admin site's, its models' own views
    included (compare, restore, history, import, export, report, uncited claims...), and the pages mounted
    beside it (two-factor sign-in, the accounts pages)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if patterns is None and not route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            yield from admin_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route.removeprefix("admin/"), entry.name


def filled(route):
    """route with each of its arguments filled in: a real row's primary key where the route is a model's,
    the app's label, or 1."""
    parts = route.split("/")
    try:
        model = apps.get_model(parts[0], parts[1]) if len(parts) > 2 else None
    except (LookupError, ValueError):
        model = None
    first = model._default_manager.order_by("pk").first() if model else None

    def argument(match):
        name = match.group(1).split(":")[-1]
        if name == "object_id" and first is not None:
            return str(first.pk)
        if name == "app_label":
            return "press"
        return "1"

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", argument, route.replace("^", "").replace("$", ""))
    return "/admin/" + re.sub(r"<([^>]+)>", argument, path)


def every_admin_address():
    """Every admin address: each URL pattern filled in, and each registered model's changelist, add,
    change, delete and history pages by name."""
    addresses = {filled(route) for route, _ in admin_routes()}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        first = model._default_manager.order_by("pk").first()
        addresses |= {reverse(f"{name}_changelist"), reverse(f"{name}_add")}
        if first is not None:
            addresses |= {
                reverse(f"{name}_{view}", args=[first.pk]) for view in ("change", "delete", "history")
            }
    return sorted(addresses - {"/admin/login/", "/admin/logout/", VERIFY})


@pytest.fixture(params=["editor", "superuser"])
def enrolled(request, db):
    """A staff account with a second factor (an Editor, then a superuser), signed in with its password
    only, and its app."""
    if request.param == "editor":
        user = new_staff_member("eddie", "Editors")
    else:
        user = new_staff_member("root", is_superuser=True)
    app = enrol(user)
    client = Client()
    client.force_login(user)
    return client, user, app


def test_without_the_code_no_admin_address_answers(enrolled):
    client, user, app = enrolled
    piece = Coverage.objects.get(slug=Q_AND_A)
    addresses = [*every_admin_address(), MANAGE]
    assert len(addresses) > 150
    for needed in (
        "/admin/",
        "/admin/press/coverage/export.csv",
        "/admin/press/coverage/import/",
        "/admin/press/coverage/report/",
        "/admin/press/passage/uncited-claims/",
        f"/admin/press/coverage/{Coverage.objects.order_by('pk').first().pk}/history/",
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
        "/admin/editorial/twofactoraccount/",
        "/admin/password_change/",
        "/admin/accounts/lockouts/",
        "/admin/accounts/sign-ins/",
    ):
        assert any(address.startswith(needed) for address in addresses), needed

    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(VERIFY + "?next="), address
        assert "no-store" in response["Cache-Control"], address
        posted = client.post(address, {"action": "delete_selected", "_selected_action": [str(piece.pk)]})
        assert posted.status_code == 403, address
        assert b"nothing was done" in posted.content

    assert Coverage.objects.filter(pk=piece.pk).exists()
    # Nor can it take the second factor off, or put its own in place.
    assert client.post(MANAGE, {"action": "remove"}).status_code == 403
    assert client.post(MANAGE, {"action": "new-app"}).status_code == 403
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [app.pk]
    # The same session, once it gives the code, opens them.
    assert give_code(client, app_code(app.bin_key), f"/admin/press/coverage/{piece.pk}/change/")[
        "Location"
    ] == (f"/admin/press/coverage/{piece.pk}/change/")
    assert client.get(f"/admin/press/coverage/{piece.pk}/change/").status_code == 200
    assert client.get("/admin/press/coverage/export.csv").status_code == 200


def test_without_the_code_an_action_deletes_nothing_and_an_upload_is_refused(enrolled):
    client, _, _ = enrolled
    piece = new_piece("a-piece-to-keep")
    changelist = reverse("admin:press_coverage_changelist")

    deleted = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [str(piece.pk)], "post": "yes"}
    )
    published = client.post(changelist, {"action": "publish", "_selected_action": [str(piece.pk)]})
    uploaded = client.post("/admin/press/coverage/import/", {"file": b"Headline\nA piece"})

    assert [deleted.status_code, published.status_code, uploaded.status_code] == [403, 403, 403]
    piece.refresh_from_db()
    assert piece.status == "draft"


def test_sign_in_with_the_password_then_the_code(client):
    user = new_staff_member("eddie", "Editors")
    app = enrol(user)

    signed_in = client.post(
        "/admin/login/?next=/admin/press/coverage/", {"username": "eddie", "password": PASSWORD}
    )
    assert signed_in["Location"] == "/admin/press/coverage/"
    step = client.get("/admin/press/coverage/")
    assert step["Location"] == VERIFY + "?next=%2Fadmin%2Fpress%2Fcoverage%2F"
    page = client.get(step["Location"])
    assert page.status_code == 200
    assert "six digits your authenticator app shows" in page.content.decode()
    # The page lists none of the admin's models.
    assert "Coverage" not in page.content.decode()

    wrong = give_code(client, "000000" if app_code(app.bin_key) != "000000" else "111111")
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    app.throttling_failure_timestamp = None  # the wrong code's wait, over
    app.save()
    right = give_code(client, app_code(app.bin_key), "/admin/press/coverage/")
    assert right["Location"] == "/admin/press/coverage/"
    assert client.get("/admin/press/coverage/").status_code == 200


def test_a_wrong_password_says_nothing_of_a_second_factor(client):
    enrol(new_staff_member("eddie", "Editors"))

    response = client.post("/admin/login/", {"username": "eddie", "password": "not the password"})

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert "code" not in response.content.decode().lower().split("<form")[1].split("</form>")[0]
    assert client.get(VERIFY)["Location"].startswith("/admin/login/")


def test_the_lockout_still_applies_to_an_account_with_a_second_factor(client, settings):
    enrol(new_staff_member("eddie", "Editors"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "eddie", "password": "a wrong guess"})

    locked = client.post("/admin/login/", {"username": "eddie", "password": PASSWORD})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_wrong_codes_slow_down_even_the_right_one(client):
    user = new_staff_member("eddie", "Editors")
    app = enrol(user)
    client.force_login(user)

    give_code(client, "123456" if app_code(app.bin_key) != "123456" else "654321")
    refused = give_code(client, app_code(app.bin_key))

    assert "Too many wrong codes in a row: wait" in refused.content.decode()
    assert client.get("/admin/").status_code == 302
    app.refresh_from_db()
    assert app.throttling_failure_count == 1


def test_each_recovery_code_signs_in_once(client):
    user = new_staff_member("eddie", "Editors")
    enrol(user, codes=["aaaa1111", "bbbb2222"])
    client.force_login(user)

    used = give_code(client, "AAAA-1111")
    assert used["Location"] == "/admin/"
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "You used a recovery code: 1 left" in home.content.decode()

    again = Client()
    again.force_login(user)
    refused = give_code(again, "aaaa1111")
    assert "That code is not right" in refused.content.decode()
    device = StaticDevice.objects.get(user=user)
    device.throttling_failure_timestamp = None
    device.save()
    assert give_code(again, "bbbb2222")["Location"] == "/admin/"
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_next_leads_only_within_the_site(client):
    user = new_staff_member("eddie", "Editors")
    app = enrol(user)
    client.force_login(user)

    response = give_code(client, app_code(app.bin_key), "https://elsewhere.example/admin/")

    assert response["Location"] == "/admin/"


def test_the_code_step_needs_the_forms_csrf_token():
    user = new_staff_member("eddie", "Editors")
    app = enrol(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = give_code(client, app_code(app.bin_key))

    assert response.status_code == 403
    assert client.get("/admin/").status_code == 302


def test_a_session_owing_its_code_sees_the_site_as_a_visitor(client):
    user = new_staff_member("eddie", "Editors")
    app = enrol(user)
    draft = new_piece("a-draft-in-the-works")
    client.force_login(user)

    assert client.get(draft.get_absolute_url()).status_code == 404
    give_code(client, app_code(app.bin_key))
    assert client.get(draft.get_absolute_url()).status_code == 200


def set_up_from_the_page(client, *, next_address="/admin/"):
    """Sets up an app on the Two-factor sign-in page as an editor does: reads the secret it shows, types the
    app's code; returns the response showing the recovery codes, and the secret (bytes)."""
    page = client.get(MANAGE, {"next": next_address})
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "QR code of the secret" in body
    key = base64.b32decode(SECRET.search(body).group(1).replace(" ", ""))
    shown = client.post(MANAGE, {"action": "confirm", "code": app_code(key), "next": next_address})
    return shown, key


def test_an_editor_sets_up_two_factor_and_keeps_recovery_codes(editor_client, editor, caplog):
    caplog.set_level(logging.DEBUG)
    assert editor_client.get("/admin/").status_code == 200  # not required here: the password is enough
    assert "Your two-factor sign-in" in editor_client.get("/admin/").content.decode()

    wrong = editor_client.post(MANAGE, {"action": "confirm", "code": "12345x"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    throttled = editor_client.post(MANAGE, {"action": "confirm", "code": "123456"})
    assert "Too many wrong codes in a row: wait" in throttled.content.decode()
    TOTPDevice.objects.filter(user=editor).update(throttling_failure_timestamp=None)  # the wait, over

    shown, key = set_up_from_the_page(editor_client)
    codes = RECOVERY_CODE.findall(shown.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    )
    # This session gave the code as it set the app up; a new one must give it.
    assert editor_client.get("/admin/").status_code == 200
    other = Client()
    other.force_login(editor)
    assert other.get("/admin/").status_code == 302
    assert give_code(other, codes[0])["Location"] == "/admin/"

    # Neither the secret nor a code is ever logged.
    for value in [key.hex(), base64.b32encode(key).decode(), *codes]:
        assert value not in caplog.text


def test_new_recovery_codes_void_the_old(editor_client, editor):
    app = enrol(editor, codes=["aaaa1111"])
    verified_client(editor_client, editor, app)

    page = editor_client.get(MANAGE).content.decode()
    assert "1 left" in page
    shown = editor_client.post(MANAGE, {"action": "recovery-codes"})
    codes = RECOVERY_CODE.findall(shown.content.decode())

    assert len(codes) == 10
    assert not StaticToken.objects.filter(token="aaaa1111").exists()
    assert StaticToken.objects.filter(device__user=editor).count() == 10


def test_a_new_app_replaces_the_old_once_confirmed(editor_client, editor):
    old = enrol(editor)
    verified_client(editor_client, editor, old)

    editor_client.post(MANAGE, {"action": "new-app"})
    assert TOTPDevice.objects.filter(user=editor, pk=old.pk, confirmed=True).exists()
    shown, key = set_up_from_the_page(editor_client)

    assert shown["Location"] == MANAGE
    assert list(TOTPDevice.objects.filter(user=editor).values_list("confirmed", flat=True)) == [True]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert StaticToken.objects.filter(device__user=editor).count() == 3  # the recovery codes stay


def test_an_editor_turns_two_factor_off_unless_it_is_required(editor_client, editor, settings):
    app = enrol(editor)
    verified_client(editor_client, editor, app)
    settings.OTP_REQUIRED_FOR_STAFF = True
    editor_client.post(MANAGE, {"action": "remove"})
    assert TOTPDevice.objects.filter(user=editor).exists()

    settings.OTP_REQUIRED_FOR_STAFF = False
    assert editor_client.post(MANAGE, {"action": "remove"})["Location"] == "/admin/"
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()


def test_when_required_an_account_without_a_second_factor_reaches_only_its_setup(
    editor_client, editor, settings
):
    settings.OTP_REQUIRED_FOR_STAFF = True
    piece = Coverage.objects.get(slug=Q_AND_A)

    for address in every_admin_address():
        if address.startswith(MANAGE):
            continue
        response = editor_client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(MANAGE + "?next="), address
        assert editor_client.post(address, {"action": "delete_selected"}).status_code == 403, address
    assert editor_client.get(VERIFY)["Location"].startswith(MANAGE + "?next=")

    shown, _ = set_up_from_the_page(editor_client, next_address=f"/admin/press/coverage/{piece.pk}/change/")
    assert len(RECOVERY_CODE.findall(shown.content.decode())) == 10
    assert f'href="/admin/press/coverage/{piece.pk}/change/"' in shown.content.decode()
    assert editor_client.get(f"/admin/press/coverage/{piece.pk}/change/").status_code == 200


def reset(client, *accounts):
    return client.post(
        reverse("admin:editorial_twofactoraccount_changelist"),
        {"action": "reset_two_factor", "_selected_action": [str(account.pk) for account in accounts]},
        follow=True,
    )


def test_an_editor_resets_a_colleagues_lost_device(editor_client, editor):
    colleague = new_staff_member("connie", "Contributors")
    enrol(colleague)
    verified_client(editor_client, editor, enrol(editor))

    listed = editor_client.get(reverse("admin:editorial_twofactoraccount_changelist"))
    assert listed.status_code == 200
    assert "connie" in listed.content.decode()
    done = reset(editor_client, colleague)

    assert "Two-factor sign-in reset for connie" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    entry = LogEntry.objects.get(
        object_id=str(colleague.pk), content_type=ContentType.objects.get_for_model(colleague)
    )
    assert entry.user == editor
    assert "Reset two-factor sign-in" in entry.change_message
    # The colleague's password now reaches the admin again, where (if required) they set up a new app.
    back = Client()
    back.force_login(colleague)
    assert back.get("/admin/").status_code == 200


def test_a_reset_needs_the_resetters_own_second_factor(editor_client, editor):
    colleague = new_staff_member("connie", "Contributors")
    enrol(colleague)

    refused = reset(editor_client, colleague)

    assert "Reset nothing: set up your own two-factor sign-in" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_a_contributor_cannot_reset_anyone(contributor_client, contributor, editor):
    enrol(editor)
    verified_client(contributor_client, contributor, enrol(contributor))

    assert contributor_client.get(reverse("admin:editorial_twofactoraccount_changelist")).status_code == 403
    assert reset(contributor_client, editor).status_code == 403
    assert TOTPDevice.objects.filter(user=editor).exists()
    assert not contributor.has_perm("editorial.reset_two_factor")


def test_editors_hold_the_reset_permission_from_the_migration(editor):
    assert editor.has_perm("editorial.reset_two_factor")
    assert editor.has_perm("editorial.view_twofactoraccount")
    assert not editor.has_perm("editorial.change_twofactoraccount")
    assert TwoFactorAccount.objects.filter(pk=editor.pk).exists()


def test_no_one_gives_an_account_a_device_through_the_admin():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_the_reset_command(editor):
    enrol(editor)
    call_command("reset_two_factor", "eddie", verbosity=0)
    assert not TOTPDevice.objects.filter(user=editor).exists()
    with pytest.raises(CommandError, match="No account is named"):
        call_command("reset_two_factor", "nobody")


def test_two_factor_is_required_in_production_unless_the_environment_says_otherwise():
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-production-secret-of-more-than-fifty-characters-with-variety-0123456789",
        "ALLOWED_HOSTS": "press.example.org",
    }
    script = "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_STAFF)"

    assert run_manage("shell", "--no-imports", "-c", script, **production).stdout.split()[-1] == "True"
    off = run_manage("shell", "--no-imports", "-c", script, **production, OTP_REQUIRED_FOR_STAFF="0")
    assert off.stdout.split()[-1] == "False"


def test_only_a_superuser_resets_a_superusers_second_factor(editor_client, editor, admin_client, admin_user):
    root_app = enrol(admin_user)
    verified_client(editor_client, editor, enrol(editor))

    refused = reset(editor_client, admin_user)

    assert "only by another superuser" in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=root_app.pk).exists()
    other_root = new_staff_member("root2", is_superuser=True)
    enrol(other_root)
    verified_client(admin_client, admin_user, root_app)
    assert "Two-factor sign-in reset for root2" in reset(admin_client, other_root).content.decode()


def test_new_recovery_codes_keep_a_session_signed_in_by_a_recovery_code(client, editor):
    enrol(editor)
    client.force_login(editor)
    assert give_code(client, "aaaa1111").status_code == 302

    page = client.post(MANAGE, {"action": "recovery-codes"})

    new_codes = RECOVERY_CODE.findall(page.content.decode())
    assert len(new_codes) == 10
    assert client.get("/admin/").status_code == 200  # still past the code step
    later = Client()
    later.force_login(editor)
    assert give_code(later, new_codes[0]).status_code == 302
    old = Client()
    old.force_login(editor)
    assert give_code(old, "bbbb2222").status_code != 302  # the old codes are void
