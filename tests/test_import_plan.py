"""Importing coverage: what the plan decides for rows that repeat stored pieces (unchanged, updated field by
field, skipped when not a draft), re-checked when written; dates and names read as documented (issue 16's
hostile test, findings 2, 3, 6, 9 and 11)."""

import datetime
import json

import pytest
from reversion.models import Version

from editorial.models import PublicationStatus
from press.models import Coverage
from tests.story import new_piece
from tests.test_import import confirm, csv_file, preview, rows_of, upload

HEADERS = ["Headline", "URL", "Summary", "Date"]


@pytest.fixture
def draft(db):
    return new_piece(
        "kissing-strangers",
        headline="Kissing strangers",
        url="https://example.com/kiss",
        summary="Twenty strangers.",
        date=datetime.date(2014, 3, 10),
        date_precision="day",
        date_wording="",
    )


def test_a_row_equal_to_its_stored_draft_is_unchanged_and_writes_nothing(editor_client, draft):
    rows = [HEADERS, ["Kissing strangers", "http://www.example.com/kiss/", "", "2014-03-10"]]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Unchanged")]
    page = response.content.decode()
    assert "Unchanged (already as the file says): 1" in page and "nothing to write" in page
    versions_before, updated_before = Version.objects.count(), draft.updated_at
    done = confirm(editor_client, token, mapping, response)
    # Nothing to import: the confirm is not offered, and a forged one writes nothing.
    assert "Confirm the import" not in page
    assert "Nothing to import: the press room has these pieces as the file says already." in page
    draft.refresh_from_db()
    assert draft.updated_at == updated_before and Version.objects.count() == versions_before
    assert done.status_code in (302, 409)


def test_unchanged_rows_are_counted_beside_updates_in_the_message(editor_client, draft):
    rows = [
        HEADERS,
        ["Kissing strangers", "https://example.com/kiss", "", ""],
        ["A new one", "https://example.com/new", "", ""],
    ]
    updated_before = draft.updated_at
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Unchanged"), (3, "Will be added (draft)")]
    done = confirm(editor_client, token, mapping, response)
    assert done.status_code == 302
    message = str(list(done.wsgi_request._messages)[0])
    assert "0 updated, 1 unchanged, 0 skipped" in message
    draft.refresh_from_db()
    assert draft.updated_at == updated_before


def test_an_update_shows_what_it_overwrites_field_by_field(editor_client, draft):
    long_summary = "A much longer summary. " * 20
    rows = [HEADERS, ["Kissing strangers", "https://example.com/kiss", long_summary, "May 2014"]]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Will be updated")]
    [row] = response.context["plan"].rows
    changes = {label: (old, new) for label, old, new in row.changes}
    assert changes["Summary"][0] == "Twenty strangers."
    assert changes["Summary"][1].endswith("…") and len(changes["Summary"][1]) == 80
    assert changes["Date as published"][1].startswith("May 2014")
    page = response.content.decode()
    assert "What confirming overwrites" in page and "Twenty strangers." in page


def test_a_piece_in_review_is_skipped_not_updated(editor_client, draft):
    Coverage.objects.filter(pk=draft.pk).update(status=PublicationStatus.IN_REVIEW)
    rows = [HEADERS, ["Kissing strangers", "https://example.com/kiss", "Replaced by the import", ""]]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Skipped")]
    assert "is in review: an import changes only drafts; change it in its form" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Twenty strangers."


