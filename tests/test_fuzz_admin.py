"""Every registered ModelAdmin, found from the admin site's registry, meets hostile values in its changelist
(filters, field lookups, search, sorting, paging, date drill-down, the CSV export), its actions and in-place
edits, its autocompletes, and every field of its add and change forms and their inlines, posted by a
superuser and by a contributor; so do the sign-in page and every other admin URL. No response is a server
error, and after a write the database holds the whole change (the saved row and its inline rows exactly as
the admin meant to save them, and a history entry) or none of it."""

import functools
import re
from contextlib import contextmanager, suppress

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import FileField, ForeignKey, ManyToManyField
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.admin_forms import add_fields, admin_url, form_data
from tests.fuzz import (
    Upload,
    assert_no_server_error,
    avoided,
    differences,
    field_values,
    hostile_or,
    hostile_text,
    isolated,
    raw,
    send,
    snapshot,
    trace_of,
)
from tests.story import PASSWORD, new_staff_member

pytestmark = pytest.mark.django_db

ADMINS = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}
USERS = ["superuser", "contributor"]
CHANGELIST_PARAMETERS = ["q", "o", "p", "all", "e", "_facets", "_popup", "_to_field", "_changelist_filters"]
LOOKUPS = ["", "__exact", "__iexact", "__in", "__isnull", "__gte", "__lt", "__contains", "__year", "__range"]
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
UPLOADS = [
    Upload("empty.png", b"", "image/png"),
    Upload("tiny.png", PNG_1PX, "image/png"),
    Upload("truncated.png", PNG_1PX[:40], "image/png"),
    Upload("not-an-image.jpg", b"GIF89a" + b"\x00" * 64, "image/jpeg"),
    Upload(
        "script.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", "image/svg+xml"
    ),
    Upload("\x00.png", PNG_1PX, "image/png"),
    Upload("../../etc/passwd", PNG_1PX, "image/png"),
    Upload("a" * 300 + ".png", PNG_1PX, "image/png"),
]


def examples(weight):
    """A share of the profile's examples: `weight` times its max_examples."""
    return hypothesis_settings(max_examples=max(1, round(hypothesis_settings.default.max_examples * weight)))


def user(kind):
    if kind == "superuser":
        return new_staff_member("fuzz-superuser", is_superuser=True)
    return new_staff_member("fuzz-contributor", "Contributors")


@pytest.fixture(params=USERS)
def staff(request, db):
    """A client signed in as a superuser, then as a contributor, that answers a server error instead of
    raising it (the test reports it with its traceback)."""
    client = Client(raise_request_exception=False)
    client.force_login(user(request.param))
    return client


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


@contextmanager
def recording_saves(model_admin):
    """Records (form, formsets) each time the admin saves through save_related: what it meant to save."""
    saved = []
    original = model_admin.save_related

    def save_related(request, form, formsets, change):
        original(request, form, formsets, change)
        saved.append((form, formsets))

    model_admin.save_related = save_related
    try:
        yield saved
    finally:
        del model_admin.save_related


def comparable(field, value):
    if isinstance(field, FileField):
        return str(value or "")
    try:
        return field.to_python(value)
    except Exception:
        return value


def assert_stored_as_meant(obj):
    """The row in the database holds every value the admin set on the object it saved."""
    fields = [field for field in obj._meta.concrete_fields if not field.generated]
    row = type(obj)._default_manager.filter(pk=obj.pk).values(*(field.attname for field in fields)).first()
    assert row is not None, f"{type(obj).__name__} {obj.pk} was saved but is not in the database"
    for field in fields:
        stored = comparable(field, row[field.attname])
        meant = comparable(field, getattr(obj, field.attname))
        assert stored == meant, f"{type(obj).__name__}.{field.name}: stored {stored!r}, meant {meant!r}"


def assert_whole(form, formsets, before, after):
    """A save is whole: the row, every new and changed inline row, none of the deleted ones, the chosen
    many-to-many rows, and a history entry."""
    instance = form.instance
    assert_stored_as_meant(instance)
    for formset in formsets:
        for obj in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
            assert_stored_as_meant(obj)
        for obj in formset.deleted_objects:
            assert not type(obj)._default_manager.filter(pk=obj.pk).exists(), f"{obj!r} was not deleted"
    for field in instance._meta.many_to_many:
        if (
            field.name in form.cleaned_data
            and field.name in form.fields
            and not form.fields[field.name].disabled
        ):
            stored = set(getattr(instance, field.name).values_list("pk", flat=True))
            assert stored == {item.pk for item in form.cleaned_data[field.name]}, field.name
    log = LogEntry._meta.db_table
    assert set(after[log]) - set(before[log]), "saved without a history entry"


