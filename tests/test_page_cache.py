"""Anonymous visitors get cached pages; the moment an editor saves, publishes or deletes what a page shows,
the next visitor sees it. Editors and their draft previews are never cached. With REDIS_URL set (CI runs the
suite once that way), the same tests run against a Redis server."""

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.models import Person
from press.models import Coverage
from tests.admin_forms import admin_url, form_data, run_action
from tests.story import FILM, Q_AND_A, SOKO, new_piece

pytestmark = pytest.mark.django_db

PAGES = ["/", "/coverage/", f"/coverage/{Q_AND_A}/", "/people/", "/places/", f"/films/{FILM}/"]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def test_a_second_visit_is_served_from_the_cache_without_the_database(visitor):
    for url in PAGES:
        first, first_queries = queries_for(visitor, url)
        again, again_queries = queries_for(visitor, url)

        assert first_queries > 0, url
        assert again_queries == 0, url
        assert again.content == first.content, url
        assert again["ETag"] == first["ETag"], url
        assert "Content-Security-Policy" in again, url


def test_a_conditional_request_for_an_unchanged_page_gets_304(visitor):
    first = visitor.get("/coverage/")

    again = visitor.get("/coverage/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]


def test_a_save_shows_at_once_and_the_old_etag_no_longer_matches(visitor):
    before = visitor.get(f"/coverage/{Q_AND_A}/")
    piece = Coverage.objects.get(slug=Q_AND_A)
    piece.headline = "A headline the editor just changed"
    piece.save()

    after = visitor.get(f"/coverage/{Q_AND_A}/", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert "A headline the editor just changed" in after.content.decode()
    assert "A headline the editor just changed" in visitor.get("/coverage/").content.decode()


def test_an_editor_saving_in_the_admin_changes_every_page_that_shows_it(visitor, editor_client):
    person = Person.objects.get(slug=SOKO)
    for url in ["/people/", person.get_absolute_url()]:
        visitor.get(url)
    url = admin_url(Person, "change", person.pk)
    data = form_data(editor_client.get(url))
    data["name"] = "SoKo, as the editor now spells it"

    assert editor_client.post(url, data).status_code == 302
    assert "SoKo, as the editor now spells it" in visitor.get("/people/").content.decode()
    assert "SoKo, as the editor now spells it" in visitor.get(person.get_absolute_url()).content.decode()


def test_publishing_unpublishing_and_deleting_reach_cached_pages(visitor, editor_client):
    draft = new_piece("a-piece-about-to-go-live")
    assert "A new piece about First Kiss" not in visitor.get("/coverage/").content.decode()

    run_action(editor_client, Coverage, "publish", draft)
    assert "A new piece about First Kiss" in visitor.get("/coverage/").content.decode()

    run_action(editor_client, Coverage, "unpublish", draft)
    assert "A new piece about First Kiss" not in visitor.get("/coverage/").content.decode()

    run_action(editor_client, Coverage, "publish", draft)
    assert visitor.get(draft.get_absolute_url()).status_code == 200
    deleted = editor_client.post(admin_url(Coverage, "delete", draft.pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert visitor.get(draft.get_absolute_url()).status_code == 410  # Gone (editorial.redirects)
    assert "A new piece about First Kiss" not in visitor.get("/coverage/").content.decode()


def test_a_new_mention_reaches_the_cached_person_page(visitor):
    person = Person.objects.get(slug=SOKO)
    draft = new_piece("a-piece-mentioning-soko", status="published")
    assert "A new piece about First Kiss" not in visitor.get(person.get_absolute_url()).content.decode()

    draft.mentioned_people.add(person)

    assert "A new piece about First Kiss" in visitor.get(person.get_absolute_url()).content.decode()


def test_a_scheduled_piece_appears_when_its_time_comes_without_anyone_saving(visitor):
    new_piece("a-scheduled-piece", status="published", published_at=timezone.now() + timedelta(seconds=1))
    assert "A new piece about First Kiss" not in visitor.get("/coverage/").content.decode()

    time.sleep(1.1)

    assert "A new piece about First Kiss" in visitor.get("/coverage/").content.decode()


def test_editors_are_never_served_or_stored_in_the_cache(visitor, editor_client):
    draft = new_piece("a-draft-preview")
    preview_url = draft.get_absolute_url()

    for _ in range(2):
        preview, queries = queries_for(editor_client, preview_url)
        assert queries > 0
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    assert visitor.get(preview_url).status_code == 404

    _, editor_queries = queries_for(editor_client, "/coverage/")
    visitor.get("/coverage/")
    _, editor_queries_again = queries_for(editor_client, "/coverage/")
    assert editor_queries_again == editor_queries > 0


def test_bad_requests_and_missing_pages_are_not_cached(visitor):
    for url, status in [("/coverage/?year=soon", 400), ("/coverage/no-such-piece/", 404)]:
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert visitor.get(url).status_code == status
            assert len(queries) > 0, url


def test_every_worker_process_sees_the_new_version(visitor):
    """Each worker caches pages; the version they check lives where they all read it: Redis or one file."""
    from editorial.pagecache import read_state, shares_cache

    before = read_state().version
    Coverage.objects.get(slug=Q_AND_A).save()

    assert read_state().version != before
    if shares_cache():
        assert caches["default"].get("pages:state")[0] == read_state().version
    else:
        assert settings.PAGE_CACHE_VERSION_FILE.read_text().split()[0] == str(read_state().version)


def test_the_cache_is_redis_when_redis_url_is_set():
    backend = type(caches["default"]).__name__
    if "REDIS_URL" not in os.environ:
        assert backend == "LocMemCache"
        return
    assert backend == "RedisCache"
    caches["default"].set("pressroom-test-round-trip", "reached", 10)  # fails if the server is down
    assert caches["default"].get("pressroom-test-round-trip") == "reached"
