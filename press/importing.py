"""Coverage from a spreadsheet: reading a CSV or XLSX safely, matching its columns to the fields of a piece,
planning row by row what an import would do without writing anything, and applying that plan all at once.

The fields a column may feed are declared once, as a django-import-export ModelResource (CoverageResource);
the mapping step, the preview and the rules below are ours: the library's admin has no mapping step, and its
dry run looks every row up one query at a time. tablib (the library's reader) holds the table.

The rules an import keeps, from issue 16 and the workflow (editorial.models.PublishableModel):
- every piece it adds is a draft, whatever the file says: only editors publish, in the admin;
- a piece already in the press room (same URL, normalised, or same outlet and headline, ignoring case) is
  updated when it is not on the site yet, and skipped when it is published (changed in its own form only);
  a row repeating an earlier row of the same file is skipped;
- outlets and people the press room does not know are proposed in the plan and made (drafts) only when the
  plan is applied; places are never made by an import: an unknown place is an error of its row;
- a date keeps the press's own words and the precision they allow (press.models.dates.VaguelyDated);
- apply() is all or nothing, one transaction and one version (django-reversion) for the whole import.
"""

import calendar
import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

import tablib
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from import_export import fields, resources, widgets
from reversion.models import Version
from reversion.revisions import _get_options as reversion_options

from editorial import pagecache, versions
from editorial.models import PublicationStatus
from editorial.validators import EARLIEST_YEAR, LATEST_YEAR, LINE_BREAKS, NOT_IN_XML
from people.models import Person, Place
from press.models import Coverage, Outlet
from press.models.dates import DatePrecision

ADMIN_MAX_ROWS = 2_000
COMMAND_MAX_ROWS = 100_000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A ZIP (XLSX) is refused before openpyxl opens it when its members, as the archive declares them, add up to
# more than this (bytes) or number more than MAX_ZIP_MEMBERS: a 600 KB "zip bomb" unpacks to 600 MB in memory.
# zipfile never unpacks a member past its declared size, so the declared sum bounds what is read. 200 MB is 20
# times the upload cap: a real 100,000-row workbook of coverage unpacks to about 60 MB.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 1_000
# Python's csv module refuses a longer cell (csv.field_size_limit()'s default); said in words below.
MAX_CELL_CHARACTERS = 131_072


class CoverageResource(resources.ModelResource):
    """The fields of a piece a spreadsheet column may feed, with the words the mapping step shows for them
    (column_name). Relations are named by their names in the file (outlet, people, places)."""

    headline = fields.Field(attribute="headline", column_name="Headline", widget=widgets.CharWidget())
    outlet = fields.Field(attribute="outlet", column_name="Outlet", widget=widgets.CharWidget())
    authors = fields.Field(attribute="authors", column_name="Authors", widget=widgets.CharWidget())
    date = fields.Field(
        attribute="date_wording", column_name="Date as published", widget=widgets.CharWidget()
    )
    kind = fields.Field(attribute="kind", column_name="Kind", widget=widgets.CharWidget())
    stance = fields.Field(attribute="stance", column_name="Stance", widget=widgets.CharWidget())
    url = fields.Field(attribute="url", column_name="URL", widget=widgets.CharWidget())
    summary = fields.Field(attribute="summary", column_name="Summary", widget=widgets.CharWidget())
    text = fields.Field(attribute="text", column_name="Text", widget=widgets.CharWidget())
    mentioned_people = fields.Field(
        attribute="mentioned_people", column_name="People mentioned", widget=widgets.CharWidget()
    )
    mentioned_places = fields.Field(
        attribute="mentioned_places", column_name="Places mentioned", widget=widgets.CharWidget()
    )

    class Meta:
        model = Coverage
        fields = [
            "headline",
            "outlet",
            "authors",
            "date",
            "kind",
            "stance",
            "url",
            "summary",
            "text",
            "mentioned_people",
            "mentioned_places",
        ]


def field_labels():
    """{field name: the words the mapping step shows}, in the order of the form, from CoverageResource."""
    resource = CoverageResource()
    return {name: resource.fields[name].column_name for name in CoverageResource._meta.fields}


FIELDS = field_labels()

# Headers spreadsheets use for each field, compared without case, spaces or punctuation ("Writer(s)" is
# "writers"); the mapping step suggests them and the editor may change any.
ALIASES = {
    "headline": {"headline", "title", "articletitle", "storytitle", "story", "article", "piece"},
    "outlet": {
        "outlet",
        "publication",
        "publisher",
        "media",
        "mediaoutlet",
        "newspaper",
        "magazine",
        "site",
        "source",
    },
    "authors": {"authors", "author", "writers", "writer", "byline", "journalist", "journalists", "by"},
    "date": {
        "date",
        "dateaspublished",
        "published",
        "publishedon",
        "publicationdate",
        "datepublished",
        "when",
    },
    "kind": {"kind", "type", "format", "piecetype"},
    "stance": {"stance", "sentiment", "tone"},
    "url": {"url", "link", "originalurl", "weblink", "address", "web"},
    "summary": {"summary", "abstract", "synopsis", "description"},
    "text": {"text", "body", "fulltext", "content", "articletext"},
    "mentioned_people": {"peoplementioned", "mentionedpeople", "people", "persons", "mentions"},
    "mentioned_places": {"placesmentioned", "mentionedplaces", "places", "locations"},
}


class ImportFileError(Exception):
    """A file that cannot be imported at all; str() says why and what to do, for the editor."""


