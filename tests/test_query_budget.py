"""Every public page stays within 8 SQL queries, however many rows there are."""

import pytest

from tests.rows import Q_AND_A, add_rows

pytestmark = pytest.mark.django_db

BUDGET = 8


PAGES = [
    "/",
    "/coverage/",
    "/coverage/?page=2",
    "/coverage/?q=Pilieva&outlet=pret-a-reporter&person=tatia-pilieva&sort=oldest",
    "/coverage/?year=abc",
    f"/coverage/{Q_AND_A}/",
    "/coverage/piece-0/",
    "/films/first-kiss/",
    "/people/",
    "/people/tatia-pilieva/",
    "/people/person-0/",
    "/places/",
    "/places/?neighbourhood=silver-lake&category=restaurant",
    "/places/place-0/",
    "/outlets/pret-a-reporter/",
    "/organizations/wren/",
    "/neighbourhoods/silver-lake/",
    "/coverage/feed/",
    "/sitemap.xml",
]


@pytest.mark.parametrize("count", [1, 300])
@pytest.mark.parametrize("url", PAGES)
def test_public_pages_stay_within_the_query_budget(client, django_assert_max_num_queries, count, url):
    add_rows(count)

    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)

    assert response.status_code == (400 if "=abc" in url else 200)
