"""Shared by every model editors keep, in people/ and press/: what "public" means, who changed a row
and when, and natural keys so that fixtures refer to rows by name instead of by id."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from config import cards


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class KeyedManager(models.Manager):
    """Finds a row by the lookups its model names in NATURAL_KEY, e.g. ("slug",)."""

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.model.NATURAL_KEY, values, strict=True)))


class Editable(models.Model):
    """A row editors keep: found by its natural key, and it remembers who made and last changed it."""

    NATURAL_KEY = ("slug",)

    # Defaults rather than auto_now: fixtures are saved raw, which skips auto_now but keeps defaults.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    def natural_key(self):
        values = []
        for lookup in self.NATURAL_KEY:
            value = self
            for attribute in lookup.split("__"):
                value = getattr(value, attribute, None)
            values.append(value)
        return tuple(values)


def live(prefix=""):
    """The condition for a publishable row, or the one a relation leads to, to be on the public site:
    published, and its publication time (if any) has come. No cron job: it is compared at each query."""
    return Q(**{f"{prefix}status": PublicationStatus.PUBLISHED}) & (
        Q(**{f"{prefix}published_at__isnull": True}) | Q(**{f"{prefix}published_at__lte": timezone.now()})
    )


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(live())


class Publishable(Editable):
    status = models.CharField(
        max_length=12,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text="Only published rows appear on the public site. Contributors submit drafts for review; "
        "editors publish.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it goes public. A future time keeps a published row hidden until then; empty means "
        "at once. Set when an editor publishes.",
    )

    objects = KeyedManager.from_queryset(PublishableQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED and (
            self.published_at is None or self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == PublicationStatus.PUBLISHED and not self.is_published


class HasCard:
    """A model with a social card image: it names its CARD_KIND and says what the card shows."""

    CARD_KIND = ""

    def card_text(self):
        raise NotImplementedError

    @property
    def card_url(self):
        path = reverse("press:card", kwargs={"kind": self.CARD_KIND, "slug": self.slug})
        return f"{path}?v={cards.version(*self.card_text())}"
