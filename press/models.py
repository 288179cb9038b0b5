import functools

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Extract
from django.db.models.lookups import Exact
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from config.links import slug_url
from people.images import Illustrated, image_constraints
from people.models import Neighbourhood, Organization, Person, Place
from people.publishing import (
    Editable,
    HasCard,
    KeyedManager,
    Publishable,
    WithinCalendar,
    calendar_constraint,
    live,
    publication_constraints,
)
from press import passages
from press.indexes import NullsLastIndex, SearchDocumentIndex
from press.search import INDEXED_CHARACTERS, WeightedDocument


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Not given by the sources"


def day_of(field_name, part):
    """The day or month of a date field, cast to a date first: validating a constraint, Django puts the
    value in as a parameter, and PostgreSQL cannot tell the type of a bare parameter inside EXTRACT."""
    return Extract(Cast(field_name, models.DateField()), part)


def date_precision_constraints(model_name):
    """The date agrees with its precision: none when unknown, the 1st for a month, 1 January for a year;
    and it lies within the calendar editors may use."""
    return [
        calendar_constraint(model_name, "date"),
        models.CheckConstraint(
            name=f"{model_name}_date_given_unless_unknown",
            condition=Q(date_precision=DatePrecision.UNKNOWN, date__isnull=True)
            | (Q(date__isnull=False) & ~Q(date_precision=DatePrecision.UNKNOWN)),
            violation_error_message="Give a date, or set its precision to “not given” and leave it empty.",
        ),
        models.CheckConstraint(
            name=f"{model_name}_month_precision_on_first",
            condition=~Q(date_precision=DatePrecision.MONTH) | Exact(day_of("date", "day"), 1),
            violation_error_message="A date known only to the month is stored as the 1st of that month.",
        ),
        models.CheckConstraint(
            name=f"{model_name}_year_precision_on_new_year",
            condition=~Q(date_precision=DatePrecision.YEAR)
            | (Exact(day_of("date", "month"), 1) & Exact(day_of("date", "day"), 1)),
            violation_error_message="A date known only to the year is stored as 1 January of that year.",
        ),
    ]


class VaguelyDated(models.Model):
    """A date as precise as the sources allow, and the words they used for it."""

    date = models.DateField(
        null=True,
        blank=True,
        validators=[WithinCalendar()],
        help_text="Only as precise as the sources: see the precision beside it.",
    )
    date_precision = models.CharField(
        max_length=8,
        choices=DatePrecision,
        default=DatePrecision.UNKNOWN,
        help_text="Month: store the 1st. Year: store 1 January. Never invent a day the sources do not give.",
    )
    date_wording = models.CharField(
        max_length=200,
        blank=True,
        help_text="The date as published, e.g. “Tuesday morning” or “three days after it was posted”.",
    )

    class Meta:
        abstract = True

    @property
    def date_display(self):
        """The date in the words its precision allows, then the wording as published."""
        if self.date is None:
            shown = ""
        elif self.date_precision == DatePrecision.DAY:
            shown = f"{self.date:%-d %B %Y}"
        elif self.date_precision == DatePrecision.MONTH:
            shown = f"{self.date:%B %Y}"
        else:
            shown = f"{self.date:%Y}"
        if shown and self.date_wording:
            return f"{shown} ({self.date_wording})"
        return shown or self.date_wording or "Date not given"


