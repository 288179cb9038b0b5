"""Inlines for rows that come in the hundreds: the change form shows a first part and fetches the choices
its rows show in one query, instead of one per row and field."""

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from editorial.admin.keys import CheckedAutocompleteSelect, CheckedRelationFields


class FetchedChoiceAutocomplete(CheckedAutocompleteSelect):
    """An autocomplete that labels its chosen row with the object its form already holds, instead of a
    query per widget: an inline of 300 rows then costs what an inline of one does."""

    fetched = None

    def optgroups(self, name, value, attr=None):
        """The chosen option labelled from `fetched` when it is the chosen row (no query), else
        as AutocompleteSelect does.
        """
        selected = {str(item) for item in value if str(item) not in self.choices.field.empty_values}
        if self.fetched is None or selected != {str(self.fetched.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.fetched)
        options.append(self.create_option(name, self.fetched.pk, label, selected, len(options)))
        return [(None, options, 0)]


def shown_in_part(formset_class, limit):
    """The inline formset class, showing its first `limit` stored rows only; `more_rows` says if there are
    more. The rows not shown are not in the form, so a save leaves them as they are."""

    class ShownInPart(formset_class):
        """formset_class, its stored rows cut to the first `limit`."""

        more_rows = False

        def get_queryset(self):
            """The first `limit` stored rows, as a list, read once per formset; sets more_rows."""
            if not hasattr(self, "_queryset"):
                rows = list(super().get_queryset()[: limit + 1])
                self.more_rows = len(rows) > limit
                self._queryset = rows[:limit]
            return self._queryset

    ShownInPart.__name__ = formset_class.__name__
    return ShownInPart


def shown_rows_notes(request, inline_admin_formsets):
    """Tells the editor, in a message, of each inline that shows part of its rows, linking to them all."""
    for inline in inline_admin_formsets:
        formset = inline.formset
        if not getattr(formset, "more_rows", False):
            continue
        opts = formset.model._meta
        shown = f"This form shows the first {len(formset.get_queryset())} {inline.opts.verbose_name_plural}"
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            messages.info(request, f"{shown}; a save leaves the others as they are.")
            continue
        query = f"{formset.fk.name}__{formset.fk.target_field.name}__exact={formset.instance.pk}"
        messages.info(
            request,
            format_html(
                '{}; <a href="{}?{}">the list of {}</a> holds every one.',
                shown,
                changelist,
                query,
                opts.verbose_name_plural,
            ),
        )


class FetchedChoicesInline(CheckedRelationFields, admin.options.InlineModelAdmin):
    """An inline whose rows come with their related objects (fetched = what to select_related), so its
    autocompletes and row titles need no query of their own.

    It shows at most `max_shown` stored rows, so that a piece with a thousand passages opens in a moment
    and its form stays far below the fields a request may carry; the rest are edited from their own list,
    which the change form links to (shown_rows_notes)."""

    fetched = []
    extra = 0  # a blank row only when an editor asks for one
    max_shown = 30
    # New rows one save may add. Django builds as many forms as a post's TOTAL_FORMS says, up to 1,000 more
    # than max_num: a tampered count would have a worker build (and, on an error, draw) a thousand rows.
    max_new = 100

    def get_queryset(self, request):
        """The inline's rows with `fetched` select_related."""
        return super().get_queryset(request).select_related(*self.fetched)

    def checked_autocomplete(self, db_field, widget_class, kwargs):
        """As CheckedRelationFields, with FetchedChoiceAutocomplete for a foreign key, so that a
        row's chosen object labels itself.
        """
        if widget_class is CheckedAutocompleteSelect:
            widget_class = FetchedChoiceAutocomplete
        return super().checked_autocomplete(db_field, widget_class, kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        """The formset class: at most max_shown + max_new forms whatever TOTAL_FORMS says, each
        row's autocompletes labelled from the row's fetched objects, showing its first max_shown stored rows.
        """
        most = self.max_shown + self.max_new
        formset = super().get_formset(request, obj, **{"max_num": most, "absolute_max": most, **kwargs})
        base_form = formset.form

        class RowForm(base_form):
            """The inline's form, handing each FetchedChoiceAutocomplete the related object its row
            already holds (select_related by the inline's queryset).
            """

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, field in self.fields.items():
                    widget = getattr(field.widget, "widget", field.widget)
                    if not isinstance(widget, FetchedChoiceAutocomplete) or self.instance._state.adding:
                        continue
                    model_field = self.instance._meta.get_field(name)
                    if model_field.is_cached(self.instance):
                        widget.fetched = getattr(self.instance, name)

        RowForm.__name__ = base_form.__name__
        formset.form = RowForm
        return shown_in_part(formset, self.max_shown)