def test_updates_written_in_bulk_keep_the_version_their_form_would_keep(editor_client, draft):
    from editorial import versions
    from people.models import Person
    from tests.story import new_person

    heritage = new_person("ann-critic", name="Ann Critic")
    draft.authors.add(heritage)
    rows = [
        ["Headline", "URL", "Summary", "Authors"],
        ["Kissing strangers", "https://example.com/kiss", "New", "Jane Doe"],
    ]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Will be updated")]
    assert confirm(editor_client, token, mapping, response).status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "New" and draft.updated_at > draft.created_at
    assert set(draft.authors.values_list("name", flat=True)) == {"Ann Critic", "Jane Doe"}
    assert Person.objects.get(name="Jane Doe").status == PublicationStatus.DRAFT
    version = Version.objects.get_for_object(draft).first()
    [kept] = json.loads(version.serialized_data)
    [made] = json.loads(versions.copy_of(draft)[0].serialized_data)
    for generated in ("search_document", "headline_document", "summary_document"):
        # What PostgreSQL computes from the fields, not written by either.
        kept["fields"].pop(generated)
        made["fields"].pop(generated)
    assert kept == made
    assert version.revision.comment == "Imported from coverage.csv"


def _saved_meanwhile(monkeypatch, **fields):
    """Makes someone else save a piece with fields while the import writes (after its new pieces)."""
    from press import importing

    copies = importing._copies_of_new_pieces

    def someone_saves(pieces, *args, **kwargs):
        if pieces and not Coverage.objects.filter(slug="saved-meanwhile").exists():
            new_piece("saved-meanwhile", **fields)
        return copies(pieces, *args, **kwargs)

    monkeypatch.setattr(importing, "_copies_of_new_pieces", someone_saves)


def test_a_double_saved_while_confirming_rolls_the_import_back(editor_client, draft, monkeypatch):
    rows = [
        HEADERS,
        ["Kissing strangers", "https://example.com/kiss", "Changed", ""],
        ["The new one", "https://example.com/x", "", ""],
    ]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Will be updated"), (3, "Will be added (draft)")]
    _saved_meanwhile(monkeypatch, headline="Someone's", url="http://www.example.com/x/")
    done = confirm(editor_client, token, mapping, response)
    assert done.status_code == 409
    page = done.content.decode()
    assert "was added by someone else while importing: nothing was imported; preview again" in page
    assert not Coverage.objects.filter(headline="The new one").exists()
    draft.refresh_from_db()
    assert draft.summary == "Twenty strangers."


def test_the_command_refuses_a_double_of_outlet_and_headline_saved_meanwhile(tmp_path, editor, monkeypatch):
    from django.core.management import CommandError, call_command

    from press.models import Outlet

    path = tmp_path / "coverage.csv"
    path.write_text("Headline,Outlet\nA kiss meanwhile,The Guardian\n", encoding="utf-8")
    guardian = Outlet.objects.get(slug="the-guardian")
    _saved_meanwhile(
        monkeypatch, headline="A KISS meanwhile", outlet=guardian, status=PublicationStatus.PUBLISHED
    )
    with pytest.raises(CommandError, match="was added by someone else while importing"):
        call_command("import_coverage", str(path), "--no-input", "--user", "eddie")
    assert not Coverage.objects.filter(headline="A kiss meanwhile").exists()


DATES = [
    ("2014/03/10", "day", datetime.date(2014, 3, 10), ""),
    ("2014.03.10", "day", datetime.date(2014, 3, 10), ""),
    ("20140310", "day", datetime.date(2014, 3, 10), ""),
    ("3/10/14", "unknown", None, "No date found in “3/10/14”: only the words are kept; write 2014-03-10"),
    ("10-Mar-14", "unknown", None, "No date found in “10-Mar-14”: only the words are kept; write 2014-03-10"),
    ("1e5", "unknown", None, "No date found in “1e5”: only the words are kept; write 2014-03-10"),
    ("-2014", "unknown", None, "No date found in “-2014”: only the words are kept"),
    ("Tuesday", "unknown", None, "No date found in “Tuesday”: only the words are kept."),
    ("yesterday", "unknown", None, "No date found in “yesterday”: only the words are kept."),
]


