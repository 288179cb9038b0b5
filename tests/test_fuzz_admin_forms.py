"""Every field of every registered ModelAdmin's add and change forms and their inline rows, files among them,
meets hostile values, posted by a superuser and by a contributor (conftest's `staff`); so does the sign-in
page. No response is a server error, and after a write the database holds the whole change (the saved row
and its inline rows exactly as the admin meant to save them, and a history entry) or none of it; what was
saved is then shown without a server error.

Changelists, actions, autocompletes and every other admin URL: tests/test_fuzz_admin_lists.py.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.admin_forms import admin_url, form_data
from tests.fuzz import (
    Upload,
    assert_shown_without_error,
    avoided,
    check_write,
    examples,
    isolated,
    recording_saves,
    send,
    snapshot,
)
from tests.fuzz_targets import (
    ADMINS,
    choice_values,
    file_fields,
    inline_rows,
    model_field_values,
    sample_pks,
    text_and_date_fields,
)
from tests.fuzz_values import hostile_or, hostile_text, raw
from tests.story import PASSWORD

pytestmark = pytest.mark.django_db

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
