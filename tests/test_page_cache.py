"""Anonymous visitors get cached pages; the moment an editor saves, publishes or deletes what a page shows,
the next visitor sees it, and only the pages that show it are made again. Editors and their draft previews
are never cached. With REDIS_URL set (CI runs the suite once that way), the same tests run against a Redis
server. Varnish in front: tests/test_varnish.py."""

import os
import socket
import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from people.models import Person
from press.models import Coverage, Outlet
from tests.admin_forms import admin_url, change_form, form_data, piece_add_form, run_action
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
    # Browsers revalidate every time; a shared cache in front keeps the page until it is purged.
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=600"


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


def test_every_worker_process_sees_a_purge(visitor):
    """Each worker caches pages; the purges they check live where they all read them: Redis or one log."""
    from editorial.pagecache import PurgeLog, purges, shares_cache

    url = f"/coverage/{Q_AND_A}/"
    visitor.get(url)
    since = purges().current()[0]
    piece = Coverage.objects.get(slug=Q_AND_A)
    piece.headline = "A headline another worker must see"
    piece.save()

    other_worker = purges() if shares_cache() else PurgeLog()  # a process that read nothing yet
    fresh, _ = other_worker.check([f"press.coverage.{piece.pk}"], since)
    assert not fresh
    assert other_worker.check([f"press.coverage.{piece.pk + 1000}"], since)[0]
    assert "A headline another worker must see" in visitor.get(url).text


def test_the_cache_is_redis_when_redis_url_is_set():
    backend = type(caches["default"]).__name__
    if "REDIS_URL" not in os.environ:
        assert backend == "LocMemCache"
        return
    assert backend == "RedisCache"
    caches["default"].set("pressroom-test-round-trip", "reached", 10)  # fails if the server is down
    assert caches["default"].get("pressroom-test-round-trip") == "reached"