@pytest.mark.parametrize(("words", "precision", "day", "note"), DATES)
def test_dates_year_first_are_days_and_cells_without_a_date_get_a_note(
    editor_client, words, precision, day, note
):
    rows = [["Headline", "Date"], [f"Dated {words}", words]]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Will be added (draft)")]
    [row] = response.context["plan"].rows
    assert (row.values["date"], row.values["date_precision"]) == (day, precision)
    if note:
        assert any(shown.startswith(note) for shown in row.notes), row.notes
        assert note in response.content.decode()
    else:
        assert not any("No date found" in shown for shown in row.notes)
    assert confirm(editor_client, token, mapping, response).status_code == 302
    piece = Coverage.objects.get(headline=f"Dated {words}")
    assert (piece.date, piece.date_precision) == (day, precision)


def test_names_split_on_semicolons_and_line_breaks_only(editor_client):
    from tests.story import new_person

    new_person("ann-critic", name="Ann Critic")
    rows = [
        ["Headline", "Authors", "People mentioned"],
        ["LastFirst", "Critic, Ann", "Heritage, Nobody"],
        ["Amp", "Tom and Jerry Productions", "Bob Smith, Alice Jones"],
        ["Lines", "Bob Smith\nAlice Jones", "Bob Smith | Alice Jones"],
    ]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert [action for _, action in rows_of(response)] == ["Will be added (draft)"] * 3
    plan = response.context["plan"]
    names = {row.headline: ([str(a) for a in row.authors], [str(p) for p in row.people]) for row in plan.rows}
    assert names["LastFirst"] == (["Ann Critic"], ["Nobody Heritage"])
    assert names["Amp"] == (["Tom and Jerry Productions"], ["Bob Smith, Alice Jones"])
    assert names["Lines"] == (["Bob Smith", "Alice Jones"], ["Bob Smith | Alice Jones"])
    assert "Heritage" not in plan.new_people and "Stuart" not in plan.new_people
    assert confirm(editor_client, token, mapping, response).status_code == 302
    piece = Coverage.objects.get(headline="LastFirst")
    assert [person.slug for person in piece.authors.all()] == ["ann-critic"]


@pytest.mark.parametrize("name", ["***", "+++", "Ann Critic; 42"])
def test_a_name_without_a_letter_is_an_error_of_its_row(editor_client, name):
    rows = [["Headline", "Authors"], ["A piece", name]]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Not imported: error")]
    assert "is not a name (it has no letter)" in response.content.decode()


def test_an_updated_piece_with_inline_rows_keeps_them_in_its_version(editor_client, draft):
    from editorial import versions
    from press.models import Passage

    Passage.objects.create(coverage=draft, slug="strangers", text="Twenty strangers")
    rows = [HEADERS, ["Kissing strangers", "https://example.com/kiss", "Twenty strangers kiss.", ""]]
    token, mapping = upload(editor_client, csv_file(rows))
    response = preview(editor_client, token, mapping)
    assert confirm(editor_client, token, mapping, response).status_code == 302
    version = Version.objects.get_for_object(draft).first()
    kept = version.revision.version_set.all()
    assert {v.content_type.model for v in kept} == {"coverage", "passage"}
    [piece] = [json.loads(v.serialized_data)[0] for v in kept if v.content_type.model == "coverage"]
    [made] = json.loads(versions.copy_of(Coverage.objects.get(pk=draft.pk))[0].serialized_data)
    assert piece["fields"]["summary"] == "Twenty strangers kiss."
    assert piece["fields"] == made["fields"]


def _queries_to_confirm_updates(client, count, start):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(start, start + count):
        new_piece(f"piece-{n}", headline=f"Piece {n}", url=f"https://p.example/{n}")
    rows = [HEADERS] + [
        [f"Piece {n}", f"https://p.example/{n}", f"New {n}", ""] for n in range(start, start + count)
    ]
    token, mapping = upload(client, csv_file(rows))
    response = preview(client, token, mapping)
    assert response.context["plan"].counts["update"] == count
    with CaptureQueriesContext(connection) as queries:
        assert confirm(client, token, mapping, response).status_code == 302
    return len(queries)


def test_confirming_updates_costs_no_more_queries_per_row(editor_client):
    assert _queries_to_confirm_updates(editor_client, 40, 100) <= _queries_to_confirm_updates(
        editor_client, 5, 0
    )
