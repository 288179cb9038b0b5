"""Importing coverage: the preview promises only what confirming writes (issue 16's second hostile test,
findings 3, 4, 5 and 7): people linked once, dates with their wording, no update making two pieces one,
URLs found however they are written."""

import datetime

import pytest

from editorial.models import PublicationStatus
from people.models import Person
from press.models import Coverage, Outlet
from tests.story import new_piece
from tests.test_import import confirm, csv_file, preview, rows_of, upload


def _import(client, rows):
    token, mapping = upload(client, csv_file(rows))
    response = preview(client, token, mapping)
    assert response.status_code == 200
    return token, mapping, response


def test_two_forms_of_one_new_name_are_one_person_stored_first_name_first(editor_client, db):
    rows = [
        ["Headline", "Outlet", "Authors"],
        ["Names 1", "The Guardian", "John Newman; Newman, John; Doe, Jane"],
    ]
    token, mapping, response = _import(editor_client, rows)
    page = response.content.decode()
    assert response.context["plan"].new_people == ["John Newman", "Jane Doe"]
    assert "written “Doe, Jane” in the file" in page
    assert confirm(editor_client, token, mapping, response).status_code == 302
    piece = Coverage.objects.get(headline="Names 1")
    assert sorted(piece.authors.values_list("name", flat=True)) == ["Jane Doe", "John Newman"]
    assert not Person.objects.filter(name__contains=",").exists()


def test_two_names_of_one_stored_person_link_them_once(editor_client, db):
    rows = [
        ["Headline", "Outlet", "Authors", "URL"],
        ["DupAuth 1", "The Guardian", "Stuart Heritage; Heritage, Stuart", "https://dupauth.example/1"],
    ]
    token, mapping, response = _import(editor_client, rows)
    assert rows_of(response) == [(2, "Will be added (draft)")]
    assert response.context["plan"].new_people == []
    assert confirm(editor_client, token, mapping, response).status_code == 302
    piece = Coverage.objects.get(headline="DupAuth 1")
    assert list(piece.authors.values_list("name", flat=True)) == ["Stuart Heritage"]


DATED = ["Headline", "Outlet", "Date", "URL"]


def _stored_dates():
    return {
        piece.headline: (piece.date, piece.date_precision, piece.date_wording)
        for piece in Coverage.objects.filter(headline__startswith="DW ")
    }


def test_a_new_date_replaces_the_stored_wording_and_the_preview_shows_it(editor_client, db):
    rows = [DATED, ["DW 1", "The Guardian", "May 2014", "https://dw.example/1"]]
    rows.append(["DW 2", "The Guardian", "Fall 2014", "https://dw.example/2"])
    token, mapping, response = _import(editor_client, rows)
    assert confirm(editor_client, token, mapping, response).status_code == 302
    rows = [DATED, ["DW 1", "The Guardian", "2014-05-10", "https://dw.example/1"]]
    rows.append(["DW 2", "The Guardian", "2014", "https://dw.example/2"])
    token, mapping, response = _import(editor_client, rows)
    assert rows_of(response) == [(2, "Will be updated"), (3, "Will be updated")]
    changes = [row.changes for row in response.context["plan"].rows]
    assert changes[0][0][0] == "Date as published" and "May 2014" in changes[0][0][1]
    assert changes[0][0][2] == "10 May 2014"
    assert changes[1][0][0] == "Date as published" and "Fall 2014" in changes[1][0][1]
    assert "Fall 2014" not in changes[1][0][2]
    assert "What confirming overwrites" in response.content.decode()
    assert confirm(editor_client, token, mapping, response).status_code == 302
    assert _stored_dates() == {
        "DW 1": (datetime.date(2014, 5, 10), "day", ""),
        "DW 2": (datetime.date(2014, 1, 1), "year", ""),
    }


def test_a_date_cell_without_a_date_keeps_the_stored_date_of_an_update(editor_client, db):
    rows = [DATED, ["DW 1", "The Guardian", "May 2014", "https://dw.example/1"]]
    token, mapping, response = _import(editor_client, rows)
    assert confirm(editor_client, token, mapping, response).status_code == 302
    rows = [["Headline", "Outlet", "Date", "URL", "Summary"]]
    rows.append(["DW 1", "The Guardian", "Tuesday", "https://dw.example/1", "New words."])
    token, mapping, response = _import(editor_client, rows)
    assert rows_of(response) == [(2, "Will be updated")]
    [notes] = [row.notes for row in response.context["plan"].rows]
    assert any("no date found in “Tuesday”" in note and "is kept" in note for note in notes)
    assert confirm(editor_client, token, mapping, response).status_code == 302
    assert _stored_dates() == {"DW 1": (datetime.date(2014, 5, 1), "month", "May 2014")}
    assert Coverage.objects.get(headline="DW 1").summary == "New words."


def test_an_update_that_would_double_another_piece_is_an_error_of_its_row(editor_client, db):
    style = Outlet.objects.get(slug="the-guardian")
    new_piece("ws-1", headline="WS 1", url="https://ws.example/Path#a", status=PublicationStatus.DRAFT)
    new_piece(
        "fashion-week",
        headline="Fall 2014 Fashion Week film series",
        outlet=style,
        status=PublicationStatus.PUBLISHED,
        published_at=datetime.datetime(2014, 9, 1, tzinfo=datetime.UTC),
    )
    rows = [
        ["Headline", "Outlet", "URL"],
        ["Fall 2014 Fashion Week film series", style.name, "https://ws.example/Path#a"],
    ]
    token, mapping, response = _import(editor_client, rows)
    assert rows_of(response) == [(2, "Not imported: error")]
    [errors] = [row.errors for row in response.context["plan"].rows]
    assert "would make it the same piece as “Fall 2014 Fashion Week film series”" in errors[0]
    assert Coverage.objects.get(slug="ws-1").headline == "WS 1"


@pytest.mark.parametrize(
    "stored",
    [
        "https://ws.example/Path#a",
        "http://WWW.WS.Example/Path/",
        "HTTPS://ws.EXAMPLE/Path",
        "ws.example/Path",
    ],
)
def test_a_url_written_another_way_finds_the_stored_piece(
    editor_client, db, stored, django_assert_max_num_queries
):
    new_piece("ws-1", headline="WS 1", url=stored, status=PublicationStatus.DRAFT)
    rows = [["Headline", "Outlet", "URL"], ["Frag new piece", "The Guardian", "https://ws.example/Path"]]
    token, mapping, response = _import(editor_client, rows)
    assert rows_of(response) == [(2, "Will be updated")]
    assert confirm(editor_client, token, mapping, response).status_code == 302
    assert Coverage.objects.filter(url__icontains="ws.example").count() == 1
    assert Coverage.objects.get(slug="ws-1").headline == "Frag new piece"


@pytest.mark.parametrize("stored", ["https://WS.example/Path#a", "http://www.ws.example/Path/"])
def test_the_write_time_check_finds_a_double_written_another_way(editor_client, db, monkeypatch, stored):
    from tests.test_import_plan import _saved_meanwhile

    rows = [["Headline", "Outlet", "URL"], ["Frag new piece", "The Guardian", "https://ws.example/Path"]]
    token, mapping, response = _import(editor_client, rows)
    assert rows_of(response) == [(2, "Will be added (draft)")]
    _saved_meanwhile(monkeypatch, headline="WS 1", url=stored)
    done = confirm(editor_client, token, mapping, response)
    assert done.status_code == 409
    assert "was added by someone else while importing" in done.content.decode()
    assert not Coverage.objects.filter(headline="Frag new piece").exists()
