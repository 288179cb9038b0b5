"""Two-factor sign-in in a real Chromium: an editor sets up an authenticator app from the admin (the test is
the app: it reads the secret the page shows), keeps the recovery codes, signs out, and signs in again with
the password and then the app's code."""

import base64
import re

import pytest

from tests.project import ARTIFACTS
from tests.story import PASSWORD, new_staff_member
from tests.test_browser import axe_violations
from tests.twofactor import app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_sets_up_two_factor_signs_out_and_signs_in_with_the_code(
    browser, site_url, editorial_groups
):
    new_staff_member("eddie", "Editors")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    blocked = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text)
    )
    shots = ARTIFACTS / "two-factor"
    shots.mkdir(parents=True, exist_ok=True)

    page.goto(site_url + "/admin/login/")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site_url + "/admin/")
    page.get_by_role("link", name="Your two-factor sign-in").click()

    assert page.locator("#two-factor-qr svg").count() == 1
    secret = page.locator("#two-factor-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    key = base64.b32decode(secret.replace(" ", ""))
    page.screenshot(path=str(shots / "1-set-up.png"), full_page=True)
    page.get_by_label("Code from the app").fill(app_code(key))
    page.get_by_role("button", name="Confirm").click()

    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    page.screenshot(path=str(shots / "2-recovery-codes.png"), full_page=True)
    page.get_by_role("link", name="I have kept them: go on").click()
    page.wait_for_url(site_url + "/admin/")

    page.get_by_role("button", name="Log out").click()
    page.goto(site_url + "/admin/press/coverage/")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/admin/two-factor/verify/\?next=.*"))
    assert "Your code" in page.locator("h1").inner_text()
    page.screenshot(path=str(shots / "3-code-step.png"), full_page=True)

    # The code of the next 30-second step: the one shown at setup was taken, and a code works once.
    page.get_by_label("Code").fill(app_code(key, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(site_url + "/admin/press/coverage/")
    assert "Select piece of coverage to change" in page.locator("h1").inner_text()
    assert blocked == []
    context.close()


def test_the_two_factor_pages_are_accessible(browser, site_url, editorial_groups):
    new_staff_member("eddie", "Editors")
    # axe-core is injected as an inline script, which the site's own policy rightly blocks.
    page = browser.new_page(bypass_csp=True)
    page.goto(site_url + "/admin/login/")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site_url + "/admin/")

    page.goto(site_url + "/admin/two-factor/")
    assert axe_violations(page) == []
    secret = page.locator("#two-factor-secret").inner_text()
    page.get_by_label("Code from the app").fill(app_code(base64.b32decode(secret.replace(" ", ""))))
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("#recovery-codes li").count() == 10
    assert axe_violations(page) == []

    page.goto(site_url + "/admin/two-factor/")
    assert axe_violations(page) == []
    page.close()
