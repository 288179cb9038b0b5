"""The directory of who and where: people, organizations, Los Angeles neighbourhoods and the places of the
director's guide. Claims about them (quotes, credits, recommendations) live in press/ and reach them by
reverse relations.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from editorial.images import IllustratedModel, image_constraints
from editorial.links import slug_url
from editorial.models import AuditedModel, NaturalKeyManager, PublishableModel, SocialCardMixin
from editorial.redirects import RedirectedPage
from editorial.validators import WithinCalendar, calendar_constraint, publication_constraints


class Person(RedirectedPage, SocialCardMixin, IllustratedModel, PublishableModel):
    """One person, whatever their roles: who made or appears in the film, who wrote or was quoted, who
    recommends places. Public page /people/<slug>/ (people:person-detail), listed at /people/; edited in
    the admin under People and places > People.
    """

    CARD_KIND = "person"

    name = models.CharField(max_length=200, help_text="As the sources spell it, e.g. “Tatia Pilieva”.")
    slug = models.SlugField(max_length=200, unique=True)
    sort_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="For alphabetical lists, e.g. “Pilieva, Tatia”. Blank: the name.",
    )
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="One line a visitor reads first, e.g. “Director and producer of First Kiss”.",
    )

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name_plural = "people"
        permissions = [("publish_person", "Can publish and unpublish people")]
        constraints = [*image_constraints("person"), *publication_constraints("person")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("people:person-detail", self.slug)

    def card_text(self):
        """(name, description), or a stock subtitle without a description."""
        return self.name, self.description or f"In the {settings.SITE_NAME}"

    def save(self, *args, **kwargs):
        """Saves, with sort_name set to the name when left blank."""
        if not self.sort_name:
            self.sort_name = self.name
        super().save(*args, **kwargs)


class Organization(RedirectedPage, PublishableModel):
    """A label, school, nonprofit or company the sources name (Wren, the label that made the film).
    Public page /organizations/<slug>/ with its works and the facts that name it.
    """

    class Kind(models.TextChoices):
        """What kind of organization it is."""

        LABEL = "label", "Fashion label"
        SCHOOL = "school", "School"
        NONPROFIT = "nonprofit", "Nonprofit"
        COMPANY = "company", "Company"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=Kind)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("publish_organization", "Can publish and unpublish organizations")]
        constraints = publication_constraints("organization")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("people:organization-detail", self.slug)


class NeighbourhoodQuerySet(models.QuerySet):
    """Neighbourhoods; published() is every one (they have no publication status)."""

    def published(self):
        # Neighbourhoods are reference data, not edited content: each one is public.
        return self.all()


class Neighbourhood(RedirectedPage, AuditedModel):
    """A Los Angeles neighbourhood (or another city's, see city) where places of the guide are. Reference
    data: no publication status. Public page /neighbourhoods/<slug>/ with its places and facts.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    city = models.CharField(max_length=100, default="Los Angeles")

    objects = NaturalKeyManager.from_queryset(NeighbourhoodQuerySet)()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("people:neighbourhood-detail", self.slug)


class Place(RedirectedPage, SocialCardMixin, IllustratedModel, PublishableModel):
    """A place the director recommends: restaurant, shop, bookstore or museum, with its neighbourhood,
    optional checked address and coordinates (WGS 84 degrees), and whether it still trades as of
    last_checked. Public page /places/<slug>/; /places/ is the L.A. guide, by category in guide_order.
    """

    CARD_KIND = "place"
    CARD_SELECT_RELATED = ["neighbourhood"]

    class Category(models.TextChoices):
        """The guide's sections."""

        RESTAURANT = "restaurant", "Restaurant"
        SHOP = "shop", "Shop"
        BOOKSTORE = "bookstore", "Bookstore"
        MUSEUM = "museum", "Museum"

    class OpeningStatus(models.TextChoices):
        """Whether the place still trades; open or closed needs last_checked (a database constraint)."""

        UNVERIFIED = "unverified", "Not verified"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200, help_text="As the recommendation spells it, e.g. “Little Dom's”.")
    slug = models.SlugField(max_length=200, unique=True)
    category = models.CharField(max_length=12, choices=Category)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
        help_text="Leave empty when no source says where it is.",
    )
    address = models.CharField(max_length=300, blank=True, help_text="Only an address you have checked.")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    opening_status = models.CharField(
        max_length=12,
        choices=OpeningStatus,
        default=OpeningStatus.UNVERIFIED,
        help_text="Whether the place still trades, as of the date it was last checked.",
    )
    last_checked = models.DateField(
        null=True,
        blank=True,
        validators=[WithinCalendar()],
        help_text="When someone last checked the status.",
    )
    # The place's order in the L.A. guide: the first its recommendations give it, empty when none do. Kept by
    # the recommendations as they are saved and deleted, so that the guide reads an index instead of sorting
    # every place by an aggregate.
    guide_order = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        permissions = [("publish_place", "Can publish and unpublish places")]
        indexes = [models.Index(fields=["category", "guide_order", "name"], name="place_guide_order")]
        constraints = [
            *image_constraints("place"),
            *publication_constraints("place"),
            calendar_constraint("place", "last_checked"),
            models.CheckConstraint(
                name="place_latitude_in_range",
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                violation_error_message="Latitude must lie between -90 and 90.",
            ),
            models.CheckConstraint(
                name="place_longitude_in_range",
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                violation_error_message="Longitude must lie between -180 and 180.",
            ),
            models.CheckConstraint(
                name="place_coordinates_both_or_neither",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                name="place_status_checked_when_known",
                condition=Q(opening_status="unverified") | Q(last_checked__isnull=False),
                violation_error_message="An open or closed status needs the date it was last checked.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("people:place-detail", self.slug)

    def card_text(self):
        """(name, "<category> in <neighbourhood>, Los Angeles"), without " in ..." when no neighbourhood is
        known; reads the neighbourhood (CARD_SELECT_RELATED)."""
        where = f" in {self.neighbourhood.name}" if self.neighbourhood_id else ""
        return self.name, f"{self.get_category_display()}{where}, Los Angeles"

    @property
    def has_coordinates(self):
        """Whether both latitude and longitude are set (the constraint allows both or neither)."""
        return self.latitude is not None and self.longitude is not None
