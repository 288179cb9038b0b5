"""Every public page, found from the URL conf and reached with the real slugs of the loaded story, answers
hostile query parameters, paths and headers without a server error, for a visitor and for signed-in staff."""

import functools
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from config.urls import SITEMAPS
from tests.fuzz import assert_no_server_error, isolated, send
from tests.fuzz_values import HOSTILE_CHARACTERS, hostile_or, hostile_text, raw
from tests.story import new_staff_member

pytestmark = pytest.mark.django_db

# Parameters any page might read, beside each list's own filters: paging (the sitemap's is "p"), sorting,
# searching, the card's version, and names a script might try.
COMMON_PARAMETERS = ["page", "p", "q", "sort", "o", "v", "format", "next", "callback", "utm_source"]
HOSTILE_HEADERS = [
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ACCEPT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "HTTP_RANGE",
]


def public_patterns(patterns=None, namespace=""):
    """(view name, pattern) for every URL outside the admin."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin site: tests/test_fuzz_admin_*.py
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from public_patterns(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry


PUBLIC_VIEWS = dict(public_patterns())


@functools.cache
def real_paths():
    """{view name: [path]} from every row of the story with a page or a card, drafts included (staff see
    them; visitors get a 404), every sitemap section, and every page that takes no argument."""
    paths = {}

    def add(path):
        paths.setdefault(resolve(path.split("?")[0]).view_name, []).append(path)

    for name, pattern in PUBLIC_VIEWS.items():
        if not pattern.pattern.converters:
            add(reverse(name))
    for label in ("people", "press"):
        for model in apps.get_app_config(label).get_models():
            if not hasattr(model, "get_absolute_url") or not hasattr(model, "slug"):
                continue
            for instance in model.objects.all()[:40]:
                add(instance.get_absolute_url().split("#")[0])
                if hasattr(instance, "card_url"):
                    add(instance.card_url)
    for section in SITEMAPS:
        add(reverse("sitemap-section", kwargs={"section": section}))
    return paths


def filter_values(view_class):
    """{parameter: plausible values} from the view's filterset: its choices, and the slugs its model
    choices take."""
    filterset = getattr(view_class, "filterset_class", None)
    values = {}
    for name, declared in (filterset.base_filters if filterset else {}).items():
        extra = declared.extra
        if "choices" in extra:
            choices = extra["choices"]() if callable(extra["choices"]) else extra["choices"]
            values[name] = [key for key, _ in choices]
        elif "queryset" in extra:
            to_field = extra.get("to_field_name") or "pk"
            queryset = extra["queryset"](None) if callable(extra["queryset"]) else extra["queryset"]
            values[name] = list(queryset.values_list(to_field, flat=True)[:20])
        else:
            values[name] = ["2014", "2015", "first kiss", '"first kiss"', "-kiss"]
    return values


@pytest.fixture
def clients(db):
    visitor = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    staff.force_login(new_staff_member("fuzz-editor", "Editors"))
    return {"visitor": visitor, "staff": staff}


def test_every_public_view_is_reached_with_a_real_path():
    assert set(real_paths()) == set(PUBLIC_VIEWS)


def latin1(value):
    """A header value as WSGI gives it: the bytes sent, read as Latin-1."""
    return raw(value).decode("latin-1").replace("\r", "").replace("\n", "")


@pytest.mark.parametrize("view_name", sorted(PUBLIC_VIEWS))
def test_hostile_query_paths_and_headers_get_no_server_error(view_name, clients):
    paths = real_paths()[view_name]
    view_class = getattr(PUBLIC_VIEWS[view_name].callback, "view_class", None)
    plausible = {**{name: ["1", "2", "999"] for name in COMMON_PARAMETERS}, **filter_values(view_class)}
    names = sorted(plausible)

    @given(data=st.data())
    def run(data):
        who = data.draw(st.sampled_from(sorted(clients)), label="client")
        path = data.draw(st.sampled_from(paths), label="path")
        if data.draw(st.integers(0, 9), label="mangle path") == 0:
            # Hostile words where the slug is: the resolver refuses them, the page must say 404.
            slug = re.escape(path.rstrip("/").split("/")[-1].split(".")[0].split("?")[0] or "x")
            hostile = "".join(f"%{byte:02X}" for byte in raw(data.draw(hostile_text(short=True))))
            path = re.sub(slug, hostile, path, count=1)
        pairs = data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from(names) | hostile_text(short=True),
                    st.just(None),
                ),
                max_size=4,
            ),
            label="names",
        )
        pairs = [
            (name, data.draw(hostile_or(plausible.get(name), short=True), label=f"value of {name!r}"))
            for name, _ in pairs
        ]
        headers = {
            header: latin1(data.draw(hostile_text(short=True) | st.sampled_from(HOSTILE_CHARACTERS)))
            for header in data.draw(st.lists(st.sampled_from(HOSTILE_HEADERS), max_size=2, unique=True))
        }
        method = data.draw(st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"]), label="method")
        if "?" in path and method != "POST":
            path, query = path.split("?", 1)
            pairs = [tuple(item.split("=", 1)) for item in query.split("&")] + pairs
        with isolated():
            response = send(clients[who], method, path, pairs, **headers)
            assert_no_server_error(response, "public", method, path, pairs)

    run()
