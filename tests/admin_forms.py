"""The admin as a test drives it: its URLs, and the POST an admin form would send, built from the form the
admin rendered, so that tests change only the fields they are about, as an editor would."""

from datetime import date, datetime

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminSplitDateTime
from django.urls import reverse
from django.utils import timezone

from press.models import Coverage, Work
from tests.story import FILM


def admin_url(model, view, *args):
    """The path of one of a model's admin pages: view is "changelist", "add", "change", "history" or
    "delete"; args are what the page's URL takes (a primary key for a row's pages)."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def add_form(client, model, **fields):
    """GETs the model's add page; returns the response and the POST its Save button would send, with
    `fields` filled in."""
    response = client.get(admin_url(model, "add"))
    return response, {**form_data(response), "_save": "Save", **fields}


def piece_add_form(client, **fields):
    """The coverage add form as an editor fills it in: an undated article with a summary, and `fields`."""
    return add_form(
        client,
        Coverage,
        **({"kind": "article", "summary": "A short piece.", "date_precision": "unknown"} | fields),
    )


def change_form(client, obj):
    """GETs obj's change page and asserts it answers; returns its URL, the response and the POST its Save
    button would send unchanged."""
    url = admin_url(type(obj), "change", obj.pk)
    response = client.get(url)
    assert response.status_code == 200
    return url, response, {**form_data(response), "_save": "Save"}


def add_inline_rows(response, data, model, rows):
    """Adds `rows` (dicts of field name to posted value) after the rows `data` already holds in the inline
    of `model` on the form `response` shows; returns the inline's prefix."""
    prefix = inline_prefix(response, model)
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for number, row in enumerate(rows, start):
        data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return prefix


def milestone_row(passage_text, views, wording):
    """A milestone of the film as an editor types it in a piece's inline, for add_inline_rows: `views` (an
    int) as `wording` words them, pasting `passage_text` as its passage, undated."""
    film = Work.objects.get(slug=FILM)
    return {
        "passage_text": passage_text,
        "work": str(film.pk),
        "views": str(views),
        "views_wording": wording,
        "date_precision": "unknown",
    }


def run_action(client, model, action, *objects, **extra):
    """Runs the changelist action named `action` on `objects` as `client`, with `extra` POST fields;
    returns the page the admin redirects to."""
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], "index": 0, **extra},
        follow=True,
    )


def sent_back(response):
    """The HTML of a form the admin sent back with errors; fails unless it was sent back (a 200, where a save
    would redirect)."""
    assert response.status_code == 200, f"the form was not sent back: {response.status_code}"
    return response.content.decode()


def form_data(response):
    """What the add or change form in `response` would post unchanged, its inlines included."""
    data = {}
    add_fields(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_fields(data, formset.management_form)
        for form in formset.forms:
            add_fields(data, form)
    return data


def add_fields(data, form):
    """Adds to `data` what each field of `form` would post unchanged (file fields send nothing)."""
    for bound in form:
        if bound.field.disabled or isinstance(bound.field, forms.FileField):
            continue  # a file input sends nothing unless a file is chosen
        value = bound.value()
        if isinstance(bound.field.widget, AdminSplitDateTime):
            # The widget shows a stored (UTC) time in the current time zone, and the form reads it back so.
            moment = timezone.localtime(value) if isinstance(value, datetime) else None
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
    """The form prefix of the inline of `model` on the form in `response`; LookupError if it has none."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise LookupError(f"No inline for {model.__name__}")
