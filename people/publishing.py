"""Shared by every model an editor publishes, in people/ and press/: what "public" means, and
natural keys so that fixtures refer to rows by name instead of by id."""

from django.db import models
from django.urls import reverse

from config import cards


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class KeyedManager(models.Manager):
    """Finds a row by the lookups its model names in NATURAL_KEY, e.g. ("slug",)."""

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.model.NATURAL_KEY, values, strict=True)))


class NaturallyKeyed(models.Model):
    NATURAL_KEY = ("slug",)

    class Meta:
        abstract = True

    def natural_key(self):
        values = []
        for lookup in self.NATURAL_KEY:
            value = self
            for attribute in lookup.split("__"):
                value = getattr(value, attribute)
            values.append(value)
        return tuple(values)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)


class Publishable(NaturallyKeyed):
    status = models.CharField(
        max_length=12,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text="Only published rows appear on the public site.",
    )

    objects = KeyedManager.from_queryset(PublishableQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED


class HasCard:
    """A model with a social card image: it names its CARD_KIND and says what the card shows."""

    CARD_KIND = ""

    def card_text(self):
        raise NotImplementedError

    @property
    def card_url(self):
        path = reverse("press:card", kwargs={"kind": self.CARD_KIND, "slug": self.slug})
        return f"{path}?v={cards.version(*self.card_text())}"
