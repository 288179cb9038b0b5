"""Reading the files of an import safely (press.importing.read_table and manage.py import_coverage): a zip
bomb, a device or an over-large file, sheets, CSV dialects, encodings, and where uploads wait. Each case from
the hostile test of issue 16 (/work/notes/attack16.md)."""

import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from press import importing
from press.management.commands import import_coverage
from press.models import Coverage
from tests.project import run_manage
from tests.test_import import (
    CONFIRM,
    MAP,
    UPLOAD,
    csv_file,
    preview,
    snapshot,
    upload,
    xlsx_file,
)


def padded_xlsx(padding):
    """A real workbook whose sheet XML is padded with padding (int) spaces: it compresses to almost
    nothing."""
    plain = xlsx_file([["Headline"], ["A piece"]]).read()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)
            bomb.writestr(member.filename, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(editor_client, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    data = padded_xlsx(3 * 1024 * 1024)
    assert len(data) < 100_000
    before = snapshot()
    response = editor_client.post(UPLOAD, {"spreadsheet": SimpleUploadedFile("coverage.xlsx", data)})
    assert response.status_code == 400
    assert "too large when unpacked" in response.context["form"].errors["spreadsheet"][0]
    assert snapshot() == before


def test_a_workbook_under_the_unpacked_cap_is_read(monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    assert importing.read_table(padded_xlsx(1024 * 1024)).headers == ["Headline"]


def test_a_zip_of_too_many_members_is_refused(editor_client, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ZIP_MEMBERS", 20)
    plain = xlsx_file([["Headline"], ["A piece"]]).read()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(out, "w") as archive:
        for member in source.infolist():
            archive.writestr(member.filename, source.read(member))
        for number in range(30):
            archive.writestr(f"extra/{number}.xml", "")
    response = editor_client.post(
        UPLOAD, {"spreadsheet": SimpleUploadedFile("coverage.xlsx", out.getvalue())}
    )
    assert response.status_code == 400
    assert "more than the 20 a workbook" in response.context["form"].errors["spreadsheet"][0]


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_the_command_refuses_what_is_not_a_regular_file(tmp_path, db, kind):
    if kind == "device":
        path = "/dev/zero"
    elif kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
    else:
        path = tmp_path
    with pytest.raises(CommandError, match="is not a regular file"):
        call_command("import_coverage", str(path), "--dry-run")


def test_the_command_refuses_a_file_over_its_size_cap(tmp_path, db, monkeypatch):
    monkeypatch.setattr(import_coverage, "COMMAND_MAX_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("Headline\n" + "A piece\n" * 50)
    with pytest.raises(CommandError, match="is larger than"):
        call_command("import_coverage", str(path), "--dry-run")


def workbook_file(sheets, *, hidden=(), merge=()):
    """An uploaded XLSX with sheets ({title: rows}), those titled in hidden hidden, the ranges in merge
    merged on the first sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    for ref in merge:
        workbook.worksheets[0].merge_cells(ref)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("coverage.xlsx", out.getvalue())


def page_messages(response):
    return [str(message) for message in response.context["messages"]]


def test_the_first_visible_sheet_is_read_and_the_preview_names_the_others(editor_client):
    file = workbook_file(
        {
            "Notes": [["Headline"], ["Hidden piece"]],
            "Jan": [["Headline", "Outlet"], ["January piece", "The Guardian"]],
            "Feb": [["Headline", "Outlet"], ["February piece", "The Times"]],
        },
        hidden=["Notes"],
    )
    token, mapping = upload(editor_client, file)
    response = preview(editor_client, token, mapping)
    assert [row.headline for row in response.context["plan"].rows] == ["January piece"]
    assert "Read sheet “Jan”; left out: “Notes”, “Feb”." in page_messages(response)
    assert "Read sheet “Jan”; left out: “Notes”, “Feb”." in response.content.decode()


def test_the_upload_page_says_only_the_first_visible_sheet_is_read(editor_client):
    assert "only its first visible sheet is read" in editor_client.get(UPLOAD).content.decode()


def test_a_merged_range_gives_its_value_to_each_of_its_cells(editor_client):
    file = workbook_file(
        {
            "Coverage": [
                ["Headline", "Outlet"],
                ["One", "The Guardian"],
                ["Two", None],
                ["Three", "The Times"],
            ]
        },
        merge=["B2:B3"],
    )
    token, mapping = upload(editor_client, file)
    response = preview(editor_client, token, mapping)
    dataset = importing.read_table(
        workbook_file(
            {
                "Coverage": [
                    ["Headline", "Outlet"],
                    ["One", "The Guardian"],
                    ["Two", None],
                    ["Three", "The Times"],
                ]
            },
            merge=["B2:B3"],
        ).read()
    )
    assert [list(row) for row in dataset] == [
        ["One", "The Guardian"],
        ["Two", "The Guardian"],
        ["Three", "The Times"],
    ]
    assert any("Merged cells (B2:B3)" in message for message in page_messages(response))


def test_the_command_says_which_sheet_it_read(tmp_path, db, capsys):
    path = tmp_path / "coverage.xlsx"
    path.write_bytes(
        workbook_file({"Jan": [["Headline"], ["A piece"]], "Feb": [["Headline"], ["Another"]]}).read()
    )
    call_command("import_coverage", str(path), "--dry-run")
    assert "Read sheet “Jan”; left out: “Feb”." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("separator", "words"), [(";", "separated by semicolons"), ("\t", "separated by tabs")]
)
def test_a_csv_separated_by_semicolons_or_tabs_is_read_and_said(editor_client, separator, words):
    text = (
        separator.join(["Headline", "Outlet"]) + "\n" + separator.join(["A piece, with a comma", "Le Monde"])
    )
    token, mapping = upload(editor_client, SimpleUploadedFile("coverage.csv", text.encode()))
    response = preview(editor_client, token, mapping)
    assert [row.headline for row in response.context["plan"].rows] == ["A piece, with a comma"]
    assert any(words in message for message in page_messages(response))


def test_a_one_column_csv_whose_cells_hold_semicolons_stays_comma_separated():
    dataset = importing.read_table(b'Headline\n"One; two"\nThree;four\n')
    assert dataset.headers == ["Headline"]
    assert dataset.reading_notes == []


def test_a_quote_that_never_closes_is_refused_in_words(editor_client):
    data = b'Headline,Outlet\nA piece,The Guardian\n"Another piece,The Times\nThird,Le Monde\n'
    before = snapshot()
    response = editor_client.post(UPLOAD, {"spreadsheet": SimpleUploadedFile("coverage.csv", data)})
    assert response.status_code == 400
    assert "Row 3 opens a quote that never closes" in response.context["form"].errors["spreadsheet"][0]
    assert snapshot() == before


def test_text_after_a_closing_quote_is_still_forgiven():
    dataset = importing.read_table(b'Headline,Outlet\n"A piece" again,The Guardian\n')
    assert list(dataset[0]) == ["A piece again", "The Guardian"]


@pytest.mark.parametrize("bom", ["utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_named(editor_client, bom):
    data = ("\ufeffHeadline,Outlet\nA piece,The Guardian\n").encode(bom)
    response = editor_client.post(UPLOAD, {"spreadsheet": SimpleUploadedFile("coverage.csv", data)})
    assert response.status_code == 400
    assert (
        "This CSV is in UTF-16: save it as “CSV UTF-8”" in response.context["form"].errors["spreadsheet"][0]
    )


@pytest.mark.parametrize("header", ["Head\x00line", "Out\x07let"])
def test_a_control_character_in_a_header_is_a_file_error_naming_the_column(editor_client, header):
    data = f"Title,{header}\nA piece,x\n".encode()
    response = editor_client.post(UPLOAD, {"spreadsheet": SimpleUploadedFile("coverage.csv", data)})
    assert response.status_code == 400
    error = response.context["form"].errors["spreadsheet"][0]
    assert "The header of column B" in error
    assert "control character" in error
    assert "\x00" not in response.content.decode()


def test_the_upload_folder_is_read_from_the_environment(tmp_path):
    script = "from django.conf import settings; print(settings.COVERAGE_IMPORT_DIR)"
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        COVERAGE_IMPORT_DIR=str(tmp_path / "shared"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(tmp_path / "shared")


def test_an_upload_made_on_a_site_with_another_database_is_unknown(editor_client, monkeypatch):
    token, mapping = upload(editor_client, csv_file([["Headline"], ["A piece"]]))
    monkeypatch.setitem(connection.settings_dict, "NAME", "another-site")
    response = editor_client.get(MAP, {"file": token})
    assert response.status_code == 302
    assert response["Location"] == UPLOAD
    monkeypatch.undo()
    assert editor_client.get(MAP, {"file": token}).status_code == 200


class ClosedTerminal(io.StringIO):
    """A terminal whose input ended (Ctrl-D): input() raises EOFError."""

    def isatty(self):
        return True


@pytest.mark.parametrize("stdin", [io.StringIO("y\n"), ClosedTerminal("")], ids=["no terminal", "closed"])
def test_the_command_without_a_terminal_asks_for_no_input_in_words(tmp_path, db, monkeypatch, stdin):
    path = tmp_path / "coverage.csv"
    path.write_text("Headline\nA piece\n")
    monkeypatch.setattr("sys.stdin", stdin)
    before = snapshot()
    with pytest.raises(CommandError, match="add --no-input to import without a prompt"):
        call_command("import_coverage", str(path), stdout=io.StringIO())
    assert snapshot() == before


def test_a_map_without_an_equals_sign_says_how_to_give_it(tmp_path, db):
    path = tmp_path / "coverage.csv"
    path.write_text("Headline\nA piece\n")
    with pytest.raises(CommandError, match='give --map as "Header=field"'):
        call_command("import_coverage", str(path), "--map", "garbage", "--dry-run")


def test_a_database_refusal_during_the_commands_write_is_said_in_words(tmp_path, db, monkeypatch):
    path = tmp_path / "coverage.csv"
    path.write_text("Headline\nA piece\nAnother piece\n")

    def refuse(self, *args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "press_coverage_slug_key"')

    monkeypatch.setattr(Coverage, "save", refuse)
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("import_coverage", str(path), "--no-input", stdout=io.StringIO())
    assert "Nothing was imported: the database refused a row" in str(refused.value)
    assert "--dry-run" in str(refused.value)
    assert "press_coverage_slug_key" not in str(refused.value)
    assert snapshot() == before


def test_the_upload_and_map_pages_write_thousands_with_a_separator(editor_client):
    assert "At most 2,000 rows" in editor_client.get(UPLOAD).content.decode()
    token, _ = upload(editor_client, csv_file([["Headline"]] + [[f"Piece {n}"] for n in range(2_000)]))
    page = editor_client.get(MAP, {"file": token}).content.decode()
    assert "2,000 rows" in page
    assert "2000 row" not in page


def test_a_forged_confirm_of_nothing_to_import_is_a_warning(editor_client):
    token, mapping = upload(editor_client, csv_file([["Headline", "Outlet"], ["", "The Guardian"]]))
    response = preview(editor_client, token, mapping)
    before = snapshot()
    answer = editor_client.post(
        CONFIRM, {"file": token, **mapping, "fingerprint": response.context["fingerprint"]}, follow=True
    )
    said = list(answer.context["messages"])
    assert [message.level_tag for message in said] == ["warning"]
    assert str(said[0]).startswith("Nothing to import from coverage.csv")
    assert snapshot() == before
