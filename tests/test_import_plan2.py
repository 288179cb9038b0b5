"""Importing coverage: the preview promises only what confirming writes (issue 16's second hostile test,
findings 3, 4, 5 and 7): people linked once, dates with their wording, no update making two pieces one,
URLs found however they are written."""


import pytest

from people.models import Person
from press.models import Coverage
from tests.test_import import confirm, csv_file, preview, rows_of, upload


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.COVERAGE_IMPORT_DIR = tmp_path / "imports"


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
