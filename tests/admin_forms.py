"""Builds the POST an admin form would send, from the form the admin rendered: tests then change only
the fields they are about, as an editor would."""

from datetime import date, datetime

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    data = {}
    add_fields(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_fields(data, formset.management_form)
        for form in formset.forms:
            add_fields(data, form)
    return data


def add_fields(data, form):
    for bound in form:
        if bound.field.disabled or isinstance(bound.field, forms.FileField):
            continue  # a file input sends nothing unless a file is chosen
        value = bound.value()
        if isinstance(bound.field.widget, AdminSplitDateTime):
            moment = value if isinstance(value, datetime) else None
            data[f"{bound.html_name}_0"] = moment.date().isoformat() if moment else ""
            data[f"{bound.html_name}_1"] = moment.time().isoformat() if moment else ""
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, date):
            data[bound.html_name] = value.isoformat()
        elif value is not None:
            data[bound.html_name] = str(value)


def inline_prefix(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise LookupError(f"No inline for {model.__name__}")
