"""Importing coverage from a spreadsheet in the admin (and by manage.py import_coverage): what the preview
says row by row is what confirming does; pieces arrive as drafts; all or nothing."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision, Version

from editorial import versions
from editorial.models import PublicationStatus
from people.models import Person, Place
from press.models import Coverage, Outlet
from press.models.dates import DatePrecision
from tests.story import new_piece, new_staff_member

UPLOAD = reverse("admin:press_coverage_import")
MAP = reverse("admin:press_coverage_import_map")
PREVIEW = reverse("admin:press_coverage_import_preview")
CONFIRM = reverse("admin:press_coverage_import_confirm")

HEADERS = ["Title", "Publication", "Writer(s)", "Published", "Link", "Type", "Status", "Places mentioned"]


def csv_file(rows, name="coverage.csv"):
    """An uploaded CSV in UTF-8 of rows (lists of str), the first the headers."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, name="coverage.xlsx"):
    """An uploaded XLSX of rows (lists of cell values), the first the headers."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, file):
    """The token of file uploaded through the form, and the mapping page's suggested choices
    ({"map-N": field})."""
    response = client.post(UPLOAD, {"spreadsheet": file})
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    token = response["Location"].split("file=")[1]
    form = page.context["form"]
    return token, {f"map-{name}": field.initial for name, field in form.fields.items()}


def preview(client, token, mapping):
    return client.get(PREVIEW, {"file": token, **mapping})


def confirm(client, token, mapping, response):
    return client.post(CONFIRM, {"file": token, **mapping, "fingerprint": response.context["fingerprint"]})


def rows_of(response):
    """[(row number, what happens)] of the preview's table."""
    return [(row.number, row.status) for row in response.context["plan"].rows]


def snapshot():
    """What an import could change: every piece, outlet and person, and the versions."""
    return (
        sorted(
            Coverage.objects.values_list(
                "pk", "headline", "status", "url", "date", "date_wording", "updated_at"
            )
        ),
        sorted(Outlet.objects.values_list("pk", "name", "status")),
        sorted(Person.objects.values_list("pk", "name", "status")),
        sorted(Coverage.authors.through.objects.values_list("pk", "coverage_id", "person_id")),
        Revision.objects.count(),
    )


@pytest.fixture
def draft_with_url(db):
    """A draft already in the press room, which a row of the file repeats by URL."""
    return new_piece("kissing-strangers", headline="Kissing strangers", url="https://example.com/kiss/")


def the_file():
    """A file with a new piece from an unknown outlet, a repeat of a draft by URL, a repeat of a published
    piece by outlet and headline, a bad row, a repeat inside the file and a piece in May 2014."""
    return [
        HEADERS,
        ["Twenty strangers", "The Daily Kiss", "Jane Doe; Stuart Heritage", "Fall 2014",
         "https://daily.example/twenty", "Interview", "published", "Little Dom's"],
        ["Kissing strangers, revisited", "", "", "Tuesday", "http://www.example.com/kiss", "", "", ""],
        ["STUART HERITAGE'S COLUMN ON FIRST KISS", "the guardian", "", "March 10, 2014", "", "", "", ""],
        ["A bad row", "The Guardian", "", "February 30, 2014", "", "Podcast", "", "Atlantis"],
        ["Twenty strangers again", "", "", "", "https://daily.example/twenty/", "", "", ""],
        ["The film, a month on", "The Guardian", "", "May 2014", "", "column", "", ""],
    ]  # fmt: skip


