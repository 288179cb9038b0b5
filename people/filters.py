import django_filters

from editorial.filters import ModelChoiceFilter
from people.models import Neighbourhood, Place


class PlaceFilter(django_filters.FilterSet):
    neighbourhood = ModelChoiceFilter(
        queryset=Neighbourhood.objects.published(),
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
