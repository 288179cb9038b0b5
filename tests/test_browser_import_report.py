"""Import and report in a real Chromium: an editor imports a small spreadsheet of coverage, matches the one
column the press room could not guess, confirms, and reads the imported pieces' counts in the report's
charts; axe-core finds nothing on the way."""

import csv

import pytest

from press.models import Coverage, Outlet
from tests.project import ARTIFACTS
from tests.story import log_in, new_staff_member
from tests.test_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTLET = "Wren Weekly"  # not in the story: the import proposes it, then makes it
ROWS = [
    ("Title", "Publication", "When", "Type", "Our verdict", "Link", "Summary"),
    (
        "First Kiss, a year on",
        OUTLET,
        "March 10, 2015",
        "Article",
        "Admiring",
        "https://wren.example/a",
        "A look back.",
    ),
    (
        "Twenty strangers, one kiss",
        OUTLET,
        "Fall 2014",
        "Column",
        "Admiring",
        "https://wren.example/b",
        "A column.",
    ),
    (
        "Why the kiss worked",
        OUTLET,
        "May 2014",
        "Article",
        "Critical",
        "https://wren.example/c",
        "A critique.",
    ),
]


def bars(page, chart):
    """{label: count} of the bars the page's chart `chart` (a CSS selector of its figure) draws."""
    figure = page.locator(chart)
    return {
        bar.get_attribute("data-label"): int(bar.get_attribute("data-count"))
        for bar in figure.locator("g.bar").all()
    }


def test_an_editor_imports_a_spreadsheet_and_sees_it_in_the_report(
    browser, site_url, editorial_groups, tmp_path
):
    new_staff_member("eddie", "Editors")
    spreadsheet = tmp_path / "wren-coverage.csv"
    with spreadsheet.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(ROWS)
    shots = ARTIFACTS / "import-report"
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=True).new_page()
    log_in(page, site_url, "eddie")

    page.goto(site_url + "/admin/press/coverage/")
    page.get_by_role("link", name="Import coverage").click()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Upload and match the columns").click()

    # The press room guesses the usual headers; "Our verdict" it leaves to the editor.
    assert page.get_by_label("Column A: “Title”").input_value() == "headline"
    verdict = page.get_by_label("Column E: “Our verdict”")
    assert verdict.input_value() == ""
    verdict.select_option(label="Stance")
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "1-columns-matched.png"), full_page=True)
    page.get_by_role("button", name="Preview the import").click()

    preview = page.locator("#import-preview")
    assert preview.locator("tbody tr").filter(has_text="Will be added (draft)").count() == 3
    assert OUTLET in page.content()  # proposed as a new outlet, not made yet
    assert not Outlet.objects.filter(name=OUTLET).exists()
    page.screenshot(path=str(shots / "2-preview.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm the import").click()
    assert "Imported from wren-coverage.csv" in page.locator(".messagelist").inner_text()
    imported = Coverage.objects.filter(outlet__name=OUTLET)
    assert imported.count() == 3
    assert {piece.stance for piece in imported} == {"admiring", "critical"}

    # The list shows the drafts just imported; its Report link carries that filter.
    page.get_by_role("link", name="Report", exact=True).click()
    assert page.locator("#id_status").input_value() == "drafts"
    page.locator("#id_outlet + .select2").click()
    page.locator(".select2-search__field").first.fill("Wren W")
    page.locator(".select2-results__option", has_text=OUTLET).click()
    page.get_by_role("button", name="Show the report").click()
    page.screenshot(path=str(shots / "3-report.png"), full_page=True)
    # The outlet and person fields are the admin's own autocomplete (Select2, bundled with Django), whose
    # search box and list markup axe-core faults on every admin page that has one: ours is the rest.
    assert axe_violations(page, exclude=".select2-container") == []
    assert bars(page, "#chart-stances") == {"Admiring": 2, "Neutral": 0, "Mixed": 0, "Critical": 1}
    assert {label: count for label, count in bars(page, "#chart-kinds").items() if count} == {
        "Article": 2,
        "Column": 1,
    }
    assert bars(page, "#chart-outlets") == {OUTLET: 3}
    assert sum(bars(page, "#chart-over-time").values()) == 3