def test_the_preview_says_row_by_row_what_confirming_does(editor_client, editor, draft_with_url):
    before = snapshot()
    token, mapping = upload(editor_client, csv_file(the_file()))
    assert mapping == {
        "map-0": "headline",
        "map-1": "outlet",
        "map-2": "authors",
        "map-3": "date",
        "map-4": "url",
        "map-5": "kind",
        "map-6": "",
        "map-7": "mentioned_places",
    }
    response = preview(editor_client, token, mapping)
    assert response.status_code == 200
    assert rows_of(response) == [
        (2, "Will be added (draft)"),
        (3, "Will be updated"),
        (4, "Skipped"),
        (5, "Not imported: error"),
        (6, "Skipped"),
        (7, "Will be added (draft)"),
    ]
    page = response.content.decode()
    assert "Import coverage: preview" in page
    assert 'id="import-preview"' in page
    assert "The Daily Kiss (new)" in page
    assert "Jane Doe" in response.context["plan"].new_people
    assert response.context["plan"].new_outlets == ["The Daily Kiss"]
    bad = response.context["plan"].rows[3]
    assert any("not a day of the calendar" in error for error in bad.errors)
    assert any("“Podcast” is not one of" in error for error in bad.errors)
    assert any("no place named “Atlantis”" in error for error in bad.errors)
    assert "change it in its form" in " ".join(response.context["plan"].rows[2].notes)
    assert "Repeats row 2 of this file" in " ".join(response.context["plan"].rows[4].notes)
    assert snapshot() == before, "the preview wrote nothing"

    done = confirm(editor_client, token, mapping, response)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:press_coverage_changelist") + "?publication=draft"
    message = str(list(done.wsgi_request._messages)[0])
    assert message == (
        "Imported from coverage.csv: 2 new pieces (drafts), 1 updated, 2 skipped, 1 not imported because of "
        "errors."
    )

    twenty = Coverage.objects.get(headline="Twenty strangers")
    assert twenty.status == PublicationStatus.DRAFT and twenty.published_at is None
    assert (twenty.date, twenty.date_precision, twenty.date_wording) == (
        datetime.date(2014, 1, 1),
        DatePrecision.YEAR,
        "Fall 2014",
    )
    assert twenty.kind == Coverage.Kind.INTERVIEW
    assert twenty.outlet.name == "The Daily Kiss" and twenty.outlet.status == PublicationStatus.DRAFT
    assert twenty.outlet.kind == Outlet.Kind.WEBSITE
    assert sorted(twenty.authors.values_list("name", flat=True)) == ["Jane Doe", "Stuart Heritage"]
    assert Person.objects.get(name="Jane Doe").status == PublicationStatus.DRAFT
    assert list(twenty.mentioned_places.all()) == [Place.objects.get(name="Little Dom's")]
    assert twenty.created_by == editor

    draft_with_url.refresh_from_db()
    assert draft_with_url.headline == "Kissing strangers, revisited"
    assert (draft_with_url.date, draft_with_url.date_precision, draft_with_url.date_wording) == (
        None,
        DatePrecision.UNKNOWN,
        "Tuesday",
    )
    assert draft_with_url.url == "http://www.example.com/kiss"
    assert draft_with_url.status == PublicationStatus.DRAFT

    month = Coverage.objects.get(headline="The film, a month on")
    assert (month.date, month.date_precision, month.date_wording) == (
        datetime.date(2014, 5, 1),
        DatePrecision.MONTH,
        "May 2014",
    )
    assert month.outlet.slug == "the-guardian" and month.kind == Coverage.Kind.COLUMN

    guardian = Coverage.objects.get(slug="stuart-heritage-column-the-guardian")
    assert guardian.status == PublicationStatus.PUBLISHED and guardian.date != datetime.date(2014, 3, 10)
    assert not Coverage.objects.filter(headline__in=["A bad row", "Twenty strangers again"]).exists()
    assert Coverage.objects.filter(url__contains="daily.example/twenty").count() == 1
    assert Outlet.objects.filter(name="The Daily Kiss").count() == 1
    assert Coverage.objects.count() == len(before[0]) + 2
    revision = Revision.objects.latest("pk")
    assert revision.comment == "Imported from coverage.csv" and revision.user == editor
    assert revision.version_set.filter(object_id=str(twenty.pk)).exists()


def test_an_xlsx_with_its_own_headers_and_one_column_matched_by_hand(editor_client):
    rows = [
        ["Headline", "Pub", "Author", "Date", "URL"],
        ["A kiss in March", "The Guardian", "Stuart Heritage", datetime.datetime(2014, 3, 10), "https://x.example/a"],
        ["Tuesday's kiss", "New Outlet Weekly", "", "Tuesday 2014", "https://x.example/b"],
    ]  # fmt: skip
    token, mapping = upload(editor_client, xlsx_file(rows))
    assert mapping["map-1"] == ""
    mapping["map-1"] = "outlet"
    response = preview(editor_client, token, mapping)
    assert rows_of(response) == [(2, "Will be added (draft)"), (3, "Will be added (draft)")]
    assert response.context["plan"].new_outlets == ["New Outlet Weekly"]
    assert confirm(editor_client, token, mapping, response).status_code == 302
    march = Coverage.objects.get(url="https://x.example/a")
    assert (march.date, march.date_precision, march.date_wording) == (datetime.date(2014, 3, 10), "day", "")
    assert march.outlet.slug == "the-guardian"
    tuesday = Coverage.objects.get(url="https://x.example/b")
    assert (tuesday.date, tuesday.date_precision, tuesday.date_wording) == (
        datetime.date(2014, 1, 1),
        DatePrecision.YEAR,
        "Tuesday 2014",
    )
    assert tuesday.outlet.status == PublicationStatus.DRAFT


