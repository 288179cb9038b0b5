"""Accounts in a real Chromium: a guessed-at editor finds the lockout page naming who can help, a colleague
lifts the lockout from the admin, and signs out everywhere; each page accessible (axe-core)."""

import pytest
from axes.models import AccessAttempt

from tests.story import PASSWORD, log_in, new_staff_member
from tests.test_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_locked_out_editor_is_let_back_in_by_a_colleague(browser, site_url, editorial_groups):
    new_staff_member("victor", "Editors", first_name="Victor", last_name="Vale")
    new_staff_member("edna", "Editors", first_name="Edna", last_name="Ames")
    # Someone guessed victor's password from ten addresses (as django-axes records it: a request of this
    # thread would share the live server's SQLite connection across threads).
    for n in range(10):
        AccessAttempt.objects.create(
            username="victor",
            ip_address=f"192.0.2.{n}",
            user_agent="a guesser",
            failures_since_start=1,
            get_data="",
            post_data="",
            http_accept="*/*",
            path_info="/admin/login/",
        )
    page = browser.new_page(bypass_csp=True)

    page.goto(site_url + "/admin/login/")
    page.get_by_label("Username").fill("victor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    assert page.get_by_role("heading", name="Too many failed sign-ins").is_visible()
    assert "locked out from every address" in page.content()
    assert "Edna Ames" in page.content()
    assert axe_violations(page) == []

    colleague = browser.new_page(bypass_csp=True)
    log_in(colleague, site_url, "edna")
    colleague.get_by_role("link", name="Sign-in lockouts").click()
    assert axe_violations(colleague) == []
    colleague.get_by_role("button", name="Lift this lockout").click()
    assert colleague.get_by_text("Lockout lifted: 10 failed sign-ins forgotten.").is_visible()
    assert colleague.get_by_text("No sign-in is locked out.").is_visible()

    log_in(page, site_url, "victor")
    page.get_by_role("link", name="Your sign-ins").first.click()
    assert page.get_by_role("heading", name="Your sign-ins").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out everywhere").click()
    assert page.get_by_text("You were signed out everywhere").is_visible()
    assert page.get_by_role("button", name="Log in").is_visible()
    page.close()
    colleague.close()
