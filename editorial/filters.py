"""A filter whose select lists rows of a model, read with one plain query."""

import django_filters
from django_filters.fields import ModelChoiceField, ModelChoiceIterator


class PlainQueryChoiceIterator(ModelChoiceIterator):
    """Django reads a select's rows through QuerySet.iterator(), which on PostgreSQL opens a server-side
    cursor: a transaction and three more round trips, for the handful of films or neighbourhoods listed."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for row in self.queryset.all():  # a copy: the field's own queryset keeps no rows between requests
            yield self.choice(row)


class PlainQueryChoiceField(ModelChoiceField):
    """django-filter's model choice field, its choices read with PlainQueryChoiceIterator."""

    iterator = PlainQueryChoiceIterator


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter, its select read with one plain query (PlainQueryChoiceField)."""

    field_class = PlainQueryChoiceField