def served_from_cache(client, url):
    """Whether the page cache answered url without the database (the X-Page-Cache header says hit)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response["X-Page-Cache"] == "hit" and len(queries) == 0


def test_an_edit_purges_exactly_the_pages_that_show_the_piece(visitor, editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    author = piece.authors.first() or piece.mentioned_people.first()
    showing = [
        "/coverage/",
        piece.get_absolute_url(),
        piece.outlet.get_absolute_url(),
        author.get_absolute_url(),
    ]
    unrelated = [
        other.get_absolute_url()
        for other in Coverage.objects.published().exclude(pk=piece.pk)
        if escape(piece.headline) not in visitor.get(other.get_absolute_url()).text
    ]
    assert unrelated
    visitor.get("/people/")
    for url in showing:
        assert escape(piece.headline) in visitor.get(url).text, url
        assert served_from_cache(visitor, url), url

    url, _, data = change_form(editor_client, piece)
    data["headline"] = "The headline the editor just changed"
    assert editor_client.post(url, data).status_code == 302

    for url in showing:
        assert "The headline the editor just changed" in visitor.get(url).text, url
    for url in unrelated:
        assert served_from_cache(visitor, url), url
    assert served_from_cache(visitor, "/people/")  # lists people only


def test_a_new_published_piece_refreshes_the_lists_but_not_the_other_pieces(visitor, editor_client):
    visitor.get("/coverage/")
    visitor.get(f"/coverage/{Q_AND_A}/")

    _, data = piece_add_form(
        editor_client, headline="A piece published at once", slug="published-at-once", status="published"
    )
    assert editor_client.post(admin_url(Coverage, "add"), data).status_code == 302

    assert Coverage.objects.get(slug="published-at-once").is_published
    assert "A piece published at once" in visitor.get("/coverage/").text
    assert "A piece published at once" in visitor.get("/coverage/feed/").text
    assert served_from_cache(visitor, f"/coverage/{Q_AND_A}/")


def test_a_drafts_save_purges_nothing_public(visitor, editor_client):
    for url in [*PAGES, Person.objects.get(slug=SOKO).get_absolute_url()]:
        visitor.get(url)
    draft = new_piece("a-draft-in-the-works")
    draft.mentioned_people.add(Person.objects.get(slug=SOKO))
    url, _, data = change_form(editor_client, draft)
    data["headline"] = "Still a draft"
    assert editor_client.post(url, data).status_code == 302

    for url in [*PAGES, Person.objects.get(slug=SOKO).get_absolute_url()]:
        assert served_from_cache(visitor, url), url


def test_a_scheduled_piece_goes_live_on_the_cached_pages_of_what_it_mentions(visitor):
    person = Person.objects.get(slug=SOKO)
    piece = new_piece(
        "a-scheduled-mention", status="published", published_at=timezone.now() + timedelta(seconds=1)
    )
    piece.mentioned_people.add(person)
    assert "A new piece about First Kiss" not in visitor.get(person.get_absolute_url()).text
    assert "A new piece about First Kiss" not in visitor.get("/").text

    time.sleep(1.1)

    assert "A new piece about First Kiss" in visitor.get(person.get_absolute_url()).text
    assert "A new piece about First Kiss" in visitor.get("/").text


def test_cached_pages_name_their_rows_for_the_caches_in_front(visitor, editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)

    page = visitor.get(piece.get_absolute_url())
    listing = visitor.get("/coverage/")

    keys = page["Surrogate-Key"].split(" ")
    assert page["xkey"] == page["Surrogate-Key"]
    assert f"press.coverage.{piece.pk}" in keys and f"press.outlet.{piece.outlet_id}" in keys
    assert "press.coverage" not in keys  # one piece's page is no list: a new piece leaves it alone
    assert "press.coverage" in listing["Surrogate-Key"].split(" ")
    assert len(page["Surrogate-Key"]) <= 4000
    assert page["Cache-Control"] == "public, max-age=0, s-maxage=600" and page["ETag"]

    signed_in = editor_client.get(piece.get_absolute_url())
    assert "Surrogate-Key" not in signed_in and "xkey" not in signed_in
    assert "private" in signed_in["Cache-Control"] and "no-store" in signed_in["Cache-Control"]


def test_a_page_over_the_header_limit_names_its_rows_by_their_list(visitor, monkeypatch):
    from editorial import pagecache
    from press.models import Fact

    monkeypatch.setattr(pagecache, "MAX_KEYS_BYTES", 800)
    page = visitor.get(f"/films/{FILM}/")
    keys = page["Surrogate-Key"].split(" ")
    assert len(page["Surrogate-Key"]) <= 800
    assert "press.fact" in keys and not any(
        key.startswith("press.fact.") and key[-1].isdigit() for key in keys
    )
    assert visitor.get(f"/films/{FILM}/")["X-Page-Cache"] == "hit"

    fact = Fact.objects.filter(work__slug=FILM).first()
    fact.save()  # a fact the page shows: its row key is not on the page, its model's list key is

    assert visitor.get(f"/films/{FILM}/")["X-Page-Cache"] == "miss"


def test_a_cache_in_front_that_cannot_be_reached_does_not_lose_the_save(
    visitor, editor_client, settings, django_capture_on_commit_callbacks, caplog
):
    settings.CACHE_PURGE_URLS = ["http://127.0.0.1:9/", "PURGE http://192.0.2.1:6081/"]
    settings.CACHE_PURGE_TIMEOUT = 0.2
    piece = Coverage.objects.get(slug=Q_AND_A)
    url, _, data = change_form(editor_client, piece)
    data["headline"] = "Saved whatever the cache in front says"

    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302

    assert Coverage.objects.get(pk=piece.pk).headline == "Saved whatever the cache in front says"
    assert "Saved whatever the cache in front says" in visitor.get(piece.get_absolute_url()).text
    assert "Purging" in caplog.text and "failed" in caplog.text


def test_a_worker_just_started_serves_the_pages_another_one_rendered(visitor):
    """Without Redis, each worker keeps pages in its own memory, and the machine's workers share them in a
    folder: a new worker (gunicorn restarts them) does not render the home page again."""
    from django.core.cache import cache

    from editorial.pagecache import shares_cache

    visitor.get("/")
    if shares_cache():
        return
    cache.clear()  # this process's memory, as a new worker has it

    assert served_from_cache(visitor, "/")


def test_a_draft_shown_on_a_public_page_is_purged_from_it_when_edited(visitor, editor_client):
    """An outlet still in draft can be named on a published piece's line: editing it purges the pages that
    named it (they loaded it), and still nothing else."""
    outlet = Outlet.objects.create(name="The Draft Gazette", slug="the-draft-gazette", kind="newspaper")
    piece = new_piece("on-a-draft-outlet", outlet=outlet, status="published", published_at=timezone.now())
    assert "The Draft Gazette" in visitor.get(piece.get_absolute_url()).text
    visitor.get(f"/films/{FILM}/")

    url, _, data = change_form(editor_client, outlet)
    data["name"] = "The Renamed Gazette"
    assert editor_client.post(url, data).status_code == 302

    assert "The Renamed Gazette" in visitor.get(piece.get_absolute_url()).text
    assert served_from_cache(visitor, f"/films/{FILM}/")


def test_a_cache_in_front_that_hangs_costs_a_purge_its_time_limit_once_not_per_batch(settings, caplog):
    """A purge of many keys goes in several requests; a cache that accepts and never answers is waited for
    up to CACHE_PURGE_TIMEOUT in all, then given up with a message (a bulk action waited 2 s a batch)."""
    from editorial.pagecache import purge_http_caches

    asked = []
    with socket.socket() as hanging:
        hanging.bind(("127.0.0.1", 0))
        hanging.listen(50)
        settings.CACHE_PURGE_URLS = [f"http://127.0.0.1:{hanging.getsockname()[1]}/"]
        settings.CACHE_PURGE_TIMEOUT = 0.3
        hanging.settimeout(0.05)

        def count_requests():
            while True:
                try:
                    asked.append(hanging.accept()[0])
                except OSError:
                    return

        purge_http_caches({f"press.coverage.{pk}" for pk in range(2000)})  # several batches
        count_requests()
        for connection_ in asked:
            connection_.close()

    assert len(asked) == 1
    assert "out of time" in caplog.text


def test_a_purge_log_deleted_under_a_running_site_leaves_no_stale_page(visitor, editor_client, settings):
    """Without Redis, purges are counted in a log beside PAGE_CACHE_VERSION_FILE: if it is deleted (a clean-up
    of var/), the pages cached before cannot be shown fresh and are dropped, and the next save shows."""
    from editorial.pagecache import shares_cache

    if shares_cache():
        return  # with Redis the purges live beside the pages, and go with them
    person = Person.objects.get(slug=SOKO)
    person.save()  # the log exists, and this process has read it
    visitor.get(person.get_absolute_url())
    assert served_from_cache(visitor, person.get_absolute_url())
    log = settings.PAGE_CACHE_VERSION_FILE.with_name(f"{settings.PAGE_CACHE_VERSION_FILE.name}.purges")
    log.unlink()

    url = admin_url(Person, "change", person.pk)
    _, _, data = change_form(editor_client, person)
    data["name"] = "Soko, renamed after the clean-up"
    assert editor_client.post(url, data).status_code == 302

    assert "Soko, renamed after the clean-up" in visitor.get(person.get_absolute_url()).text