def test_a_failing_import_changes_nothing(editor_client, monkeypatch):
    token, mapping = upload(editor_client, csv_file(the_file()))
    response = preview(editor_client, token, mapping)
    before = snapshot()
    saved = Coverage.save
    calls = []

    def refuse_the_second(self, *args, **kwargs):
        calls.append(self.headline)
        if len(calls) == 2:
            raise IntegrityError("a rule of the database")
        return saved(self, *args, **kwargs)

    monkeypatch.setattr(Coverage, "save", refuse_the_second)
    answer = confirm(editor_client, token, mapping, response)
    assert answer.status_code == 409
    assert "Nothing was imported" in answer.content.decode()
    assert len(calls) == 2, "the first piece had been saved"
    assert snapshot() == before
    assert not Outlet.objects.filter(name="The Daily Kiss").exists()


def test_contributors_import_drafts_and_cannot_publish_by_importing(contributor_client, contributor):
    rows = [
        ["Headline", "Outlet", "Status", "Published at"],
        ["Published, says the file", "The Guardian", "published", "2014-03-10"],
        ["Stuart Heritage's column on First Kiss", "The Guardian", "published", ""],
    ]
    token, mapping = upload(contributor_client, csv_file(rows))
    # A forged mapping to the status column is refused; so is one to published_at.
    for forged in ("status", "published_at", "featured"):
        answer = preview(contributor_client, token, {**mapping, "map-2": forged})
        assert answer.status_code == 400
        assert "Select a valid choice" in answer.content.decode()
    response = preview(contributor_client, token, mapping)
    assert rows_of(response) == [(2, "Will be added (draft)"), (3, "Skipped")]
    answer = contributor_client.post(
        CONFIRM,
        {
            "file": token,
            **mapping,
            "fingerprint": response.context["fingerprint"],
            "status": "published",
            "map-2": "status",
        },
    )
    assert answer.status_code == 400, "a forged mapping in the confirmation is refused"
    assert not Coverage.objects.filter(headline="Published, says the file").exists()
    answer = contributor_client.post(
        CONFIRM,
        {"file": token, **mapping, "fingerprint": response.context["fingerprint"], "status": "published"},
    )
    assert answer.status_code == 302
    piece = Coverage.objects.get(headline="Published, says the file")
    assert piece.status == PublicationStatus.DRAFT and piece.published_at is None
    assert piece.created_by == contributor
    assert not Coverage.objects.published().filter(pk=piece.pk).exists()
    assert (
        Coverage.objects.get(slug="stuart-heritage-column-the-guardian").status == PublicationStatus.PUBLISHED
    )


def test_a_stale_confirmation_is_refused_and_writes_nothing(editor_client, draft_with_url):
    token, mapping = upload(editor_client, csv_file(the_file()))
    response = preview(editor_client, token, mapping)
    # Someone publishes the draft the file would update, after the preview.
    draft_with_url.status = PublicationStatus.PUBLISHED
    draft_with_url.save()
    before = snapshot()
    answer = confirm(editor_client, token, mapping, response)
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "Nothing was imported: the press room changed since the preview" in page
    assert (3, "Skipped") in rows_of(answer), "the preview as it stands now"
    assert snapshot() == before


def test_whoever_may_not_add_coverage_cannot_import(client, db):
    viewer = new_staff_member("viewer")
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_coverage"))
    client.force_login(viewer)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"spreadsheet": csv_file(the_file())}).status_code == 403
    listing = client.get(reverse("admin:press_coverage_changelist"))
    assert listing.status_code == 200 and "Import coverage" not in listing.content.decode()


