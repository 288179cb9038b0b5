import django_filters
from django import forms
from django.db.models import F, Q

from people.models import Person, Place
from press.models import Coverage, Outlet, Work
from press.search import search_coverage


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CoverageFilter(django_filters.FilterSet):
    SORTS = {
        "newest": [F("date").desc(nulls_last=True), "headline"],
        "oldest": [F("date").asc(nulls_last=True), "headline"],
        "outlet": [F("outlet__name").asc(nulls_last=True), "headline"],
    }

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=200,
        help_text='Words in the headline, summary or text; "a phrase" in quotes; -word leaves it out.',
    )
    outlet = django_filters.ModelChoiceFilter(
        queryset=Outlet.objects.published(),
        to_field_name="slug",
        method="filter_outlet",
        label="Outlet",
        empty_label="Any outlet",
        error_messages={"invalid_choice": "There is no outlet “%(value)s” in the press room."},
    )
    kind = django_filters.ChoiceFilter(
        choices=Coverage.Kind.choices,
        empty_label="Any kind",
        error_messages={"invalid_choice": "“%(value)s” is not a kind of coverage."},
    )
    stance = django_filters.ChoiceFilter(
        choices=Coverage.Stance.choices,
        empty_label="Any stance",
        error_messages={"invalid_choice": "“%(value)s” is not a stance."},
    )
    year = YearFilter(
        field_name="date__year",
        label="Year",
        min_value=1880,
        max_value=2100,
        error_messages={"invalid": "A year is a number such as 2014."},
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.published(),
        to_field_name="slug",
        method="filter_person",
        label="Person",
        empty_label="Anyone",
        error_messages={"invalid_choice": "There is no person “%(value)s” in the press room."},
    )
    place = django_filters.ModelChoiceFilter(
        queryset=Place.objects.published(),
        to_field_name="slug",
        field_name="mentioned_places",
        label="Place",
        empty_label="Any place",
        error_messages={"invalid_choice": "There is no place “%(value)s” in the L.A. guide."},
    )
    work = django_filters.ModelChoiceFilter(
        queryset=Work.objects.published(),
        to_field_name="slug",
        field_name="mentioned_works",
        label="Film",
        empty_label="Any film",
        error_messages={"invalid_choice": "There is no film “%(value)s” in the press room."},
    )
    sort = django_filters.ChoiceFilter(
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("outlet", "Outlet, A to Z")],
        method="sort_by",
        label="Sort",
        empty_label=None,
        error_messages={"invalid_choice": "Sort by newest, oldest or outlet."},
    )

    class Meta:
        model = Coverage
        fields = []

    def search(self, queryset, name, value):
        return search_coverage(queryset, value)

    def filter_outlet(self, queryset, name, outlet):
        # An outlet's pieces include its blogs' (The Hollywood Reporter's include Pret-a-Reporter's).
        return queryset.filter(Q(outlet=outlet) | Q(outlet__parent=outlet))

    def filter_person(self, queryset, name, person):
        return queryset.filter(
            pk__in=Coverage.objects.filter(Q(authors=person) | Q(mentioned_people=person)).values("pk")
        )

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["newest"]))
