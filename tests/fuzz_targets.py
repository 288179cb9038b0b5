"""What the fuzz layer finds to fuzz in the admin, from the admin site's registry and the pages it serves:
every ModelAdmin (`ADMINS`), the field lookups and list-filter parameters of its changelist and its actions,
sample primary keys, every autocomplete, every admin URL pattern, and the fields of an add or change form
(its inline rows, choices, free-text and date inputs, file inputs) with the values its model allows.
"""

import functools

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import ForeignKey, ManyToManyField
from django.test import Client
from django.urls import URLPattern, URLResolver

from tests.admin_forms import add_fields, admin_url
from tests.fuzz_values import field_values

ADMINS = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}
LOOKUPS = ["", "__exact", "__iexact", "__in", "__isnull", "__gte", "__lt", "__contains", "__year", "__range"]


def sample_pks(model, count=6):
    """A few primary keys spread through the rows, drafts among them when the model has a status."""
    rows = model._default_manager.order_by("pk")
    pks = list(rows.values_list("pk", flat=True)[:count])
    if any(field.name == "status" for field in model._meta.fields):
        pks += rows.exclude(status="published").values_list("pk", flat=True)[:count]
    return sorted({str(pk) for pk in pks}) or ["1"]


def lookup_names(model):
    """Field lookups a URL could ask of this model: `field`, `field__exact`, `field__in` ... and across a
    relation to its primary key."""
    names = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False) and not field.is_relation:
            continue
        base = f"{field.name}__id" if field.is_relation else field.name
        names += [f"{base}{lookup}" for lookup in LOOKUPS]
    return names


@functools.cache
def filter_parameters(label):
    """The parameters each list filter of the changelist reads, as the admin itself lists them."""
    model_admin = ADMINS[label]
    client = Client()
    client.force_login(
        User.objects.get_or_create(username="fuzz-lister", is_staff=True, is_superuser=True)[0]
    )
    context = client.get(admin_url(model_admin.model, "changelist")).context
    names = [name for spec in context["cl"].filter_specs for name in spec.expected_parameters()]
    actions = [value for value, _ in context["action_form"].fields["action"].choices if value]
    return names, actions


def autocomplete_fields():
    """(app_label, model_name, field_name) for every autocomplete in every admin and inline."""
    found = set()
    for model, model_admin in admin.site._registry.items():
        for owner in [model_admin, *model_admin.inlines]:
            owner_model = owner.model if owner is not model_admin else model
            for name in owner.autocomplete_fields:
                found.add((owner_model._meta.app_label, owner_model._meta.model_name, name))
    return sorted(found)


AUTOCOMPLETES = autocomplete_fields()


def inline_rows(response):
    """{inline prefix: the fields of one new row}, from each inline's empty form, for a new row to post."""
    rows = {}
    for inline in response.context.get("inline_admin_formsets", []):
        if not inline.has_add_permission:
            continue
        row = {}
        add_fields(row, inline.formset.empty_form)
        rows[inline.formset.prefix] = row
    return rows


def text_and_date_fields(response):
    """The main form's free-text fields and its date and time inputs, by kind, as posted names."""
    kinds = {"text": [], "date": []}
    for bound in response.context["adminform"].form:
        field = bound.field
        if field.disabled:
            continue
        if isinstance(field, forms.SplitDateTimeField):
            kinds["date"] += [f"{bound.html_name}_0", f"{bound.html_name}_1"]
        elif isinstance(field, (forms.DateField, forms.DateTimeField, forms.TimeField)):
            kinds["date"].append(bound.html_name)
        elif type(field) in (forms.CharField, forms.SlugField, forms.URLField, forms.EmailField):
            kinds["text"].append(bound.html_name)
    return kinds


def choice_values(response):
    """{field name: the values its choices offer}, for every field of the form and its inline rows (the
    empty row's names too), so that a field can get another real choice (a precision, a status) as well."""
    forms_shown = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms_shown += [*inline.formset.forms, inline.formset.empty_form]
    values = {}
    for form in forms_shown:
        for bound in form:
            field = bound.field
            if isinstance(field, forms.ModelChoiceField):
                values[bound.html_name] = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:5]]
            elif getattr(field, "choices", None) and not field.disabled:
                values[bound.html_name] = [str(key) for key, _ in field.choices if key not in ("", None)]
    return values


def file_fields(response):
    form = response.context["adminform"].form
    return sorted(
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.FileField) and not field.disabled
    )


def model_field_values(model, name):
    """Values the model field behind a form field allows (from the extra), for a plausible replacement."""
    base = name.rsplit("-", 1)[-1].removesuffix("_0").removesuffix("_1")
    try:
        field = model._meta.get_field(base)
    except Exception:
        return None
    if isinstance(field, (ForeignKey, ManyToManyField)) or field.is_relation:
        return None
    return field_values(field)


def admin_patterns(patterns=None, prefix=""):
    """(route, pattern) for every URL of the admin site, its models' own views included."""
    for entry in admin.site.urls[0] if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from admin_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


ADMIN_ROUTES = sorted({route for route, _ in admin_patterns()})
