"""Coverage: what was published about the film, and the questions and answers of an interview."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from editorial.images import IllustratedModel, image_constraints
from editorial.links import slug_url
from editorial.models import AuditedModel, NaturalKeyManager, PublishableModel, SocialCardMixin, live
from editorial.redirects import RedirectedPage
from editorial.validators import publication_constraints
from people.models import Organization, Person, Place
from press import passages
from press.indexes import NullsLastIndex, SearchDocumentIndex
from press.models.catalogue import Outlet, Work
from press.models.dates import VaguelyDated, date_precision_constraints
from press.models.provenance import Passage, WithinCoverageQuerySet
from press.search import INDEXED_CHARACTERS, FieldDocument, WeightedDocument

# What a list of pieces reads (includes/coverage_item.html, and the stance a person's page names a critic by).
# A list shows headlines and summaries: the text, its search document, the image and the audit columns stay in
# the database, and fewer columns make each row cheaper to build, not only to read.
LIST_FIELDS = (
    "slug",
    "headline",
    "headline_as_published",
    "kind",
    "stance",
    "summary",
    "date",
    "date_precision",
    "date_wording",
    "outlet__name",
)


class CoverageQuerySet(models.QuerySet):
    """Pieces of coverage."""

    def published(self):
        """The pieces on the site now (editorial.models.live())."""
        return self.filter(live())

    def with_text(self):
        """The pieces whose text is stored (not known only because others cite them)."""
        return self.exclude(text="")

    def for_lists(self):
        """The pieces with only what a list shows (LIST_FIELDS, their outlet's name joined in); the rest of
        each row is deferred."""
        return self.select_related("outlet").only(*LIST_FIELDS)


class Coverage(RedirectedPage, SocialCardMixin, IllustratedModel, PublishableModel, VaguelyDated):
    """One piece the press published about the film: headline, outlet, authors, date with its precision,
    kind, stance, summary and stored text (which passages cite and search reads), and the people, places,
    works and organizations it mentions. Public page /coverage/<slug>/ with its text, cited passages
    highlighted, quotes and Q&A; listed at /coverage/ and in the feed. Featured pieces show on the home page
    in feature_order.
    """

    CARD_KIND = "coverage"

    class Kind(models.TextChoices):
        """What kind of piece it is."""

        ARTICLE = "article", "Article"
        INTERVIEW = "interview", "Interview"
        QA = "qa", "Q&A interview"
        COLUMN = "column", "Column"
        FILM_SERIES = "film_series", "Film series"

    class Stance(models.TextChoices):
        """The piece's stance on the film, as the press room reads it."""

        ADMIRING = "admiring", "Admiring"
        NEUTRAL = "neutral", "Neutral"
        MIXED = "mixed", "Mixed"
        CRITICAL = "critical", "Critical"

    headline = models.CharField(max_length=300)
    headline_as_published = models.BooleanField(
        default=True,
        help_text="Untick when the sources do not give the headline and this one only describes the piece.",
    )
    slug = models.SlugField(max_length=200, unique=True)
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverage",
        help_text="Leave empty when the stored copy does not name its outlet.",
    )
    authors = models.ManyToManyField(Person, blank=True, related_name="authored_coverage")
    kind = models.CharField(max_length=16, choices=Kind)
    stance = models.CharField(
        max_length=10, choices=Stance, default=Stance.NEUTRAL, help_text="The piece's stance on the film."
    )
    summary = models.TextField(help_text="Two or three sentences in the press room's words.")
    text = models.TextField(
        blank=True,
        help_text="The piece's text as published, without page furniture (captions, links to other stories). "
        "Empty for pieces known only because others cite them.",
    )
    url = models.URLField(blank=True, help_text="The original, when known.")
    featured = models.BooleanField(default=False)
    feature_order = models.PositiveSmallIntegerField(
        default=0, help_text="Featured pieces show in this order."
    )
    cites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="cited_by",
        help_text="Pieces this one quotes or names.",
    )
    mentioned_people = models.ManyToManyField(Person, blank=True, related_name="mentioned_in")
    mentioned_places = models.ManyToManyField(Place, blank=True, related_name="mentioned_in")
    mentioned_works = models.ManyToManyField(Work, blank=True, related_name="mentioned_in")
    mentioned_organizations = models.ManyToManyField(Organization, blank=True, related_name="mentioned_in")
    search_document = models.GeneratedField(
        expression=WeightedDocument(INDEXED_CHARACTERS),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    # The search document of the headline alone, and of the summary alone: a search lists the pieces that
    # match in the headline first, then in the summary, then the rest (press.search.best_first()), and
    # their own indexes find each tier without ranking every match.
    headline_document = models.GeneratedField(
        expression=FieldDocument("headline", INDEXED_CHARACTERS["headline"]),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    summary_document = models.GeneratedField(
        expression=FieldDocument("summary", INDEXED_CHARACTERS["summary"]),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    # The outlet's name, copied here so that "Outlet, A to Z" reads a page from an index instead of sorting
    # every piece joined to its outlet. Kept by the press room itself, never typed: set from the outlet on
    # each save of the piece (sync_outlet_name), and on each piece of an outlet when the outlet is saved
    # under a new name (sync_coverage_outlet_names), in the same transaction. Bulk writes set it themselves.
    outlet_name = models.CharField(max_length=200, null=True, blank=True, editable=False)  # noqa: DJ001

    objects = NaturalKeyManager.from_queryset(CoverageQuerySet)()

    class Meta:
        ordering = [F("date").desc(nulls_last=True), "headline"]
        verbose_name = "piece of coverage"
        verbose_name_plural = "coverage"
        permissions = [
            ("publish_coverage", "Can publish, unpublish and feature coverage"),
            ("view_coverage_report", "Can view the coverage report"),
        ]
        constraints = [
            *date_precision_constraints("coverage"),
            *image_constraints("coverage"),
            *publication_constraints("coverage"),
        ]
        indexes = [
            SearchDocumentIndex(fields=["search_document"], name="coverage_search_document"),
            SearchDocumentIndex(fields=["headline_document"], name="coverage_headline_document"),
            SearchDocumentIndex(fields=["summary_document"], name="coverage_summary_document"),
            # The public list's order, so that a page of it is read from the index, not sorted from all rows.
            NullsLastIndex(F("date").desc(nulls_last=True), "headline", name="coverage_newest_first"),
            # Its "oldest first" order; ascending keys keep NULLs last unasked, as that order wants them.
            models.Index(fields=["date", "headline"], name="coverage_oldest_first"),
            # Its "outlet, A to Z" order (pieces without an outlet last, as ascending keys keep NULLs).
            models.Index(fields=["outlet_name", "headline"], name="coverage_outlet_a_to_z"),
            # The coverage report's counts (press.reports), read from this index alone, not the wide rows:
            # status and publication time decide what is on the site, then what the report counts by, and
            # the key the quotes of the pieces found are looked up by.
            models.Index(
                fields=["status", "date", "published_at", "outlet", "kind", "stance", "id"],
                name="coverage_report",
            ),
            # The home page's few featured pieces, found without reading the rest.
            models.Index(
                fields=["feature_order", "headline"], condition=Q(featured=True), name="coverage_featured"
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return slug_url("press:coverage-detail", self.slug)

    def save(self, *args, update_fields=None, **kwargs):
        """Saves the piece; a save of only some fields that include the outlet writes its name too."""
        if update_fields is not None and {"outlet", "outlet_id"} & set(update_fields):
            update_fields = {*update_fields, "outlet_name"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def clean(self):
        """Model validation. Outside the admin's form (which checks with the passages as the save leaves
        them), ValidationError on text when it no longer holds a stored passage or an interview question.
        """
        super().clean()
        # The passage inline of the admin checks this itself, with the passages as the same save leaves them.
        if self.pk and not self._state.adding and not getattr(self, "passages_checked_by_form", False):
            stored = {passage.pk: passage.text for passage in self.passages.all()}
            if message := self.orphaning_message(stored) or self.unsupported_questions_message(
                self.questions.all()
            ):
                raise ValidationError({"text": message})

    def unsupported_questions_message(self, questions):
        """None when self.text holds the question and the answer of each of questions (InterviewQuestion
        rows); else words for the editor naming those it no longer holds."""
        lost = [
            question
            for question in questions
            if any(
                passages.locate(words, self.text) is None for words in (question.question, question.answer)
            )
        ]
        if not lost:
            return None
        named = "; ".join(
            f"{question.order}. “{passages.excerpt(question.question, 60)}”" for question in lost
        )
        return (
            f"This text no longer holds the words of these questions and answers of the interview: {named}. "
            "Keep those words, or change or remove those questions first."
        )

    def orphaning_message(self, passage_texts):
        """None when self.text still holds every passage of passage_texts ({passage pk: its words}, as the
        save leaves them); else words for the editor naming each passage lost and the claims citing it."""
        lost = [pk for pk, words in passage_texts.items() if passages.locate(words, self.text) is None]
        if not lost:
            return None
        described = []
        for passage in Passage.objects.filter(pk__in=lost).order_by("pk"):
            claims = passage.citing_claims()
            cited_by = "; ".join(
                f"{claim._meta.verbose_name} “{passages.excerpt(str(claim), 60)}”" for claim in claims
            )
            described.append(
                f"“{passages.excerpt(passage.text, 60)}” ({cited_by or 'cited by no claim yet'})"
            )
        count = f"{len(lost)} cited passage{'s' if len(lost) > 1 else ''}"
        return (
            f"This text no longer holds the words of {count}, so what rests on them would lose its source: "
            f"{'; '.join(described)}. Keep those words, or change or remove the passages and their claims "
            "first."
        )

    def card_text(self):
        """(headline, "<outlet>, <date as the sources give it>")."""
        return self.headline, f"{self.outlet_display}, {self.date_display}"

    @property
    def outlet_display(self):
        """The outlet's name, or words saying the stored copy names none."""
        return str(self.outlet) if self.outlet else "Outlet not named in the stored copy"

    @property
    def source_label(self):
        """How a claim names this piece beside it: short, since the link leads to the passage itself."""
        name = self.outlet.name if self.outlet else f"“{passages.excerpt(self.headline, 40)}”"
        return f"{name} ({self.get_kind_display()})"


@receiver(pre_save, sender=Coverage)
def sync_outlet_name(sender, instance, raw=False, **kwargs):
    """pre_save of a piece, saved raw too (fixtures, restored versions): its outlet_name is its outlet's
    name, or None without an outlet. Reads the outlet unless the piece holds it already."""
    if instance.outlet_id is None:
        instance.outlet_name = None
    elif Coverage.outlet.is_cached(instance):
        instance.outlet_name = instance.outlet.name
    else:
        outlets = Outlet.objects.using(kwargs.get("using") or instance._state.db)
        instance.outlet_name = outlets.filter(pk=instance.outlet_id).values_list("name", flat=True).first()


@receiver(post_save, sender=Outlet)
def sync_coverage_outlet_names(sender, instance, raw=False, using=None, **kwargs):
    """post_save of an outlet, saved raw too: its pieces' outlet_name becomes its name (one UPDATE, of the
    pieces whose copy differs; none when the name is unchanged). Outlet.save() runs it in the transaction
    of the outlet's own write."""
    Coverage.objects.using(using).filter(outlet=instance).exclude(outlet_name=instance.name).update(
        outlet_name=instance.name
    )


class InterviewQuestion(AuditedModel):
    """One question and its answer in a Q&A interview, both as they stand in the piece's text."""

    coverage = models.ForeignKey(Coverage, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(help_text="Position in the interview, from 1.")
    question = models.TextField()
    answer = models.TextField()
    answered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="answers")

    NATURAL_KEY = ("coverage__slug", "order")

    objects = NaturalKeyManager.from_queryset(WithinCoverageQuerySet)()

    class Meta:
        ordering = ["coverage", "order"]
        constraints = [
            models.UniqueConstraint(fields=["coverage", "order"], name="interview_question_order_unique"),
        ]

    def __str__(self):
        return passages.excerpt(self.question, 80)

    def get_absolute_url(self):
        """The piece's page at the question (#question-<order>)."""
        return f"{self.coverage.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        """The id of the question on the piece's page: "question-<order>"."""
        return f"question-{self.order}"

    def clean(self):
        """Model validation: ValidationError on question or answer when its words do not occur in
        the piece's stored text.
        """
        super().clean()
        if self.coverage_id is None:
            return
        source = f"the text of “{self.coverage}”"
        errors = {}
        for field in ("question", "answer"):
            if error := passages.not_found_message(getattr(self, field), self.coverage.text, source):
                errors[field] = error
        if errors:
            raise ValidationError(errors)
