"""Security a visitor and an editor meet: headers on every response, a locked door after repeated failed
sign-ins, and production settings that change only where the environment says."""

import re

import pytest

from press.models import Coverage
from tests.admin_forms import admin_url
from tests.project import run_manage
from tests.story import Q_AND_A, new_staff_member

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son(?:click|load|change|submit)=", re.IGNORECASE)


def assert_no_inline_code(body, where):
    assert not INLINE_SCRIPT.search(body), (where, INLINE_SCRIPT.search(body))
    assert not INLINE_STYLE.search(body), (where, INLINE_STYLE.search(body))


def test_admin_pages_need_no_inline_script_or_style(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    pages = [
        "/admin/",
        admin_url(Coverage, "changelist"),
        admin_url(Coverage, "add"),
        admin_url(Coverage, "change", piece.pk),
        admin_url(Coverage, "history", piece.pk),
    ]
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert_no_inline_code(response.content.decode(), url)


def test_the_sign_in_page_and_errors_carry_the_headers(client):
    for url in ["/admin/login/", "/no-such-page/"]:
        response = client.get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert "geolocation=()" in response["Permissions-Policy"], url
        assert_no_inline_code(response.content.decode(), url)


def test_https_responses_carry_strict_transport_security(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def sign_in(client, password, address="203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "eddie", "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def eddie(db):
    return new_staff_member("eddie", password="the right password")


def test_repeated_failed_sign_ins_lock_that_account_out_from_that_address(client, eddie, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "a wrong guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    locked = sign_in(client, "a wrong guess")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()

    # Even the right password is refused now, from this address...
    assert sign_in(client, "the right password").status_code == 429
    assert "_auth_user_id" not in client.session
    # ...while the same account signs in from elsewhere.
    elsewhere = sign_in(client, "the right password", address="198.51.100.20")
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == "/admin/"


def test_a_successful_sign_in_forgives_earlier_mistakes(client, eddie, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "a wrong guess")
    assert sign_in(client, "the right password").status_code == 302
    client.logout()

    assert sign_in(client, "a wrong guess").status_code == 200


def test_behind_a_load_balancer_the_lockout_follows_the_forwarded_address(client, eddie, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/admin/login/",
            {"username": "eddie", "password": "a wrong guess"},
            REMOTE_ADDR="10.0.0.2",  # the load balancer
            # A client may write anything on the left; the balancer appends the address it saw.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.7",
        )
    assert response.status_code == 429

    other_visitor = client.post(
        "/admin/login/",
        {"username": "eddie", "password": "the right password"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other_visitor.status_code == 302


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-production-secret-of-more-than-fifty-characters-with-variety-0123456789",
    "ALLOWED_HOSTS": "press.example.org",
}
SHOW = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.STORAGES['staticfiles']['BACKEND'], s.PAGE_CACHE_SECONDS)"
)


def test_production_serves_https_only_unless_local_http_is_asked_for():
    default = run_manage("shell", "--no-imports", "-c", SHOW, **PRODUCTION)
    local = run_manage("shell", "--no-imports", "-c", SHOW, LOCAL_HTTP="1", **PRODUCTION)

    assert default.returncode == 0, default.stderr
    whitenoise = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert default.stdout.split() == ["True", "31536000", "True", "True", whitenoise, "600"]
    assert local.stdout.split() == ["False", "0", "False", "False", whitenoise, "600"]
