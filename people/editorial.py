"""How editors work in the admin, for every model in people/ and press/: who changed what (and the history
that says so), the draft -> in review -> published workflow with its permissions, and image thumbnails."""

import json
import re

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import model_ngettext
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django.db.models.fields.files import FieldFile
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from people.publishing import EARLIEST_YEAR, LATEST_YEAR, Editable, PublicationStatus, live

AUDIT_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
BOTH_PLACES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def stamp(obj, user):
    """Records who made and who last changed a row."""
    if not isinstance(obj, Editable):
        return
    if obj._state.adding:
        obj.created_by = user
    obj.updated_by = user


def shown_value(field, value):
    """A form value as an editor recognises it in the history: a label, a name, or short words."""
    if value in (None, "", [], ()) or (isinstance(value, FieldFile) and not value):
        return "(empty)"
    if value is False and isinstance(field, forms.FileField):
        return "(removed)"
    if isinstance(field, forms.ModelMultipleChoiceField):
        names = sorted(str(item) for item in value)
        return ", ".join(names) if names else "(none)"
    if isinstance(field, forms.ModelChoiceField) and not hasattr(value, "pk"):
        value = field.queryset.filter(pk=value).first() or value
    elif isinstance(field, forms.BooleanField):
        return "yes" if value else "no"
    elif getattr(field, "choices", None) and not isinstance(field, forms.ModelChoiceField):
        value = dict(field.choices).get(value, value)
    elif hasattr(value, "name") and isinstance(field, forms.FileField):
        value = value.name
    return f"“{Truncator(str(value)).chars(60)}”"


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
        remote = self.field.remote_field
        key_name = getattr(remote, "field_name", None) or remote.model._meta.pk.name
        key_field = remote.model._meta.get_field(key_name)
        value = [item for item in value if item in (None, "") or is_valid_key(key_field, str(item))]
        return super().optgroups(name, value, attr)