def column_letter(index):
    """The spreadsheet's name of the 0-based column index: 0 is "A", 26 is "AA"."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _header_key(header):
    return re.sub(r"[\W_]+", "", str(header or "")).lower()


def suggested_mapping(headers):
    """{column index: field name} for the headers (list of str) whose words name a field (ALIASES); each
    field is suggested for its first column only."""
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        key = _header_key(header)
        for name, aliases in ALIASES.items():
            if name not in taken and (key in aliases or key == _header_key(FIELDS[name])):
                mapping[index] = name
                taken.add(name)
                break
    return mapping


# --- Reading -----------------------------------------------------------------------------------------------

# What other files start with: named, so that the editor learns what they sent.
SIGNATURES = [
    (b"\x89PNG", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"GIF8", "a GIF picture"),
    (b"RIFF", "a picture or sound file"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file: save it as .xlsx or CSV"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
]


def read_table(upload, *, max_rows=ADMIN_MAX_ROWS):
    """The spreadsheet in upload (a file object opened in binary, e.g. an UploadedFile, or bytes) as a
    tablib.Dataset: its first row the headers (str), every other row a list of str, one per header ("" for an
    empty cell). Judged by its content, not its name: XLSX (its first visible sheet; a merged range's value
    given to each of its cells) or CSV in UTF-8 (a BOM is fine), separated by commas, semicolons or tabs (the
    one that splits the header row into the most columns; commas when none does better).
    The dataset's reading_notes (list of str) say what the editor should know about the reading: the sheet
    read and the sheets left out, merged cells, a separator other than a comma.

    Raises ImportFileError, in words, for an empty file, another type of file, a CSV not in UTF-8 (UTF-16
    named), an XLSX too large when unpacked or of too many parts (MAX_UNPACKED_BYTES, MAX_ZIP_MEMBERS), a CSV
    quote that never closes, a file without a header row or without rows, a header with a control character,
    two columns with the same header, a formula in any cell (never evaluated), a cell past
    MAX_CELL_CHARACTERS, or more than max_rows rows (int). A NUL or another control character in a cell is
    left for plan(), which makes it an error of its row naming the column.
    """
    data = upload if isinstance(upload, bytes) else upload.read()
    if not data.strip():
        raise ImportFileError("The file is empty: export the spreadsheet again, with a header row and rows.")
    if data.startswith(b"PK\x03\x04"):
        rows, notes = _xlsx_rows(data, max_rows)
    else:
        for signature, what in SIGNATURES:
            if data.startswith(signature):
                raise ImportFileError(
                    f"This file is {what}, not a spreadsheet: upload a CSV (UTF-8) or an XLSX file."
                )
        rows, notes = _csv_rows(data, max_rows)
    dataset = _dataset(rows, max_rows)
    dataset.reading_notes = notes
    return dataset


def _too_many(max_rows):
    return ImportFileError(
        f"The file has more than {max_rows:,} rows, the most one import here takes: split it, or import it "
        "with manage.py import_coverage on the server."
    )


def _formula(cell_name, value):
    return ImportFileError(
        f"Cell {cell_name} holds a formula ({value[:60]}): formulas are not imported, nor worked out. "
        "Replace them by their values (copy, then paste values only), or remove the leading “=”, and upload "
        "again."
    )


SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


# The lines _separator judges by: the header and up to this many rows below it.
SEPARATOR_SAMPLE_ROWS = 20
# On a tie, the rarer a character is inside text, the likelier it is the separator.
SEPARATOR_PRIORITY = {",": 0, ";": 1, "\t": 2}


def _separator(text):
    """The separator (",", ";" or a tab) of the CSV text (str), decided by consistency: each candidate splits
    the header into its count of cells (more than one, or it is not a candidate), and the one under which
    most of the first lines (the header and up to SEPARATOR_SAMPLE_ROWS rows, blank lines left out) have that
    same count wins; a tie goes to a tab, then a semicolon, then a comma. A header cell may hold another
    candidate ("Date (Mon, D, YYYY)" in a tab file, "Notes (a; b)" in a comma file): the rows below tell.
    No candidate (a one-column file): a comma."""
    sample = text[:65_536]
    best, best_key = ",", None
    for separator in SEPARATORS:
        counts = []
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=separator):
                if record:
                    counts.append(len(record))
                if len(counts) > SEPARATOR_SAMPLE_ROWS:
                    break
        except csv.Error:
            pass
        if not counts or counts[0] < 2:
            continue
        key = (sum(count == counts[0] for count in counts), SEPARATOR_PRIORITY[separator])
        if best_key is None or key > best_key:
            best, best_key = separator, key
    return best


def _csv_rows(data, max_rows):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            "This CSV is in UTF-16: save it as “CSV UTF-8” (in Excel: Save As, CSV UTF-8), or as XLSX."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        binary = sum(byte < 9 or 13 < byte < 32 for byte in data[:4096])
        if binary > len(data[:4096]) // 100:
            raise ImportFileError(
                "This file is not a spreadsheet (neither CSV nor XLSX): upload a CSV (UTF-8) or an XLSX file."
            ) from error
        raise ImportFileError(
            f"This CSV is not in UTF-8 (byte {error.start + 1} cannot be read as UTF-8; it may be Latin-1 or "
            "Windows-1252): save it again as “CSV UTF-8”, or as XLSX."
        ) from error
    separator = _separator(text)
    notes = [] if separator == "," else [f"Read as separated by {SEPARATORS[separator]}s, not commas."]
    try:
        # Strict first, only to learn of a quote left open (the rest of the file would become one cell);
        # other strictness (text after a closing quote) is forgiven, as spreadsheets do.
        return _csv_records(text, separator, max_rows, strict=True), notes
    except csv.Error:
        pass
    return _csv_records(text, separator, max_rows, strict=False), notes


def _csv_records(text, separator, max_rows, *, strict):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=strict)
    rows = []
    try:
        for row in reader:
            for index, cell in enumerate(row):
                if cell.lstrip()[:1] == "=":
                    raise _formula(f"{column_letter(index)}{len(rows) + 1}", cell)
            rows.append(row)
            if len(rows) > max_rows + 1 and any(cell.strip() for cell in row):
                raise _too_many(max_rows)
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise ImportFileError(
                f'Row {len(rows) + 1} opens a quote that never closes (“"”): the rest of the file would be '
                "read as one cell. Close the quote, or remove it, and upload again."
            ) from error
        if strict:
            raise
        raise ImportFileError(
            f"Row {reader.line_num} cannot be read as CSV ({error}): a cell may be longer than "
            f"{MAX_CELL_CHARACTERS:,} characters."
        ) from error
    return rows


def _check_unpacked_size(data):
    """Raises ImportFileError when the ZIP in data (bytes) has more than MAX_ZIP_MEMBERS members or unpacks
    to more than MAX_UNPACKED_BYTES; a ZIP that cannot be opened is left for openpyxl to refuse."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            f"This XLSX file holds {len(members):,} parts, more than the {MAX_ZIP_MEMBERS:,} a workbook of "
            "coverage needs: it is damaged or not a workbook. Save it again as XLSX, or as CSV UTF-8."
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            f"This XLSX file is too large when unpacked ({unpacked // (1024 * 1024):,} MB, more than "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024):,} MB): it is damaged or padded. Save it again as XLSX or "
            "CSV UTF-8, or split it."
        )


def _xlsx_rows(data, max_rows):
    import openpyxl

    _check_unpacked_size(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ImportFileError(
            "This file is not a spreadsheet openpyxl can read (it may be a ZIP or a Word file, or damaged): "
            "upload a CSV (UTF-8) or an XLSX file."
        ) from error
    try:
        visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
        if not visible:
            raise ImportFileError(
                "This XLSX file has no visible sheet: show the sheet of coverage and save again."
            )
        sheet = visible[0]
        others = [other.title for other in workbook.worksheets if other is not sheet]
        notes = [f"Read sheet “{sheet.title}”" + (f"; left out: {_quoted(others)}." if others else ".")]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            row = []
            for cell in cells:
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value[:1] == "="):
                    raise _formula(f"{column_letter(len(row))}{number}", str(value))
                row.append(_cell_text(value))
            rows.append(row)
            if len(rows) > max_rows + 1 and any(cell.strip() for cell in row):
                raise _too_many(max_rows)
        merged = _merged_ranges(workbook._archive, sheet._worksheet_path)
        if merged:
            _spread_merged(rows, merged)
            notes.append(
                f"Merged cells ({', '.join(merged[:5])}{'...' if len(merged) > 5 else ''}): each cell of a "
                "merged range was given the range's value."
            )
        return rows, notes
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as error:
        raise ImportFileError(
            f"This XLSX file cannot be read ({error}): save it again and upload it."
        ) from error
    finally:
        workbook.close()


def _quoted(names):
    return ", ".join(f"“{name}”" for name in names)


MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})\"")
# A sheet's merged ranges read at most: more is refused (a sheet of coverage has a few; thousands are a bomb).
MAX_MERGED_RANGES = 1000


