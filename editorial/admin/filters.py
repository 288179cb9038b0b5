"""List filters whose choices stay few however many rows the related model has.

Django's facets count every choice of a list filter in one query, one column per choice: a filter by a
related model with thousands of rows (2,008 outlets) asked PostgreSQL for more than its 1,664 columns
and the changelist answered 500, and listed thousands of links on SQLite.
"""

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Count

# How many related rows a filter lists, and so how many columns its facet counts ask for: far under
# PostgreSQL's 1,664 (a target list's limit), and as many as an editor reads down a sidebar.
MAX_LISTED_CHOICES = 50


class MostUsedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related row that lists at most MAX_LISTED_CHOICES of them: those the most rows of
    the admin's list point to (one GROUP BY), most used first when there are more, plus the one chosen.

    Any related row still filters through its address (?outlet__id__exact=<pk>), listed or not; the title
    says when the list is cut ("outlet (the 50 most used)").
    """

    max_choices = None  # None: MAX_LISTED_CHOICES, read when the filter is made (tests lower it)

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.more_choices = False
        super().__init__(field, request, params, model, model_admin, field_path)
        if self.more_choices:
            self.title = f"{self.lookup_title} (the {self.limit} most used)"

    @property
    def limit(self):
        """How many related rows the filter lists (int)."""
        return self.max_choices if self.max_choices is not None else MAX_LISTED_CHOICES

    def chosen_values(self, field):
        """The related rows' keys chosen in the address that are valid keys (bad input filters nothing
        here; the changelist refuses it itself)."""
        chosen = []
        for value in self.lookup_val or []:
            try:
                chosen.append(field.target_field.to_python(value))
            except (ValidationError, ValueError, TypeError):
                continue
        return chosen

    def field_choices(self, field, request, model_admin):
        """(key, label) of the related rows most used by the admin's rows, at most `limit`, ordered as
        the related model's admin orders them, plus the chosen ones; sets more_choices when it left some
        out. Read once a request: the changelist makes its filters again for each filter's facet counts.
        """
        remembered = getattr(request, "_most_used_choices", None)
        if remembered is None:
            remembered = request._most_used_choices = {}
        key = (model_admin.model, self.field_path, tuple(self.lookup_val or ()), self.limit)
        if key not in remembered:
            remembered[key] = self.read_choices(field, request, model_admin)
        choices, self.more_choices = remembered[key]
        return choices

    def read_choices(self, field, request, model_admin):
        """(field_choices(), whether it left some related rows out), read from the database."""
        used = (
            model_admin.get_queryset(request)
            .order_by()
            .filter(**{f"{self.field_path}__isnull": False})
            .values(self.field_path)
            .annotate(rows=Count("pk"))
            .order_by("-rows", self.field_path)
            .values_list(self.field_path, flat=True)[: self.limit + 1]
        )
        keys = list(used)
        more = len(keys) > self.limit
        keys = [*keys[: self.limit], *self.chosen_values(field)]
        ordering = self.field_admin_ordering(field, request, model_admin)
        choices = field.get_choices(
            include_blank=False,
            limit_choices_to={f"{field.target_field.name}__in": keys},
            ordering=ordering,
        )
        return choices, more


def bounded_list_filter(model, entry):
    """A list_filter entry, with a filter by a related model (a field name or a Django related filter)
    made a MostUsedRelatedFieldListFilter; other entries unchanged."""
    if isinstance(entry, str):
        name, filter_class = entry, None
    elif isinstance(entry, (list, tuple)) and isinstance(entry[1], type):
        name, filter_class = entry
    else:
        return entry
    if filter_class not in (None, admin.RelatedFieldListFilter, admin.RelatedOnlyFieldListFilter):
        return entry
    try:
        field = get_fields_from_path(model, name)[-1]
    except (FieldDoesNotExist, NotRelationField):  # Django's system checks report a bad path
        return entry
    if not field.is_relation:
        return entry
    return (name, MostUsedRelatedFieldListFilter)
