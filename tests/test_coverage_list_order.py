"""/coverage/ orders the whole archive, not the first rows an index yields: a search's best matches come
first however many pieces match, and "Outlet, A to Z" follows an outlet's name when it changes."""

import datetime
import re

import pytest

from press.models import Coverage, Outlet
from press.views import CoverageListView
from tests.story import new_piece

pytestmark = pytest.mark.django_db


def order(client, query):
    response = client.get(f"/coverage/{query}")
    assert response.status_code == 200
    return re.findall(r'<h3><a href="/coverage/(tier-[\w-]+)/">', response.content.decode())


def piece(slug, day, **fields):
    """A published piece dated 2014-03-<day>, in no outlet unless fields say."""
    return new_piece(
        f"tier-{slug}",
        status="published",
        date=datetime.date(2014, 3, day),
        date_precision="day",
        **fields,
    )


@pytest.fixture
def small_cap(monkeypatch):
    """A list capped at 3 pieces, 2 a page: 5 matches are more than the cap plus one."""
    monkeypatch.setattr("press.filters.LIST_CAP", 3)
    monkeypatch.setattr("press.views.LIST_CAP", 3)
    monkeypatch.setattr(CoverageListView, "paginate_by", 2)


@pytest.fixture
def many_matches():
    """Five pieces naming zeppelins in their text, newest first, then older ones naming them in the summary
    and in the headline, added last: the matches an index yields first are the text's."""
    for day in range(20, 25):
        piece(f"text-{day}", day, headline="A plain headline", text="A zeppelin passes over.")
    piece("summary", 11, headline="Another headline", summary="Zeppelins everywhere.")
    piece("headline", 10, headline="The zeppelin kiss", summary="Nothing.")


def test_a_search_lists_the_best_matches_of_the_whole_archive_past_the_cap(client, small_cap, many_matches):
    first_page = order(client, "?q=zeppelin")
    second_page = order(client, "?q=zeppelin&page=2")

    assert first_page == ["tier-headline", "tier-summary"]
    assert second_page == ["tier-text-24"]  # the newest of the rest, the cap reached


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=zeppelin+passes", ["tier-text-24", "tier-text-23"]),  # both words: only the texts hold both
        ("?q=airship+or+zeppelin", ["tier-headline", "tier-summary"]),
        ("?q=%22zeppelin+kiss%22", ["tier-headline"]),
        ("?q=zeppelin+-everywhere", ["tier-headline", "tier-text-24"]),
        ("?q=zeppelin&sort=oldest", ["tier-headline", "tier-summary"]),
        ("?q=zeppelin&sort=newest", ["tier-text-24", "tier-text-23"]),
    ],
)
def test_words_phrases_alternatives_and_exclusions_keep_the_best_first(
    client, small_cap, many_matches, query, expected
):
    """The same order on PostgreSQL's full-text search and on SQLite's fallback."""
    assert order(client, query) == expected


def test_a_search_matching_only_excluded_words_lists_newest_first(client, small_cap, many_matches):
    assert order(client, "?q=-everywhere+-kiss") == ["tier-text-24", "tier-text-23"]


def test_outlet_a_to_z_follows_an_outlet_renamed_and_a_piece_moved(client):
    aardvark = Outlet.objects.create(name="Aardvark Review", slug="aardvark", kind="newspaper")
    zebra = Outlet.objects.create(name="Zebra Post", slug="zebra", kind="newspaper")
    piece("in-aardvark", 10, outlet=aardvark, headline="Alpha")
    piece("in-zebra", 11, outlet=zebra, headline="Beta")
    piece("in-none", 12, headline="Gamma")
    assert order(client, "?sort=outlet") == ["tier-in-aardvark", "tier-in-zebra", "tier-in-none"]

    aardvark.name = "Zulu Times"
    aardvark.save()

    assert order(client, "?sort=outlet") == ["tier-in-zebra", "tier-in-aardvark", "tier-in-none"]

    moved = Coverage.objects.get(slug="tier-in-none")
    moved.outlet = aardvark
    moved.save(update_fields=["outlet"])
    unnamed = Coverage.objects.get(slug="tier-in-zebra")
    unnamed.outlet = None
    unnamed.save()

    assert order(client, "?sort=outlet") == ["tier-in-aardvark", "tier-in-none", "tier-in-zebra"]
