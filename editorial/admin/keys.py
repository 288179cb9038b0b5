"""Keys that staff send (a chosen row in an autocomplete, a choice in a form) are checked against what
the column can hold before any query runs: a key past the range is a form error, not a database error."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Model


def is_valid_key(field, value):
    """Whether value (a str from a form or a query) can be looked up in field (a model field) at all: a
    number for an integer key, within the column's range. Raises nothing."""
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True


class ValidKeysOnly:
    """An autocomplete that shows only the chosen keys its model could hold: a form coming back with errors
    may carry any text in that field (outlet=abc), which Django's widget would look up as it is."""

    def optgroups(self, name, value, attr=None):
        """AutocompleteSelect's options, for the chosen values that are valid keys only."""
        remote = self.field.remote_field
        key_name = getattr(remote, "field_name", None) or remote.model._meta.pk.name
        key_field = remote.model._meta.get_field(key_name)
        value = [item for item in value if item in (None, "") or is_valid_key(key_field, str(item))]
        return super().optgroups(name, value, attr)


class CheckedAutocompleteSelect(ValidKeysOnly, AutocompleteSelect):
    """The admin's autocomplete for a foreign key, showing only keys the column can hold."""

    pass


class CheckedAutocompleteSelectMultiple(ValidKeysOnly, AutocompleteSelectMultiple):
    """The admin's autocomplete for a many-to-many field, showing only keys the column can hold."""

    pass


class CheckedKeyChoice:
    """A ModelChoiceField that refuses, as an invalid choice, a key its model could not hold, before asking
    the database: SQLite cannot even be asked about an integer past 64 bits (OverflowError)."""

    def to_python(self, value):
        """The chosen row; ValidationError (invalid_choice) for a key the model could not hold."""
        if value not in self.empty_values and not isinstance(value, Model) and not self.holds(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def holds(self, key):
        """Whether key (any value from a form) is a valid key of the field's model (is_valid_key)."""
        model = self.queryset.model
        key_field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        return is_valid_key(key_field, str(key))


class CheckedKeyChoices(CheckedKeyChoice):
    """The same for a ModelMultipleChoiceField: each key chosen."""

    def to_python(self, value):
        """ModelMultipleChoiceField's own to_python (a list), skipping CheckedKeyChoice's single-key
        check: each key is checked in _check_values.
        """
        return super(CheckedKeyChoice, self).to_python(value)

    def _check_values(self, value):
        for key in value:
            if not isinstance(key, Model) and not self.holds(key):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                )
        return super()._check_values(value)


def with_checked_keys(formfield):
    """The model choice form field, its class given the CheckedKeyChoice(s) check."""
    base = type(formfield)
    mixin = CheckedKeyChoices if isinstance(formfield, forms.ModelMultipleChoiceField) else CheckedKeyChoice
    if not issubclass(base, CheckedKeyChoice):
        formfield.__class__ = type(f"Checked{base.__name__}", (mixin, base), {})
    return formfield


class CheckedRelationFields:
    """For a ModelAdmin or an inline: its autocompletes show only keys that can exist, and its relation
    fields refuse keys that cannot exist as invalid choices."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Django's form field, with_checked_keys() when it is a model choice field."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.ModelChoiceField):
            with_checked_keys(formfield)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Django's form field, its autocomplete (if any) swapped for checked_autocomplete()."""
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelect:
            formfield.widget = self.checked_autocomplete(db_field, CheckedAutocompleteSelect, kwargs)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Django's form field, its autocomplete (if any) swapped for checked_autocomplete()."""
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelectMultiple:
            formfield.widget = self.checked_autocomplete(db_field, CheckedAutocompleteSelectMultiple, kwargs)
        return formfield

    def checked_autocomplete(self, db_field, widget_class, kwargs):
        """The widget for db_field: an instance of widget_class (a CheckedAutocomplete* class) bound
        to this admin site and to the database the field's formfield was asked for (kwargs["using"]).
        """
        return widget_class(db_field, self.admin_site, using=kwargs.get("using"))
