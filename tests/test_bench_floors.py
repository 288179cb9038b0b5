"""The benchmark's floors (bench/urls.py) measure the work they name: the ORM floor runs the page's own
queries through its own view, no more and no fewer, and answers with the floor template, not the page."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.settings.base import BASE_DIR

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    # The floors are measured on the server without the page cache, as the pages beside them are.
    settings.PAGE_CACHE_SECONDS = 0
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}
    ]


PAGES = ["/", "/coverage/", "/coverage/?q=kiss&sort=outlet", "/places/", "/films/first-kiss/"]


@pytest.mark.parametrize("page", PAGES)
def test_orm_floor_runs_the_pages_own_queries_and_answers_with_the_floor(client, page):
    with CaptureQueriesContext(connection) as on_the_page:
        client.get(page)
    client.get(f"/bench/floor/orm/?bytes=5000&page={quote(page)}")  # records the page's statements once
    with CaptureQueriesContext(connection) as on_the_floor:
        response = client.get(f"/bench/floor/orm/?bytes=5000&page={quote(page)}")
    assert response.status_code == 200, response.content
    assert b"A headline of the usual length" in response.content
    assert b"Skip to content" not in response.content  # the page's own templates were not rendered
    assert len(on_the_floor) == len(on_the_page) > 0


def test_orm_floor_refuses_a_page_that_does_not_answer(client):
    response = client.get("/bench/floor/orm/?page=/no-such-page/")
    assert response.status_code == 400
    assert b"answers 200" in response.content


def test_the_page_itself_still_renders_in_the_same_process(client):
    client.get(f"/bench/floor/orm/?page={quote('/coverage/')}")
    assert b"Skip to content" in client.get("/coverage/").content