def _merged_ranges(archive, path):
    """The merged ranges ("B2:B3", str) of the sheet at path in archive (an open zipfile.ZipFile). openpyxl's
    read-only sheets do not give them; they follow the rows in the sheet's XML, so the XML is streamed (its
    unpacked size is capped by MAX_UNPACKED_BYTES) and only its tail from <mergeCells on is kept.
    Raises ImportFileError for more than MAX_MERGED_RANGES ranges."""
    tail, found = b"", False
    with archive.open(path.lstrip("/")) as source:
        while chunk := source.read(1024 * 1024):
            if found:
                tail += chunk
                continue
            tail = tail[-32:] + chunk
            at = tail.find(b"mergeCells")
            if at >= 0:
                tail, found = tail[at:], True
    if not found:
        return []
    merged = []
    for match in MERGE_CELL.finditer(tail):
        if len(merged) == MAX_MERGED_RANGES:
            raise ImportFileError(
                f"This sheet has more than {MAX_MERGED_RANGES:,} merged ranges: "
                "unmerge the cells and save it again."
            )
        merged.append(match.group(1).decode())
    return merged


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _spread_merged(rows, merged):
    """Gives the value of each merged range's first cell to every cell of the range, within the rows read
    (a range past them is not grown: a merge of a whole column must not make a million rows). Ranges that
    Excel writes never overlap, so the cells written are at most those of the rows read: ranges whose cells
    add up to more overlap, and are refused (ImportFileError) before any is spread, which keeps the work
    linear in the sheet's cells whatever the number of ranges."""
    width = max((len(row) for row in rows), default=0)
    boxes = []
    for ref in dict.fromkeys(merged):
        first, last = ref.split(":")
        (col1, row1), (col2, row2) = (re.match(r"([A-Z]+)(\d+)", end).groups() for end in (first, last))
        top, bottom = int(row1) - 1, min(int(row2) - 1, len(rows) - 1)
        left, right = _column_index(col1), min(_column_index(col2), width - 1)
        if top >= len(rows) or left >= len(rows[top]) or bottom < top or right < left:
            continue
        boxes.append((ref, top, bottom, left, right))
    if (
        sum((bottom - top + 1) * (right - left + 1) for _, top, bottom, left, right in boxes)
        > len(rows) * width
    ):
        raise ImportFileError(
            "The merged ranges of this sheet overlap (Excel never saves them so): "
            "unmerge the cells and save it again."
        )
    for _, top, bottom, left, right in boxes:
        value = rows[top][left]
        for row in rows[top : bottom + 1]:
            row.extend([""] * (right + 1 - len(row)))
            row[left : right + 1] = [value] * (right + 1 - left)