class Outlet(Publishable):
    class Kind(models.TextChoices):
        NEWSPAPER = "newspaper", "Newspaper"
        MAGAZINE = "magazine", "Magazine"
        BLOG = "blog", "Blog"
        WEBSITE = "website", "Website"
        VIDEO_PLATFORM = "video_platform", "Video platform"
        SOCIAL_NEWS = "social_news", "Social news site"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The outlet this one belongs to, e.g. The Hollywood Reporter for its blog Pret-a-Reporter.",
    )
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("publish_outlet", "Can publish and unpublish outlets")]
        constraints = [
            *publication_constraints("outlet"),
            models.CheckConstraint(
                name="outlet_not_its_own_parent",
                condition=~Q(parent=F("pk")),
                violation_error_message="An outlet cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("press:outlet-detail", self.slug)


class Work(HasCard, Illustrated, Publishable):
    CARD_KIND = "film"

    class Kind(models.TextChoices):
        SHORT_FILM = "short_film", "Short film"
        FEATURE_FILM = "feature_film", "Feature film"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty when no source gives it (a feature still unreleased)."
    )
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    made_for = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="works",
        help_text="The label or body the work was made for, e.g. Wren for First Kiss.",
    )
    logline = models.CharField(max_length=300, help_text="One sentence: what the work is.")
    synopsis = models.TextField(
        blank=True, help_text="A few sentences for the work's page, drawn from the sources."
    )

    class Meta:
        ordering = ["-year", "title"]
        permissions = [("publish_work", "Can publish and unpublish works")]
        constraints = [
            *image_constraints("work"),
            *publication_constraints("work"),
            models.CheckConstraint(
                name="work_runtime_positive",
                condition=Q(runtime_minutes__isnull=True) | Q(runtime_minutes__gt=0),
                violation_error_message="A runtime is at least one minute.",
            ),
            models.CheckConstraint(
                name="work_year_plausible",
                condition=Q(year__isnull=True) | Q(year__gte=1880, year__lte=2100),
                violation_error_message="The year must lie between 1880 and 2100.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("press:work-detail", self.slug)

    def card_text(self):
        return self.title, self.logline


class CoverageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(live())

    def with_text(self):
        return self.exclude(text="")

    def for_lists(self):
        # A list shows headlines and summaries: the whole text and its search document stay in the database.
        return self.defer("text", "search_document")


class Coverage(HasCard, Illustrated, Publishable, VaguelyDated):
    CARD_KIND = "coverage"

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        INTERVIEW = "interview", "Interview"
        QA = "qa", "Q&A interview"
        COLUMN = "column", "Column"
        FILM_SERIES = "film_series", "Film series"

    class Stance(models.TextChoices):
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

    objects = KeyedManager.from_queryset(CoverageQuerySet)()

    class Meta:
        ordering = [F("date").desc(nulls_last=True), "headline"]
        verbose_name = "piece of coverage"
        verbose_name_plural = "coverage"
        permissions = [("publish_coverage", "Can publish, unpublish and feature coverage")]
        constraints = [
            *date_precision_constraints("coverage"),
            *image_constraints("coverage"),
            *publication_constraints("coverage"),
        ]
        indexes = [
            SearchDocumentIndex(fields=["search_document"], name="coverage_search_document"),
            # The public list's order, so that a page of it is read from the index, not sorted from all rows.
            NullsLastIndex(F("date").desc(nulls_last=True), "headline", name="coverage_newest_first"),
            # Its "oldest first" order; ascending keys keep NULLs last unasked, as that order wants them.
            models.Index(fields=["date", "headline"], name="coverage_oldest_first"),
            # The home page's few featured pieces, found without reading the rest.
            models.Index(
                fields=["feature_order", "headline"], condition=Q(featured=True), name="coverage_featured"
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return slug_url("press:coverage-detail", self.slug)

    def clean(self):
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
        return self.headline, f"{self.outlet_display}, {self.date_display}"

    @property
    def outlet_display(self):
        return str(self.outlet) if self.outlet else "Outlet not named in the stored copy"

    @property
    def source_label(self):
        """How a claim names this piece beside it: short, since the link leads to the passage itself."""
        name = self.outlet.name if self.outlet else f"“{passages.excerpt(self.headline, 40)}”"
        return f"{name} ({self.get_kind_display()})"


class WithinCoverageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(live("coverage__"))


class Passage(Editable):
    """Exact words in a piece's stored text that a claim rests on."""

    coverage = models.ForeignKey(
        Coverage,
        on_delete=models.PROTECT,
        related_name="passages",
        help_text="The piece whose stored text holds these words.",
    )
    slug = models.SlugField(
        max_length=100, help_text="Names the passage within its piece; the anchor of its highlight."
    )
    text = models.TextField(
        help_text="Copied exactly from the piece's text (curly or straight quotes both match)."
    )

    NATURAL_KEY = ("coverage__slug", "slug")

    objects = KeyedManager.from_queryset(WithinCoverageQuerySet)()

    class Meta:
        ordering = ["coverage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["coverage", "slug"], name="passage_slug_unique_in_coverage"),
        ]

    def __str__(self):
        return f"“{passages.excerpt(self.text, 80)}” ({self.coverage})"

    def get_absolute_url(self):
        return f"{self.coverage.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"passage-{self.slug}"

    def citing_claims(self):
        """Every claim (quote, milestone, appearance, recommendation, fact, credit) citing this passage."""
        claims = []
        for relation in self._meta.related_objects:
            if relation.one_to_many and relation.field.name == "passage":
                claims += relation.related_model._default_manager.filter(passage=self).order_by("pk")
        return claims

    def clean(self):
        super().clean()
        if self.coverage_id is None or not self.text:
            return
        if self.pk and not self._state.adding:
            for claim in self.citing_claims():
                words = (
                    getattr(claim, claim.QUOTED_FIELD, None) if getattr(claim, "QUOTED_FIELD", None) else None
                )
                if words and passages.locate(words, self.text) is None:
                    claim_name = f"{claim._meta.verbose_name} “{passages.excerpt(str(claim), 60)}”"
                    raise ValidationError(
                        {
                            "text": f"The {claim_name} cites words these no longer hold: "
                            f"“{passages.excerpt(words, 80)}”. Keep them, or change that claim first."
                        }
                    )
        source = f"the text of “{self.coverage}”"
        if not self.coverage.text:
            raise ValidationError(
                {"coverage": f"“{self.coverage}” has no stored text to cite; cite another piece."}
            )
        if error := passages.not_found_message(self.text, self.coverage.text, source):
            raise ValidationError({"text": error})


# What a claim's source link reads (includes/source.html, Coverage.source_label): the passage it points at,
# the piece and the outlet's name. The rest of those rows, a piece's whole text above all, stays in the
# database.
SOURCE_LINK_READS = {
    "passage": {"slug", "coverage"},
    "passage__coverage": {"slug", "status", "published_at", "headline", "kind", "outlet"},
    "passage__coverage__outlet": {"name"},
}


@functools.cache
def source_link_unread(model):
    unread = []
    for path, read in SOURCE_LINK_READS.items():
        related = model
        for name in path.split("__"):
            related = related._meta.get_field(name).related_model
        unread += [
            f"{path}__{field.name}"
            for field in related._meta.concrete_fields
            if not field.primary_key and field.name not in read
        ]
    return unread


class SourceLinked(models.QuerySet):
    def with_source(self):
        """Each row with what its source link shows, fetched in the same query, and nothing more of it."""
        return self.select_related("passage__coverage__outlet").defer(*source_link_unread(self.model))


class ClaimQuerySet(SourceLinked):
    def published(self):
        return self.filter(live("passage__coverage__"))


class Cited(Editable):
    """A claim drawn from coverage: it points at the exact passage of the piece it rests on.

    Until an editor finds that passage the claim is uncited: kept for the work in progress, listed in the
    admin's uncited claims, and never shown on the public site."""

    coverage = models.ForeignKey(
        Coverage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="The piece the claim comes from; set from the passage once it is cited.",
    )
    passage = models.ForeignKey(
        Passage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="The words in a piece of coverage this rests on. Empty: not cited yet, and not shown "
        "on the site.",
    )

    # The field holding words that must stand, as written, in the cited passage (None: no such field).
    QUOTED_FIELD = None

    objects = KeyedManager.from_queryset(ClaimQuerySet)()

    class Meta:
        abstract = True

    @property
    def source(self):
        return self.passage.coverage if self.passage_id else None

    @property
    def is_cited(self):
        return self.passage_id is not None

    def clean(self):
        super().clean()
        if self.passage_id is None:
            return
        # The piece follows the passage, so the two can never disagree.
        self.coverage_id = self.passage.coverage_id
        if self.QUOTED_FIELD is None:
            return
        words = getattr(self, self.QUOTED_FIELD)
        if error := passages.not_found_message(words, self.passage.text, "the passage"):
            raise ValidationError({self.QUOTED_FIELD: error})

    def save(self, *args, **kwargs):
        if self.passage_id is not None:
            self.coverage_id = self.passage.coverage_id
        super().save(*args, **kwargs)


class CreditQuerySet(SourceLinked):
    def published(self):
        return self.filter(live("work__") & live("person__"))


class Credit(Editable):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        PRODUCER = "producer", "Producer"
        COLLABORATOR = "collaborator", "Collaborator"
        MUSIC = "music", "Music"
        CAST = "cast", "Cast"
        CONTRIBUTOR = "contributor", "Worked on the film"

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=16, choices=Role)
    credited_as = models.CharField(
        max_length=200,
        blank=True,
        help_text="The sources' words for the part, e.g. “creator of the soundtrack”.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Credits show in this order.")
    passage = models.ForeignKey(
        Passage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credits",
        help_text="The words in a piece of coverage this credit rests on.",
    )

    NATURAL_KEY = ("work__slug", "person__slug", "role")

    objects = KeyedManager.from_queryset(CreditQuerySet)()

    class Meta:
        ordering = ["work", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "work", "role"], name="credit_once_per_person_work_role"
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_role_display()}, {self.work}"

    def get_absolute_url(self):
        return self.work.get_absolute_url()


class InterviewQuestion(Editable):
    """One question and its answer in a Q&A interview, both as they stand in the piece's text."""

    coverage = models.ForeignKey(Coverage, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(help_text="Position in the interview, from 1.")
    question = models.TextField()
    answer = models.TextField()
    answered_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="answers")

    NATURAL_KEY = ("coverage__slug", "order")

    objects = KeyedManager.from_queryset(WithinCoverageQuerySet)()

    class Meta:
        ordering = ["coverage", "order"]
        constraints = [
            models.UniqueConstraint(fields=["coverage", "order"], name="interview_question_order_unique"),
        ]

    def __str__(self):
        return passages.excerpt(self.question, 80)

    def get_absolute_url(self):
        return f"{self.coverage.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"question-{self.order}"

    def clean(self):
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


class Quote(Cited):
    class Mode(models.TextChoices):
        SAID = "said", "Said"
        WROTE = "wrote", "Wrote"

    speaker = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    speaker_description = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a speaker the sources do not name, e.g. “the film's editor”.",
    )
    words = models.TextField(help_text="Exactly as quoted; must stand in the cited passage.")
    mode = models.CharField(max_length=8, choices=Mode, default=Mode.SAID)
    said_to_outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes_received",
        help_text="The outlet it was said or written to, when the source says.",
    )
    said_to_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes_received",
        help_text="The person it was said to, when the source says.",
    )
    first_published_in = models.ForeignKey(
        Coverage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="original_quotes",
        help_text="The piece the source took the quote from, when it names one.",
    )

    NATURAL_KEY = ("passage__coverage__slug", "passage__slug")
    QUOTED_FIELD = "words"

    class Meta:
        ordering = ["passage__coverage", "passage"]
        constraints = [
            models.UniqueConstraint(
                fields=["passage"],
                name="quote_one_per_passage",
                violation_error_message="A passage holds one quote, and another quote already cites these "
                "words: cite the words of this quote alone.",
            ),
            models.CheckConstraint(
                name="quote_has_speaker",
                condition=Q(speaker__isnull=False) | ~Q(speaker_description=""),
                violation_error_message="Name the speaker, or describe one the sources do not name.",
            ),
        ]

    def __str__(self):
        return f"{self.speaker_display}: “{passages.excerpt(self.words, 60)}”"

    def get_absolute_url(self):
        return self.passage.get_absolute_url()

    @property
    def speaker_display(self):
        return str(self.speaker) if self.speaker else self.speaker_description


