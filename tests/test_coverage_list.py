"""/coverage/: filters let the right pieces in and keep the others out; bad input never breaks the page."""

import datetime
import re

import pytest
from django.utils import timezone

from people.models import Person
from press.models import Coverage, Outlet, Work
from press.views import CoverageListView
from tests.story import (
    ANDRE_LASCARIS,
    ARTICLE,
    EVERY_PIECE,
    GUARDIAN_COLUMN,
    PRET_A_REPORTER,
    Q_AND_A,
    SPERANZA,
    STUART_HERITAGE,
    THE_GUARDIAN,
    new_piece,
)

pytestmark = pytest.mark.django_db


def listed(client, query="", status=200):
    response = client.get(f"/coverage/{query}")
    assert response.status_code == status
    html = response.content.decode()
    slugs = re.findall(r'<h3><a href="/coverage/([\w-]+)/">', html)
    return set(slugs), html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", EVERY_PIECE),
        (f"?outlet={PRET_A_REPORTER}", {Q_AND_A}),
        ("?outlet=the-hollywood-reporter", {Q_AND_A}),  # its blog's pieces count as its own
        (f"?outlet={THE_GUARDIAN}", {GUARDIAN_COLUMN}),
        ("?kind=qa", {Q_AND_A}),
        ("?kind=column", {GUARDIAN_COLUMN}),
        ("?stance=critical", {GUARDIAN_COLUMN}),
        ("?stance=admiring", {Q_AND_A}),
        ("?year=2014", {ARTICLE, Q_AND_A}),
        ("?year=2015", set()),
        (f"?person={STUART_HERITAGE}", {ARTICLE, GUARDIAN_COLUMN}),  # mentions him, and his own column
        (f"?person={ANDRE_LASCARIS}", {Q_AND_A}),
        (f"?place={SPERANZA}", {Q_AND_A}),
        ("?work=forever", {Q_AND_A}),
        ("?q=Avedon", {ARTICLE}),
        ("?q=avedon+kissing", {ARTICLE}),
        ("?q=grotty", {ARTICLE, GUARDIAN_COLUMN}),  # the column's summary quotes it
        ("?q=Jurassic", {Q_AND_A}),
        (f"?q=Jurassic&outlet={THE_GUARDIAN}", set()),
        ("?kind=qa&stance=critical", set()),
    ],
)
def test_filters_include_and_exclude(client, query, expected):
    assert listed(client, query)[0] == expected


def test_the_count_says_how_many_match(client):
    _, html = listed(client, "?q=grotty")

    assert "2 pieces of coverage match these filters." in html


def test_sorting(client):
    Coverage.objects.filter(slug=ARTICLE).update(date=datetime.date(2013, 1, 1))

    _, newest = listed(client, "?sort=newest")
    _, oldest = listed(client, "?sort=oldest")
    _, by_outlet = listed(client, "?sort=outlet")

    assert newest.index(Q_AND_A) < newest.index(ARTICLE)
    assert oldest.index(ARTICLE) < oldest.index(Q_AND_A)
    assert by_outlet.index(Q_AND_A) < by_outlet.index(GUARDIAN_COLUMN)  # Pret-a-Reporter before The Guardian
    assert by_outlet.index(GUARDIAN_COLUMN) < by_outlet.index(ARTICLE)  # no outlet comes last


def test_an_empty_result_says_what_to_loosen(client):
    slugs, html = listed(client, f"?q=Jurassic&outlet={THE_GUARDIAN}")

    assert slugs == set()
    assert "No coverage matches all of these filters" in html
    assert f'href="?outlet={THE_GUARDIAN}">Remove search “Jurassic”</a>' in html
    assert f'href="?q=Jurassic">Remove outlet “{THE_GUARDIAN}”</a>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?outlet=no-such-outlet", "There is no outlet “no-such-outlet” in the press room."),
        ("?person=nobody", "There is no person “nobody” in the press room."),
        ("?place=atlantis", "There is no place “atlantis” in the L.A. guide."),
        ("?work=jaws", "There is no film “jaws” in the press room."),
        ("?kind=poem", "“poem” is not a kind of coverage."),
        ("?stance=furious", "“furious” is not a stance."),
        ("?year=abc", "A year is a number such as 2014."),
        ("?year=20145", "Ensure this value is less than or equal to 2100."),
        ("?year=-1", "Ensure this value is greater than or equal to 1880."),
        ("?sort=sideways", "Sort by best match, newest, oldest or outlet."),
        ("?q=" + "a" * 500, "Ensure this value has at most 200 characters (it has 500)."),
        ("?q=a%00b", "Null characters are not allowed."),
        ("?outlet=%00", "Null characters are not allowed."),
    ],
)
def test_bad_filter_values_get_a_clear_message_and_an_empty_list(client, query, message):
    slugs, html = listed(client, query, status=400)

    assert slugs == set()
    assert message.replace("“", "&ldquo;") in html or message in html
    assert "Some filters could not be understood" in html


@pytest.mark.parametrize(
    "query",
    ["?q=%27%3B+DROP+TABLE+press_coverage%3B--", "?q=%E2%80%9C%F0%9F%92%8B%E2%80%9D", "?q=%25_%25", "?q=++"],
)
def test_odd_search_strings_are_just_searched(client, query):
    slugs, _ = listed(client, query)

    assert slugs <= EVERY_PIECE
    assert Coverage.objects.count() == 5


@pytest.fixture
def many_pieces(db):
    author = Person.objects.get(slug=STUART_HERITAGE)
    pieces = Coverage.objects.bulk_create(
        new_piece(
            f"column-{n:03}",
            headline=f"Column {n:03}",
            kind="column",
            summary="More.",
            status="published",
            save=False,
        )
        for n in range(45)
    )
    for piece in pieces:
        piece.authors.add(author)
    return pieces


