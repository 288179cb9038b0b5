"""Every public page stays within 8 SQL queries, however many rows there are."""

import pytest

from tests.story import DIRECTOR, FILM, PRET_A_REPORTER, Q_AND_A, SILVER_LAKE, WREN, add_rows

pytestmark = pytest.mark.django_db

BUDGET = 8


PAGES = [
    "/",
    "/coverage/",
    "/coverage/?page=2",
    f"/coverage/?q=Pilieva&outlet={PRET_A_REPORTER}&person={DIRECTOR}&sort=oldest",
    "/coverage/?year=abc",
    f"/coverage/{Q_AND_A}/",
    "/coverage/piece-0/",
    f"/films/{FILM}/",
    "/people/",
    f"/people/{DIRECTOR}/",
    "/people/person-0/",
    "/places/",
    f"/places/?neighbourhood={SILVER_LAKE}&category=restaurant",
    "/places/place-0/",
    f"/outlets/{PRET_A_REPORTER}/",
    f"/organizations/{WREN}/",
    f"/neighbourhoods/{SILVER_LAKE}/",
    "/coverage/feed/",
    "/coverage/feed/atom/",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-coverage.xml",
]


@pytest.mark.parametrize("count", [1, 300])
@pytest.mark.parametrize("url", PAGES)
def test_public_pages_stay_within_the_query_budget(client, django_assert_max_num_queries, count, url):
    add_rows(count)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)

    assert response.status_code == (400 if "=abc" in url else 200)
