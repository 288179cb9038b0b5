"""What editors type is checked the same way on every model: dates and times within the years a reader
can mean, and text free of characters XML cannot carry."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible

# The years an editor's date or time may fall in. Outside them a value is a typo or a "never" (9999-12-31):
# a time that late in Los Angeles is past the year 9999 in UTC, which PostgreSQL stores and Python cannot
# read back, so one such row would take down every page and list that reads it.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2099
CALENDAR_RANGE = f"between 1 January {EARLIEST_YEAR} and 31 December {LATEST_YEAR}"


@deconstructible(path="editorial.validators.WithinCalendar")
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
    """The check constraints every publishable model's Meta lists (model_name: its name in the constraint
    names): published_at within the calendar.
    """
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
