"""Every admin page costs the same number of queries with 1 or 300 extra rows of everything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Person, Place
from press.models import Coverage, Quote, Work
from tests.admin_forms import admin_url
from tests.story import DIRECTOR, EDITABLE_MODELS, FILM, Q_AND_A, add_rows

pytestmark = pytest.mark.django_db

# The pages with the most on them: the pieces, people, places and film the extra rows attach to.
BUSIEST = {
    Coverage: {"slug": Q_AND_A},
    Work: {"slug": FILM},
    Person: {"slug": DIRECTOR},
    Place: {"slug": "place-0"},
}
BUDGET = 25


def pages():
    for model in EDITABLE_MODELS:
        yield admin_url(model, "changelist")
        yield admin_url(model, "add")
        obj = (
            model.objects.get(**BUSIEST[model]) if model in BUSIEST else model.objects.order_by("pk").first()
        )
        yield admin_url(model, "change", obj.pk)
        yield admin_url(model, "history", obj.pk)
    yield admin_url(Coverage, "changelist") + "?publication=live&kind__exact=article&q=Pilieva&_facets=1"
    yield "/admin/press/passage/uncited-claims/"
    yield "/admin/press/coverage/export.csv"
    yield "/admin/press/coverage/import/"
    yield "/admin/press/coverage/report/"
    yield "/admin/press/coverage/report/?status=all&kind=article&date_from=2000-01-01"
    yield "/admin/"


def queries_per_page(client):
    counts = {}
    for url in pages():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        counts[url] = len(context.captured_queries)
    return counts


def add_uncited(count):
    Quote.objects.bulk_create(
        Quote(words=f"Uncited {n}", speaker_description="someone") for n in range(count)
    )


def test_admin_pages_cost_the_same_with_1_and_300_rows(editor_client):
    add_rows(1)
    add_uncited(1)
    queries_per_page(editor_client)  # fills the caches every request after the first relies on
    with_one = queries_per_page(editor_client)
    add_rows(299, start=1)
    add_uncited(299)
    with_300 = queries_per_page(editor_client)

    grown = {url: (with_one[url], with_300[url]) for url in with_one if with_300[url] != with_one[url]}
    assert grown == {}
    assert max(with_300.values()) <= BUDGET, max(with_300.items(), key=lambda item: item[1])
