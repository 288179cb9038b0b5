"""The filters of the L.A. guide (/places/): by neighbourhood (its slug) and by kind of place."""

import django_filters

from editorial.filters import ModelChoiceFilter
from people.models import Neighbourhood, Place


class PlaceFilter(django_filters.FilterSet):
    """?neighbourhood=<slug>&category=<Place.Category value>. An unknown value is a form error with the
    message below; FilterView (strict) then shows no places rather than a 500.
    """

    neighbourhood = ModelChoiceFilter(
        # Asked for each request: a queryset made at import would keep that moment as "now" (what is
        # published changes with the time, without a restart).
        queryset=lambda request: Neighbourhood.objects.published(),
        to_field_name="slug",
        label="Neighbourhood",
        empty_label="Anywhere",
        error_messages={"invalid_choice": "There is no neighbourhood “%(value)s” in the guide."},
    )
    category = django_filters.ChoiceFilter(
        choices=Place.Category.choices,
        label="Kind of place",
        empty_label="Any kind of place",
        error_messages={"invalid_choice": "“%(value)s” is not a kind of place in the guide."},
    )

    class Meta:
        model = Place
        fields = []
