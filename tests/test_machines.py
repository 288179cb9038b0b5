"""What machines read to learn what changed: the feeds' dates, the sitemap index and its sections' lastmod."""

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.urls import SITEMAPS
from press.models import Coverage
from tests.story import ARTICLE, GUARDIAN_COLUMN, Q_AND_A, SITEMAP_NS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client):
    """{link: <item>} of the RSS feed."""
    channel = ElementTree.fromstring(client.get("/coverage/feed/").content).find("channel")
    return {item.findtext("link"): item for item in channel.findall("item")}


def atom_entries(client):
    """{link: <entry>} of the Atom feed."""
    root = ElementTree.fromstring(client.get("/coverage/feed/atom/").content)
    return {entry.find(f"{ATOM}link").get("href"): entry for entry in root.findall(f"{ATOM}entry")}


def url_of(slug):
    return f"http://testserver/coverage/{slug}/"


def test_each_feed_item_says_when_the_piece_went_public_and_last_changed(client):
    went_public = datetime(2014, 3, 11, 9, 30, tzinfo=UTC)
    changed = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    Coverage.objects.filter(slug=ARTICLE).update(published_at=went_public, updated_at=changed)
    Coverage.objects.filter(slug=Q_AND_A).update(published_at=None)
    q_and_a = Coverage.objects.get(slug=Q_AND_A)

    rss = rss_items(client)
    atom = atom_entries(client)

    assert parsedate_to_datetime(rss[url_of(ARTICLE)].findtext("pubDate")) == went_public
    assert parsedate_to_datetime(rss[url_of(Q_AND_A)].findtext("pubDate")) == q_and_a.created_at.replace(
        microsecond=0
    )
    assert datetime.fromisoformat(atom[url_of(ARTICLE)].findtext(f"{ATOM}updated")) == changed
    assert datetime.fromisoformat(atom[url_of(ARTICLE)].findtext(f"{ATOM}published")) == went_public
    assert datetime.fromisoformat(atom[url_of(Q_AND_A)].findtext(f"{ATOM}updated")) == q_and_a.updated_at


def test_a_draft_is_in_neither_feed(client):
    Coverage.objects.filter(slug=GUARDIAN_COLUMN).update(status="draft")

    assert url_of(GUARDIAN_COLUMN) not in rss_items(client)
    assert url_of(GUARDIAN_COLUMN) not in atom_entries(client)
    assert url_of(Q_AND_A) in atom_entries(client)


def test_the_atom_feed_is_linked_from_every_page_and_never_fails_on_what_is_stored(client):
    Coverage.objects.filter(slug=ARTICLE).update(summary="Stored before:\x0bcleaning.", headline="A\x1bB")

    atom = client.get("/coverage/feed/atom/")

    assert atom.status_code == 200
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "\x0b" not in atom.content.decode() and "\x1b" not in atom.content.decode()
    assert 'type="application/atom+xml"' in client.get("/").content.decode()
    assert 'href="/coverage/feed/atom/"' in client.get("/").content.decode()


def test_the_sitemap_is_an_index_of_its_sections(client):
    response = client.get("/sitemap.xml")
    index = ElementTree.fromstring(response.content)
    locations = [element.text for element in index.iter(f"{SITEMAP_NS}loc")]

    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    assert locations == [f"http://testserver/sitemap-{section}.xml" for section in SITEMAPS]
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_a_section_gives_each_row_its_last_change(client):
    changed = datetime(2021, 6, 7, 8, 9, tzinfo=UTC)
    Coverage.objects.filter(slug=Q_AND_A).update(updated_at=changed)
    newest = max(Coverage.objects.published().values_list("updated_at", flat=True))

    section = ElementTree.fromstring(client.get("/sitemap-coverage.xml").content)
    lastmod = {url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod") for url in section}
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    in_index = {entry.findtext(f"{SITEMAP_NS}loc"): entry.findtext(f"{SITEMAP_NS}lastmod") for entry in index}

    # Django's section template writes the day (in the site's time zone), its index the whole time.
    assert lastmod[url_of(Q_AND_A)] == timezone.localtime(changed).date().isoformat()
    assert datetime.fromisoformat(in_index["http://testserver/sitemap-coverage.xml"]) == newest


def test_the_pages_section_dates_each_page_by_what_it_lists(client):
    changed = timezone.now() + timedelta(days=3)
    Coverage.objects.filter(slug=Q_AND_A).update(updated_at=changed)

    section = ElementTree.fromstring(client.get("/sitemap-pages.xml").content)
    lastmod = {url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod") for url in section}

    assert lastmod["http://testserver/coverage/"] == timezone.localtime(changed).date().isoformat()
    assert lastmod["http://testserver/people/"] != timezone.localtime(changed).date().isoformat()


def test_a_section_past_its_limit_is_paged_and_the_index_lists_every_page(client, monkeypatch):
    count = Coverage.objects.published().count()
    monkeypatch.setattr(SITEMAPS["coverage"], "limit", count - 1)

    index = client.get("/sitemap.xml").content.decode()
    first = ElementTree.fromstring(client.get("/sitemap-coverage.xml").content)
    second = ElementTree.fromstring(client.get("/sitemap-coverage.xml?p=2").content)

    assert "http://testserver/sitemap-coverage.xml?p=2" in index
    assert "sitemap-coverage.xml?p=3" not in index
    assert len(first) == count - 1
    assert len(second) == 1
    assert client.get("/sitemap-coverage.xml?p=3").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_sitemap_section_page_reads_one_page_of_rows_and_not_their_texts(
    client, monkeypatch, django_assert_max_num_queries
):
    """A section page of a large archive costs what a small one does: its count and its page of rows, with
    only their slugs and dates (not the pieces' texts)."""
    monkeypatch.setattr(SITEMAPS["coverage"], "limit", 1)
    with (
        CaptureQueriesContext(connection) as queries,
        django_assert_max_num_queries(3),
    ):  # the site, the count, the page
        second = ElementTree.fromstring(client.get("/sitemap-coverage.xml?p=2").content)

    assert len(second) == 1
    assert not any('"text"' in query["sql"] for query in queries.captured_queries)
