"""Every registered ModelAdmin, found from the admin site's registry, meets hostile values in its changelist
(filters, field lookups, search, sorting, paging, date drill-down, the CSV export), its actions and in-place
edits, and its autocompletes; so does every other admin URL, its arguments real or hostile. Each is sent by a
superuser and by a contributor (conftest's `staff`). No response is a server error, and after a write the
database holds the whole change or none of it.

Add and change forms and the sign-in page: tests/test_fuzz_admin_forms.py.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.admin_forms import add_fields, admin_url
from tests.fuzz import assert_no_server_error, check_write, examples, isolated, send, snapshot
from tests.fuzz_targets import (
    ADMIN_ROUTES,
    ADMINS,
    AUTOCOMPLETES,
    filter_parameters,
    lookup_names,
    sample_pks,
)
from tests.fuzz_values import hostile_or, hostile_pairs, hostile_text, raw

pytestmark = pytest.mark.django_db

CHANGELIST_PARAMETERS = ["q", "o", "p", "all", "e", "_facets", "_popup", "_to_field", "_changelist_filters"]


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