def assert_shown_without_error(client, obj):
    """What was saved is then shown, without a server error, wherever it appears: its page and card on the
    site (staff see drafts), the feed, the sitemap, the home page, its admin list and history."""
    paths = ["/", reverse("press:coverage-feed"), reverse("sitemap")]
    # No page of its own, or none yet (a claim not cited yet): the admin's "View on site" says 404.
    with suppress(AttributeError):
        paths.append(obj.get_absolute_url().split("#")[0])
    if getattr(obj, "slug", None) and hasattr(obj, "card_url"):
        paths.append(obj.card_url)
    paths += [admin_url(type(obj), "changelist"), admin_url(type(obj), "history", obj.pk)]
    for path in paths:
        response = send(client, "GET", path)
        assert_no_server_error(response, "public" if "/admin/" not in path else "admin", "GET", path, [])


def check_write(response, surface, method, path, pairs, before, saved=()):
    """No server error; and the change is whole when the admin saved and redirected, none at all otherwise."""
    after = snapshot()
    assert_no_server_error(response, surface, method, path, pairs)
    if after is None:
        return  # the transaction broke: the server error above is the fault (a listed open one)
    if saved and response.status_code == 302:
        form, formsets = saved[-1]
        assert_whole(form, formsets, before, after)
    elif response is not None and response.status_code != 302:
        changed = differences(before, after)
        assert not changed, (
            f"Answered {response.status_code} but changed the database:\n{changed}\n"
            f"{method} {path} {pairs!r:.2000}\n{trace_of(response)[-2000:]}"
        )


