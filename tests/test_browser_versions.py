"""Versions in a real Chromium: an editor changes a live piece's text as a draft that visitors do not see,
compares it with the published version, publishes it, and puts the old text back from the history."""

import re

import pytest

from press.models import Coverage
from tests.project import ARTIFACTS
from tests.story import Q_AND_A, log_in, new_staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSING = "Nobody who watched it has forgotten the first kiss."


def public_text(visitor, url):
    """The piece's text as a visitor (no session, so the page cache answers) reads it on its page."""
    visitor.goto(url)
    return visitor.locator(".stored-text").inner_text()


def words(texts):
    """texts (a list of str, the parts of a word diff) as one line, each run of spaces one space."""
    return " ".join(" ".join(texts).split())


def test_an_editor_drafts_a_live_piece_compares_publishes_and_reverts_it(browser, site_url, editorial_groups):
    new_staff_member("eddie", "Editors")
    piece = Coverage.objects.get(slug=Q_AND_A)
    public_url = site_url + piece.get_absolute_url()
    change_url = f"{site_url}/admin/press/coverage/{piece.pk}/change/"
    shots = ARTIFACTS / "versions"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    visitor = browser.new_page()  # a context of its own: never signed in
    original = public_text(visitor, public_url)  # now in the page cache
    assert original and CLOSING not in original
    log_in(page, site_url, "eddie")

    page.goto(change_url)
    assert "The public sees the published version" in page.locator("#version-status").inner_text()
    text = page.locator("#id_text")
    text.fill(text.input_value().rstrip() + "\n\n" + CLOSING)
    page.get_by_role("button", name="Save as draft").click()
    assert "Draft saved" in page.locator(".messagelist").inner_text()
    assert "You are editing a newer draft" in page.locator("#version-status").inner_text()
    assert CLOSING in page.locator("#id_text").input_value()
    page.screenshot(path=str(shots / "1-draft-saved.png"), full_page=True)

    assert public_text(visitor, public_url) == original

    page.get_by_role("link", name="Preview the draft").click()
    assert "Draft preview" in page.content()
    assert CLOSING in page.locator(".stored-text").inner_text()
    page.go_back()
    page.get_by_role("link", name="Compare it with the published version").click()
    assert CLOSING in words(page.locator(".word-diff ins").all_inner_texts())
    page.screenshot(path=str(shots / "2-compared.png"), full_page=True)

    page.goto(change_url)
    page.get_by_role("button", name="Save and publish").click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert CLOSING in public_text(visitor, public_url)
    visitor.screenshot(path=str(shots / "3-published.png"), full_page=True)

    page.goto(change_url)
    page.get_by_role("link", name="History").click()
    # Newest first: the publication, the draft it published, then what the public saw before.
    versions = page.locator("#change-history tbody tr")
    before = versions.filter(has_not_text=re.compile("Draft, published|never public")).nth(1)
    before.get_by_role("link").click()
    assert CLOSING in words(page.locator(".word-diff del").all_inner_texts())  # what restoring removes
    page.screenshot(path=str(shots / "4-restore.png"), full_page=True)
    page.get_by_role("button", name="Yes, restore this version").click()
    assert "Restored the version" in page.locator(".messagelist").inner_text()

    assert public_text(visitor, public_url) == original
    visitor.screenshot(path=str(shots / "5-reverted.png"), full_page=True)
    visitor.close()
    context.close()