def _cell_text(value):
    """A cell's value as text: a date as ISO 8601 (2014-03-10), a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Any control character but none: a header is one line (a cell's line breaks are checked by plan()).
HEADER_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _dataset(rows, max_rows):
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportFileError(
            "The file has no header row: its first row must name each column (Headline, Outlet, Date...)."
        )
    headers = [cell.strip() for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    seen = {}
    for index, header in enumerate(headers):
        if not header:
            raise ImportFileError(
                f"Column {column_letter(index)} has no header: give every column a header in the first row."
            )
        if "\t" in header:
            raise ImportFileError(
                f"The header of column {column_letter(index)} (“{HEADER_CONTROL.sub(' ', header)}”) holds a "
                "tab: is the file separated by tabs? Save it again as CSV (separated by commas, semicolons "
                "or tabs, the same on every line) and upload again."
            )
        if HEADER_CONTROL.search(header):
            shown = HEADER_CONTROL.sub("", header)
            raise ImportFileError(
                f"The header of column {column_letter(index)} (“{shown}”) holds a control character (a NUL "
                "or another invisible character): retype that header and upload again."
            )
        key = header.casefold()
        if key in seen:
            raise ImportFileError(
                f"Columns {column_letter(seen[key])} and {column_letter(index)} are both headed “{header}”: "
                "give each column a header of its own."
            )
        seen[key] = index
    body = rows[1:]
    if not any(any(cell.strip() for cell in row) for row in body):
        raise ImportFileError("The file has a header row but no rows of coverage under it.")
    if len(body) > max_rows:
        raise _too_many(max_rows)
    dataset = tablib.Dataset(headers=headers)
    for number, row in enumerate(body, start=2):
        extra = [cell for cell in row[len(headers) :] if cell.strip()]
        if extra:
            raise ImportFileError(
                f"Row {number} has cells beyond the last headed column ({column_letter(len(headers) - 1)}): "
                "give those columns a header, or empty them."
            )
        dataset.append([*row[: len(headers)], *[""] * (len(headers) - len(row))])
    return dataset


def failure_words(error):
    """What to tell the editor (str) of an ImportFailed error: its own words when a value was refused by
    validation, but for a refusal of the database itself (a unique constraint, most often because someone
    saved the same piece, outlet or person while the import ran) words without the database's own terms,
    which name constraints and tables, and what to do."""
    if isinstance(error.__cause__, DatabaseError):
        return (
            "Nothing was imported: the database refused a row, most likely because a piece, outlet or person "
            "with the same address or name was saved while the import ran. Look at the preview again (it "
            "shows the press room as it stands now) and import again."
        )
    return str(error)


# --- Dates as the press wrote them ------------------------------------------------------------------------

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
# Year first is never ambiguous, whatever the separator: 2014-03-10, 2014/03/10, 2014.03.10, 20140310.
ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+Z-]*)?\s*$")
YEAR_FIRST_DAY = re.compile(r"^\s*(\d{4})([/.])(\d{1,2})\2(\d{1,2})\s*$")
COMPACT_DAY = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
SIGNED_NUMBER = re.compile(r"^\s*[-+\u2212]\s*\d")
ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
NUMERIC_DAY = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")
YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
MONTH_DAY = re.compile(rf"\b({MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*:)", re.IGNORECASE)
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_WORDS})\b\.?", re.IGNORECASE)
MONTH_ONLY = re.compile(rf"\b({MONTH_WORDS})\b\.?", re.IGNORECASE)


@dataclass(frozen=True)
class PressDate:
    """A date as precise as its words: date (datetime.date or None), precision (DatePrecision), wording (str,
    the words as the press wrote them; "" when the cell held a plain calendar date), note (str, "" or words
    for the editor when the cell gave no date)."""

    date: date | None
    precision: str
    wording: str
    note: str = ""


def _day(year, month, day, words):
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"“{words}” is outside {EARLIEST_YEAR} to {LATEST_YEAR}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{words}” is not a day of the calendar.") from None


def parse_press_date(words):
    """The PressDate of a cell (str) in the words of the press: "2014-03-10", "2014/03/10", "2014.03.10" or
    "20140310" (a day, no wording kept),
    "March 10, 2014" or "10 March 2014" (a day), "May 2014" (a month, stored as the 1st), "Fall 2014" or
    "2014" (a year, stored as 1 January: a season never gives a day), "Tuesday" or "last Monday" (no year:
    not given, only the words kept, with a note; so are two-digit years, "3/10/14", and signed numbers,
    "-2014"). The wording is kept whenever it says more than the date.

    Raises ValueError, in words, for a day not in the calendar, a year outside the calendar editors use
    (editorial.validators), a numeric day that could be read two ways (03/10/2014), or words past 200
    characters (date_wording's length).
    """
    words = " ".join(words.split())
    if not words:
        return PressDate(None, DatePrecision.UNKNOWN, "")
    if len(words) > 200:
        raise ValueError("The date as published is longer than 200 characters: keep only its words.")
    if match := ISO_DAY.match(words):
        year, month, day = map(int, match.groups())
        return PressDate(_day(year, month, day, words), DatePrecision.DAY, "")
    if (match := YEAR_FIRST_DAY.match(words)) or (match := COMPACT_DAY.match(words)):
        year, month, day = (int(group) for group in match.groups() if group not in "/.")
        return PressDate(_day(year, month, day, words), DatePrecision.DAY, "")
    if match := ISO_MONTH.match(words):
        year, month = map(int, match.groups())
        return PressDate(_day(year, month, 1, words), DatePrecision.MONTH, words)
    if match := NUMERIC_DAY.match(words):
        first, second, year = map(int, match.groups())
        if first <= 12 and second <= 12 and first != second:
            raise ValueError(
                f"“{words}” can be read as two days (month first or day first): write it as "
                f"{year}-{first:02}-{second:02} or {year}-{second:02}-{first:02}, or with the month in words."
            )
        month, day = (first, second) if second > 12 else (second, first)
        return PressDate(_day(year, month, day, words), DatePrecision.DAY, words)
    years = YEAR.findall(words)
    if not years or SIGNED_NUMBER.match(words):
        # "Tuesday", "last Monday", "3/10/14" (which century?), "-2014": no date; the words stay, with a note.
        hint = (
            "; write 2014-03-10 (year, month, day) to give the day"
            if any(character.isdigit() for character in words)
            else ""
        )
        return PressDate(
            None,
            DatePrecision.UNKNOWN,
            words,
            f"No date found in “{words}”: only the words are kept{hint}.",
        )
    year = int(years[0])
    if match := MONTH_DAY.search(words) or DAY_MONTH.search(words):
        groups = match.groups()
        month_word, day = (groups[0], groups[1]) if not groups[0].isdigit() else (groups[1], groups[0])
        return PressDate(_day(year, MONTHS[month_word.lower()], int(day), words), DatePrecision.DAY, words)
    if match := MONTH_ONLY.search(words):
        return PressDate(_day(year, MONTHS[match.group(1).lower()], 1, words), DatePrecision.MONTH, words)
    return PressDate(_day(year, 1, 1, words), DatePrecision.YEAR, "" if words == str(year) else words)


# --- Planning ----------------------------------------------------------------------------------------------


class Action:
    """What plan() will do with a row, and the words the preview shows for it."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    ERROR = "error"
    WORDS = {
        NEW: "Will be added (draft)",
        UPDATE: "Will be updated",
        UNCHANGED: "Unchanged",
        SKIP: "Skipped",
        ERROR: "Not imported: error",
    }


@dataclass
class PlannedRow:
    """One row of the file and what applying the plan does with it.

    number: the row's number in the spreadsheet (the header is row 1). action: an Action. values: the
    piece's own fields as they will be stored ({name: value}; dates as PressDate parts). outlet: an Outlet,
    a str (the name of an outlet to add) or None. authors, people: lists of Person or str (names to add).
    places: list of Place. target: the stored piece updated or repeated (Coverage) or None. errors and notes:
    lists of str in words for the editor.
    """

    number: int
    headline: str = ""
    action: str = Action.NEW
    values: dict = field(default_factory=dict)
    outlet: object = None
    authors: list = field(default_factory=list)
    people: list = field(default_factory=list)
    places: list = field(default_factory=list)
    target: Coverage | None = None
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    renamed: dict = field(default_factory=dict)

    @property
    def status(self):
        """The action in words: "Will be added (draft)", "Will be updated", "Unchanged", "Skipped" or
        "Not imported: error". changes (for an update): (field in words, stored value, new value) str
        triples, long texts shortened."""
        return Action.WORDS[self.action]

    @property
    def date_shown(self):
        """The date as it will be stored, in words (VaguelyDated.date_display); "" when the row gives none."""
        if "date_precision" not in self.values:
            return ""
        return Coverage(
            date=self.values["date"],
            date_precision=self.values["date_precision"],
            date_wording=self.values["date_wording"],
        ).date_display

    @property
    def outlet_name(self):
        """The outlet's name (str), "" without one."""
        return self.outlet if isinstance(self.outlet, str) else getattr(self.outlet, "name", "")


@dataclass
class ImportPlan:
    """What an import will do, row by row, computed without writing (plan()); apply() carries it out.

    file_name (str), mapping ({column index: field name}), headers (list of str), user (who imports),
    rows (list of PlannedRow, blank rows left out), new_outlets and new_people (names, in the order first met:
    made as drafts by apply()).
    """

    file_name: str
    mapping: dict
    headers: list
    user: object
    rows: list
    new_outlets: list
    new_people: list
    written_as: dict = field(default_factory=dict)

    @property
    def new_people_shown(self):
        """(name as it will be stored, name as the file wrote it or "") str pairs of new_people: a "Last,
        First" name is added as "First Last"."""
        return [(name, self.written_as.get(name.casefold(), "")) for name in self.new_people]

    def count(self, action):
        """How many rows have action (an Action)."""
        return sum(row.action == action for row in self.rows)

    @property
    def counts(self):
        """{"new": int, "update": int, "unchanged": int, "skip": int, "error": int}."""
        return {action: self.count(action) for action in Action.WORDS}

    def summary(self):
        """The plan in one sentence, e.g. "3 new pieces (drafts), 1 updated, 2 unchanged, 1 skipped, 1 not
        imported because of errors." (unchanged said only when some are)."""
        counts = self.counts
        return (
            f"{counts['new']} new piece{'s' if counts['new'] != 1 else ''} (drafts), "
            f"{counts['update']} updated, "
            + (f"{counts['unchanged']} unchanged, " if counts["unchanged"] else "")
            + f"{counts['skip']} skipped, "
            f"{counts['error']} not imported because of errors."
        )

    def fingerprint(self):
        """A hex str that changes when what the plan would do changes: any row's action, values or target
        (and that target's last change), the outlets, people and places it names or adds."""

        def key(item):
            if isinstance(item, str):
                return ["new", item]
            return [type(item).__name__, item.pk] if item is not None else None

        described = [
            self.file_name,
            sorted(self.mapping.items()),
            self.new_outlets,
            self.new_people,
            [
                [
                    row.number,
                    row.action,
                    {name: str(value) for name, value in sorted(row.values.items())},
                    key(row.outlet),
                    [key(person) for person in row.authors + row.people],
                    [key(place) for place in row.places],
                    [row.target.pk, row.target.updated_at.isoformat(), row.target.status]
                    if row.target
                    else None,
                    row.errors,
                ]
                for row in self.rows
            ],
        ]
        return hashlib.sha256(json.dumps(described, default=str).encode()).hexdigest()


def normalised_url(url):
    """url (str) as compared for duplicates: lower-case host without "www.", no scheme difference between
    http and https, no fragment, no trailing slash; "" for ""."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


def _url_hosts(urls):
    """A condition (Q) finding every stored piece whose URL may have the normalised_url of one of urls
    (str): those naming its host, any case, with or without "www.", a scheme, a fragment or a trailing
    slash; compare normalised_url() of what it finds. One clause per distinct host; matches nothing for
    no URL."""
    hosts = {normalised_url(url).split("/")[0] for url in urls if url.strip()} - {""}
    condition = Q(pk__in=[])
    for host in sorted(hosts):
        condition |= Q(url__icontains=host)
    return condition


def split_names(cell):
    """The names in a cell (list of str, spaces tidied, repeats left out): separated by semicolons or line
    breaks only, as the upload page says. A comma or "and" belongs to the name ("Heritage, Stuart", "Tom and
    Jerry Productions")."""
    names = []
    for part in re.split(r"[;\r\n\u2028\u2029]", cell):
        name = " ".join(part.split())
        if name and name.casefold() not in {known.casefold() for known in names}:
            names.append(name)
    return names


def _name_forms(name):
    """name (str) and, for "Last, First" (one comma), "First Last": the forms a stored person may have."""
    last, comma, first = name.partition(",")
    if comma and "," not in first and last.strip() and first.strip():
        return [name, f"{first.strip()} {last.strip()}"]
    return [name]


def _person(people, name):
    """The stored Person named name (as written, or "Last, First" for "First Last"), else name (str)."""
    for form in _name_forms(name):
        if person := people.get(form):
            return person
    return name


def _turnable(name):
    """Whether name (str, "Last, First") reads surely as a last name then a first: one side is one word
    ("van Gogh, Vincent", "Smith, John Paul"); "Bob Smith, Alice Jones" is two people, kept as written."""
    last, _, first = name.partition(",")
    return len(last.split()) == 1 or len(first.split()) == 1


def _same_person(one, other):
    """Whether one and other (a Person or a name to add, str) are the same person."""
    if isinstance(one, str) or isinstance(other, str):
        return isinstance(one, str) and isinstance(other, str) and one.casefold() == other.casefold()
    return one.pk == other.pk


def _choice(choices, cell, field_label):
    """The stored value of a TextChoices for cell (its value or its label, any case), or ValueError."""
    wanted = cell.strip().casefold()
    for value, label in choices.choices:
        if wanted in (value.casefold(), label.casefold()):
            return value
    offered = ", ".join(label for _, label in choices.choices)
    raise ValueError(f"{field_label}: “{cell.strip()}” is not one of {offered}.")


class _Lookup:
    """Rows of a model found by name, ignoring case, in one query per call of load()."""

    def __init__(self, model):
        self.model = model
        self.by_name = {}

    def load(self, names):
        # A name with a NUL never reaches PostgreSQL, which refuses it in a query too: its row is an error.
        wanted = {name.casefold() for name in names if not NOT_IN_XML.search(name)} - set(self.by_name)
        lowered = {name.lower() for name in wanted}
        if not lowered:
            return
        for row in (
            self.model.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered).order_by("pk")
        ):
            self.by_name.setdefault(row.name.casefold(), row)

    def get(self, name):
        return self.by_name.get(name.casefold())


def plan(dataset, mapping, user, *, file_name=""):
    """What importing dataset (a tablib.Dataset from read_table()) with mapping ({column index (int): field
    name of FIELDS}) would do, as an ImportPlan, row by row, reading the database and writing nothing.
    user (a User) is who imports: outlets and people are proposed only when they may add them.

    A fixed number of queries whatever the number of rows (lookups in batches of 500 rows). Raises
    ValueError for a mapping that names a field twice, an unknown field or a column the file lacks, or
    that leaves out Headline.
    """
    columns = {}
    for index, name in mapping.items():
        if name not in FIELDS:
            raise ValueError(f"“{name}” is not a field a column can be matched to.")
        if not 0 <= index < len(dataset.headers):
            raise ValueError(f"The file has no column {column_letter(index)}.")
        if name in columns:
            raise ValueError(f"Two columns are matched to {FIELDS[name]}: match each field once.")
        columns[name] = index
    if "headline" not in columns:
        raise ValueError("Match one column to Headline: every piece needs one.")

    may_add_outlets = user is None or user.has_perm("press.add_outlet")
    may_add_people = user is None or user.has_perm("people.add_person")
    outlets, people, places = _Lookup(Outlet), _Lookup(Person), _Lookup(Place)
    rows, new_outlets, new_people, written_as = [], {}, {}, {}
    seen_urls, seen_titles = {}, {}
    records = [
        (number, record)
        for number, record in enumerate(dataset, start=2)
        if any(str(cell).strip() for cell in record)
    ]
    for start in range(0, len(records), 500):
        batch = records[start : start + 500]
        cells = [
            (number, {name: str(record[index]) for name, index in columns.items()})
            for number, record in batch
        ]
        outlets.load(" ".join(row.get("outlet", "").split()) for _, row in cells)
        people.load(
            form
            for _, row in cells
            for key in ("authors", "mentioned_people")
            for name in split_names(row.get(key, ""))
            for form in _name_forms(name)
        )
        places.load(name for _, row in cells for name in split_names(row.get("mentioned_places", "")))
        existing = _existing_pieces(cells, outlets)
        for number, row in cells:
            planned = _plan_row(number, row, columns, dataset.headers, outlets, people, places, existing)
            rows.append(planned)
            if planned.action == Action.ERROR:
                continue
            _spot_repeats(planned, seen_urls, seen_titles)
            if planned.action in (Action.SKIP, Action.UNCHANGED):
                continue
            if isinstance(planned.outlet, str):
                if not may_add_outlets:
                    planned.errors.append(
                        f"Outlet: “{planned.outlet}” is not in the press room, and you may not add outlets."
                    )
                else:
                    new_outlets.setdefault(planned.outlet.casefold(), planned.outlet)
            for name in (person for person in planned.authors + planned.people if isinstance(person, str)):
                if not may_add_people:
                    planned.errors.append(f"“{name}” is not in the press room, and you may not add people.")
                else:
                    new_people.setdefault(name.casefold(), name)
                    if name.casefold() in planned.renamed:
                        written_as.setdefault(name.casefold(), planned.renamed[name.casefold()])
            if planned.errors:
                planned.action = Action.ERROR
    # A name proposed only by rows that turned out to be errors is not made.
    kept = [row for row in rows if row.action in (Action.NEW, Action.UPDATE)]
    used_outlets = {row.outlet.casefold() for row in kept if isinstance(row.outlet, str)}
    used_people = {
        person.casefold() for row in kept for person in row.authors + row.people if isinstance(person, str)
    }
    return ImportPlan(
        file_name=file_name,
        mapping=dict(mapping),
        headers=list(dataset.headers),
        user=user,
        rows=rows,
        new_outlets=[name for key, name in new_outlets.items() if key in used_outlets],
        new_people=[name for key, name in new_people.items() if key in used_people],
        written_as=written_as,
    )


def _existing_pieces(cells, outlets):
    """The stored pieces a batch of rows may repeat: ({normalised URL: Coverage}, {(outlet pk, headline
    casefolded): Coverage}), in one query."""
    cells = [
        (number, row) for number, row in cells if not any(NOT_IN_XML.search(cell) for cell in row.values())
    ]
    urls = {row["url"] for _, row in cells if row.get("url", "").strip()}
    titles = set()
    for _, row in cells:
        outlet = outlets.get(" ".join(row.get("outlet", "").split()))
        if outlet and row.get("headline", "").strip():
            titles.add((outlet.pk, " ".join(row["headline"].split()).lower()))
    condition = _url_hosts(urls)
    if titles:
        condition |= Q(outlet__in={pk for pk, _ in titles}, lowered__in={headline for _, headline in titles})
    by_url, by_title = {}, {}
    if not urls and not titles:
        return by_url, by_title
    pieces = (
        Coverage.objects.annotate(lowered=Lower("headline"))
        .filter(condition)
        .only("pk", "slug", "outlet_id", "status", "published_at", "updated_at", *COMPARED)
        .order_by("pk")
    )
    pieces = list(pieces)
    # The people and places each stored piece names, to tell an update from a row that changes nothing.
    linked = {piece.pk: {relation: set() for relation in MENTIONS} for piece in pieces}
    for relation in MENTIONS:
        through = getattr(Coverage, relation).through
        for piece_pk, pk in through.objects.filter(coverage_id__in=linked).values_list(
            "coverage_id", _far_end(relation)
        ):
            linked[piece_pk][relation].add(pk)
    for piece in pieces:
        piece.import_links = linked[piece.pk]
        if piece.url:
            by_url.setdefault(normalised_url(piece.url), piece)
        if piece.outlet_id:
            by_title.setdefault((piece.outlet_id, piece.headline.casefold()), piece)
    return by_url, by_title


# A date is written whole: its day, its precision and its wording (cleared when the cell was a plain day).
DATE_FIELDS = ("date", "date_precision", "date_wording")

# The fields of a piece a row may change (the outlet and the relations are compared apart).
COMPARED = ("headline", "url", "summary", "text", "kind", "stance", "date", "date_precision", "date_wording")


def _shortened(value, length=80):
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def _changes(planned, target):
    """What updating target (a stored Coverage from _existing_pieces) with planned changes: a list of
    (field in words, stored value, new value) str triples, long texts shortened; [] when nothing would."""
    changes = []
    dated = {name: planned.values[name] for name in DATE_FIELDS if name in planned.values}
    if dated and any(getattr(target, name) != value for name, value in dated.items()):
        # The wording is part of the date: "2014" after "Fall 2014" clears it, a change shown as the date.
        changes.append(
            (MODEL_FIELD_WORDS["date"], target.date_display, Coverage(**dated).date_display or "(empty)")
        )
    for name, value in planned.values.items():
        if name in DATE_FIELDS or (name != "headline" and value in ("", None)):
            continue
        stored = getattr(target, name)
        # The same link written another way (www., http, a trailing slash) is not a change worth a version.
        if stored == value or (name == "url" and normalised_url(stored) == normalised_url(value)):
            continue
        changes.append((MODEL_FIELD_WORDS.get(name, name), _shortened(stored), _shortened(value)))
    outlet = planned.outlet
    if isinstance(outlet, str) or (outlet is not None and outlet.pk != target.outlet_id):
        changes.append(("Outlet", "another outlet" if target.outlet_id else "", planned.outlet_name))
    links = getattr(target, "import_links", {})
    for relation, rows in (
        ("authors", planned.authors),
        ("mentioned_people", planned.people),
        ("mentioned_places", planned.places),
    ):
        added = [
            row if isinstance(row, str) else row.name
            for row in rows
            if isinstance(row, str) or row.pk not in links.get(relation, ())
        ]
        if added:
            changes.append((FIELDS[relation], "", "adds " + "; ".join(added)))
    return changes


def _spot_repeats(planned, seen_urls, seen_titles):
    """Skips planned when an earlier row of the file has its URL or its outlet and headline."""
    url = normalised_url(planned.values.get("url", ""))
    title = (planned.outlet_name.casefold(), planned.headline.casefold()) if planned.outlet_name else None
    earlier = (url and seen_urls.get(url)) or (title and seen_titles.get(title))
    if earlier:
        planned.action = Action.SKIP
        planned.notes.append(f"Repeats row {earlier} of this file: only the first is imported.")
        return
    if url:
        seen_urls[url] = planned.number
    if title:
        seen_titles[title] = planned.number


def _plan_row(number, row, columns, headers, outlets, people, places, existing):
    """The PlannedRow of one row ({field name: cell}), its errors in words."""
    planned = PlannedRow(number=number)
    errors = planned.errors
    for name, cell in row.items():
        cell = cell.translate(LINE_BREAKS)
        row[name] = cell
        if bad := NOT_IN_XML.search(cell):
            what = (
                "a NUL character"
                if bad.group() == "\x00"
                else f"a control character (U+{ord(bad.group()):04X})"
            )
            column = columns[name]
            errors.append(
                f"Column {column_letter(column)} (“{headers[column]}”) holds {what}, which the press room "
                "cannot store: remove it."
            )
    if errors:
        planned.headline = NOT_IN_XML.sub("", row.get("headline", ""))[:300]
        planned.action = Action.ERROR
        return planned

    planned.headline = " ".join(row.get("headline", "").split())
    values = planned.values
    if not planned.headline:
        errors.append("No headline: every piece needs one.")
    values["headline"] = planned.headline
    for name in ("summary", "text"):
        if name in row:
            values[name] = row[name].strip()
    if "url" in row:
        values["url"] = row["url"].strip()
    try:
        if row.get("kind", "").strip():
            values["kind"] = _choice(Coverage.Kind, row["kind"], "Kind")
        if row.get("stance", "").strip():
            values["stance"] = _choice(Coverage.Stance, row["stance"], "Stance")
    except ValueError as error:
        errors.append(str(error))
    if "date" in row:
        try:
            press_date = parse_press_date(row["date"])
        except ValueError as error:
            errors.append(f"Date: {error}")
        else:
            if press_date.note:
                planned.notes.append(press_date.note)
            if row["date"].strip():
                values["date"] = press_date.date
                values["date_precision"] = press_date.precision
                values["date_wording"] = press_date.wording

    outlet_name = " ".join(row.get("outlet", "").split())
    if outlet_name:
        planned.outlet = outlets.get(outlet_name) or outlet_name
        if isinstance(planned.outlet, str) and len(outlet_name) > 200:
            errors.append("Outlet: the name is longer than 200 characters.")
    for key, target in (("authors", planned.authors), ("mentioned_people", planned.people)):
        for name in split_names(row.get(key, "")):
            if len(name) > 200:
                errors.append(f"{FIELDS[key]}: a name is longer than 200 characters.")
                continue
            if not any(character.isalpha() for character in name):
                errors.append(f"{FIELDS[key]}: “{name}” is not a name (it has no letter).")
                continue
            person = _person(people, name)
            if isinstance(person, str) and (forms := _name_forms(name))[-1] != name and _turnable(name):
                # A new person is stored as the press room writes names: "First Last".
                person = forms[-1]
                planned.notes.append(f"{FIELDS[key]}: “{name}” is new: added as “{person}”.")
                planned.renamed.setdefault(person.casefold(), name)
            # "John Newman" and "Newman, John" are one person: linked once.
            if not any(_same_person(person, known) for known in target):
                target.append(person)
    for name in split_names(row.get("mentioned_places", "")):
        if place := places.get(name):
            planned.places.append(place)
        else:
            errors.append(
                f"Places mentioned: no place named “{name}” is in the press room. An import never adds "
                "places: add it under Places first, or correct its name."
            )

    by_url, by_title = existing
    url = normalised_url(values.get("url", ""))
    outlet_pk = getattr(planned.outlet, "pk", None)
    target = (url and by_url.get(url)) or (
        outlet_pk and by_title.get((outlet_pk, planned.headline.casefold()))
    )
    if target is not None:
        planned.target = target
        how = "the same URL" if url and by_url.get(url) is target else "the same outlet and headline"
        if "date_precision" in values and values["date"] is None and target.date is not None:
            # "Tuesday" gives no date: the stored one stays whole (a date without its precision is refused);
            # a draft without a date takes the words.
            words = values["date_wording"]
            for name in DATE_FIELDS:
                del values[name]
            planned.notes = [note for note in planned.notes if not note.startswith("No date found")]
            planned.notes.append(
                f"Date: no date found in “{words}”: the stored date "
                f"({target.date_display or 'none'}) is kept."
            )
        if target.status == PublicationStatus.PUBLISHED:
            planned.action = Action.SKIP
            planned.notes.append(
                f"“{target.headline}” ({how}) is published: an import never changes a published piece; "
                "change it in its form."
            )
        elif target.status != PublicationStatus.DRAFT:
            # Someone is reviewing it: what they read must not change under them (finding 11).
            planned.action = Action.SKIP
            planned.notes.append(
                f"“{target.headline}” ({how}) is {target.get_status_display().lower()}: an import "
                "changes only drafts; change it in its form."
            )
        elif double := _double_made(planned, target, url, by_url, by_title):
            same = "URL" if double is by_url.get(url) else "outlet and headline"
            errors.append(
                f"Updating the draft “{target.headline}” ({how}) would make it the same piece as "
                f"“{double.headline}” (the same {same}): correct the row, or change one of them in its form."
            )
        elif not (changes := _changes(planned, target)):
            planned.action = Action.UNCHANGED
            planned.notes.append(f"Same as the stored draft “{target.headline}” ({how}): nothing to write.")
        else:
            planned.action, planned.changes = Action.UPDATE, changes
            planned.notes.append(
                f"Updates the draft “{target.headline}” ({how}); empty cells leave its fields as they are."
            )
    else:
        values.setdefault("kind", Coverage.Kind.ARTICLE)
        if "kind" not in row or not row["kind"].strip():
            planned.notes.append("No kind given: added as an article.")

    if not errors and planned.action not in (Action.SKIP, Action.UNCHANGED):
        errors.extend(_field_errors(planned))
    if errors:
        planned.action = Action.ERROR
    return planned


def _double_made(planned, target, url, by_url, by_title):
    """Another stored piece (Coverage) that updating target with planned would double (same normalised URL,
    or same outlet and headline ignoring case), else None: among the pieces the batch read (the row's URL,
    or its outlet and headline)."""
    outlet_pk = getattr(planned.outlet, "pk", None) if planned.outlet is not None else target.outlet_id
    for other in (
        url and by_url.get(url),
        outlet_pk and by_title.get((outlet_pk, planned.headline.casefold())),
    ):
        if other and other.pk != target.pk:
            return other
    return None


MODEL_FIELD_WORDS = {
    "headline": "Headline",
    "url": "URL",
    "summary": "Summary",
    "text": "Text",
    "kind": "Kind",
    "stance": "Stance",
    "date": "Date as published",
    "date_precision": "Date as published",
    "date_wording": "Date as published",
}


def _field_errors(planned):
    """The model's own checks of the row's values (lengths, URL, calendar), in words, without a query."""
    piece = Coverage(kind=Coverage.Kind.ARTICLE, summary="-", slug="import-check")
    for name, value in planned.values.items():
        setattr(piece, name, value)
    # A draft may wait for its summary: an editor writes it before publishing.
    checked = {name for name, value in planned.values.items() if name != "summary" or value}
    exclude = [f.name for f in Coverage._meta.concrete_fields if f.name not in checked]
    try:
        piece.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            f"{MODEL_FIELD_WORDS.get(name, name)}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        ]
    # The date as it will be stored, the stored parts kept where the row gives none: the database's checks
    # (press.models.dates), told here in Python so the preview costs no query per row.
    stored = planned.target
    day, precision = (
        planned.values.get(name, getattr(stored, name, None)) for name in ("date", "date_precision")
    )
    if precision is not None:
        if (precision == DatePrecision.UNKNOWN) != (day is None):
            return ["Date as published: give a date, or none at all with its precision “not given”."]
        if precision == DatePrecision.MONTH and day.day != 1:
            return ["Date as published: a date known only to the month is stored as the 1st of that month."]
        if precision == DatePrecision.YEAR and (day.month, day.day) != (1, 1):
            return ["Date as published: a date known only to the year is stored as 1 January of that year."]
    return []


# --- Applying ----------------------------------------------------------------------------------------------


class ImportFailed(Exception):
    """Applying a plan failed and nothing was written; str() says why, for the editor."""


def _unique_slugs(model, names):
    """A slug of model for each of names (list of str), in order: no two alike, none a stored row has. One
    query, and one more for each slug taken already."""
    bases = [slugify(name)[:180].strip("-") or model._meta.model_name for name in names]
    stored = set(model.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    taken, slugs = set(), []
    for base in bases:
        candidate, counter = base, 2
        while (
            candidate in taken
            or candidate in stored
            or (candidate != base and model.objects.filter(slug=candidate).exists())
        ):
            candidate = f"{base}-{counter}"
            counter += 1
        taken.add(candidate)
        slugs.append(candidate)
    return slugs


MENTIONS = ("authors", "mentioned_people", "mentioned_places")


def apply(plan, *, progress=None):
    """Carries out plan (an ImportPlan) in one transaction: makes its new outlets and people (drafts), adds
    its new pieces (drafts), updates its updated drafts (the mapped, non-empty cells; people and places are
    added to those stored), leaves skipped and erroneous rows alone. One django-reversion version (Revision)
    holds every row written, commented "Imported from <file name>", by plan.user. progress, if given, is
    called with each row done (for a progress bar).

    Returns plan.counts. Raises ImportFailed (nothing written) when the database refuses a row, or when a
    piece it adds has a double (same URL or outlet and headline) saved by someone else meanwhile; whatever
    else goes wrong part-way leaves the database as before too, the exception raised as it is.
    """
    user = plan.user if getattr(plan.user, "pk", None) else None
    try:
        with transaction.atomic():
            copies = []
            outlets = [
                Outlet(name=name, slug=slug, kind=Outlet.Kind.WEBSITE, status=PublicationStatus.DRAFT)
                for name, slug in zip(plan.new_outlets, _unique_slugs(Outlet, plan.new_outlets), strict=True)
            ]
            people = [
                Person(name=name, slug=slug, status=PublicationStatus.DRAFT)
                for name, slug in zip(plan.new_people, _unique_slugs(Person, plan.new_people), strict=True)
            ]
            for row in outlets + people:
                row.created_by = row.updated_by = user
                row.full_clean()
                row.save()
                copies.extend(versions.copy_of(row))
            made = {name.casefold(): row for name, row in zip(plan.new_outlets, outlets, strict=True)}
            made_people = {name.casefold(): row for name, row in zip(plan.new_people, people, strict=True)}
            new_rows = [row for row in plan.rows if row.action == Action.NEW]
            slugs = iter(_unique_slugs(Coverage, [row.headline for row in new_rows]))
            links, added = {relation: [] for relation in MENTIONS}, []
            for row in plan.rows:
                if row.action == Action.NEW:
                    added.append(_add_piece(row, next(slugs), user, made, made_people, links))
                if progress:
                    progress(row)
            updated = [row for row in plan.rows if row.action == Action.UPDATE]
            copies.extend(_update_pieces(updated, user, made, made_people))
            if updated:
                # The updates are written in bulk, which sends no signal (they are drafts: nothing public).
                pagecache.rows_changed(Coverage, [row.target.pk for row in updated])
            for relation, through_rows in links.items():
                getattr(Coverage, relation).through.objects.bulk_create(through_rows, batch_size=1000)
            copies.extend(_copies_of_new_pieces(added))
            if double := _double_of(added):
                raise ImportFailed(
                    f"“{double.headline}” was added by someone else while importing: nothing was imported; "
                    "preview again."
                )
            versions.save_as_revision(copies, user, f"Imported from {plan.file_name or 'a spreadsheet'}")
    except (DatabaseError, ValidationError) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error).strip()
        raise ImportFailed(f"Nothing was imported: the database refused a row ({reason}).") from error
    return plan.counts


def _double_of(added):
    """A stored piece, not among added (the pieces this import just wrote), with the normalised URL or the
    outlet and headline (ignoring case) of one of them; None when there is none. Read after writing, inside
    the import's transaction: a piece someone saved since the preview is seen (PostgreSQL reads what others
    committed, statement by statement)."""
    mine = {piece.pk for piece in added}
    for start in range(0, len(added), 500):
        batch = added[start : start + 500]
        urls = {normalised_url(piece.url) for piece in batch if piece.url}
        titles = {(piece.outlet_id, piece.headline.casefold()) for piece in batch if piece.outlet_id}
        condition = _url_hosts(piece.url for piece in batch if piece.url)
        if titles:
            condition |= Q(
                outlet__in={pk for pk, _ in titles}, lowered__in={piece.headline.lower() for piece in batch}
            )
        others = (
            Coverage.objects.annotate(lowered=Lower("headline"))
            .filter(condition)
            .exclude(pk__in=mine)
            .only("pk", "headline", "url", "outlet_id")
        )
        for other in others:
            if (other.url and normalised_url(other.url) in urls) or (
                other.outlet_id and (other.outlet_id, other.headline.casefold()) in titles
            ):
                return other
    return None


def _related(row, made, made_people):
    """{relation: [rows]} of a planned row, names to add replaced by the rows made for them."""
    return {
        "authors": [made_people[p.casefold()] if isinstance(p, str) else p for p in row.authors],
        "mentioned_people": [made_people[p.casefold()] if isinstance(p, str) else p for p in row.people],
        "mentioned_places": row.places,
    }


def _add_piece(row, slug, user, made, made_people, links):
    """Saves the new piece of row, a draft whatever the file said; queues its links to people and places
    in links ({relation: [through rows]}); returns the piece."""
    outlet = made[row.outlet.casefold()] if isinstance(row.outlet, str) else row.outlet
    piece = Coverage(
        **{"summary": "", **row.values}, slug=slug, outlet=outlet, created_by=user, updated_by=user
    )
    # Whatever the file said, an import never publishes.
    piece.status, piece.published_at = PublicationStatus.DRAFT, None
    piece.save()
    for relation, rows in _related(row, made, made_people).items():
        through = getattr(Coverage, relation).through
        links[relation].extend(
            through(coverage_id=piece.pk, **{_far_end(relation): item.pk}) for item in rows
        )
    return piece


def _far_end(relation):
    """The attname of the through table's column that points away from the piece ("person_id")."""
    through = getattr(Coverage, relation).through
    return through._meta.get_field(getattr(Coverage, relation).field.m2m_reverse_field_name()).attname


def _copies_of_new_pieces(pieces, relations=MENTIONS):
    """The unsaved Versions of pieces (list of Coverage) as versions.copy_of() makes them, in a few queries
    for all of them: for pieces with no inline rows and no relations but relations (MENTIONS: pieces just
    added, or updated pieces without other links). Relations are read in the order the serializer gives them
    (their model's ordering, then pk)."""
    options = reversion_options(Coverage)
    m2m = [f.name for f in Coverage._meta.many_to_many if f.name in options.fields]
    own = [name for name in options.fields if name not in m2m and name != "search_document"]
    content_type = ContentType.objects.get_for_model(Coverage)
    copies = []
    for start in range(0, len(pieces), 1000):
        batch = pieces[start : start + 1000]
        related = {piece.pk: {name: [] for name in m2m} for piece in batch}
        for relation in (name for name in relations if name in m2m):
            relation_field = Coverage._meta.get_field(relation)
            through = relation_field.remote_field.through
            near, far = relation_field.m2m_column_name(), relation_field.m2m_reverse_name()
            target = relation_field.m2m_reverse_field_name()
            model = through._meta.get_field(target).related_model
            ordering = [f"{target}__{name}" for name in model._meta.ordering]
            rows = through.objects.filter(**{f"{near}__in": related}).order_by(*ordering, far)
            for piece_pk, pk in rows.values_list(near, far):
                related[piece_pk][relation].append(pk)
        for piece in batch:
            [data] = json.loads(serializers.serialize("json", [piece], fields=own))
            # The search document is the database's own (a generated column): a version's copy is never read.
            data["fields"] |= {"search_document": None, **related[piece.pk]}
            copies.append(
                Version(
                    content_type=content_type,
                    object_id=str(piece.pk),
                    db=piece._state.db or "default",
                    format="json",
                    serialized_data=json.dumps([data], cls=DjangoJSONEncoder),
                    object_repr=str(piece),
                )
            )
    return copies


def _update_pieces(rows, user, made, made_people):
    """Updates the stored drafts rows (PlannedRows to update) repeat, all at once: their non-empty cells,
    people and places added to those stored. Returns the unsaved Versions of them and their inline rows.

    Bulk writes (bulk_update, bulk_create of links) skip save()'s signals: the page cache is told once by
    the caller; a draft has no page, so no redirect is owed. Raises ValidationError when a piece is no
    longer a draft (it changed since the preview)."""
    if not rows:
        return []
    now = timezone.now()
    pieces = {}
    for start in range(0, len(rows), 1000):
        # Read again inside the transaction, locked: a piece may have changed since the plan.
        wanted = [row.target.pk for row in rows[start : start + 1000]]
        pieces |= Coverage.objects.select_for_update().in_bulk(wanted)
    written, names, links = [], set(), {relation: [] for relation in MENTIONS}
    for row in rows:
        piece = pieces.get(row.target.pk)
        if piece is None or piece.status != PublicationStatus.DRAFT:
            headline = piece.headline if piece else row.target.headline
            raise ValidationError(f"“{headline}” is no longer a draft since the preview")
        for name, value in row.values.items():
            if name == "headline" or name in DATE_FIELDS or value not in ("", None):
                setattr(piece, name, value)
                names.add(name)
        outlet = made[row.outlet.casefold()] if isinstance(row.outlet, str) else row.outlet
        if outlet is not None:
            piece.outlet, piece.outlet_name = outlet, outlet.name  # bulk_update sends no pre_save
            names |= {"outlet", "outlet_name"}
        piece.updated_at, piece.updated_by = now, user
        written.append(piece)
        for relation, related in _related(row, made, made_people).items():
            links[relation].extend(
                getattr(Coverage, relation).through(coverage_id=piece.pk, **{_far_end(relation): item.pk})
                for item in related
            )
    # The same time and editor for every piece: one plain UPDATE, not a CASE per row.
    for start in range(0, len(written), 1000):
        Coverage.objects.filter(pk__in=[piece.pk for piece in written[start : start + 1000]]).update(
            updated_at=now, updated_by=user
        )
    Coverage.objects.bulk_update(written, sorted(names), batch_size=500)
    for relation, through_rows in links.items():
        # A link stored already (since the plan, or named twice) is kept as it is.
        getattr(Coverage, relation).through.objects.bulk_create(
            through_rows, batch_size=1000, ignore_conflicts=True
        )
    # Pieces with inline rows (quotes, questions...) are copied as their form would; the rest in bulk.
    followed = set()
    for name in reversion_options(Coverage).follow:
        relation = Coverage._meta.get_field(name)
        followed |= set(
            relation.related_model.objects.filter(
                **{f"{relation.field.name}__in": [piece.pk for piece in written]}
            ).values_list(relation.field.attname, flat=True)
        )
    # So are pieces linked to more than their people and places (cited pieces, works, organizations).
    for relation_field in Coverage._meta.many_to_many:
        if relation_field.name not in MENTIONS:
            through = relation_field.remote_field.through
            near = relation_field.m2m_column_name()
            followed |= set(
                through.objects.filter(**{f"{near}__in": [piece.pk for piece in written]}).values_list(
                    near, flat=True
                )
            )
    copies = []
    # Read again: the database computed their search document (a generated column) as it wrote them.
    for piece in Coverage.objects.filter(pk__in=followed).order_by("pk"):
        copies.extend(versions.copy_of(piece))
    copies.extend(_copies_of_new_pieces([piece for piece in written if piece.pk not in followed]))
    return copies
