"""The coverage report in the admin (editors): figures and charts of the pieces a filter finds, the pieces
themselves, and the same report as XLSX, as a print-ready page and as PDF.

The filter lives in the query string (press.reports.ReportFilter), so a report's address can be
bookmarked and shared; every download link carries it. Only staff with press.view_coverage_report (the
Editors group, migration press.0011) see it; others get a 403.
"""

import mimetypes
import tempfile
from functools import partial
from itertools import islice
from urllib.parse import urlencode, urlsplit

import xlsxwriter
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from editorial.admin.keys import CheckedAutocompleteSelectMultiple
from press.models import Coverage
from press.reports import ReportFilter, report_charts, report_figures

# The 403 page's words (templates/403.html) for someone without the report permission.
NOT_FOR_CONTRIBUTORS = (
    "The coverage report is for editors: ask an editor to open it, or to send you its XLSX or PDF."
)
# Up to this many outlets, the outlet filter's <select multiple> lists them all (ListedAutocomplete), so
# that the report is usable without JavaScript; past it, only the chosen ones, as for people.
OUTLETS_LISTED = 200
PIECES_PER_PAGE = 50
# The print view and the PDF list this many pieces, newest first; the XLSX lists every one.
PIECES_PRINTED = 500
XLSX_BATCH = 2000
# Up to this many pieces found, the page of them is read by their keys (see report_view()).
FEW_PIECES = 2000
# A date in the XLSX as ISO 8601 cut to its precision: 2014-03-10, 2014-03 (a month), 2014 (a year).
PRECISION_DIGITS = {"day": 10, "month": 7, "year": 4}
PIECE_COLUMNS = [
    "Headline",
    "Outlet",
    "Kind",
    "Stance",
    "Date as published",
    "Date",
    "Status",
    "URL",
    "Authors",
]
# The changelist's own filters, as the report names them (for the list's "Report" link).
LIST_TO_REPORT = {"kind__exact": "kind", "stance__exact": "stance", "outlet__id__exact": "outlet"}
PUBLICATION_TO_STATUS = {"live": "published", "draft": "drafts", "in_review": "drafts", "scheduled": "drafts"}


def static_file(url):
    """(bytes, MIME type str) of the static file url (absolute, its path under STATIC_URL) names, read from
    our own static files (the finders, then the collected storage); ValueError for any other URL."""
    static_path = "/" + settings.STATIC_URL.lstrip("/")
    path_part = urlsplit(url).path
    if not path_part.startswith(static_path):
        raise ValueError(f"The report's PDF reads only the press room's static files, not {url[:100]}.")
    name = path_part.removeprefix(static_path)
    if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise ValueError(f"Not a static file: {url[:100]}.")
    try:
        if found := finders.find(name):
            with open(found, "rb") as file:
                content = file.read()
        elif staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as file:
                content = file.read()
        else:
            raise ValueError(f"There is no static file {name[:100]}.")
    except SuspiciousFileOperation as error:  # a name leading out of the static folders
        raise ValueError(f"Not a static file: {url[:100]}.") from error
    return content, mimetypes.guess_type(name)[0] or "application/octet-stream"


def weasyprint():
    """The weasyprint module, imported on first use (it loads Pango), leaving Pillow as it found it.

    Importing WeasyPrint sets Pillow's ImageFile.LOAD_TRUNCATED_IMAGES for the whole process, which would
    let a truncated upload through the image checks (editorial.images) once any PDF had been made: the
    flag is put back as it was."""
    from PIL import ImageFile

    loads_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint as module
        import weasyprint.urls  # noqa: F401
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = loads_truncated
    return module


def static_only_fetcher():
    """WeasyPrint's URL fetcher for the report's PDF: it serves our static files (static_file()) and
    refuses everything else, on any host and by any scheme (file:, data:, http:), so that making a PDF
    never reaches the network nor reads another file. WeasyPrint reports a refused URL and skips it."""
    urls = weasyprint().urls

    class StaticOnlyFetcher(urls.URLFetcher):
        """URLFetcher whose fetch() reads static_file()."""

        def fetch(self, url, headers=None):
            """URLFetcherResponse of the static file url names; ValueError for any other URL."""
            content, mime_type = static_file(url)
            return urls.URLFetcherResponse(url, content, {"Content-Type": mime_type})

    return StaticOnlyFetcher()


