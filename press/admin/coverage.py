"""The admin of coverage: the piece's change form with everything cited from it, featuring on the home
page, and its questions and answers."""

from django.contrib import admin
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from editorial.admin import AuditedAdmin, IllustratedAdmin, PublicationFilter, PublishableAdmin, stamp
from editorial.admin.workflow import row_change_action
from press.admin.export import CoverageExport
from press.admin.imports import CoverageImport
from press.admin.inlines import (
    InterviewQuestionInline,
    MilestoneInline,
    PassageInline,
    QuoteInline,
    mention_inline,
)
from press.admin.report import CoverageReport
from press.models import (
    Coverage,
    InterviewQuestion,
    Quote,
)


def featuring():
    """Features each piece not featured yet, after the last piece featured so far."""
    last = Coverage.objects.filter(featured=True).aggregate(last=Max("feature_order"))["last"]
    next_order = (last or 0) + 1

    def make_featured(coverage):
        """Features coverage (not saved) with the next feature order unless it is featured; whether
        it changed it.
        """
        nonlocal next_order
        if coverage.featured:
            return False
        coverage.featured, coverage.feature_order = True, next_order
        next_order += 1
        return True

    return make_featured


def stop_featuring(coverage):
    """Unfeatures a featured piece (not saved), keeping its feature order; whether it changed it."""
    if not coverage.featured:
        return False
    coverage.featured = False
    return True


@admin.register(Coverage)
class CoverageAdmin(CoverageImport, CoverageReport, CoverageExport, IllustratedAdmin, PublishableAdmin):
    """Coverage: publishable, with an image; the change form edits the piece's Q&A, quotes, milestones,
    passages and mentions with it, and checks them against the text it saves. Featuring on the home page
    (actions, list edits) needs the publish permission. export.csv beside the list (CoverageExport), an
    import from a spreadsheet at import/ (CoverageImport), the coverage report for editors (CoverageReport).
    """

    list_display = [
        "thumbnail",
        "headline",
        "publication",
        "outlet",
        "kind",
        "date_display",
        "featured",
        "feature_order",
        "quote_count",
        "on_site",
    ]
    list_display_links = ["headline"]
    list_editable = ["featured", "feature_order"]
    list_filter = [
        PublicationFilter,
        "featured",
        "kind",
        "stance",
        "outlet",
    ]
    list_select_related = ["outlet"]
    search_fields = [
        "headline",
        "summary",
        "text",
        "outlet__name",
        "authors__name",
        "mentioned_people__name",
        "quotes__speaker__name",
    ]
    search_help_text = "Searches headline, summary, text, outlet, authors, people mentioned and speakers."
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["outlet", "authors", "cites"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "headline_as_published",
                    "slug",
                    ("outlet", "kind", "stance"),
                    "authors",
                    ("date", "date_precision", "date_wording"),
                    "summary",
                    "text",
                    "url",
                    "cites",
                ]
            },
        ),
        ("Publication", {"fields": [("status", "published_at"), ("featured", "feature_order")]}),
        ("Image", {"fields": ["image", ("image_alt", "image_credit")]}),
    ]
    publisher_fields = ["published_at", "featured", "feature_order"]
    count_nouns = ("piece of coverage", "pieces of coverage")
    actions = [*PublishableAdmin.actions, "feature", "unfeature"]
    inlines = [
        InterviewQuestionInline,
        QuoteInline,
        MilestoneInline,
        PassageInline,
        mention_inline("mentioned_people", "person", "people"),
        mention_inline("mentioned_places", "place", "places"),
        mention_inline("mentioned_works", "work", "works"),
        mention_inline("mentioned_organizations", "organization", "organizations"),
    ]

    def get_queryset(self, request):
        """The pieces, each with quote_count (int): how many quotes cite it."""
        # A subquery, not a join: joined to the quotes, a search of a piece with hundreds of them would read
        # each of its rows hundreds of times over.
        quotes = Quote.objects.filter(coverage=OuterRef("pk")).order_by().values("coverage")
        counted = Subquery(quotes.annotate(count=Count("pk")).values("count"))
        return super().get_queryset(request).annotate(quote_count=Coalesce(counted, 0))

    def get_form(self, request, obj=None, **kwargs):
        """The piece's form; when the passage inline is on the form, it tells Coverage.clean() to leave
        the check of the text against the passages to the inline.
        """
        form = super().get_form(request, obj, **kwargs)
        if not PassageInline(Coverage, self.admin_site).has_view_or_change_permission(request, obj):
            return form

        class TextCheckedWithPassages(form):
            """form, marking its instance passages_checked_by_form."""

            # The passage inline checks the text against the passages as this save leaves them.
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.passages_checked_by_form = True

        TextCheckedWithPassages.__name__ = form.__name__
        return TextCheckedWithPassages

    def save_inline_row(self, request, instance):
        """Saves a claim row, first saving the new passage its pasted words brought (once per save,
        shared by the claims that paste the same words).
        """
        # A claim cited by pasted words may bring a passage the piece did not have yet, shared by the claims
        # of this save that paste the same words: saved with the first of them.
        if passage := getattr(instance, "new_passage", None):
            if passage.pk is None:
                stamp(passage, request.user)
                passage.save()
            instance.passage = passage
        super().save_inline_row(request, instance)

    @admin.display(description="date", ordering="date")
    def date_display(self, coverage):
        """The date as the sources give it (VaguelyDated.date_display)."""
        return coverage.date_display

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, coverage):
        """How many quotes cite the piece (annotated by get_queryset())."""
        return coverage.quote_count

    feature = row_change_action(
        "publish",
        "Feature on the home page",
        "Feature selected coverage on the home page",
        featuring,
        ("featured", "Featured.", "already featured"),
        location=admin.ActionLocation.CHANGE_LIST,
    )
    unfeature = row_change_action(
        "publish",
        "Stop featuring",
        "Stop featuring selected coverage",
        lambda: stop_featuring,
        ("no longer featured", "Unfeatured.", "not featured"),
        location=admin.ActionLocation.CHANGE_LIST,
    )


@admin.register(InterviewQuestion)
class InterviewQuestionAdmin(AuditedAdmin):
    """Every question and answer of the interviews, in a list of its own."""

    list_display = ["__str__", "coverage", "order", "answered_by"]
    list_select_related = ["coverage", "answered_by"]
    search_fields = ["question", "answer", "answered_by__name", "coverage__headline"]
    autocomplete_fields = ["coverage", "answered_by"]
