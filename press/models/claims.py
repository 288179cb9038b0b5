"""The claims drawn from coverage: quotes, view milestones, where the film appeared, the director's
recommendations and facts. Each cites a passage."""

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from people.models import Neighbourhood, Organization, Person, Place
from press import passages
from press.models.catalogue import Outlet, Work
from press.models.coverage import Coverage
from press.models.dates import VaguelyDated, date_precision_constraints
from press.models.provenance import Cited


class Quote(Cited):
    """Words someone said or wrote about the film, as a piece quoted them (`words` must stand in the cited
    passage): the speaker, or a description when the sources do not name one, and to whom it was said.
    Shown on the piece's page and the speaker's; edited in the admin and inline on the piece.
    """

    class Mode(models.TextChoices):
        """Whether the words were said or written."""

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
        indexes = [
            # The coverage report's most-quoted people: the quotes of the pieces found, counted by speaker
            # from this index alone.
            models.Index(fields=["coverage", "speaker"], name="quote_report"),
        ]
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
        """The cited passage's place on its piece's page. Raises NotOnSiteYet while the claim is uncited."""
        return self.cited_passage().get_absolute_url()

    @property
    def speaker_display(self):
        """The speaker's name, or the description of an unnamed speaker."""
        return str(self.speaker) if self.speaker else self.speaker_description


class Milestone(Cited, VaguelyDated):
    """A view count a source gives for a work ("69 million-plus"), as of a date as precise as the source
    allows, on a platform; both stand where sources disagree. Plotted on the work's chart when
    days_after_posting is known, and listed in its table.
    """

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
        """The work's page, where the milestone shows."""
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
        """The work's page, where the appearance shows."""
        return self.work.get_absolute_url()


class Recommendation(Cited):
    """A place someone (the director) recommends, for what occasion, in their own words (which must stand in
    the cited passage). Shown in the L.A. guide (/places/) in `order`, on the place's page and the
    recommender's; edited inline on the place in the admin.
    """

    class Occasion(models.TextChoices):
        """What the place is recommended for."""

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
        """The place's page."""
        return self.place.get_absolute_url()


@receiver(pre_save, sender=Recommendation)
def remember_recommended_place(sender, instance, using, **kwargs):
    """pre_save of a Recommendation: notes the place it had before (previous_place_id) so that
    refresh_guide_order() refreshes that place's guide order too.
    """
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
    """A subquery for Place.guide_order on database `using`: the smallest order among the place's
    recommendations (published or not), NULL when it has none.
    """
    recommendations = Recommendation.objects.using(using).filter(place=OuterRef("pk"))
    return Subquery(recommendations.order_by("order").values("order")[:1])


class Fact(Cited):
    """One statement drawn from coverage, about a person, a work, an organization or a neighbourhood."""

    class Topic(models.TextChoices):
        """What the fact is about, for grouping on pages."""

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
        """The cited passage's place on its piece's page. Raises NotOnSiteYet while the claim is uncited."""
        return self.cited_passage().get_absolute_url()
