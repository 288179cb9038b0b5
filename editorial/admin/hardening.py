"""Whatever staff send the admin, a form error, a message or a 4xx, never a server error, and nothing
stored is lost: HardenedAdmin, given to every admin of ours and to those libraries register."""

import re

from django.apps import apps
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from editorial.admin.inlines import shown_rows_notes
from editorial.admin.keys import CheckedRelationFields, is_valid_key
from editorial.validators import EARLIEST_YEAR, LATEST_YEAR

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
        """form_class, always invalid with the refusal as its non-field error."""

        def clean(self):
            super().clean()
            raise ValidationError(
                f"Nothing was saved: {message} What you typed is still below; change it and save again."
            )

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


class HardenedAdmin(CheckedRelationFields):
    """For a ModelAdmin: whatever staff send, a form error, a message or a 4xx, never a server error.

    A save the database refuses comes back as the form as typed, with the reason; a list address that
    cannot be answered (a drill-down to the year 9999, a lookup on a value the column cannot hold) says so;
    an action on a selection that names no row of the list does nothing and says why. Every admin of ours
    has it; harden_registered_admins() gives it to those libraries register (django-axes, auth)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Django's add or change view; a POST whose save the database or the storage refuses
        (IntegrityError, DataError, OSError) is shown again as the form as typed, with refusal_message() as
        its error, instead of a 500. Other methods re-raise.
        """
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, DataError, OSError) as error:
            # Django ran the save in a transaction, now rolled back: nothing of it is stored, and the files it
            # wrote are removed (editorial.images). A constraint the forms do not check (it spans rows of one
            # save, or fields the form does not show), or storage that failed (a full disk).
            if request.method != "POST":
                raise
            request.refused_save = refusal_message(error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        """Django's form class, or refusing() of it while the request is showing a refused save again."""
        form = super().get_form(request, obj, **kwargs)
        if refused := getattr(request, "refused_save", None):
            return refusing(form, refused)
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Django's change form; on GET, a message for each inline that shows only part of its rows
        (shown_rows_notes).
        """
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
        """Django's check, refusing besides every lookup in UNCHECKED_LOOKUPS (the admin offers none
        of them), which the list then answers as a bad address.
        """
        # Lookups the admin never offers whose value only the database can judge, failing as it runs the
        # query: a range of any other than two values, a regular expression that does not compile.
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in UNCHECKED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        """Django's list, or a 400 page (bad_list_address) for an address it cannot answer; a POST
        naming keys no row can have redirects back to the list with a warning, changing nothing.
        """
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
        """A TemplateResponse with status 400 (admin/bad_list_address.html) showing error's text."""
        context = {
            **self.admin_site.each_context(request),
            "title": "This list cannot be shown",
            "subtitle": None,
            "message": str(error),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/bad_list_address.html", context, status=400)


def harden_registered_admins(site):
    """Re-registers each ModelAdmin of site that lacks HardenedAdmin (those of libraries) with it mixed in.
    Call once every admin module is loaded (AppConfig.ready of an app after django.contrib.admin)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, HardenedAdmin):
            continue
        admin_class = type(model_admin)
        site.unregister(model)
        site.register(model, type(f"Hardened{admin_class.__name__}", (HardenedAdmin, admin_class), {}))
