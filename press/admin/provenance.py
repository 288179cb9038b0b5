"""The admin of provenance: passages (with the uncited claims report) and what every claim's admin shares."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html

from editorial.admin import (
    AuditedAdmin,
    UncitedClaimsReport,
    with_disabled_fields,
)
from editorial.models import live
from press.highlight import highlighted_text
from press.models import (
    Appearance,
    Coverage,
    Credit,
    Fact,
    Milestone,
    Passage,
    Quote,
    Recommendation,
)


class SourceFilter(admin.SimpleListFilter):
    """The claims' list filter ?cited=yes|no: claims that cite a passage, or not yet."""

    title = "source"
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("yes", "Cited"), ("no", "Not cited yet")]

    def get_facet_counts(self, pk_attname, filtered_qs):
        """Cited and not cited yet counted as conditions on the claim itself: Django's default,
        "pk IN (the choice's rows)", read the table again per choice (0.3 s of the quotes list at 200,000)."""
        return {
            "0__c": Count(pk_attname, filter=Q(passage__isnull=False)),
            "1__c": Count(pk_attname, filter=Q(passage__isnull=True)),
        }

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(passage__isnull=self.value() == "no")
        return queryset


@admin.register(Passage)
class PassageAdmin(UncitedClaimsReport, AuditedAdmin):
    """Every passage, with the uncited claims report (UncitedClaimsReport) at uncited-claims/ below its
    list."""

    list_display = ["__str__", "coverage", "slug", "updated_at"]
    list_select_related = ["coverage"]
    search_fields = ["text", "slug", "coverage__headline"]
    autocomplete_fields = ["coverage"]
    change_form_template = "admin/press/cited_change_form.html"
    # Each claim model, with what its str() and the report's "piece" column read.
    claim_models = {
        Quote: ["speaker", "coverage"],
        Milestone: ["work", "coverage"],
        Appearance: ["work", "outlet", "coverage"],
        Recommendation: ["recommender", "place", "coverage"],
        Fact: ["coverage"],
        Credit: ["person", "work"],
    }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The change form, with the piece's text shown and this passage highlighted in it."""
        piece = obj.coverage if obj else None
        context["source_text"] = highlighted_text(piece.text, [obj]) if piece and piece.text else None
        context["source_piece"] = piece
        return super().render_change_form(request, context, add, change, form_url, obj)


class ClaimAdmin(AuditedAdmin):
    """A claim is as public as the piece it cites: contributors may view, not change, a claim whose piece is
    on the site. The form shows the cited piece's text with the passage marked."""

    list_select_related = ["passage__coverage__outlet"]
    autocomplete_fields = ["passage"]
    exclude = ["coverage"]
    change_form_template = "admin/press/cited_change_form.html"

    def view_on_site(self, claim):
        """Its page once cited; no "View on site" link before (None)."""
        return claim.get_absolute_url() if claim.passage_id else None

    def has_publish_permission(self, request):
        """Whether the user may publish coverage (press.publish_coverage): a claim is public with
        its piece.
        """
        return request.user.has_perm("press.publish_coverage")

    def has_change_permission(self, request, obj=None):
        """Django's check; without the publish permission, only for a claim uncited or citing a
        piece not on the site.
        """
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        passage = getattr(obj, "passage", None)
        return passage is None or not Coverage.objects.filter(live(), pk=passage.coverage_id).exists()

    def get_list_filter(self, request):
        """SourceFilter, then the admin's own filters."""
        return [SourceFilter, *super().get_list_filter(request)]

    def get_changelist_form(self, request, **kwargs):
        """The list-edit form, every field disabled without the publish permission."""
        form = super().get_changelist_form(request, **kwargs)
        # Reordering what the site shows is an editor's decision.
        return form if self.has_publish_permission(request) else with_disabled_fields(form)

    @admin.display(description="source", ordering="passage__coverage__headline")
    def source(self, claim):
        """The list column: the cited piece's short label, or "Not cited yet" in bold."""
        if claim.passage_id is None:
            return format_html("<strong>{}</strong>", "Not cited yet")
        return claim.passage.coverage.source_label

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Shows the text of the piece the form cites, as submitted if the form came back with errors."""
        form = context["adminform"].form
        passage = None
        submitted = form.data.get("passage", "") if form.is_bound else ""
        if submitted.isdigit():
            passage = Passage.objects.select_related("coverage").filter(pk=submitted).first()
        elif obj is not None and getattr(obj, "passage_id", None):
            passage = obj.passage
        if passage is not None and passage.coverage.text:
            context["source_text"] = highlighted_text(passage.coverage.text, [passage])
            context["source_piece"] = passage.coverage
        return super().render_change_form(request, context, add, change, form_url, obj)
