"""The filters, search and sort of the coverage list (/coverage/), all read from the query string."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q

from editorial.filters import ModelChoiceFilter
from people.models import Person, Place
from press.models import Coverage, Outlet, Work
from press.search import best_first, search_coverage

# The most pieces a list pages through; past them, a filter or another word narrows the list.
LIST_CAP = 1000


class YearFilter(django_filters.NumberFilter):
    """A year typed as a whole number (an IntegerField, not a decimal), e.g. ?year=2014."""

    field_class = forms.IntegerField


class SlugOrNameField(forms.ModelChoiceField):
    """Takes a slug, as links give it, or a name as a visitor types it ("The Guardian")."""

    def to_python(self, value):
        """The row whose slug is value, else the first whose name equals it ignoring case;
        ValidationError (invalid_choice) when none does, or for a value holding NUL.
        """
        if "\x00" in str(value):
            # Refused before any lookup: PostgreSQL cannot even compare text holding a NUL.
            raise ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
        try:
            return super().to_python(value)
        except ValidationError:
            found = self.queryset.filter(name__iexact=str(value).strip()).first()
            if found is None:
                raise
            return found


class SlugOrNameFilter(django_filters.ModelChoiceFilter):
    """A published row of model (with slug and name) by its slug or name, typed in a text input: a select
    would list every outlet, person or place, thousands of them in a large archive. example is a name for
    the placeholder; missing ends the message "There is no <model> “…” <missing>."."""

    field_class = SlugOrNameField

    def __init__(self, model, *, example, missing, **kwargs):
        noun = model._meta.verbose_name
        super().__init__(
            # Asked for each request, as the film filter's below: what is published changes with the time.
            queryset=lambda request: model.objects.published(),
            to_field_name="slug",
            label=noun.capitalize(),
            widget=forms.TextInput(attrs={"placeholder": f"e.g. {example}"}),
            error_messages={"invalid_choice": f"There is no {noun} “%(value)s” {missing}."},
            **kwargs,
        )


class CoverageFilter(django_filters.FilterSet):
    """?q= words (search), outlet, kind, stance, year, person, place, work and sort. Outlet, person and
    place take a slug or a name; a bad value is a form error shown above the list (FilterView, strict: no
    pieces then). An outlet includes its child outlets' pieces; a person, the pieces they wrote or that
    mention them. sort=best (the default) puts a search's best matches of the whole archive first
    (best_first()), as far as LIST_CAP + 1.
    """

    SORTS = {
        "newest": [F("date").desc(nulls_last=True), "headline"],
        "oldest": [F("date").asc(nulls_last=True), "headline"],
        # The outlet's name as each piece keeps it (Coverage.outlet_name), read from its own index.
        "outlet": [F("outlet_name").asc(nulls_last=True), "headline"],
    }

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=200,
        help_text='Words in the headline, summary or text; "a phrase" in quotes; -word leaves it out.',
    )
    outlet = SlugOrNameFilter(
        Outlet, example="The Guardian", missing="in the press room", method="filter_outlet"
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
    person = SlugOrNameFilter(
        Person, example="Tatia Pilieva", missing="in the press room", method="filter_person"
    )
    place = SlugOrNameFilter(
        Place, example="Speranza", missing="in the L.A. guide", field_name="mentioned_places"
    )
    work = ModelChoiceFilter(
        # Asked for each request: a queryset made here would keep the moment of the import as "now", and a
        # film published since would be refused until the server restarts.
        queryset=lambda request: Work.objects.published(),
        to_field_name="slug",
        field_name="mentioned_works",
        label="Film",
        empty_label="Any film",
        error_messages={"invalid_choice": "There is no film “%(value)s” in the press room."},
    )
    sort = django_filters.ChoiceFilter(
        choices=[
            ("best", "Best match, then newest"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("outlet", "Outlet, A to Z"),
        ],
        method="sort_by",
        label="Sort",
        empty_label=None,
        error_messages={"invalid_choice": "Sort by best match, newest, oldest or outlet."},
    )

    class Meta:
        model = Coverage
        fields = []

    # How many of the best matches the page shown needs in order (those up to its end): the list sets it
    # from the page asked for, so that page 1 ranks 20, not LIST_CAP + 1. At most LIST_CAP + 1.
    rows_wanted = LIST_CAP + 1
    # The matches of a search listed best first, unordered, for counting: best_first()'s list holds only
    # the rows_wanted first. None when the list itself is counted.
    matches = None

    def search(self, queryset, name, value):
        """The pieces matching value (search_coverage())."""
        return search_coverage(queryset, value)

    def filter_queryset(self, queryset):
        """The filtered pieces; with words to search and the best-match sort, the rows_wanted best of them
        in rank order (best_first()), and all of them, unordered, in self.matches.
        """
        queryset = super().filter_queryset(queryset)
        words = self.form.cleaned_data.get("q")
        if words and self.form.cleaned_data.get("sort") in ("", "best"):
            self.matches = queryset
            limit = max(1, min(self.rows_wanted, LIST_CAP + 1))
            queryset = best_first(queryset, words, limit=limit, unfiltered=self.queryset)
        return queryset

    def filter_outlet(self, queryset, name, outlet):
        """The pieces of outlet or of an outlet whose parent it is."""
        # An outlet's pieces include its blogs' (The Hollywood Reporter's include Pret-a-Reporter's); one
        # list of outlets, so that the database reads the outlet index instead of every piece.
        return queryset.filter(
            outlet__in=Outlet.objects.filter(Q(pk=outlet.pk) | Q(parent=outlet)).values("pk")
        )

    def filter_person(self, queryset, name, person):
        """The pieces person wrote or that mention them."""
        # From the two link tables, by person, each through its index: one query over the pieces joined to
        # both ("authors or mentioned people") would read every piece.
        authored = Coverage.authors.through.objects.filter(person=person).values("coverage_id")
        mentioned = Coverage.mentioned_people.through.objects.filter(person=person).values("coverage_id")
        return queryset.filter(pk__in=authored.union(mentioned))

    def sort_by(self, queryset, name, value):
        """The pieces in the chosen order; "best" keeps the order they have (rank, or newest first)."""
        if value == "best":
            return queryset  # a search's own order (best match), or newest first
        return queryset.order_by(*self.SORTS[value])
