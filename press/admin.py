import csv

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Subquery, UniqueConstraint
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from people.admin import PlaceAdmin
from people.editorial import (
    AuditedAdmin,
    BadListAddress,
    FetchedChoicesInline,
    IllustratedAdmin,
    PublicationFilter,
    PublishableAdmin,
    stamp,
    with_disabled_fields,
)
from people.models import Place
from people.publishing import live, without_control_characters
from press import passages
from press.highlight import highlighted_text
from press.models import (
    Appearance,
    Coverage,
    Credit,
    Fact,
    InterviewQuestion,
    Milestone,
    Outlet,
    Passage,
    Quote,
    Recommendation,
    Work,
)

CLAIM_MODELS = [Quote, Milestone, Appearance, Recommendation, Fact]


@admin.register(Outlet)
class OutletAdmin(PublishableAdmin):
    list_display = ["name", "kind", "parent", "publication", "on_site"]
    list_filter = [PublicationFilter, "kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "description", "parent__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class CreditInline(FetchedChoicesInline, admin.TabularInline):
    model = Credit
    fetched = ["person", "work", "passage__coverage"]
    extra = 0
    fields = ["person", "role", "credited_as", "order", "passage"]
    autocomplete_fields = ["person", "passage"]


@admin.register(Work)
class WorkAdmin(IllustratedAdmin, PublishableAdmin):
    list_display = ["thumbnail", "title", "kind", "year", "made_for", "publication", "on_site"]
    list_display_links = ["title"]
    list_filter = [PublicationFilter, "kind"]
    list_select_related = ["made_for"]
    search_fields = ["title", "logline", "synopsis"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["made_for"]
    inlines = [CreditInline]


class ParentPieceFormSet(BaseInlineFormSet):
    """Gives each inline form the piece being edited, unsaved or not, so it can check words against the
    text the editor is submitting rather than the text stored before."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.piece = self.instance
        return form


def not_in_piece(words, piece):
    if not piece.text:
        return "This piece has no text yet: paste its text above before citing words from it."
    return passages.not_found_message(words, piece.text, "the text of this piece")


class PassageInlineForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if (text := cleaned.get("text")) and (error := not_in_piece(text, self.piece)):
            self.add_error("text", error)
        return cleaned


class PassageFormSet(ParentPieceFormSet):
    """The piece's passages as this save leaves them (edited, deleted or kept) must all stand in the text
    this save gives the piece; otherwise the save is refused, naming the claims that would lose their
    source. Coverage.clean() checks the stored passages when no such inline takes part."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        as_left = dict(self.instance.passages.values_list("pk", "text"))
        for form in self.initial_forms:
            pk = form.instance.pk
            if self._should_delete_form(form):
                as_left.pop(pk, None)
            elif text := getattr(form, "cleaned_data", {}).get("text"):
                as_left[pk] = text
        if message := self.instance.orphaning_message(as_left):
            raise forms.ValidationError(message)


class PassageInline(FetchedChoicesInline, admin.TabularInline):
    model = Passage
    fetched = ["coverage"]
    form = PassageInlineForm
    formset = PassageFormSet
    extra = 0
    fields = ["slug", "text"]
    prepopulated_fields = {"slug": ["text"]}


class InterviewQuestionInlineForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        for field in ("question", "answer"):
            if (words := cleaned.get(field)) and (error := not_in_piece(words, self.piece)):
                self.add_error(field, error)
        return cleaned


class InterviewQuestionFormSet(ParentPieceFormSet):
    """The questions and answers this form does not show (past the first rows of a long interview) must
    stand in the text this save gives the piece, as the rows shown must."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        shown = {form.instance.pk for form in self.initial_forms}
        hidden = self.instance.questions.exclude(pk__in=shown)
        if message := self.instance.unsupported_questions_message(hidden):
            raise forms.ValidationError(message)


class InterviewQuestionInline(FetchedChoicesInline, admin.StackedInline):
    model = InterviewQuestion
    fetched = ["answered_by", "coverage"]
    form = InterviewQuestionInlineForm
    formset = InterviewQuestionFormSet
    extra = 0
    fields = ["order", "question", "answer", "answered_by"]
    autocomplete_fields = ["answered_by"]
    verbose_name = "question and answer"
    verbose_name_plural = "Q&A"


class CitedInlineForm(forms.ModelForm):
    """A claim written on its piece's page: the editor pastes the passage's words, and the passage is found
    among the piece's passages or made, so citing needs no second page.

    Claims of one save that paste the same new words share the one passage made for them; the database's
    rules that involve the passage (one quote per passage, say) are checked against the stored claims here
    and between the claims of the save in CitedFormSet, so they come back as form errors."""

    passage_text = forms.CharField(
        label="Passage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Paste the exact words of this piece's text that the claim rests on (curly or straight "
        "quotes both match). Empty: not cited yet, and not shown on the site.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.passage_id:
            self.fields["passage_text"].initial = self.instance.passage.text

    def clean(self):
        cleaned = super().clean()
        text = without_control_characters(cleaned.get("passage_text", "")).strip()
        cleaned["passage_text"] = text
        if not text:
            return cleaned
        if error := not_in_piece(text, self.piece):
            self.add_error("passage_text", error)
            return cleaned
        quoted_field = self._meta.model.QUOTED_FIELD
        words = cleaned.get(quoted_field) if quoted_field else None
        if words and (error := passages.not_found_message(words, text, "the passage")):
            self.add_error(quoted_field, error)
            return cleaned
        if self.instance.passage_id is None or self.instance.passage.text != text:
            stored = self.piece.passages.filter(text=text).first() if self.piece.pk else None
            # A stored passage is set now, so that validating the row checks its rules against other claims.
            self.instance.passage = stored
        return cleaned

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if self.instance.passage_id is not None:
            exclusions.discard("passage")
        return exclusions

    def save(self, commit=True):
        claim = super().save(commit=False)
        text = self.cleaned_data.get("passage_text", "")
        claim.new_passage = None
        if text and claim.passage_id is None:
            claim.new_passage = new_passage(claim.coverage, text)
        if commit:
            if claim.new_passage and claim.new_passage.pk is None:
                claim.new_passage.save()
            if claim.new_passage:
                claim.passage = claim.new_passage
            claim.save()
            self._save_m2m()
        return claim


def new_passage(piece, text):
    """The passage a claim of this save cites by words the piece has no passage for yet: one per words, shared
    by every claim of the save that pastes them, with a slug no stored or pending passage of the piece has."""
    pending = piece.__dict__.setdefault("pending_passages", {})
    if text in pending:
        return pending[text]
    base = slugify(" ".join(text.split()[:6]))[:80] or "passage"
    taken = set(piece.passages.values_list("slug", flat=True)) if piece.pk else set()
    taken |= {passage.slug for passage in pending.values()}
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    pending[text] = Passage(coverage=piece, slug=slug, text=text)
    return pending[text]


def field_value(form, name):
    return form.cleaned_data[name] if name in form.cleaned_data else getattr(form.instance, name, None)


class CitedFormSet(ParentPieceFormSet):
    """Claims of one save: two that would break a rule of the database together (two quotes on the same
    words, two milestones giving the same views from the same words) are refused with a form error."""

    def clean(self):
        super().clean()
        model = self.model
        rules = [
            constraint
            for constraint in model._meta.constraints
            if isinstance(constraint, UniqueConstraint) and "passage" in constraint.fields
        ]
        seen = {}
        for form in self.forms:
            text = getattr(form, "cleaned_data", {}).get("passage_text")
            if not text or self._should_delete_form(form) or form.errors:
                continue
            for rule in rules:
                values = (text if name == "passage" else field_value(form, name) for name in rule.fields)
                key = (rule.name, *values)
                if key in seen:
                    form.add_error(
                        "passage_text",
                        f"Another {model._meta.verbose_name} of this save already cites these words: "
                        f"{rule.get_violation_error_message()}",
                    )
                seen[key] = form


class CitedInline(FetchedChoicesInline, admin.StackedInline):
    form = CitedInlineForm
    formset = CitedFormSet
    fk_name = "coverage"
    extra = 0


class QuoteInline(CitedInline):
    model = Quote
    fetched = ["passage", "speaker", "said_to_outlet", "said_to_person", "first_published_in"]
    fields = [
        "passage_text",
        "words",
        "speaker",
        "speaker_description",
        "mode",
        "said_to_outlet",
        "said_to_person",
        "first_published_in",
    ]
    autocomplete_fields = ["speaker", "said_to_outlet", "said_to_person", "first_published_in"]


class MilestoneInline(CitedInline):
    model = Milestone
    fetched = ["passage", "work", "platform"]
    fields = [
        "passage_text",
        "work",
        ("views", "views_wording", "at_least"),
        "platform",
        ("date", "date_precision", "date_wording"),
        "days_after_posting",
    ]
    autocomplete_fields = ["work", "platform"]


def mention_inline(field_name, target, plural):
    through = Coverage._meta.get_field(field_name).remote_field.through
    return type(
        f"Mentioned{target.title()}Inline",
        (FetchedChoicesInline, admin.TabularInline),
        {
            "model": through,
            "fetched": [target],
            "extra": 0,
            "autocomplete_fields": [target],
            "verbose_name": f"mentioned {target}",
            "verbose_name_plural": f"Mentions: {plural}",
        },
    )


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
    def write(self, value):
        return value


def spreadsheet_safe(value):
    """A cell a spreadsheet will show, never run: text starting like a formula is quoted."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Coverage)
class CoverageAdmin(IllustratedAdmin, PublishableAdmin):
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
        ("outlet", admin.RelatedOnlyFieldListFilter),
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
        # A subquery, not a join: joined to the quotes, a search of a piece with hundreds of them would read
        # each of its rows hundreds of times over.
        quotes = Quote.objects.filter(coverage=OuterRef("pk")).order_by().values("coverage")
        counted = Subquery(quotes.annotate(count=Count("pk")).values("count"))
        return super().get_queryset(request).annotate(quote_count=Coalesce(counted, 0))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not PassageInline(Coverage, self.admin_site).has_view_or_change_permission(request, obj):
            return form

        class TextCheckedWithPassages(form):
            # The passage inline checks the text against the passages as this save leaves them.
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.passages_checked_by_form = True

        TextCheckedWithPassages.__name__ = form.__name__
        return TextCheckedWithPassages

    def save_inline_row(self, request, instance):
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
        return coverage.date_display

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, coverage):
        return coverage.quote_count

    @admin.action(
        permissions=["publish"],
        description="Feature on the home page",
        description_plural="Feature selected coverage on the home page",
        location=admin.ActionLocation.CHANGE_LIST,
    )
    def feature(self, request, queryset):
        next_order = (
            Coverage.objects.filter(featured=True).aggregate(last=Max("feature_order"))["last"] or 0
        ) + 1

        def make_featured(coverage):
            nonlocal next_order
            if coverage.featured:
                return False
            coverage.featured, coverage.feature_order = True, next_order
            next_order += 1
            return True

        self.change_each(request, queryset, make_featured, "featured", "Featured.", "already featured")

    @admin.action(
        permissions=["publish"],
        description="Stop featuring",
        description_plural="Stop featuring selected coverage",
        location=admin.ActionLocation.CHANGE_LIST,
    )
    def unfeature(self, request, queryset):
        def stop_featuring(coverage):
            if not coverage.featured:
                return False
            coverage.featured = False
            return True

        self.change_each(
            request, queryset, stop_featuring, "no longer featured", "Unfeatured.", "not featured"
        )

    def get_urls(self):
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


class SourceFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("yes", "Cited"), ("no", "Not cited yet")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(passage__isnull=self.value() == "no")
        return queryset


@admin.register(Passage)
class PassageAdmin(AuditedAdmin):
    list_display = ["__str__", "coverage", "slug", "updated_at"]
    list_select_related = ["coverage"]
    search_fields = ["text", "slug", "coverage__headline"]
    autocomplete_fields = ["coverage"]
    change_form_template = "admin/press/cited_change_form.html"

    def get_urls(self):
        uncited = path(
            "uncited-claims/", self.admin_site.admin_view(self.uncited_claims), name="press_uncited_claims"
        )
        return [uncited, *super().get_urls()]

    def uncited_claims(self, request):
        """Every claim that does not yet point at a passage, with a link to the page where it is fixed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        groups = []
        for model in [*CLAIM_MODELS, Credit]:
            claims = model.objects.filter(passage__isnull=True).select_related(*uncited_relations(model))
            groups.append(
                {
                    "name": model._meta.verbose_name_plural,
                    "changelist": reverse(f"admin:press_{model._meta.model_name}_changelist") + "?cited=no",
                    "claims": [
                        {
                            "text": str(claim),
                            "piece": getattr(claim, "coverage", None),
                            "url": reverse(f"admin:press_{model._meta.model_name}_change", args=[claim.pk]),
                        }
                        for claim in claims
                    ],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Uncited claims",
            "subtitle": None,
            "groups": groups,
            "total": sum(len(group["claims"]) for group in groups),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/press/uncited_claims.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        piece = obj.coverage if obj else None
        context["source_text"] = highlighted_text(piece.text, [obj]) if piece and piece.text else None
        context["source_piece"] = piece
        return super().render_change_form(request, context, add, change, form_url, obj)


def uncited_relations(model):
    return {
        Quote: ["speaker", "coverage"],
        Milestone: ["work", "coverage"],
        Appearance: ["work", "outlet", "coverage"],
        Recommendation: ["recommender", "place", "coverage"],
        Fact: ["coverage"],
        Credit: ["person", "work"],
    }[model]


class ClaimAdmin(AuditedAdmin):
    """A claim is as public as the piece it cites: contributors may view, not change, a claim whose piece is
    on the site. The form shows the cited piece's text with the passage marked."""

    list_select_related = ["passage__coverage__outlet"]
    autocomplete_fields = ["passage"]
    exclude = ["coverage"]
    change_form_template = "admin/press/cited_change_form.html"

    def has_publish_permission(self, request):
        return request.user.has_perm("press.publish_coverage")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        passage = getattr(obj, "passage", None)
        return passage is None or not Coverage.objects.filter(live(), pk=passage.coverage_id).exists()

    def get_list_filter(self, request):
        return [SourceFilter, *super().get_list_filter(request)]

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        # Reordering what the site shows is an editor's decision.
        return form if self.has_publish_permission(request) else with_disabled_fields(form)

    @admin.display(description="source", ordering="passage__coverage__headline")
    def source(self, claim):
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


@admin.register(Credit)
class CreditAdmin(ClaimAdmin):
    list_display = ["person", "role", "work", "credited_as", "order", "source"]
    list_editable = ["order"]
    list_filter = ["role", "work"]
    list_select_related = ["person", "work", "passage__coverage__outlet"]
    search_fields = ["person__name", "work__title", "credited_as"]
    autocomplete_fields = ["person", "work", "passage"]
    exclude = []


@admin.register(InterviewQuestion)
class InterviewQuestionAdmin(AuditedAdmin):
    list_display = ["__str__", "coverage", "order", "answered_by"]
    list_select_related = ["coverage", "answered_by"]
    search_fields = ["question", "answer", "answered_by__name", "coverage__headline"]
    autocomplete_fields = ["coverage", "answered_by"]


@admin.register(Quote)
class QuoteAdmin(ClaimAdmin):
    list_display = ["__str__", "mode", "source"]
    list_filter = ["mode"]
    list_select_related = ["speaker", "passage__coverage__outlet"]
    search_fields = ["words", "speaker__name", "speaker_description", "passage__coverage__headline"]
    autocomplete_fields = ["passage", "speaker", "said_to_outlet", "said_to_person", "first_published_in"]


@admin.register(Milestone)
class MilestoneAdmin(ClaimAdmin):
    list_display = ["work", "views_wording", "platform", "date_wording", "source"]
    list_filter = ["work", "platform"]
    list_select_related = ["work", "platform", "passage__coverage__outlet"]
    search_fields = ["views_wording", "work__title", "date_wording"]
    autocomplete_fields = ["passage", "work", "platform"]


@admin.register(Appearance)
class AppearanceAdmin(ClaimAdmin):
    list_display = ["work", "outlet", "order", "description", "source"]
    list_editable = ["order"]
    list_select_related = ["work", "outlet", "passage__coverage__outlet"]
    search_fields = ["description", "outlet__name", "work__title"]
    autocomplete_fields = ["passage", "work", "outlet"]


class RecommendationInline(FetchedChoicesInline, admin.TabularInline):
    model = Recommendation
    fetched = ["recommender", "place", "passage__coverage"]
    extra = 0
    fields = ["recommender", "occasion", "in_their_words", "order", "passage"]
    autocomplete_fields = ["recommender", "passage"]


@admin.register(Recommendation)
class RecommendationAdmin(ClaimAdmin):
    list_display = ["place", "recommender", "occasion", "order", "source"]
    list_display_links = ["place"]
    list_editable = ["order"]
    list_filter = ["occasion", "place__category"]
    list_select_related = ["place", "recommender", "passage__coverage__outlet"]
    search_fields = ["place__name", "recommender__name", "in_their_words"]
    autocomplete_fields = ["passage", "recommender", "place"]
    ordering = ["order", "place__name"]


@admin.register(Fact)
class FactAdmin(ClaimAdmin):
    list_display = ["statement", "topic", "person", "work", "source"]
    list_filter = ["topic"]
    list_select_related = ["person", "work", "passage__coverage__outlet"]
    search_fields = ["statement", "passage__text", "person__name", "work__title"]
    autocomplete_fields = ["passage", "person", "work", "organization", "neighbourhood", "disagrees_with"]


admin.site.unregister(Place)


@admin.register(Place)
class PlaceWithRecommendationsAdmin(PlaceAdmin):
    inlines = [RecommendationInline]
