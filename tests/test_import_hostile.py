"""Hostile spreadsheets and forged requests against the coverage import: each gets a clear message and a 4xx
or a form error, never a server error, and nothing is written (on SQLite and PostgreSQL alike)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from press import importing
from tests.test_import import (
    CONFIRM,
    MAP,
    PREVIEW,
    UPLOAD,
    csv_file,
    preview,
    snapshot,
    upload,
    xlsx_file,
)


def png_named_csv():
    return SimpleUploadedFile("coverage.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="text/csv")


def latin1_csv():
    return SimpleUploadedFile("coverage.csv", "Headline,Outlet\nCafé Gratitude,Le Monde\n".encode("latin-1"))


def formula_xlsx():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Headline", "Outlet"])
    workbook.active.append(["A piece", "The Guardian"])
    workbook.active["B2"] = "=1+1"
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("coverage.xlsx", out.getvalue())


def zip_not_xlsx():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return SimpleUploadedFile("coverage.xlsx", out.getvalue())


HOSTILE_FILES = {
    "a PNG renamed .csv": (png_named_csv, "This file is a PNG picture, not a spreadsheet"),
    "a ZIP renamed .xlsx": (zip_not_xlsx, "not a spreadsheet openpyxl can read"),
    "a Latin-1 CSV": (latin1_csv, "This CSV is not in UTF-8"),
    "a CSV formula": (
        lambda: csv_file([["Headline", "URL"], ["A piece", '=HYPERLINK("http://evil.example","click")']]),
        "Cell B2 holds a formula",
    ),
    "an XLSX formula": (formula_xlsx, "Cell B2 holds a formula"),
    "10,000 rows": (
        lambda: csv_file([["Headline"]] + [[f"Piece {n}"] for n in range(10_000)]),
        "more than 2,000 rows",
    ),
    "an empty file": (lambda: SimpleUploadedFile("coverage.csv", b""), "The submitted file is empty"),
    "blank lines only": (lambda: SimpleUploadedFile("coverage.csv", b"\n\n  \n"), "The file is empty"),
    "headers only": (lambda: csv_file([["Headline", "Outlet"]]), "a header row but no rows"),
    "no header row": (lambda: csv_file([["", ""], ["A piece", "x"]]), "no header row"),
    "duplicate headers": (
        lambda: csv_file([["Title", "Outlet", "title"], ["a", "b", "c"]]),
        "Columns A and C are both headed “title”",
    ),
    "a huge cell": (
        lambda: csv_file([["Headline", "Text"], ["A piece", "x" * 200_000]]),
        "cannot be read as CSV",
    ),
    "cells past the headers": (
        lambda: csv_file([["Headline"], ["A piece", "extra"]]),
        "beyond the last headed",
    ),
    "an empty XLSX": (lambda: xlsx_file([]), "no header row"),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_a_hostile_file_is_refused_in_words(editor_client, name):
    make, words = HOSTILE_FILES[name]
    before = snapshot()
    response = editor_client.post(UPLOAD, {"spreadsheet": make()})
    assert response.status_code == 400
    assert words in response.context["form"].errors["spreadsheet"][0]
    assert words.split("“")[0] in response.content.decode()
    assert snapshot() == before


def test_a_file_over_the_size_cap_is_refused(editor_client, settings, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1000)
    response = editor_client.post(UPLOAD, {"spreadsheet": csv_file([["Headline"], ["x" * 2000]])})
    assert response.status_code == 400
    assert "larger than" in response.context["form"].errors["spreadsheet"][0]


def test_no_file_is_a_form_error(editor_client):
    response = editor_client.post(UPLOAD, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("A NUL\x00 here", "holds a NUL character"),
        ("A bell\x07 here", "holds a control character (U+0007)"),
        ("An escape\x1b here", "holds a control character (U+001B)"),
    ],
)
def test_a_control_character_is_an_error_of_its_row_naming_the_column(editor_client, cell, words):
    token, mapping = upload(
        editor_client, csv_file([["Headline", "Publication"], ["Fine", "The Guardian"], ["Bad", cell]])
    )
    response = preview(editor_client, token, mapping)
    assert response.status_code == 200
    bad = response.context["plan"].rows[1]
    assert bad.status == "Not imported: error"
    assert bad.errors == [f"Column B (“Publication”) {words}, which the press room cannot store: remove it."]
    assert f"Column B (“Publication”) {words}" in response.content.decode()
    before = snapshot()
    answer = editor_client.post(
        CONFIRM, {"file": token, **mapping, "fingerprint": response.context["fingerprint"]}
    )
    assert answer.status_code == 302
    assert len(snapshot()[0]) == len(before[0]) + 1, "only the good row"


def test_a_line_break_of_a_spreadsheet_cell_is_kept_as_a_newline(editor_client):
    token, mapping = upload(editor_client, csv_file([["Headline", "Summary"], ["A piece", "One\x0bTwo"]]))
    response = preview(editor_client, token, mapping)
    assert response.context["plan"].rows[0].values["summary"] == "One\nTwo"


def test_over_long_values_are_errors_of_their_row(editor_client):
    token, mapping = upload(
        editor_client,
        csv_file(
            [
                ["Headline", "Link", "Published", "Publication"],
                ["h" * 301, "", "", ""],
                ["A piece", "not a url", "", ""],
                ["Another", "", "d" * 201, ""],
                ["Yet another", "", "", "o" * 201],
                ["Fine", "", "3000", ""],
            ]
        ),
    )
    response = preview(editor_client, token, mapping)
    errors = [row.errors for row in response.context["plan"].rows]
    assert "Headline: Ensure this value has at most 300 characters (it has 301)." in errors[0]
    assert "URL: Enter a valid URL." in errors[1]
    assert "longer than 200 characters" in errors[2][0]
    assert "Outlet: the name is longer than 200 characters." in errors[3]
    assert "outside 1900 to 2099" in errors[4][0]
    assert response.context["counts"]["error"] == 5


@pytest.mark.parametrize(
    "token",
    ["../../etc/passwd", "", "x" * 32 + "/..", "A" * 32, "%00", "a" * 5000, "..%2F..%2Fetc%2Fpasswd"],
)
def test_a_forged_or_unknown_token_goes_back_to_the_upload_with_a_message(editor_client, token):
    for response in (
        editor_client.get(MAP, {"file": token}),
        editor_client.get(PREVIEW, {"file": token, "map-0": "headline"}),
        editor_client.post(CONFIRM, {"file": token, "map-0": "headline", "fingerprint": "x"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == UPLOAD
        message = str(list(response.wsgi_request._messages)[0])
        assert "That upload is not here any more" in message


def test_another_users_upload_is_not_theirs(editor_client, contributor, client):
    token, mapping = upload(editor_client, csv_file([["Headline"], ["A piece"]]))
    from django.test import Client

    other = Client()
    other.force_login(contributor)
    assert other.get(MAP, {"file": token})["Location"] == UPLOAD


@pytest.mark.parametrize(
    ("forged", "words"),
    [
        ({"map-0": "status"}, "Select a valid choice"),
        (
            {"map-0": "headline", "map-1": "headline"},
            "Each field takes one column: Headline (columns A and B)",
        ),
        ({"map-0": "", "map-1": "outlet"}, "Match one column to Headline"),
        ({"map-0": "headline\x00"}, "holds a NUL character"),
        ({"map-0": ["headline", "outlet"]}, None),
    ],
)
def test_a_forged_mapping_is_a_form_error(editor_client, forged, words):
    token, mapping = upload(editor_client, csv_file([["Headline", "Outlet"], ["A piece", "The Guardian"]]))
    before = snapshot()
    response = editor_client.get(PREVIEW, {"file": token, **mapping, **forged})
    if words is None:
        assert response.status_code in (200, 400)
        return
    assert response.status_code == 400
    assert words in response.content.decode()
    answer = editor_client.post(CONFIRM, {"file": token, **mapping, **forged, "fingerprint": "x"})
    assert answer.status_code == 400
    assert snapshot() == before


def test_a_forged_fingerprint_is_a_409_and_writes_nothing(editor_client):
    token, mapping = upload(editor_client, csv_file([["Headline"], ["A piece"]]))
    before = snapshot()
    answer = editor_client.post(CONFIRM, {"file": token, **mapping, "fingerprint": "forged"})
    assert answer.status_code == 409
    assert snapshot() == before


def test_the_wrong_methods_are_refused(editor_client):
    assert editor_client.get(CONFIRM).status_code == 405
    assert editor_client.post(PREVIEW).status_code == 405


def test_a_confirmed_import_cannot_be_replayed(editor_client):
    token, mapping = upload(editor_client, csv_file([["Headline"], ["Only once"]]))
    response = preview(editor_client, token, mapping)
    data = {"file": token, **mapping, "fingerprint": response.context["fingerprint"]}
    assert editor_client.post(CONFIRM, data).status_code == 302
    again = editor_client.post(CONFIRM, data)
    assert again.status_code == 302 and again["Location"] == UPLOAD
    from press.models import Coverage

    assert Coverage.objects.filter(headline="Only once").count() == 1


def test_the_admin_changelist_still_answers(editor_client):
    assert editor_client.get(reverse("admin:press_coverage_changelist")).status_code == 200


def test_a_nul_in_every_column_never_reaches_the_database(editor_client):
    headers = ["Headline", "Publication", "Link", "Writer(s)", "Places mentioned", "Published", "Summary"]
    token, mapping = upload(editor_client, csv_file([headers, [f"x\x00{n}" for n in range(len(headers))]]))
    response = preview(editor_client, token, mapping)
    assert response.status_code == 200
    [row] = response.context["plan"].rows
    assert row.status == "Not imported: error" and len(row.errors) == len(headers)
    assert "Confirm the import" not in response.content.decode()
