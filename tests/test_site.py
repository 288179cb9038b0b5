"""Around the pages: metadata, JSON-LD, social cards, the chart, feed, sitemap, robots.txt and error pages."""

import io
import json
import re
import xml.etree.ElementTree as ElementTree
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from django.views.defaults import server_error
from PIL import Image

from editorial.links import slug_url
from people.models import Place
from press.charts import milestone_chart
from press.models import Coverage, Milestone
from tests.story import (
    ARTICLE,
    DIRECTOR,
    FILM,
    GUARDIAN_COLUMN,
    PRET_A_REPORTER,
    Q_AND_A,
    SPERANZA,
    WREN,
    sitemap_sections,
)

pytestmark = pytest.mark.django_db

PAGES = {
    "/": "Movie",
    "/coverage/": "CollectionPage",
    f"/coverage/{Q_AND_A}/": "NewsArticle",
    f"/films/{FILM}/": "Movie",
    "/people/": "CollectionPage",
    f"/people/{DIRECTOR}/": "Person",
    "/places/": "CollectionPage",
    "/places/little-doms/": "Restaurant",
    "/places/opening-ceremony/": "Store",
    "/places/skylight-books/": "BookStore",
    "/places/museum-of-jurassic-technology/": "Museum",
    f"/outlets/{PRET_A_REPORTER}/": "NewsMediaOrganization",
    f"/organizations/{WREN}/": "Organization",
    "/neighbourhoods/palms/": "Place",
}
REQUIRED = {
    "Movie": {"name", "director", "url", "image"},
    "NewsArticle": {"headline", "url", "image", "author", "publisher"},
    "Person": {"name", "url", "image"},
    "Restaurant": {"name", "address", "url", "image"},
    "Store": {"name", "address"},
    "BookStore": {"name", "address"},
    "Museum": {"name", "address"},
    "CollectionPage": {"name"},
    "NewsMediaOrganization": {"name"},
    "Organization": {"name"},
    "Place": {"name"},
}


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def meta_content(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return found and found.group(1)


@pytest.mark.parametrize(("url", "schema_type"), PAGES.items())
def test_each_page_has_valid_json_ld_with_the_required_properties(client, url, schema_type):
    html = html_of(client, url)
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(script)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    assert REQUIRED[schema_type] <= set(data)


@pytest.mark.parametrize("url", PAGES)
def test_each_page_has_its_own_title_description_canonical_and_social_tags(client, url):
    html = html_of(client, url)

    assert re.search(r"<title>[^<]+ · First Kiss press room</title>", html) or url == "/"
    assert meta_content(html, "name", "description")
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert meta_content(html, "property", "og:title")
    assert meta_content(html, "property", "og:url") == f"http://testserver{url}"
    assert meta_content(html, "name", "twitter:card") in {"summary", "summary_large_image"}


def test_titles_differ_from_page_to_page(client):
    titles = [re.search(r"<title>(.*?)</title>", html_of(client, url)).group(1) for url in PAGES]

    assert len(set(titles)) == len(titles)


def test_json_ld_cannot_be_broken_out_of(client):
    Coverage.objects.filter(slug=Q_AND_A).update(summary="</script><script>alert(1)</script>")

    html = html_of(client, f"/coverage/{Q_AND_A}/")

    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


@pytest.mark.parametrize(
    "url",
    [f"/films/{FILM}/", f"/coverage/{Q_AND_A}/", f"/people/{DIRECTOR}/", f"/places/{SPERANZA}/"],
)
def test_the_social_card_is_a_1200_by_630_png(client, url):
    card_url = meta_content(html_of(client, url), "property", "og:image").removeprefix("http://testserver")
    response = client.get(card_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def card_files(settings):
    return sorted((settings.MEDIA_ROOT / "cards" / "place").glob("*.png"))


def test_a_card_is_made_once_and_made_again_when_its_object_changes(client, settings):
    client.get(f"/cards/place/{SPERANZA}.png")
    (first,) = card_files(settings)
    made_at = first.stat().st_mtime_ns

    client.get(f"/cards/place/{SPERANZA}.png")
    assert card_files(settings) == [first]
    assert first.stat().st_mtime_ns == made_at

    place = Place.objects.get(slug=SPERANZA)
    place.name = "Speranza Ristorante"
    place.save()
    client.get(f"/cards/place/{SPERANZA}.png")
    (second,) = card_files(settings)
    assert second != first


def test_the_card_url_changes_with_the_object(client):
    before = meta_content(html_of(client, f"/places/{SPERANZA}/"), "property", "og:image")
    place = Place.objects.get(slug=SPERANZA)
    place.name = "Speranza Ristorante"
    place.save()

    assert meta_content(html_of(client, f"/places/{SPERANZA}/"), "property", "og:image") != before


@pytest.mark.parametrize("url", [f"/cards/poster/{FILM}.png", "/cards/film/jaws.png"])
def test_unknown_cards_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_the_chart_has_a_point_only_where_a_source_gives_a_day(client):
    html = html_of(client, f"/films/{FILM}/")
    svg = html[html.index("<svg") : html.index("</svg>")]

    assert svg.count("<circle") == 2
    assert "5 million views, Tuesday morning, the day after it was posted" in svg
    assert "23 million views, three days after it was posted" in svg
    assert "69 million" not in svg
    assert "Not on the chart, as its source gives no day: 69 million-plus views" in html
    assert "source: “&#x27;First Kiss&#x27; Is The Work of Melissa Cok…” (Article)" in svg
    table = html[html.index('<table class="milestones">') :]
    assert f'href="/coverage/{ARTICLE}/#passage-three-days"' in table


def test_the_chart_places_later_days_right_and_more_views_higher():
    milestones = list(Milestone.objects.select_related("passage__coverage"))
    chart = milestone_chart(milestones)
    five, twenty_three = chart["points"]

    assert five["milestone"].views == 5_000_000
    assert five["x"] < twenty_three["x"]
    assert five["y"] > twenty_three["y"]  # SVG's y grows downwards
    assert chart["left"] <= five["x"] and twenty_three["x"] <= chart["right"]
    assert chart["top"] <= twenty_three["y"] <= five["y"] <= chart["bottom"]
    assert [m.views for m in chart["not_plotted"]] == [69_000_000]


def test_no_chart_without_a_countable_day():
    undated = SimpleNamespace(days_after_posting=None, views=1)

    assert milestone_chart([undated]) is None


def test_the_feed_lists_published_coverage(client):
    Coverage.objects.filter(slug=GUARDIAN_COLUMN).update(status="draft")

    response = client.get("/coverage/feed/")
    channel = ElementTree.fromstring(response.content).find("channel")
    links = [item.findtext("link") for item in channel.findall("item")]

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert f"http://testserver/coverage/{Q_AND_A}/" in links
    assert len(links) == 4


def test_the_sitemap_lists_every_published_page(client):
    Coverage.objects.filter(slug=GUARDIAN_COLUMN).update(status="draft")

    locations = {
        element.text
        for section in sitemap_sections(client)
        for element in ElementTree.fromstring(section).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    }

    assert "http://testserver/" in locations
    assert "http://testserver/places/" in locations
    assert f"http://testserver/coverage/{Q_AND_A}/" in locations
    assert f"http://testserver/coverage/{GUARDIAN_COLUMN}/" not in locations
    assert "http://testserver/neighbourhoods/palms/" in locations


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain"
    assert "Disallow: /admin/" in response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_the_500_page_is_in_the_sites_design():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"/static/css/site.css" in response.content


@pytest.mark.parametrize("script_prefix", ["/", "/press-room/"])
def test_page_links_are_what_reverse_gives_under_any_mount_point(script_prefix):
    """Object links are built from each route's reversed path; they must stay exactly what reverse() gives."""
    routes = [
        "press:coverage-detail",
        "press:work-detail",
        "press:outlet-detail",
        "people:person-detail",
        "people:place-detail",
        "people:organization-detail",
        "people:neighbourhood-detail",
    ]
    previous = get_script_prefix()
    set_script_prefix(script_prefix)
    try:
        for name in routes:
            for slug in ("first-kiss", "a_1", "UPPER-case"):
                assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})
            with pytest.raises(NoReverseMatch):
                slug_url(name, "not a slug/..")
    finally:
        set_script_prefix(previous)
