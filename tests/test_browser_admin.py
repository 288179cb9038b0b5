"""The editorial admin in a real Chromium: an editor cites, is corrected, publishes and finds the piece on
the site; a contributor finds no way to publish."""

import pytest

from tests.project import ARTIFACTS
from tests.story import log_in, new_staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Twenty strangers met in a studio in Los Angeles.\n\n"
    "“It was like watching people dance for the first time,” the director said of the day."
)
RIGHT_PASSAGE = "“It was like watching people dance for the first time,” the director said"
WRONG_PASSAGE = "“It was like watching people waltz for the first time,” the director said"
QUOTED = "It was like watching people dance for the first time"


def test_an_editor_cites_a_passage_is_corrected_publishes_and_finds_it_on_the_site(
    browser, site_url, editorial_groups
):
    new_staff_member("eddie", "Editors")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    shots = ARTIFACTS / "editor"
    shots.mkdir(parents=True, exist_ok=True)
    log_in(page, site_url, "eddie")

    page.goto(site_url + "/admin/press/coverage/add/")
    page.get_by_label("Headline:").fill("Strangers, dancing")
    page.locator("#id_kind").select_option("article")
    page.get_by_label("Summary:").fill("Twenty strangers, one studio, one first kiss.")
    page.locator("#id_text").fill(TEXT)
    page.locator("#quotes-group .add-row a").click()
    page.locator("#id_quotes-0-passage_text").fill(WRONG_PASSAGE)
    page.locator("#id_quotes-0-words").fill("It was like watching people waltz for the first time")
    page.locator("#id_quotes-0-speaker_description").fill("the director")
    page.get_by_role("button", name="Save", exact=True).click()

    error = page.locator("#quotes-group .errorlist").first
    assert "Not found in the text of this piece" in error.inner_text()
    assert "waltz" in error.inner_text()
    page.screenshot(path=str(shots / "1-passage-not-in-the-text.png"), full_page=True)

    page.locator("#id_quotes-0-passage_text").fill(RIGHT_PASSAGE)
    page.locator("#id_quotes-0-words").fill(QUOTED)
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    page.locator('select[name="CHANGE_FORM-action"]').select_option("publish")
    page.get_by_role("button", name="Run").click()
    assert "1 piece of coverage published." in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(shots / "2-published.png"), full_page=True)

    visitor = browser.new_page()
    visitor.goto(site_url + "/coverage/")
    visitor.get_by_role("link", name="Strangers, dancing").click()
    assert visitor.locator("h1").inner_text() == "Strangers, dancing"
    assert QUOTED in visitor.locator(".quote").first.inner_text()
    assert QUOTED in visitor.locator("mark").first.inner_text()
    visitor.screenshot(path=str(shots / "3-on-the-site.png"), full_page=True)
    visitor.close()
    context.close()


def test_a_contributor_has_no_way_to_publish(browser, site_url, editorial_groups):
    new_staff_member("connie", "Contributors")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    log_in(page, site_url, "connie")

    page.goto(site_url + "/admin/press/coverage/add/")
    statuses = page.locator("#id_status option").all_inner_texts()
    assert statuses == ["Draft", "In review"]
    assert page.locator("#id_published_at_0").count() == 0
    page.get_by_label("Headline:").fill("A contributor's draft")
    page.locator("#id_kind").select_option("article")
    page.get_by_label("Summary:").fill("Waiting for an editor.")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    change_actions = page.locator('select[name="CHANGE_FORM-action"] option').all_inner_texts()
    assert "Publish now" not in change_actions
    assert "Submit for review" in change_actions
    page.goto(site_url + "/admin/press/coverage/")
    list_actions = page.locator('select[name="action"] option').all_inner_texts()
    assert not [action for action in list_actions if "Publish" in action or "Feature" in action]
    assert page.locator('input[name$="-featured"]:not([disabled])').count() == 0
    page.screenshot(path=str(ARTIFACTS / "contributor-changelist.png"), full_page=True)

    page.goto(site_url + "/admin/press/coverage/?publication=live")
    page.locator("#result_list tbody tr th a").first.click()
    assert page.locator('input[name="_save"]').count() == 0  # a live piece is view-only to them
    context.close()