def test_the_list_links_to_the_import_and_the_upload_page_says_what_to_send(contributor_client):
    listing = contributor_client.get(reverse("admin:press_coverage_changelist"))
    assert f'<a href="{UPLOAD}" class="addlink">Import coverage</a>' in listing.content.decode()
    page = contributor_client.get(UPLOAD).content.decode()
    assert "Import coverage: upload a spreadsheet" in page
    assert "Spreadsheet (CSV or XLSX)" in page and "Upload and match the columns" in page
    token, _ = upload(contributor_client, csv_file(the_file()))
    mapping_page = contributor_client.get(MAP, {"file": token}).content.decode()
    assert "Column B: “Publication”" in mapping_page and 'name="map-1"' in mapping_page
    assert "(ignore this column)" in mapping_page and "Preview the import" in mapping_page


def test_the_preview_costs_the_same_queries_for_50_rows(editor_client, django_assert_max_num_queries):
    rows = [HEADERS] + [
        [f"Piece {n}", f"Outlet {n % 7}", f"Writer {n}; Stuart Heritage", "Fall 2014", f"https://p.example/{n}",
         "article", "", "Little Dom's"]
        for n in range(50)
    ]  # fmt: skip
    token, mapping = upload(editor_client, csv_file(rows))
    with django_assert_max_num_queries(30):
        response = preview(editor_client, token, mapping)
    assert response.status_code == 200
    assert response.context["plan"].count("new") == 50


def test_the_preview_costs_no_more_queries_per_row(editor_client):
    def queries(count):
        rows = [HEADERS] + [
            [f"Piece {n}", f"Outlet {n % 7}", f"Writer {n}", "May 2014", f"https://q.example/{n}", "", "", ""]
            for n in range(count)
        ]
        token, mapping = upload(editor_client, csv_file(rows))
        preview(editor_client, token, mapping)
        with CaptureQueriesContext(connection) as context:
            assert preview(editor_client, token, mapping).status_code == 200
        return len(context.captured_queries)

    assert queries(5) == queries(400)


def test_the_command_previews_dry_runs_and_imports(tmp_path, editor, capsys):
    path = tmp_path / "coverage.csv"
    path.write_text(
        "Title,Pub,Published\nFrom the command,The Guardian,Fall 2014\nAnother,Somewhere New,May 2014\n",
        encoding="utf-8",
    )
    before = snapshot()
    out = io.StringIO()
    call_command("import_coverage", str(path), "--map", "Pub=outlet", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "Row 2: Will be added (draft): From the command" in printed
    assert "New outlets (drafts): Somewhere New" in printed
    assert "Dry run: nothing was written." in printed
    assert snapshot() == before

    out = io.StringIO()
    call_command(
        "import_coverage", str(path), "--map", "Pub=outlet", "--no-input", "--user", "eddie", stdout=out
    )
    assert "Imported from coverage.csv: 2 new pieces (drafts)" in out.getvalue()
    piece = Coverage.objects.get(headline="From the command")
    assert piece.status == PublicationStatus.DRAFT and piece.created_by == editor
    assert Revision.objects.latest("pk").comment == "Imported from coverage.csv"


def test_the_command_refuses_a_bad_file_in_words(tmp_path, db):
    png = tmp_path / "coverage.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(CommandError, match="PNG picture, not a spreadsheet"):
        call_command("import_coverage", str(png), "--no-input")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_coverage", str(tmp_path / "missing.csv"), "--no-input")
    good = tmp_path / "good.csv"
    good.write_text("Title\nA piece\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column headed"):
        call_command("import_coverage", str(good), "--map", "Nope=outlet", "--no-input")
    with pytest.raises(CommandError, match="No user"):
        call_command("import_coverage", str(good), "--user", "nobody", "--no-input")


def test_the_version_of_an_imported_piece_is_the_one_its_form_would_keep(editor_client):
    token, mapping = upload(editor_client, csv_file(the_file()))
    assert confirm(editor_client, token, mapping, preview(editor_client, token, mapping)).status_code == 302
    piece = Coverage.objects.get(headline="Twenty strangers")
    [version] = Version.objects.get_for_object(piece)
    [kept] = json.loads(version.serialized_data)
    [made] = json.loads(versions.copy_of(piece)[0].serialized_data)
    # The search document is the database's own (a generated column), never restored.
    kept["fields"].pop("search_document")
    made["fields"].pop("search_document")
    assert kept == made
    history = editor_client.get(reverse("admin:press_coverage_history", args=[piece.pk]))
    assert history.status_code == 200 and "Imported from coverage.csv" in history.content.decode()
