"""The coverage list as a spreadsheet (CSV), exactly as filtered, searched and sorted."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from editorial.admin import BadListAddress

CSV_COLUMNS = [
    "Headline",
    "Status",
    "Goes public",
    "Outlet",
    "Kind",
    "Stance",
    "Date",
    "Date as published",
    "Authors",
    "Featured",
    "Feature order",
    "Quotes",
    "Original URL",
    "Page on the site",
    "Updated",
    "Updated by",
]


class Echo:
    """A file-like object whose write() returns what it is given, so csv.writer yields lines to stream."""

    def write(self, value):
        """value, unchanged."""
        return value


def spreadsheet_safe(value):
    """A cell a spreadsheet will show, never run: text starting like a formula is quoted."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class CoverageExport:
    """For the coverage admin: export.csv beside its list, the list as it is filtered, searched and sorted."""

    def get_urls(self):
        """export.csv (admin:press_coverage_export) before the admin's own URLs."""
        export = path("export.csv", self.admin_site.admin_view(self.export_csv), name="press_coverage_export")
        return [export, *super().get_urls()]

    def export_csv(self, request):
        """The changelist as it is filtered, searched and sorted, every page of it, for a spreadsheet."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except BadListAddress as error:
            return self.bad_list_address(request, error)
        try:
            self.check_lookup_values(changelist.get_queryset(request))
        except BadListAddress as error:
            return self.bad_list_address(request, error)
        rows = (
            changelist.get_queryset(request)
            .select_related("outlet", "updated_by")
            .prefetch_related("authors")
        )
        writer = csv.writer(Echo())

        def lines():
            """The CSV's lines (str): the header, then one per piece, read 500 at a time."""
            yield writer.writerow(CSV_COLUMNS)
            for coverage in rows.iterator(chunk_size=500):
                yield writer.writerow(
                    spreadsheet_safe(value)
                    for value in [
                        coverage.headline,
                        coverage.get_status_display(),
                        timezone.localtime(coverage.published_at).isoformat()
                        if coverage.published_at
                        else "",
                        coverage.outlet_display,
                        coverage.get_kind_display(),
                        coverage.get_stance_display(),
                        coverage.date.isoformat() if coverage.date else "",
                        coverage.date_wording,
                        "; ".join(author.name for author in coverage.authors.all()),
                        "yes" if coverage.featured else "no",
                        coverage.feature_order if coverage.featured else "",
                        coverage.quote_count,
                        coverage.url,
                        request.build_absolute_uri(coverage.get_absolute_url()),
                        timezone.localtime(coverage.updated_at).isoformat(),
                        coverage.updated_by or "",
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        filename = f"coverage-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
