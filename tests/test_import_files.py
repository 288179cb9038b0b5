"""Reading the files of an import safely (press.importing.read_table and manage.py import_coverage): a zip
bomb, a device or an over-large file, sheets, CSV dialects, encodings, and where uploads wait. Each case from
the hostile test of issue 16 (/work/notes/attack16.md)."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from press import importing
from press.management.commands import import_coverage
from tests.test_import import (  # noqa: F401 (_uploads_in_tmp: the same fixture)
    UPLOAD,
    _uploads_in_tmp,
    snapshot,
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
