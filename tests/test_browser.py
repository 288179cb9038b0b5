"""What needs a real browser: accessibility (axe-core), keyboard focus, and a visitor's journey."""

import re

import pytest
from playwright.sync_api import expect

from tests.project import ARTIFACTS, ROOT
from tests.story import (
    DIRECTOR,
    FILM,
    GUARDIAN_COLUMN,
    PRET_A_REPORTER,
    Q_AND_A,
    SILVER_LAKE,
    THE_GUARDIAN,
    WREN,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
EVERY_KIND_OF_PAGE = [
    "/",
    "/coverage/",
    f"/coverage/?q=Jurassic&outlet={THE_GUARDIAN}",
    "/coverage/?year=abc&outlet=nope",
    f"/coverage/{Q_AND_A}/",
    f"/coverage/{GUARDIAN_COLUMN}/",
    f"/films/{FILM}/",
    "/people/",
    f"/people/{DIRECTOR}/",
    "/places/",
    "/places/museum-of-jurassic-technology/",
    f"/outlets/{PRET_A_REPORTER}/",
    f"/organizations/{WREN}/",
    f"/neighbourhoods/{SILVER_LAKE}/",
    "/no-such-page/",
]


def axe_violations(page, exclude=None):
    """axe-core's violations on page (a Playwright page made with bypass_csp=True), as a list of str "rule:
    help at selectors"; exclude (a CSS selector or None) leaves out what it matches and everything inside."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci (make test does)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (exclude) => (await axe.run(exclude ? {exclude: [[exclude]]} : document)).violations.map(
            v => `${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""",
        exclude,
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_any_kind_of_page(browser, site_url, color_scheme):
    # The test injects axe-core as an inline script, which the site's own policy rightly blocks.
    page = browser.new_page(color_scheme=color_scheme, bypass_csp=True)
    csp_violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_violations.append(message.text),
    )
    failures = {}
    for path in EVERY_KIND_OF_PAGE:
        page.goto(site_url + path)
        if violations := axe_violations(page):
            failures[path] = violations
    page.close()

    assert failures == {}
    assert csp_violations == []


def test_every_kind_of_page_fits_a_360_pixel_phone(browser, site_url):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    too_wide = {}
    for path in EVERY_KIND_OF_PAGE:
        page.goto(site_url + path)
        if (width := page.evaluate("() => document.documentElement.scrollWidth")) > 360:
            too_wide[path] = width
    page.close()

    assert too_wide == {}


def test_the_skip_link_comes_first_and_focus_is_visible(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "/")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => ({
            text: document.activeElement.textContent,
            outline: getComputedStyle(document.activeElement).outlineStyle,
        })"""
    )
    page.keyboard.press("Enter")

    assert focused == {"text": "Skip to content", "outline": "solid"}
    assert page.url.endswith("#main")
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitors_journey(browser, site_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    shots = ARTIFACTS / f"journey-{width}"
    shots.mkdir(parents=True, exist_ok=True)

    def step(name):
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    page.goto(site_url + "/")
    assert page.locator("h1").inner_text() == "First Kiss"
    step("1-home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coverage").click()
    expect(page.locator("h1")).to_have_text("Coverage")
    step("2-coverage")

    page.get_by_label("Outlet").fill(PRET_A_REPORTER)
    page.get_by_role("button", name="Show coverage").click()
    # Waits for the new page: counting before it loads counts the old one, or none (seen on a busy machine).
    page.wait_for_url(re.compile(f"outlet={PRET_A_REPORTER}"))
    expect(page.locator(".coverage-item")).to_have_count(1)
    step("3-filtered")

    page.locator(".coverage-item h3 a").first.click()
    page.wait_for_url(f"**/coverage/{Q_AND_A}/")
    step("4-piece")

    page.locator(".quote .source").first.click()
    assert page.url.endswith("#passage-human-connection")
    anchor = page.locator("#passage-human-connection")
    assert anchor.count() == 1
    assert "Human connection" in page.locator("#passage-human-connection + mark").inner_text()
    assert page.locator("#passage-human-connection + mark").is_visible()
    step("5-cited-passage")

    page.locator(".mentions").get_by_role("link", name="Tatia Pilieva").click()
    expect(page.locator("h1")).to_have_text("Tatia Pilieva")
    step("6-person")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="L.A. guide").click()
    expect(page.locator("h1")).to_have_text("The director's Los Angeles")
    expect(page.locator(".guide > li")).to_have_count(7)
    step("7-guide")

    page.get_by_label("Neighbourhood").select_option(SILVER_LAKE)
    page.get_by_role("button", name="Show places").click()
    page.wait_for_url(re.compile(f"neighbourhood={SILVER_LAKE}"))
    expect(page.locator(".guide > li")).to_have_count(1)
    assert "Speranza" in page.locator(".guide > li").inner_text()
    step("8-guide-silver-lake")

    assert (
        page.evaluate("() => document.documentElement.scrollWidth") <= width
    )  # nothing wider than the screen
    page.close()
