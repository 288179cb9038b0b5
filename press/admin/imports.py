"""Importing coverage from a spreadsheet in the admin: upload, match the columns, preview, confirm
(press.importing does the reading, the planning and the writing)."""

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from editorial.models import PublicationStatus
from press import importing

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
# An upload waits this long for its preview and confirmation (seconds).
KEPT_FOR = 24 * 60 * 60


# Uploads are kept in this subfolder of COVERAGE_IMPORT_DIR, which the app owns: the clean-up deletes only
# files of its own naming there (UPLOAD_FILE), never anything else in a folder an operator may share.
UPLOAD_SUBFOLDER = "coverage-uploads"
UPLOAD_FILE = re.compile(r"^[A-Za-z0-9_-]{32}\.(data|json)$")

logger = logging.getLogger(__name__)


class UploadFolderError(OSError):
    """The upload folder cannot be made or written (a misconfigured COVERAGE_IMPORT_DIR)."""


def upload_folder():
    """The folder (Path) uploads wait in between the steps, outside MEDIA_ROOT: the subfolder
    UPLOAD_SUBFOLDER of settings.COVERAGE_IMPORT_DIR (the environment's COVERAGE_IMPORT_DIR; a relative value
    is taken relative to BASE_DIR) if set, else of the system's temporary folder, which the workers of one
    machine share but several app servers do not (docs/deploy.md). Made (0700) when missing.
    Raises UploadFolderError when it cannot be made."""
    base = Path(
        getattr(settings, "COVERAGE_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "pressroom-imports"
    )
    if not base.is_absolute():
        base = Path(settings.BASE_DIR) / base
    folder = base / UPLOAD_SUBFOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise UploadFolderError(
            f"The upload folder {folder} cannot be made: {error.strerror or error}"
        ) from error
    if not folder.is_dir():
        raise UploadFolderError(f"The upload folder {folder} is not a folder")
    return folder


def site_identity():
    """A hash (str, 16 hex digits) of the default database's engine, name, host and port: an upload records
    it, so that a site on another database sharing the upload folder (or the machine's temporary folder)
    cannot confirm it."""
    database = connection.settings_dict
    words = "|".join(str(database.get(key) or "") for key in ("ENGINE", "NAME", "HOST", "PORT"))
    return hashlib.sha256(words.encode()).hexdigest()[:16]


def _write_private(path, data):
    """Writes data (bytes) to a new file at path, readable by its owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def keep_upload(data, name, user):
    """Stores data (bytes) of the file called name for user, in files readable by the app's user only (0600);
    returns its token (str, 32 URL-safe characters). Uploads older than KEPT_FOR are removed on the way: only
    files named like an upload (UPLOAD_FILE) in the app's own subfolder. Raises UploadFolderError when the
    folder cannot be made or written."""
    folder = upload_folder()
    now = time.time()
    try:
        entries = list(folder.iterdir())
    except OSError:
        entries = []
    for old in entries:
        if not UPLOAD_FILE.match(old.name):
            continue
        try:
            if old.is_file() and not old.is_symlink() and now - old.stat().st_mtime > KEPT_FOR:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    try:
        _write_private(folder / f"{token}.data", data)
        _write_private(
            folder / f"{token}.json",
            json.dumps({"name": name, "user": user.pk, "site": site_identity()}).encode(),
        )
    except OSError as error:
        raise UploadFolderError(
            f"The upload folder {folder} cannot be written: {error.strerror or error}"
        ) from error
    return token


def kept_upload(token, user):
    """(data: bytes, name: str) of the upload token (str) that user made, or None when the token is malformed,
    unknown, expired, someone else's or made on a site with another database (site_identity)."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    try:
        folder = upload_folder()
        meta = json.loads((folder / f"{token}.json").read_text())
        data_path = folder / f"{token}.data"
        if (
            time.time() - data_path.stat().st_mtime > KEPT_FOR
            or meta.get("user") != user.pk
            or meta.get("site") != site_identity()
        ):
            return None
        return data_path.read_bytes(), str(meta.get("name", ""))
    except (OSError, ValueError):
        return None


def forget_upload(token):
    """Removes the upload token (a valid token, str) once imported."""
    with contextlib.suppress(OSError):
        folder = upload_folder()
        for suffix in (".data", ".json"):
            with contextlib.suppress(OSError):
                os.remove(folder / f"{token}{suffix}")


class UploadForm(forms.Form):
    """The spreadsheet, judged by content (press.importing.read_table) and size (MAX_UPLOAD_BYTES)."""

    spreadsheet = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="CSV in UTF-8 (separated by commas, semicolons or tabs) or XLSX (only its first visible "
        f"sheet is read), a header row first, at most {importing.ADMIN_MAX_ROWS:,} rows and "
        f"{importing.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. A larger file: manage.py import_coverage.",
    )

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > importing.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {importing.MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split it, or "
                "import it with manage.py import_coverage on the server."
            )
        data = upload.read()
        try:
            self.dataset = importing.read_table(data, max_rows=importing.ADMIN_MAX_ROWS)
        except importing.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        self.data_bytes = data
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file (map-0, map-1...): the field it feeds, or none. A field matched
    twice, or Headline matched to none, is a form error."""

    def __init__(self, headers, *args, **kwargs):
        kwargs.setdefault("prefix", "map")
        super().__init__(*args, **kwargs)
        self.headers = headers
        suggested = importing.suggested_mapping(headers)
        choices = [("", "(ignore this column)"), *importing.FIELDS.items()]
        for index, header in enumerate(headers):
            self.fields[str(index)] = forms.ChoiceField(
                label=f"Column {importing.column_letter(index)}: “{header}”",
                choices=choices,
                required=False,
                initial=suggested.get(index, ""),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = {}
        for index in range(len(self.headers)):
            name = cleaned.get(str(index))
            if name:
                chosen.setdefault(name, []).append(importing.column_letter(index))
        twice = [
            f"{importing.FIELDS[name]} (columns {' and '.join(columns)})"
            for name, columns in chosen.items()
            if len(columns) > 1
        ]
        if twice:
            raise forms.ValidationError(f"Each field takes one column: {'; '.join(twice)}.")
        if "headline" not in chosen:
            raise forms.ValidationError("Match one column to Headline: every piece needs one.")
        return cleaned

    @property
    def mapping(self):
        """{column index (int): field name} of a valid form."""
        return {int(index): name for index, name in self.cleaned_data.items() if index.isdigit() and name}


class CoverageImport:
    """For the coverage admin: import/ beside its list, an import in four steps (upload, match the columns,
    preview, confirm), open to whoever may add coverage (Contributors and Editors). Every piece it adds is a
    draft; it never changes a published piece (press.importing)."""

    import_templates = {
        step: f"admin/press/coverage/import_{step}.html" for step in ("upload", "map", "preview")
    }

    def get_urls(self):
        """import/, import/map/, import/preview/, import/confirm/ (admin:press_coverage_import...)."""
        view = self.admin_site.admin_view
        urls = [
            path("import/", view(self.import_upload), name="press_coverage_import"),
            path("import/map/", view(self.import_map), name="press_coverage_import_map"),
            path("import/preview/", view(self.import_preview), name="press_coverage_import_preview"),
            path("import/confirm/", view(self.import_confirm), name="press_coverage_import_confirm"),
        ]
        return [*urls, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        """The list, with may_import (bool) for its "Import coverage" link."""
        extra_context = {**(extra_context or {}), "may_import": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    def _import_context(self, request, title, **context):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "max_rows": f"{importing.ADMIN_MAX_ROWS:,}",
            **context,
        }

    def _render(self, request, step, context, status=200):
        return TemplateResponse(request, self.import_templates[step], context, status=status)

    def _lost_upload(self, request):
        """Back to the upload form, saying the file is no longer here."""
        self.message_user(
            request,
            "That upload is not here any more (it expired, was imported, or was never made): upload the "
            "spreadsheet again.",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:press_coverage_import"))

    def _read_kept(self, request, token):
        """(dataset, name) of the upload token, or None; the file was read once at upload, so an error now
        is a file changed on the server, said like an unknown token."""
        kept = kept_upload(token, request.user)
        if kept is None:
            return None
        data, name = kept
        try:
            return importing.read_table(data, max_rows=importing.ADMIN_MAX_ROWS), name
        except importing.ImportFileError:
            return None

    def import_upload(self, request):
        """GET: the upload form. POST: the file checked (a form error, 400, says what is wrong with it),
        kept, and the editor sent to match its columns."""
        context = self._import_context(request, "Import coverage: upload a spreadsheet")
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    token = keep_upload(form.data_bytes, form.cleaned_data["spreadsheet"].name, request.user)
                except UploadFolderError as error:
                    logger.error("Coverage import: %s (COVERAGE_IMPORT_DIR)", error)
                    form.add_error(
                        None,
                        "The server cannot keep the upload: its folder for imports (COVERAGE_IMPORT_DIR) "
                        "cannot be made or written. Ask whoever runs the server to fix that setting; "
                        "nothing was imported.",
                    )
                    return self._render(request, "upload", {**context, "form": form}, status=400)
                return HttpResponseRedirect(
                    f"{reverse('admin:press_coverage_import_map')}?{urlencode({'file': token})}"
                )
            return self._render(request, "upload", {**context, "form": form}, status=400)
        return self._render(request, "upload", {**context, "form": UploadForm()})

    @staticmethod
    def _mapping_query(request):
        return request.GET if request.method == "GET" else request.POST

    def import_map(self, request):
        """The columns of the upload (?file=<token>), each with the field it feeds, suggested from its
        header."""
        context = self._import_context(request, "Import coverage: match the columns")
        token = request.GET.get("file")
        read = self._read_kept(request, token)
        if read is None:
            return self._lost_upload(request)
        dataset, name = read
        self._say_reading_notes(request, dataset)
        form = MappingForm(dataset.headers)
        return self._render(
            request,
            "map",
            {
                **context,
                "form": form,
                "token": token,
                "file_name": name,
                "row_count": dataset.height,
                "rows_shown": f"{dataset.height:,}",
            },
        )

    def _say_reading_notes(self, request, dataset):
        """Tells the editor, as messages on the page, how the file was read (its reading_notes: the sheet
        read and those left out, merged cells, the separator)."""
        for note in getattr(dataset, "reading_notes", []):
            self.message_user(request, note, messages.INFO)

    def _planned(self, request, data, *, say_notes=False):
        """(plan, None), or (None, response) for a lost upload or a mapping form with errors (400); the
        reading notes said on the page when say_notes."""
        token = data.get("file")
        read = self._read_kept(request, token)
        if read is None:
            return None, self._lost_upload(request)
        dataset, name = read
        if say_notes:
            self._say_reading_notes(request, dataset)
        form = MappingForm(dataset.headers, data)
        if not form.is_valid():
            context = self._import_context(
                request,
                "Import coverage: match the columns",
                form=form,
                token=token,
                file_name=name,
                row_count=dataset.height,
                rows_shown=f"{dataset.height:,}",
            )
            return None, self._render(request, "map", context, status=400)
        return importing.plan(dataset, form.mapping, request.user, file_name=name), None

    @staticmethod
    def _plan_context(plan):
        return {
            "plan": plan,
            "counts": plan.counts,
            "mapped": [
                (importing.column_letter(index), plan.headers[index], importing.FIELDS[name])
                for index, name in sorted(plan.mapping.items())
            ],
        }

    @staticmethod
    def _hidden_mapping(plan):
        return [(f"map-{index}", plan.mapping.get(index, "")) for index in range(len(plan.headers))]

    def import_preview(self, request):
        """What the import would do, row by row (?file=<token>&map-N=<field>...), and the form that confirms
        it; writes nothing."""
        self._import_context(request, "")
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        plan, response = self._planned(request, request.GET, say_notes=True)
        if response:
            return response
        context = self._import_context(
            request,
            "Import coverage: preview",
            token=request.GET["file"],
            fingerprint=plan.fingerprint(),
            hidden_mapping=self._hidden_mapping(plan),
            **self._plan_context(plan),
        )
        return self._render(request, "preview", context)

    def import_confirm(self, request):
        """POST with the file token, the mapping and the preview's fingerprint: the plan made again; if it
        differs from the preview's (the press room changed since), 409 and nothing written; else applied,
        and the editor sent to the list of drafts with what was done."""
        self._import_context(request, "")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        plan, response = self._planned(request, request.POST)
        if response:
            return response
        token = request.POST["file"]
        problem = None
        if plan.fingerprint() != request.POST.get("fingerprint", ""):
            problem = (
                "Nothing was imported: the press room changed since the preview (a piece, outlet or person "
                "the file names was added or changed). Here is the preview as it stands now: check it and "
                "confirm again."
            )
        elif not (plan.counts.get("new") or plan.counts.get("update")):
            # A confirm of a file with nothing to import (forged, or sent from a preview of skips and errors).
            self.message_user(
                request,
                f"Nothing to import from {plan.file_name}, nothing was written: {plan.summary()}",
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:press_coverage_changelist"))
        else:
            try:
                importing.apply(plan)
            except importing.ImportFailed as error:
                problem = importing.failure_words(error)
        if problem:
            context = self._import_context(
                request,
                "Import coverage: preview",
                token=token,
                fingerprint=plan.fingerprint(),
                hidden_mapping=self._hidden_mapping(plan),
                problem=problem,
                **self._plan_context(plan),
            )
            return self._render(request, "preview", context, status=409)
        forget_upload(token)
        self.message_user(
            request,
            f"Imported from {plan.file_name}: {plan.summary()}",
            messages.SUCCESS,
        )
        changelist = reverse("admin:press_coverage_changelist")
        return HttpResponseRedirect(f"{changelist}?{urlencode({'publication': PublicationStatus.DRAFT})}")