class Milestone(Cited, VaguelyDated):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="milestones")
    views = models.PositiveBigIntegerField(help_text="The number the source gives, e.g. 23000000.")
    views_wording = models.CharField(max_length=100, help_text="As published, e.g. “69 million-plus”.")
    at_least = models.BooleanField(default=False, help_text="Tick when the source gives a floor (“-plus”).")
    platform = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="Where the views were counted, when the source says.",
    )
    days_after_posting = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Only when the source lets you count it (“three days ago” gives 3); it places the point on "
        "the chart.",
    )

    NATURAL_KEY = ("passage__coverage__slug", "passage__slug", "views")

    class Meta:
        ordering = ["work", "views"]
        constraints = [
            models.CheckConstraint(
                name="milestone_views_positive",
                condition=Q(views__gt=0),
                violation_error_message="A view count is a positive number.",
            ),
            models.UniqueConstraint(
                fields=["passage", "views"],
                name="milestone_once_per_passage",
                violation_error_message="Another milestone already gives these views from these words.",
            ),
            *date_precision_constraints("milestone"),
        ]

    def __str__(self):
        return f"{self.work}: {self.views_wording} views"

    def get_absolute_url(self):
        return self.work.get_absolute_url()


class Appearance(Cited, VaguelyDated):
    """Where a work was posted or picked up, in the order the sources tell it."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="appearances")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="appearances")
    order = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300, help_text="What happened there, in a line.")

    NATURAL_KEY = ("work__slug", "outlet__slug")

    class Meta:
        ordering = ["work", "order"]
        constraints = [
            models.UniqueConstraint(fields=["work", "outlet"], name="appearance_once_per_outlet"),
            *date_precision_constraints("appearance"),
        ]

    def __str__(self):
        return f"{self.work} on {self.outlet}"

    def get_absolute_url(self):
        return self.work.get_absolute_url()


class Recommendation(Cited):
    class Occasion(models.TextChoices):
        EATING_OUT = "eating_out", "Eating out"
        SHOPPING = "shopping", "Shopping"
        GIFTS = "gifts", "Buying gifts"
        VISITORS = "visitors", "Taking visitors"

    recommender = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recommendations")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="recommendations")
    occasion = models.CharField(
        max_length=12, choices=Occasion, help_text="What the place is recommended for."
    )
    in_their_words = models.CharField(
        max_length=300, help_text="The recommender's words about this place; must stand in the cited passage."
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="The L.A. guide shows places in this order."
    )

    NATURAL_KEY = ("recommender__slug", "place__slug")
    QUOTED_FIELD = "in_their_words"

    class Meta:
        ordering = ["order", "place__name"]
        constraints = [
            models.UniqueConstraint(fields=["recommender", "place"], name="recommendation_once_per_place"),
        ]

    def __str__(self):
        return f"{self.recommender} recommends {self.place}"

    def get_absolute_url(self):
        return self.place.get_absolute_url()


@receiver(pre_save, sender=Recommendation)
def remember_recommended_place(sender, instance, using, **kwargs):
    # Moved to another place, the recommendation leaves the first one's guide order to refresh as well.
    stored = Recommendation.objects.using(using).filter(pk=instance.pk) if instance.pk else None
    instance.previous_place_id = stored.values_list("place", flat=True).first() if stored else None


@receiver(post_save, sender=Recommendation)
@receiver(post_delete, sender=Recommendation)
def refresh_guide_order(sender, instance, using, **kwargs):
    """The places a recommendation touched take the first order their recommendations now give them."""
    places = {instance.place_id, getattr(instance, "previous_place_id", None)} - {None}
    Place.objects.using(using).filter(pk__in=places).update(guide_order=first_guide_order(using))


def first_guide_order(using):
    recommendations = Recommendation.objects.using(using).filter(place=OuterRef("pk"))
    return Subquery(recommendations.order_by("order").values("order")[:1])


class Fact(Cited):
    """One statement drawn from coverage, about a person, a work, an organization or a place."""

    class Topic(models.TextChoices):
        BIOGRAPHY = "biography", "Biography"
        MAKING = "making", "How it was made"
        INSPIRATION = "inspiration", "Inspiration"
        RELEASE = "release", "How it spread"
        RECEPTION = "reception", "Reception"
        CRITICISM = "criticism", "Criticism"
        STORY = "story", "Story"

    statement = models.CharField(max_length=300, help_text="In the press room's words, true to the passage.")
    topic = models.CharField(max_length=12, choices=Topic)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="facts")
    work = models.ForeignKey(Work, on_delete=models.PROTECT, null=True, blank=True, related_name="facts")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="facts"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="facts"
    )
    disagrees_with = models.ManyToManyField(
        "self", blank=True, help_text="Facts from other sources that say otherwise; both stand, each cited."
    )

    NATURAL_KEY = ("passage__coverage__slug", "passage__slug", "statement")

    class Meta:
        ordering = ["topic", "passage__coverage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["passage", "statement"],
                name="fact_once_per_passage",
                violation_error_message="Another fact already makes this statement from these words.",
            ),
            models.CheckConstraint(
                name="fact_is_about_something",
                condition=Q(person__isnull=False)
                | Q(work__isnull=False)
                | Q(organization__isnull=False)
                | Q(neighbourhood__isnull=False),
                violation_error_message="Say whom or what the fact is about.",
            ),
        ]

    def __str__(self):
        return self.statement

    def get_absolute_url(self):
        return self.passage.get_absolute_url()


class LoadedStoryRow(models.Model):
    """A row of the story (fixtures/) that `load_story` once added or found in place, by model and natural
    key: the load then tells a row an editor deleted (left deleted) from one the story adds in a new release.

    Not edited in the admin: it is the loader's own record. Deleting an entry here lets the next load add
    that row again."""

    model = models.CharField(max_length=100, help_text="App label and model name, e.g. press.coverage.")
    natural_key = models.TextField(help_text='The natural key as compact JSON, e.g. ["first-kiss"].')
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["model", "natural_key"]
        constraints = [
            models.UniqueConstraint(fields=["model", "natural_key"], name="loaded_story_row_once"),
        ]

    def __str__(self):
        return f"{self.model} {self.natural_key}"