class CheckedAutocompleteSelect(ValidKeysOnly, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(ValidKeysOnly, AutocompleteSelectMultiple):
    pass


class CheckedKeyChoice:
    """A ModelChoiceField that refuses, as an invalid choice, a key its model could not hold, before asking
    the database: SQLite cannot even be asked about an integer past 64 bits (OverflowError)."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, Model) and not self.holds(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def holds(self, key):
        model = self.queryset.model
        key_field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        return is_valid_key(key_field, str(key))


class CheckedKeyChoices(CheckedKeyChoice):
    """The same for a ModelMultipleChoiceField: each key chosen."""

    def to_python(self, value):
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


class CheckedAutocompletes:
    """For a ModelAdmin or an inline: its autocompletes show only keys that can exist, and its relation
    fields refuse keys that cannot exist as invalid choices."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.ModelChoiceField):
            with_checked_keys(formfield)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelect:
            formfield.widget = self.checked_autocomplete(db_field, CheckedAutocompleteSelect, kwargs)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelectMultiple:
            formfield.widget = self.checked_autocomplete(db_field, CheckedAutocompleteSelectMultiple, kwargs)
        return formfield

    def checked_autocomplete(self, db_field, widget_class, kwargs):
        return widget_class(db_field, self.admin_site, using=kwargs.get("using"))


# Lookups whose value the database alone judges, as it runs the query (see HardenedAdmin.lookup_allowed).
UNCHECKED_LOOKUPS = {"range", "regex", "iregex", "search"}
EDITED_ROW_KEY = re.compile(r"form-\d+-id")
# What a lookup value past a column's or the calendar's range raises as the query is made or run.
LOOKUP_VALUE_ERRORS = (OverflowError, ValueError, DataError)
CANNOT_HOLD = "These filters or lookups are not ones this list offers, or name values its rows cannot hold."


class BadListAddress(Exception):
    """A changelist address (filters, lookups, drill-down) the list cannot answer; its text says why."""


def refusal_message(error):
    """Words for an editor when a save failed: for an IntegrityError or DataError, the message of the
    constraint it names, found among every model's named constraints, else the database's own words; for an
    OSError, that a file could not be stored."""
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"the server could not store a file ({reason}); tell whoever runs the press room."
    text = str(error)
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if re.search(rf"\b{re.escape(constraint.name)}\b", text):
                return str(constraint.get_violation_error_message())
        if match := re.search(rf"UNIQUE constraint failed: {re.escape(model._meta.db_table)}\.", text):
            columns = {part.split(".")[-1] for part in text[match.start() :].split(":", 1)[1].split(",")}
            for constraint in model._meta.constraints:
                fields = getattr(constraint, "fields", ())
                if fields and {model._meta.get_field(name).column for name in fields} == columns:
                    return str(constraint.get_violation_error_message())
    return f"The database refused it ({text.splitlines()[0][:200]})."


def refusing(form_class, message):
    """The form class, made invalid with message as its error, so the admin shows it again as typed."""

    class RefusedForm(form_class):
        def clean(self):
            super().clean()
            raise ValidationError(
                f"Nothing was saved: {message} What you typed is still below; change it and save again."
            )

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


class HardenedAdmin(CheckedAutocompletes):
    """For a ModelAdmin: whatever staff send, a form error, a message or a 4xx, never a server error.

    A save the database refuses comes back as the form as typed, with the reason; a list address that
    cannot be answered (a drill-down to the year 9999, a lookup on a value the column cannot hold) says so;
    an action on a selection that names no row of the list does nothing and says why. Every admin of ours
    has it; harden_registered_admins() gives it to those libraries register (django-axes, auth)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, DataError, OSError) as error:
            # Django ran the save in a transaction, now rolled back: nothing of it is stored, and the files it
            # wrote are removed (people.images). A constraint the forms do not check (it spans rows of one
            # save, or fields the form does not show), or storage that failed (a full disk).
            if request.method != "POST":
                raise
            request.refused_save = refusal_message(error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if refused := getattr(request, "refused_save", None):
            return refusing(form, refused)
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "GET":
            shown_rows_notes(request, context.get("inline_admin_formsets", []))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_changelist_instance(self, request):
        """The changelist, or BadListAddress (rather than Django's "database error" page) when its address
        asks for what the list cannot answer."""
        self.check_drilldown(request)
        try:
            return super().get_changelist_instance(request)
        except (IncorrectLookupParameters, DisallowedModelAdminLookup, *LOOKUP_VALUE_ERRORS) as error:
            raise BadListAddress(CANNOT_HOLD) from error

    def check_lookup_values(self, queryset):
        """Runs the list's query once, cheaply, so that lookup values only the database can judge raise
        BadListAddress here: for views that stream their rows (the CSV export) and cannot answer later."""
        try:
            queryset.exists()
        except LOOKUP_VALUE_ERRORS as error:
            raise BadListAddress(CANNOT_HOLD) from error

    def lookup_allowed(self, lookup, value, request=None):
        # Lookups the admin never offers whose value only the database can judge, failing as it runs the
        # query: a range of any other than two values, a regular expression that does not compile.
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in UNCHECKED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        try:
            if request.method == "POST" and self.names_rows_it_cannot_hold(request):
                self.message_user(
                    request,
                    "This request names rows this list cannot hold; nothing was done. Reload the list and "
                    "choose again.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(request.get_full_path())
            response = super().changelist_view(request, extra_context)
            if request.method == "GET" and request.GET and hasattr(response, "render"):
                # Drawn here, so that a lookup value only the database can judge (a year past 9999, an
                # integer past 64 bits on SQLite) fails inside this view, where it can be answered.
                response.render()
            return response
        except BadListAddress as error:
            return self.bad_list_address(request, error)
        except LOOKUP_VALUE_ERRORS:
            if request.method != "GET" or not request.GET:
                raise
            return self.bad_list_address(request, BadListAddress(CANNOT_HOLD))

    def names_rows_it_cannot_hold(self, request):
        """Whether a posted list edit (form-N-id) or action selection names a key no row can have."""
        keys = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) + [
            value for name, value in request.POST.items() if EDITED_ROW_KEY.fullmatch(name)
        ]
        return not all(is_valid_key(self.opts.pk, key) for key in keys if key)

    def check_drilldown(self, request):
        """Refuses a date drill-down outside the editors' calendar: Django would compute the next year past
        the year 9999 and fail."""
        if not self.date_hierarchy:
            return
        for part in ("year", "month", "day"):
            value = request.GET.get(f"{self.date_hierarchy}__{part}")
            if value is None:
                continue
            try:
                number = int(value)
            except ValueError:
                number = None
            if part == "year" and (number is None or not EARLIEST_YEAR <= number <= LATEST_YEAR):
                raise BadListAddress(
                    f"The list goes by year from {EARLIEST_YEAR} to {LATEST_YEAR}; “{value[:20]}” is not one."
                )
            if number is None or not 1 <= number <= {"year": LATEST_YEAR, "month": 12, "day": 31}[part]:
                raise BadListAddress(f"“{value[:20]}” is not a {part} of the calendar.")

    def bad_list_address(self, request, error):
        context = {
            **self.admin_site.each_context(request),
            "title": "This list cannot be shown",
            "subtitle": None,
            "message": str(error),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/bad_list_address.html", context, status=400)


class AuditedAdmin(HardenedAdmin, admin.ModelAdmin):
    """Stamps who made and changed each row (shown read-only) and writes what changed into its history."""

    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, *AUDIT_FIELDS] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and obj is not None:
            fieldsets = [*fieldsets, ("Record", {"fields": [AUDIT_FIELDS[:2], AUDIT_FIELDS[2:]]})]
        return fieldsets

    def save_model(self, request, obj, form, change):
        stamp(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            self.save_inline_row(request, instance)
        formset.save_m2m()

    def save_inline_row(self, request, instance):
        stamp(instance, request.user)
        instance.save()

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's summary (fields and inline rows changed), then each changed field's old and new value."""
        message = super().construct_change_message(request, form, formsets, add)
        if add or not form.changed_data:
            return message
        summary = LogEntry(change_message=json.dumps(message)).get_change_message()
        changes = [
            f"{form.fields[name].label}: {shown_value(form.fields[name], form.initial.get(name))} → "
            f"{shown_value(form.fields[name], form.cleaned_data.get(name))}"
            for name in form.changed_data
            if name in form.fields
        ]
        return f"{summary} {'; '.join(changes)}."


def harden_registered_admins(site):
    """Re-registers each ModelAdmin of site that lacks HardenedAdmin (those of libraries) with it mixed in.
    Call once every admin module is loaded (AppConfig.ready of an app after django.contrib.admin)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, HardenedAdmin):
            continue
        admin_class = type(model_admin)
        site.unregister(model)
        site.register(model, type(f"Hardened{admin_class.__name__}", (HardenedAdmin, admin_class), {}))


def with_disabled_fields(form_class, names=None):
    """The form class with the named fields (all, by default) shown but disabled: a POST cannot set them."""

    class LockedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in self.fields if names is None else names:
                self.fields[name].disabled = True

    LockedForm.__name__ = f"Locked{form_class.__name__}"
    return LockedForm


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            (PublicationStatus.DRAFT, "Draft"),
            (PublicationStatus.IN_REVIEW, "In review"),
            ("scheduled", "Scheduled"),
            ("live", "On the site"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.filter(live())
            case "scheduled":
                return queryset.filter(status=PublicationStatus.PUBLISHED).exclude(live())
            case PublicationStatus.DRAFT | PublicationStatus.IN_REVIEW:
                return queryset.filter(status=self.value())
        return queryset


class PublishableAdmin(AuditedAdmin):
    """The newsroom's workflow: contributors write drafts and submit them; editors publish, unpublish, and
    decide what is featured. A contributor cannot publish by any route: the status field offers them only
    draft and in review, publisher-only fields are read-only to them, the actions need the publish
    permission, and a row already on the site is theirs to view, not to change."""

    actions = ["publish", "unpublish", "submit_for_review"]
    # How messages count rows, when the model's own names read badly with a number ("2 coverage").
    count_nouns = None
    # Fields only those who may publish can set.
    publisher_fields = ["published_at"]

    def has_publish_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # A contributor's change to a published row would go public unreviewed.
        return (
            obj is None or obj.status != PublicationStatus.PUBLISHED or self.has_publish_permission(request)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self.has_publish_permission(request):
            return fields
        return [*self.publisher_fields, *fields]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (PublicationStatus.DRAFT, PublicationStatus.DRAFT.label),
                (PublicationStatus.IN_REVIEW, PublicationStatus.IN_REVIEW.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        locked = [name for name in self.list_editable if name in self.publisher_fields]
        if not locked or self.has_publish_permission(request):
            return form
        return with_disabled_fields(form, locked)

    def save_model(self, request, obj, form, change):
        if obj.status == PublicationStatus.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()  # records when it went public
        super().save_model(request, obj, form, change)

    @admin.display(description="status", ordering="status")
    def publication(self, obj):
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.published_at):%-d %b %Y, %H:%M}"
        return obj.get_status_display()

    @admin.display(description="on the site")
    def on_site(self, obj):
        label = "View" if obj.is_published else "Preview"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    def change_each(self, request, queryset, change, done, message, left_alone):
        """Applies change(obj) to each selected row it returns True for; logs and counts them."""
        changed = 0
        for obj in queryset:
            if change(obj):
                stamp(obj, request.user)
                obj.save()
                self.log_change(request, obj, message)
                changed += 1
        unchanged = len(queryset) - changed
        text = f"{changed} {self.count_noun(changed)} {done}."
        if unchanged:
            text += f" {unchanged} left as {'it was' if unchanged == 1 else 'they were'}: {left_alone}."
        self.message_user(request, text, messages.SUCCESS if changed else messages.WARNING)

    def count_noun(self, count):
        if self.count_nouns:
            return self.count_nouns[count != 1]
        return model_ngettext(self.opts, count)

    @admin.action(
        permissions=["publish"],
        description="Publish now",
        description_plural="Publish selected %(verbose_name_plural)s now",
        location=BOTH_PLACES,
    )
    def publish(self, request, queryset):
        now = timezone.now()

        def publish_now(obj):
            if obj.is_published:
                return False
            obj.status, obj.published_at = PublicationStatus.PUBLISHED, now
            return True

        self.change_each(request, queryset, publish_now, "published", "Published.", "already published")

    @admin.action(
        permissions=["publish"],
        description="Unpublish",
        description_plural="Unpublish selected %(verbose_name_plural)s",
        location=BOTH_PLACES,
    )
    def unpublish(self, request, queryset):
        def back_to_draft(obj):
            if obj.status != PublicationStatus.PUBLISHED:
                return False
            obj.status = PublicationStatus.DRAFT
            return True

        self.change_each(
            request, queryset, back_to_draft, "unpublished (back to draft)", "Unpublished.", "not published"
        )

    @admin.action(
        permissions=["change"],
        description="Submit for review",
        description_plural="Submit selected %(verbose_name_plural)s for review",
        location=BOTH_PLACES,
    )
    def submit_for_review(self, request, queryset):
        def to_review(obj):
            if obj.status != PublicationStatus.DRAFT:
                return False
            obj.status = PublicationStatus.IN_REVIEW
            return True

        self.change_each(
            request, queryset, to_review, "submitted for review", "Submitted for review.", "not a draft"
        )


IMAGE_FIELDS = ["image", "image_alt", "image_credit"]


class IllustratedAdmin(admin.ModelAdmin):
    def get_fields(self, request, obj=None):
        """The image after what the row says, before who changed it."""
        fields = super().get_fields(request, obj)
        rest = [name for name in fields if name not in IMAGE_FIELDS and name not in AUDIT_FIELDS]
        return [*rest, *IMAGE_FIELDS, *(name for name in fields if name in AUDIT_FIELDS)]

    @admin.display(description="image")
    def thumbnail(self, obj):
        rendition = obj.image_thumbnail
        if rendition is None:
            return "–"
        width = 64
        height = max(1, round(rendition.height * width / rendition.width))
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">', rendition.url, width, height, obj.image_alt
        )


class FetchedChoiceAutocomplete(CheckedAutocompleteSelect):
    """An autocomplete that labels its chosen row with the object its form already holds, instead of a
    query per widget: an inline of 300 rows then costs what an inline of one does."""

    fetched = None

    def optgroups(self, name, value, attr=None):
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
        more_rows = False

        def get_queryset(self):
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


class FetchedChoicesInline(CheckedAutocompletes, admin.options.InlineModelAdmin):
    """An inline whose rows come with their related objects (fetched = what to select_related), so its
    autocompletes and row titles need no query of their own.

    It shows at most `max_shown` stored rows, so that a piece with a thousand passages opens in a moment
    and its form stays far below the fields a request may carry; the rest are edited from their own list,
    which the change form links to (shown_rows_notes)."""

    fetched = []
    max_shown = 30
    # New rows one save may add. Django builds as many forms as a post's TOTAL_FORMS says, up to 1,000 more
    # than max_num: a tampered count would have a worker build (and, on an error, draw) a thousand rows.
    max_new = 100

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.fetched)

    def checked_autocomplete(self, db_field, widget_class, kwargs):
        if widget_class is CheckedAutocompleteSelect:
            widget_class = FetchedChoiceAutocomplete
        return super().checked_autocomplete(db_field, widget_class, kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        most = self.max_shown + self.max_new
        formset = super().get_formset(request, obj, **{"max_num": most, "absolute_max": most, **kwargs})
        base_form = formset.form

        class RowForm(base_form):
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
