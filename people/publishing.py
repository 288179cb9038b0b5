"""Shared by every model editors keep, in people/ and press/: what "public" means, who changed a row
and when, and natural keys so that fixtures refer to rows by name instead of by id."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from config import cards


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


# The years an editor's date or time may fall in. Outside them a value is a typo or a "never" (9999-12-31):
# a time that late in Los Angeles is past the year 9999 in UTC, which PostgreSQL stores and Python cannot
# read back, so one such row would take down every page and list that reads it.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2099
CALENDAR_RANGE = f"between 1 January {EARLIEST_YEAR} and 31 December {LATEST_YEAR}"


@deconstructible(path="people.publishing.WithinCalendar")
class WithinCalendar:
    """Refuses a date or datetime whose year (as given, in its own time zone) lies outside
    EARLIEST_YEAR..LATEST_YEAR, with a message that gives the range. Raises ValidationError."""

    def __call__(self, value):
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            noun = "time" if isinstance(value, datetime.datetime) else "date"
            raise ValidationError(
                f"Give a {noun} {CALENDAR_RANGE}; “never” is a draft, not a far-off date.",
                code="out_of_calendar",
            )

    def __eq__(self, other):
        return isinstance(other, WithinCalendar)


def calendar_constraint(model_name, field_name, field_class=models.DateField):
    """The database's own guard for WithinCalendar, so that no writer (a raw query, an import) can store a
    value Python cannot read back. A datetime is stored in UTC: its bounds are a day wider than the years,
    which any time zone's wall clock stays within."""
    if field_class is models.DateTimeField:
        low = datetime.datetime(EARLIEST_YEAR - 1, 12, 31, tzinfo=datetime.UTC)
        high = datetime.datetime(LATEST_YEAR + 1, 1, 2, tzinfo=datetime.UTC)
    else:
        low, high = datetime.date(EARLIEST_YEAR, 1, 1), datetime.date(LATEST_YEAR, 12, 31)
    return models.CheckConstraint(
        name=f"{model_name}_{field_name}_within_calendar",
        condition=Q(**{f"{field_name}__isnull": True}) | Q(**{f"{field_name}__range": (low, high)}),
        violation_error_message=f"Give a {field_name.replace('_', ' ')} {CALENDAR_RANGE}.",
    )


def publication_constraints(model_name):
    return [calendar_constraint(model_name, "published_at", models.DateTimeField)]


# Characters XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets): C0 controls but tab, newline and
# carriage return, lone surrogates, U+FFFE and U+FFFF. Pasted from a word processor (U+000B is Word's line
# break), one of them in a summary would take the feed down for everyone.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def without_control_characters(text):
    """The str with what XML 1.0 cannot carry removed; a word processor's line or page break (U+000B,
    U+000C) becomes a newline, so that words stay apart."""
    return NOT_IN_XML.sub("", text.translate(LINE_BREAKS))


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

    def clean_fields(self, exclude=None):
        """Removes what XML cannot carry from every text field validated (see NOT_IN_XML), then validates."""
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.name not in (exclude or ()):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, without_control_characters(value))
        super().clean_fields(exclude)

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
        validators=[WithinCalendar()],
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
