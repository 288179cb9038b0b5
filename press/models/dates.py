"""Dates as precise as the sources give them: a day, a month, a year, or not given."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Extract
from django.db.models.lookups import Exact

from editorial.validators import WithinCalendar, calendar_constraint


class DatePrecision(models.TextChoices):
    """How precise a stored date is: the sources give the day, only the month (stored as the 1st), only
    the year (stored as 1 January), or no date at all.
    """

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