def hostile_pairs(data, names, plausible, max_size=4, short=True):
    chosen = data.draw(
        st.lists(st.sampled_from(names) | hostile_text(short=True), min_size=1, max_size=max_size),
        label="parameters",
    )
    return [
        (name, data.draw(hostile_or(plausible.get(name), short=short), label=repr(name))) for name in chosen
    ]


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


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_changelist_filters_search_sorting_and_drill_down(label, staff):
    model_admin = ADMINS[label]
    model = model_admin.model
    filters, _ = filter_parameters(label)
    date_names = []
    if model_admin.date_hierarchy:
        date_names = [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    # The parameters people use first (Hypothesis draws early items most): search, filters, drill-down.
    names = list(dict.fromkeys([*CHANGELIST_PARAMETERS, *filters, *date_names, *lookup_names(model)]))
    pks = sample_pks(model)
    plausible = {
        **{name: pks for name in names if name.endswith(("id__exact", "__id", "id__in"))},
        **{name: ["1", "0", "True", "False", "draft", "live", "scheduled"] for name in filters},
        **{name: ["2014", "9999", "1", "12", "31", "0"] for name in date_names},
        "o": ["1", "-1", "1.2", "-2.-1"],
        "p": ["1", "2", "0"],
        "q": ["kiss", "Guardian", '"first kiss"'],
    }
    targets = [admin_url(model, "changelist")]
    if label == "press.Coverage":
        targets.append(reverse("admin:press_coverage_export"))

    @examples(1.5)
    @given(data=st.data())
    def run(data):
        path = data.draw(st.sampled_from(targets), label="path")
        pairs = hostile_pairs(data, names, plausible)
        if date_names and data.draw(st.booleans(), label="drill down"):
            pairs += [
                (name, data.draw(hostile_or(plausible[name], short=True), label=name)) for name in date_names
            ]
        surface = "export" if path.endswith(".csv") else "changelist"
        with isolated():
            assert_no_server_error(send(staff, "GET", path, pairs), surface, "GET", path, pairs)

    run()


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_changelist_actions_and_in_place_edits(label, staff):
    model_admin = ADMINS[label]
    model = model_admin.model
    path = admin_url(model, "changelist")
    _, actions = filter_parameters(label)
    pks = sample_pks(model)
    page = staff.get(path)
    editable = {}
    if page.status_code == 200 and page.context["cl"].formset is not None:
        add_fields(editable, page.context["cl"].formset.management_form)
        for form in page.context["cl"].formset.forms:
            add_fields(editable, form)

    @examples(1)
    @given(data=st.data())
    def run(data):
        if editable and data.draw(st.booleans(), label="edit in place"):
            values = dict(editable)
            for name in data.draw(
                st.lists(st.sampled_from(sorted(values)), min_size=1, max_size=3, unique=True)
            ):
                values[name] = data.draw(hostile_or([values[name]]), label=name)
            pairs = [*values.items(), ("_save", "Save")]
        else:
            pairs = [
                ("action", data.draw(st.sampled_from(actions) | hostile_text(), label="action")),
                ("index", data.draw(st.sampled_from(["0", "1"]) | hostile_text(short=True), label="index")),
            ]
            pairs += [
                ("_selected_action", value)
                for value in data.draw(st.lists(hostile_or(pks), min_size=1, max_size=4), label="selected")
            ]
            for name in data.draw(
                st.lists(
                    st.sampled_from(["select_across", "post", "_changelist_filters"]), max_size=2, unique=True
                )
            ):
                pairs.append((name, data.draw(hostile_or(["0", "1", "yes"]), label=name)))
        with isolated():
            before = snapshot()
            response = send(staff, "POST", path, pairs)
            check_write(response, "action", "POST", path, pairs, before)

    run()


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


def test_autocomplete(staff):
    path = reverse("admin:autocomplete")
    plausible = {
        "app_label": sorted({label for label, _, _ in AUTOCOMPLETES}),
        "model_name": sorted({name for _, name, _ in AUTOCOMPLETES}),
        "field_name": sorted({field for _, _, field in AUTOCOMPLETES}),
        "page": ["1", "2"],
        "term": ["kiss", "a", ""],
    }

    @examples(4)
    @given(data=st.data())
    def run(data):
        app_label, model_name, field_name = data.draw(st.sampled_from(AUTOCOMPLETES), label="autocomplete")
        pairs = [
            ("app_label", app_label),
            ("model_name", model_name),
            ("field_name", field_name),
            ("term", data.draw(hostile_or(["kiss", "a", ""], short=True), label="term")),
        ]
        for index in data.draw(st.lists(st.integers(0, 3), max_size=2, unique=True), label="hostile"):
            name = pairs[index][0]
            pairs[index] = (name, data.draw(hostile_or(plausible[name], short=True), label=name))
        if data.draw(st.booleans(), label="page"):
            pairs.append(("page", data.draw(hostile_or(plausible["page"], short=True), label="page")))
        with isolated():
            assert_no_server_error(send(staff, "GET", path, pairs), "autocomplete", "GET", path, pairs)

    run()


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


@pytest.mark.parametrize("view", ["add", "change"])
@pytest.mark.parametrize("label", sorted(ADMINS))
def test_add_and_change_forms(label, view, staff):
    model_admin = ADMINS[label]
    model = model_admin.model
    pks = sample_pks(model) if view == "change" else [None]
    pages = {}

    def page(pk):
        if pk not in pages:
            path = admin_url(model, view, *([pk] if pk else []))
            response = staff.get(path)
            if response.status_code == 200 and "adminform" in response.context:
                pages[pk] = (
                    path,
                    form_data(response),
                    inline_rows(response),
                    file_fields(response),
                    choice_values(response),
                    text_and_date_fields(response),
                )
            else:
                pages[pk] = path, {}, {}, [], {}, {"text": [], "date": []}
        return pages[pk]

    @examples(1)
    @given(data=st.data())
    def run(data):
        pk = data.draw(st.sampled_from(pks), label="object")
        path, initial, rows, files, choices_of, kinds = page(pk)
        values = dict(initial)
        if rows and data.draw(st.booleans(), label="new inline row"):
            prefix = data.draw(st.sampled_from(sorted(rows)), label="inline")
            index = int(values[f"{prefix}-TOTAL_FORMS"])
            for name, value in rows[prefix].items():
                values[name.replace("__prefix__", str(index))] = value
            values[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
        names = sorted(values) or ["_save"]
        modes = ["some fields", "every text field", "every date field"]
        kind = data.draw(st.sampled_from(modes), label="mode")
        if kind != "some fields" and kinds[kind.split()[1]]:
            # One hostile value in every field of a kind: the likeliest way for it to be saved and then shown
            # on the site, in the feed, the sitemap and the cards.
            value = data.draw(hostile_text(), label=kind)
            for name in kinds[kind.split()[1]]:
                values[name] = value
        for name in data.draw(
            st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True), label="fields"
        ):
            current = values.get(name)
            plausible = [item for item in (current if isinstance(current, list) else [current]) if item]
            plausible += choices_of.get(re.sub(r"-\d+-", "-__prefix__-", name), choices_of.get(name, []))
            choices = [hostile_or(plausible, short=False)]
            if (allowed := model_field_values(model, name)) is not None:
                choices.append(allowed)
            value = data.draw(st.one_of(*choices), label=name)
            if not avoided("form", name, value):
                values[name] = value
        pairs = [(name, value) for name, value in sorted(values.items(), key=lambda item: item[0])]
        pairs = [
            (name, item) for name, value in pairs for item in (value if isinstance(value, list) else [value])
        ]
        if files and data.draw(st.integers(0, 3), label="upload") == 0:
            pairs.append(
                (data.draw(st.sampled_from(files)), data.draw(st.sampled_from(UPLOADS), label="file"))
            )
        with isolated(), recording_saves(model_admin) as saved:
            before = snapshot()
            response = send(staff, "POST", path, pairs)
            check_write(response, "form", "POST", path, pairs, before, saved)
            if saved and response.status_code == 302:
                assert_shown_without_error(staff, saved[-1][0].instance)

    run()


def test_sign_in():
    client = Client(raise_request_exception=False)
    path = reverse("admin:login")
    plausible = {
        "username": ["fuzz-superuser", "admin"],
        "password": [PASSWORD],
        "next": ["/admin/"],
    }

    @examples(4)
    @given(data=st.data())
    def run(data):
        names = ["username", "password"]
        if data.draw(st.booleans(), label="next"):
            names.append("next")
        pairs = [(name, data.draw(hostile_or(plausible[name]), label=name)) for name in names]
        method = data.draw(st.sampled_from(["POST", "GET"]), label="method")
        if method == "GET":
            pairs = [(name, value) for name, value in pairs if len(raw(value)) < 1000]
        with isolated():
            before = snapshot()
            response = send(client, method, path, pairs)
            check_write(response, "login", method, path, pairs, before)

    run()


def admin_patterns(patterns=None, prefix=""):
    """(route, pattern) for every URL of the admin site, its models' own views included."""
    for entry in admin.site.urls[0] if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from admin_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


ADMIN_ROUTES = sorted({route for route, _ in admin_patterns()})


def test_every_admin_url_with_hostile_arguments(staff):
    """Each admin URL, its arguments (object ids, content types, app labels) real or hostile, with hostile
    query parameters: a 404, a redirect or a page, never a server error."""
    content_types = [str(pk) for pk in ContentType.objects.values_list("pk", flat=True)[:5]]
    real = {
        "object_id": ["1", "2"],
        "content_type_id": content_types,
        "app_label": ["press", "people", "auth"],
        "id": ["1"],
    }

    @examples(6)
    @given(data=st.data())
    def run(data):
        route = data.draw(st.sampled_from(ADMIN_ROUTES), label="route")
        path = "/admin/" + route.replace("^", "").replace("$", "")

        def argument(match):
            name = match.group(1).split(":")[-1]
            value = data.draw(hostile_or(real.get(name, ["1"]), short=True), label=name)
            return "".join(f"%{byte:02X}" for byte in raw(value)) or "%20"

        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", argument, path)  # a regular expression's named group
        path = re.sub(r"<([^>]+)>", argument, path)  # a path converter
        pairs = hostile_pairs(
            data, ["q", "next", "_to_field", "_popup", "_changelist_filters", "term"], {}, max_size=2
        )
        method = data.draw(st.sampled_from(["GET", "GET", "POST"]), label="method")
        with isolated():
            before = snapshot()
            response = send(staff, method, path, pairs)
            if response is not None and response.status_code == 404:
                return
            check_write(response, "admin", method, path, pairs, before)

    run()