class ListedAutocomplete(CheckedAutocompleteSelectMultiple):
    """The admin's autocomplete whose <select multiple> holds every choice of its choices (a list of (key,
    label)), not only the chosen ones: without JavaScript it is a plain multiple select; with it, Select2
    searches as usual."""

    def optgroups(self, name, value, attr=None):
        """A plain SelectMultiple's options: every choice, the chosen ones selected."""
        return forms.SelectMultiple.optgroups(self, name, value, attr)


class CoverageReport:
    """For the coverage admin: report/ (admin:press_coverage_report), report.xlsx, report.pdf and
    report/print/ beside its list, and may_report / report_query in the list's context for its link."""

    report_permission = "press.view_coverage_report"

    def get_urls(self):
        """The report's four URLs before the admin's own."""

        def view(method):
            """method as an admin view answering GET and HEAD only (405 otherwise): a report reads."""
            return self.admin_site.admin_view(require_safe(method))

        return [
            path("report/", view(self.report_view), name="press_coverage_report"),
            path("report/print/", view(self.report_print_view), name="press_coverage_report_print"),
            path("report.xlsx", view(self.report_xlsx_view), name="press_coverage_report_xlsx"),
            path("report.pdf", view(self.report_pdf_view), name="press_coverage_report_pdf"),
            *super().get_urls(),
        ]

    def has_report_permission(self, request):
        """Whether request.user may see the coverage report (press.view_coverage_report)."""
        return request.user.has_perm(self.report_permission)

    def changelist_view(self, request, extra_context=None):
        """Django's list, told whether to offer the report and with which query (the list's filters)."""
        extra_context = {
            **(extra_context or {}),
            "may_report": self.has_report_permission(request),
            "report_query": self.report_query_of_list(request),
        }
        return super().changelist_view(request, extra_context)

    def report_query_of_list(self, request):
        """The query string (str, maybe empty) of the report of the list's kind, stance, outlet and
        publication filters; other filters of the list have no counterpart and are left out."""
        pairs = [(LIST_TO_REPORT[key], value) for key, value in request.GET.items() if key in LIST_TO_REPORT]
        if status := PUBLICATION_TO_STATUS.get(request.GET.get("publication")):
            pairs.append(("status", status))
        return urlencode(pairs)

    def report_filter(self, request):
        """The ReportFilter of request's query string, its outlet and person fields the admin's
        autocompletes (the outlets all listed in it when they are at most OUTLETS_LISTED, for a browser
        without JavaScript). Raises PermissionDenied without the report permission."""
        if not self.has_report_permission(request):
            raise PermissionDenied(NOT_FOR_CONTRIBUTORS)
        report = ReportFilter(request.GET, queryset=Coverage.objects.all())
        outlets = list(report.form.fields["outlet"].queryset.values_list("pk", "name")[: OUTLETS_LISTED + 1])
        for name, relation in (("outlet", "outlet"), ("person", "authors")):
            field = report.form.fields[name]
            if name == "outlet" and len(outlets) <= OUTLETS_LISTED:
                field.widget = ListedAutocomplete(Coverage._meta.get_field(relation), self.admin_site)
                field.widget.choices = outlets
                field.help_text += (
                    " Type to find one; without JavaScript, choose in the list (Ctrl or ⌘ for several)."
                )
            else:
                field.widget = CheckedAutocompleteSelectMultiple(
                    Coverage._meta.get_field(relation), self.admin_site
                )
                field.widget.choices = field.choices
        return report

    def report_context(self, request, report):
        """The context of the report's templates for report (a ReportFilter): its form, and when it is
        valid, figures, charts and the query string its links carry."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Coverage report",
            "subtitle": None,
            "opts": self.opts,
            "report": report,
            "form": report.form,
            "query": request.GET.urlencode(),
            "generated": timezone.localtime(),
        }
        if report.is_valid():
            figures = report_figures(report.qs)
            context["figures"] = figures
            context["charts"] = report_charts(figures)
            context["filter_words"] = self.filter_words(report)
        return context

    def filter_words(self, report):
        """The valid filter in words: a list of (label, value str), only what was chosen."""
        data = report.form.cleaned_data
        words = []
        for name, field in report.form.fields.items():
            value = data.get(name)
            if name == "status":
                value = dict(field.choices).get(value or "published")
            elif isinstance(value, (list, tuple)) or hasattr(value, "model"):
                value = ", ".join(
                    str(dict(field.choices).get(item, item)) if isinstance(item, str) else str(item)
                    for item in value
                )
            if value:
                words.append((field.label, str(value)))
        return words

    def report_view(self, request):
        """The report page; 400 with the form's errors for a bad filter."""
        report = self.report_filter(request)
        context = self.report_context(request, report)
        if "figures" not in context:
            return TemplateResponse(request, "admin/press/coverage/report.html", context, status=400)
        total = context["figures"]["totals"]["pieces"]
        paginator = Paginator(self.listed_pieces(report, total), PIECES_PER_PAGE)
        paginator.count = total  # counted already, with the figures
        context["page"] = paginator.get_page(request.GET.get("page"))
        context["pages"] = paginator
        return TemplateResponse(request, "admin/press/coverage/report.html", context)

    def listed_pieces(self, report, total):
        """The pieces report (a valid ReportFilter) finds, newest first (Coverage's ordering), with their
        outlets and without their long text, to be sliced; total (int) is how many it finds."""
        pieces = report.qs
        if total <= FEW_PIECES:
            # A filter that finds few pieces (a person's, say) is read by key first: walking the newest-first
            # index until a page is full would read every piece before finding them.
            pieces = Coverage.objects.filter(pk__in=list(pieces.values_list("pk", flat=True)))
        return pieces.select_related("outlet").defer("text", "search_document", "summary")

    def render_print(self, request, for_pdf=False):
        """(status, HTML str) of the print-ready report: the figures and charts, then the first
        PIECES_PRINTED pieces (newest first) and how many more the XLSX lists; no admin chrome."""
        report = self.report_filter(request)
        context = self.report_context(request, report)
        context["for_pdf"] = for_pdf
        status = 200 if "figures" in context else 400
        if status == 200:
            total = context["figures"]["totals"]["pieces"]
            context["pieces"] = list(self.listed_pieces(report, total)[:PIECES_PRINTED])
            context["more_pieces"] = total - len(context["pieces"])
        return status, render_to_string("admin/press/coverage/report_print.html", context, request=request)

    def report_print_view(self, request):
        """The report as a page for printing (static/css/report.css); 400 for a bad filter."""
        status, html = self.render_print(request)
        return HttpResponse(html, status=status)

    def report_pdf_view(self, request):
        """The print view as PDF, made by WeasyPrint with static_only_fetcher; 400 (HTML) for a bad filter."""
        status, html = self.render_print(request, for_pdf=True)
        if status != 200:
            return HttpResponse(html, status=status)
        pdf = (
            weasyprint()
            .HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=static_only_fetcher())
            .write_pdf()
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.report_filename("pdf")}"'
        return response

    def report_filename(self, extension):
        """coverage-report-YYYY-MM-DD.<extension>, today in the site's time zone."""
        return f"coverage-report-{timezone.localdate():%Y-%m-%d}.{extension}"

    def report_xlsx_view(self, request):
        """The report as XLSX: sheet "Pieces" (one row per piece, every piece) and sheet "Figures" (the
        filter and every figure of the page, in labelled sections). Written by XlsxWriter in constant memory
        to a temporary file, then sent; 400 (the page with the form's errors) for a bad filter."""
        report = self.report_filter(request)
        if not report.is_valid():
            context = self.report_context(request, report)
            return TemplateResponse(request, "admin/press/coverage/report.html", context, status=400)
        figures = report_figures(report.qs)
        output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it once sent)
        workbook = xlsxwriter.Workbook(
            output,
            {
                "constant_memory": True,
                "tmpdir": tempfile.gettempdir(),
                # Text stays text: a headline starting "=" is not a formula, nor a URL a hyperlink.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        bold = workbook.add_format({"bold": True})
        self.write_pieces(workbook.add_worksheet("Pieces"), report.qs, bold)
        self.write_figures(workbook.add_worksheet("Figures"), figures, self.filter_words(report), bold)
        workbook.close()
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            filename=self.report_filename("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def write_pieces(self, sheet, pieces, bold):
        """Writes the header and one row per piece (PIECE_COLUMNS), read 2,000 at a time, to sheet."""
        sheet.write_row(0, 0, PIECE_COLUMNS, bold)
        sheet.set_column(0, 0, 60)
        sheet.set_column(1, 1, 30)
        sheet.set_column(4, 5, 18)
        sheet.set_column(7, 8, 40)
        kinds, stances = dict(Coverage.Kind.choices), dict(Coverage.Stance.choices)
        statuses = dict(Coverage._meta.get_field("status").choices)
        fields = [
            "pk",
            "headline",
            "outlet__name",
            "kind",
            "stance",
            "date_wording",
            "date",
            "date_precision",
        ]
        rows = pieces.values_list(*fields, "status", "url").iterator(chunk_size=XLSX_BATCH)
        row_number = 0
        # Rows as tuples and the authors' names by one query a batch: model instances and a prefetch
        # cost several times as much at 100,000 pieces.
        while batch := list(islice(rows, XLSX_BATCH)):
            authors = {}
            for key, name in (
                Coverage.authors.through.objects.filter(coverage_id__in=[row[0] for row in batch])
                .order_by("coverage_id", "person__name")
                .values_list("coverage_id", "person__name")
            ):
                authors.setdefault(key, []).append(name)
            for key, headline, outlet, kind, stance, wording, date, precision, status, url in batch:
                row_number += 1
                write = partial(sheet.write_string, row_number)
                write(0, headline)
                write(1, outlet or "")
                write(2, kinds.get(kind, kind))
                write(3, stances.get(stance, stance))
                write(4, wording)
                write(5, date.isoformat()[: PRECISION_DIGITS.get(precision, 10)] if date else "")
                write(6, str(statuses.get(status, status)))
                write(7, url)
                write(8, "; ".join(authors.get(key, ())))

    def write_figures(self, sheet, figures, filter_words, bold):
        """Writes the filter, then each figure's section (a bold title, then label and count rows)."""
        sheet.set_column(0, 0, 45)
        sheet.set_column(1, 1, 12)
        row = 0

        def section(title, rows):
            nonlocal row
            sheet.write_string(row, 0, title, bold)
            row += 1
            for label, value in rows:
                sheet.write_string(row, 0, str(label))
                if isinstance(value, int):
                    sheet.write_number(row, 1, value)
                else:
                    sheet.write_string(row, 1, str(value))
                row += 1
            row += 1

        totals = figures["totals"]
        section("Filter", filter_words or [("Filter", "Pieces on the site")])
        section(
            "Totals",
            [
                ("Pieces", totals["pieces"]),
                ("Pieces with a date", totals["dated"]),
                ("Pieces without a date", totals["undated"]),
                ("Outlets", totals["outlets"]),
                ("Quotes", totals["quotes"]),
                ("People quoted", totals["people_quoted"]),
            ],
        )
        period = figures["over_time"]["by"]
        over_time_rows = list(figures["over_time"]["rows"])
        if note := figures["over_time"].get("note"):
            over_time_rows.append((note, totals["year_only"]))
        section(f"Pieces by {period}", over_time_rows)
        section("Pieces by outlet", figures["by_outlet"])
        section("Pieces by kind", figures["by_kind"])
        section("Pieces by stance", figures["by_stance"])
        section("Most-quoted people (quotes)", figures["most_quoted"])