def test_pages_keep_every_filter(client, many_pieces):
    _, first = listed(client, f"?person={STUART_HERITAGE}&kind=column&sort=oldest")

    assert "Page 1 of 3" in first
    assert f'href="?person={STUART_HERITAGE}&amp;kind=column&amp;sort=oldest&amp;page=2" rel="next"' in first
    slugs, second = listed(client, f"?person={STUART_HERITAGE}&kind=column&sort=oldest&page=2")
    assert len(slugs) == 20
    assert all(slug.startswith("column-") or slug == GUARDIAN_COLUMN for slug in slugs)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?page=999999", "There is no page “999999”; showing page 3 of 3."),
        ("?page=0", "There is no page “0”; showing page 1 of 3."),
        ("?page=-2", "There is no page “-2”; showing page 1 of 3."),
        ("?page=" + "9" * 5000, "showing page 3 of 3."),
        ("?page=abc", "There is no page “abc”; showing page 1 of 3."),
        ("?page=" + "9" * 400, "showing page 3 of 3."),
    ],
)
def test_a_page_out_of_range_shows_the_nearest_page_and_says_so(client, many_pieces, query, message):
    slugs, html = listed(client, query)

    assert slugs
    assert message in html


def test_the_list_refuses_posts(client):
    assert client.post("/coverage/").status_code == 405


@pytest.fixture
def strangers(db):
    """Three pieces that say the same words in different places and orders."""
    outlet = Outlet.objects.get(slug=THE_GUARDIAN)
    pieces = {
        "in-the-headline": ("Zeppelins and twenty quokkas", "A summary.", "Nothing else."),
        "in-the-text": ("A plain headline", "A summary.", "Quokkas, twenty of them, and a zeppelin."),
        "in-the-summary": ("Another plain headline", "A zeppelin passes.", "No quokkas at all."),
    }
    for slug, (headline, summary, text) in pieces.items():
        new_piece(
            slug,
            headline=headline,
            summary=summary,
            text=text,
            kind="article",
            outlet=outlet,
            status="published",
            date=datetime.date(2014, 3, 12),
            date_precision="day",
        )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=zeppelin", {"in-the-headline", "in-the-text", "in-the-summary"}),
        ("?q=ZEPPELIN+quokkas", {"in-the-headline", "in-the-text", "in-the-summary"}),
        ("?q=%22twenty+quokkas%22", {"in-the-headline"}),
        ("?q=quokkas+-zeppelin", set()),
        ("?q=zeppelin+-plain", {"in-the-headline"}),
        ("?q=Avedon+or+Jurassic", {ARTICLE, Q_AND_A}),
        ("?q=grotty+-Avedon", {GUARDIAN_COLUMN}),
        ("?q=xylophone", set()),
        ("?q=%22%22", EVERY_PIECE | {"in-the-headline", "in-the-text", "in-the-summary"}),
        # A quote left open or stray is read as PostgreSQL's websearch reads it, on both databases.
        ("?q=%22zeppelin", {"in-the-headline", "in-the-text", "in-the-summary"}),
        ("?q=zeppelin%22", {"in-the-headline", "in-the-text", "in-the-summary"}),
    ],
)
def test_search_finds_words_phrases_and_alternatives_and_leaves_out_exclusions(
    client, strangers, query, expected
):
    """The same expectations hold on PostgreSQL's full-text search and on SQLite's fallback."""
    assert listed(client, query)[0] == expected


def test_search_puts_a_match_in_the_headline_first_then_the_summary(client, strangers):
    response = client.get("/coverage/?q=zeppelin")
    order = re.findall(r'<h3><a href="/coverage/(in-the-[\w-]+)/">', response.content.decode())

    assert order == ["in-the-headline", "in-the-summary", "in-the-text"]


def test_choosing_a_sort_overrides_the_best_match_order(client, strangers):
    response = client.get("/coverage/?q=zeppelin&sort=outlet")
    order = re.findall(r'<h3><a href="/coverage/(in-the-[\w-]+)/">', response.content.decode())

    assert order == ["in-the-text", "in-the-summary", "in-the-headline"]  # one outlet: by headline, A to Z


def test_a_list_longer_than_the_cap_says_so_and_deep_pages_say_how_to_reach_the_rest(client, monkeypatch):
    monkeypatch.setattr("press.views.LIST_CAP", 2)
    monkeypatch.setattr(CoverageListView, "paginate_by", 1)

    first = listed(client)[1]
    deep = listed(client, "?page=2000")[1]

    assert "More than 2 pieces of coverage; the first 2 are listed." in first
    assert "Page 1 of 2" in first
    assert "The list pages through the first 2 pieces, so there is no page “2000”" in deep.replace(
        "&ldquo;", "“"
    ).replace("&rdquo;", "”")
    assert "Page 2 of 2" in deep


def test_a_row_published_after_the_server_started_can_be_chosen_in_the_filters(client):
    """The filters' choices are read at each request: a film, outlet or person published since the
    filters were first used (or the module imported) is found, not refused until a restart."""
    listed(client, "?work=first-kiss")  # the filters' form is made once, here
    published_now = {"status": "published", "published_at": timezone.now()}
    film = Work.objects.create(
        title="A Later Short", slug="a-later-short", kind="short_film", logline="Made later.", **published_now
    )
    outlet = Outlet.objects.create(name="The Later Post", slug="the-later-post", **published_now)
    piece = new_piece("a-later-review", outlet=outlet, **published_now)
    piece.mentioned_works.add(film)

    assert listed(client, "?work=a-later-short")[0] == {"a-later-review"}
    assert listed(client, "?outlet=the-later-post")[0] == {"a-later-review"}
