"""The catalogue the coverage speaks of: outlets, works (the film) and their credits."""

from django.db import models, router, transaction
from django.db.models import F, Q

from editorial.images import IllustratedModel, image_constraints
from editorial.links import slug_url
from editorial.models import AuditedModel, NaturalKeyManager, PublishableModel, SocialCardMixin, live
from editorial.redirects import RedirectedPage
from editorial.validators import publication_constraints
from people.models import Organization, Person
from press.models.provenance import SourceLinked


class Outlet(RedirectedPage, PublishableModel):
    """A newspaper, magazine, blog, website, video platform or social news site that published coverage (or
    where the film was posted), with the outlet it belongs to (Pret-a-Reporter is The Hollywood Reporter's
    blog). Public page /outlets/<slug>/ (press:outlet-detail) with its coverage.
    """

    class Kind(models.TextChoices):
        """What kind of outlet it is."""

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

    def save(self, *args, **kwargs):
        """Saves the outlet, and its name onto its pieces (press.models.coverage.sync_coverage_outlet_names)
        in the same transaction: a list sorted by outlet never shows a name the outlet no longer has."""
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(Outlet, instance=self)):
            super().save(*args, **kwargs)


class Work(RedirectedPage, SocialCardMixin, IllustratedModel, PublishableModel):
    """A film the press room is about: First Kiss (a short film) and the feature "Forever". Public page
    /films/<slug>/ with its credits, view milestones (chart and table), appearances and coverage; its social
    card is of kind "film".
    """

    CARD_KIND = "film"

    class Kind(models.TextChoices):
        """Short or feature film."""

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
        """(title, logline)."""
        return self.title, self.logline


class CreditQuerySet(SourceLinked):
    """Credits, with their sources (SourceLinked.with_source())."""

    def published(self):
        """Credits whose work and person are both on the site. A credit's passage, if any, is not
        required: a credit may rest on no cited words.
        """
        return self.filter(live("work__") & live("person__"))


class Credit(AuditedModel):
    """A person's part in a work (director, producer, music, cast...), shown in the work's credits in `order`
    and among the person's roles; optionally resting on a cited passage. Edited inline on the work in the
    admin, and in a list of its own.
    """

    class Role(models.TextChoices):
        """The part a person had in a work."""

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
        "press.Passage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credits",
        help_text="The words in a piece of coverage this credit rests on.",
    )

    NATURAL_KEY = ("work__slug", "person__slug", "role")

    objects = NaturalKeyManager.from_queryset(CreditQuerySet)()

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
        """The work's page, where the credit shows."""
        return self.work.get_absolute_url()
