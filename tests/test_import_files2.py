"""Reading the files of an import safely, second round (the hostile test of issue 16 after its fixes,
/work/notes/attack16b.md): where uploads wait and what the clean-up may delete, merged-cell bombs, and which
separator a CSV uses."""

import io
import os
import stat
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from press import importing
from tests.test_import import (
    UPLOAD,
    csv_file,
    preview,
    upload,
    xlsx_file,
)

DAY = 24 * 60 * 60


def _upload_files(folder):
    return sorted(path for path in (folder / "coverage-uploads").iterdir())


def test_the_clean_up_deletes_only_old_uploads_of_its_own(editor_client, settings, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    settings.COVERAGE_IMPORT_DIR = shared
    backup = shared / "backup.sql"
    backup.write_text("precious")
    stale = time.time() - 3 * DAY
    os.utime(backup, (stale, stale))
    upload(editor_client, csv_file([["Headline"], ["One"]]))
    inside = shared / "coverage-uploads"
    stranger = inside / "notes.txt"
    stranger.write_text("someone's")
    os.utime(stranger, (stale, stale))
    for old in _upload_files(shared):
        os.utime(old, (stale, stale))
    upload(editor_client, csv_file([["Headline"], ["Two"]]))
    assert backup.read_text() == "precious"
    assert stranger.read_text() == "someone's"
    kept = [path for path in _upload_files(shared) if path.suffix in (".data", ".json")]
    # The old upload went, the new one stays: one .data and one .json.
    assert len(kept) == 2
    assert all(time.time() - path.stat().st_mtime < DAY for path in kept)


def test_uploads_are_readable_by_their_owner_only(editor_client, settings, tmp_path):
    settings.COVERAGE_IMPORT_DIR = tmp_path / "exists"
    (tmp_path / "exists").mkdir()
    upload(editor_client, csv_file([["Headline"], ["One"]]))
    modes = {stat.S_IMODE(path.stat().st_mode) for path in _upload_files(tmp_path / "exists")}
    assert modes == {0o600}


# A folder without write permission fails the same way, but the suite runs as root, which writes anywhere.
@pytest.mark.parametrize("where", ["under-a-file", "/proc/nope"])
def test_an_upload_folder_that_cannot_be_made_is_said_on_the_upload_page(
    editor_client, settings, tmp_path, where, caplog
):
    if where == "under-a-file":
        (tmp_path / "afile").write_text("x")
        settings.COVERAGE_IMPORT_DIR = tmp_path / "afile" / "sub"
    else:
        settings.COVERAGE_IMPORT_DIR = where
    response = editor_client.post(UPLOAD, {"spreadsheet": csv_file([["Headline"], ["One"]])})
    assert response.status_code == 400
    assert "COVERAGE_IMPORT_DIR" in response.content.decode()
    assert "cannot be made or written" in response.content.decode()
    assert any("COVERAGE_IMPORT_DIR" in record.getMessage() for record in caplog.records)


def test_a_relative_upload_folder_is_taken_from_the_project_folder(editor_client, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.COVERAGE_IMPORT_DIR = "var/imports"
    upload(editor_client, csv_file([["Headline"], ["One"]]))
    assert _upload_files(tmp_path / "var" / "imports")


def merged_bomb(rows, refs):
    """XLSX bytes of rows (lists of str, the first the headers) whose sheet XML lists the merged ranges refs
    (str), repeats and overlaps included, as a forged file would."""
    plain = xlsx_file(rows).read()
    merges = f'<mergeCells count="{len(refs)}">'.encode()
    merges += b"".join(f'<mergeCell ref="{ref}"/>'.encode() for ref in refs) + b"</mergeCells>"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as forged,
    ):
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b"</sheetData>" + merges, 1)
            forged.writestr(member.filename, content)
    return out.getvalue()


ROWS = [["Headline", "Outlet", "Notes"]] + [[f"Piece {n}", "The Guardian", ""] for n in range(1, 51)]


def test_more_merged_ranges_than_the_cap_are_refused_in_words(editor_client):
    refs = [f"B{n}:C{n}" for n in range(2, 2 + importing.MAX_MERGED_RANGES + 1)]
    response = editor_client.post(
        UPLOAD, {"spreadsheet": SimpleUploadedFile("bomb.xlsx", merged_bomb(ROWS, refs))}
    )
    assert response.status_code == 400
    assert "more than 1,000 merged ranges: unmerge the cells and save it again" in response.content.decode()


def test_a_range_repeated_up_to_the_cap_is_spread_once():
    dataset = importing.read_table(merged_bomb(ROWS, ["B2:C51"] * importing.MAX_MERGED_RANGES))
    assert {tuple(row[1:]) for row in dataset} == {("The Guardian", "The Guardian")}


def test_overlapping_merged_ranges_are_refused_in_words():
    refs = [f"A2:C{51 - n}" for n in range(40)]
    with pytest.raises(importing.ImportFileError, match="merged ranges of this sheet overlap"):
        importing.read_table(merged_bomb(ROWS, refs))


def test_a_tab_file_whose_header_holds_commas_is_read_as_tab_separated(editor_client):
    text = "Headline\tDate (Mon, D, YYYY)\tOutlet\nTab piece\tMarch 10, 2014\tThe Guardian\n"
    token, mapping = upload(editor_client, SimpleUploadedFile("coverage.csv", text.encode()))
    response = preview(editor_client, token, mapping)
    assert [row.headline for row in response.context["plan"].rows] == ["Tab piece"]
    assert any("separated by tabs" in str(message) for message in response.context["messages"])
    dataset = importing.read_table(text.encode())
    assert dataset.headers == ["Headline", "Date (Mon, D, YYYY)", "Outlet"]
    assert list(dataset[0]) == ["Tab piece", "March 10, 2014", "The Guardian"]


def test_a_comma_file_whose_header_holds_semicolons_stays_comma_separated():
    dataset = importing.read_table(
        b"Headline,Outlet,Notes (a; b; c; d)\nOne,The Guardian,x\nTwo,The Times,y\n"
    )
    assert dataset.headers == ["Headline", "Outlet", "Notes (a; b; c; d)"]
    assert dataset.reading_notes == []
    assert list(dataset[1]) == ["Two", "The Times", "y"]


def test_a_semicolon_file_whose_cells_hold_commas_is_read_as_semicolon_separated():
    dataset = importing.read_table(b"Headline;Date, place\nOne, again;May 3, 2014\n")
    assert dataset.headers == ["Headline", "Date, place"]
    assert list(dataset[0]) == ["One, again", "May 3, 2014"]


def test_a_header_cell_holding_a_tab_asks_whether_the_file_is_tab_separated(editor_client):
    data = b'Headline,"Out\tlet"\nOne,The Guardian\n'
    response = editor_client.post(UPLOAD, {"spreadsheet": SimpleUploadedFile("coverage.csv", data)})
    assert response.status_code == 400
    error = response.context["form"].errors["spreadsheet"][0]
    assert "The header of column B" in error
    assert "holds a tab: is the file separated by tabs?" in error
    assert "control character" not in error
