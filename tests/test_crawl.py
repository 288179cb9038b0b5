"""A visitor following links from / reaches every public page, meets no broken link, and can read every
fact of the source documents somewhere on the site."""

import html
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps

from press.models import Appearance, Fact, InterviewQuestion, Milestone, Quote, Recommendation
from tests.sources import source_paragraphs

pytestmark = pytest.mark.django_db

NOT_CRAWLED = ("/admin/", "/static/")
PAGE_LIMIT = 2000


def plain(text):
    """What a reader sees: no tags, entities decoded, any run of white space as one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def crawl(client):
    """Returns {url: html} for every page reached, the broken links, and every (url, #anchor) linked to."""
    seen, queue, pages, broken, anchors = {"/"}, deque(["/"]), {}, [], set()
    while queue:
        url = queue.popleft()
        response = client.get(url, follow=True)
        if response.status_code != 200:
            broken.append((url, response.status_code))
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        body = response.content.decode()
        pages[url] = body
        for href in re.findall(r'href="([^"]+)"', body):
            target = urljoin(url, html.unescape(href).removeprefix("http://testserver"))
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(NOT_CRAWLED):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.fragment:
                anchors.add((target, parts.fragment))
            if target not in seen and len(seen) < PAGE_LIMIT:
                seen.add(target)
                queue.append(target)
    return pages, broken, anchors


@pytest.fixture
def site(client):
    return crawl(client)


def test_no_link_is_broken(site):
    _, broken, _ = site

    assert broken == []


def test_every_anchor_linked_to_exists_on_its_page(site):
    pages, _, anchors = site

    assert len(anchors) > 50  # the cited passages, the interview questions
    for url, anchor in anchors:
        assert f'id="{anchor}"' in pages[url], (url, anchor)


def test_every_published_object_is_reached_through_links(site):
    pages, _, _ = site
    reached = {url.split("?")[0] for url in pages}
    for label in ("people", "press"):
        for model in apps.get_app_config(label).get_models():
            if not hasattr(model.objects, "published") or not hasattr(model, "slug"):
                continue
            for instance in model.objects.published():
                assert instance.get_absolute_url().split("#")[0] in reached, instance


def test_every_paragraph_of_the_sources_is_visible(site):
    pages, _, _ = site
    seen = " ".join(plain(body) for body in pages.values())
    for paragraph in source_paragraphs():
        assert plain(paragraph) in seen, paragraph[:80]


def test_every_claim_is_visible_with_its_source(site):
    pages, _, _ = site
    seen = " ".join(plain(body) for body in pages.values())
    claims = (
        [fact.statement for fact in Fact.objects.all()]
        + [quote.words for quote in Quote.objects.all()]
        + [recommendation.in_their_words for recommendation in Recommendation.objects.all()]
        + [milestone.views_wording for milestone in Milestone.objects.all()]
        + [appearance.description for appearance in Appearance.objects.all()]
        + [item.question for item in InterviewQuestion.objects.all()]
        + [item.answer for item in InterviewQuestion.objects.all()]
    )
    for claim in claims:
        assert plain(claim) in seen, claim


def test_every_page_carries_the_security_headers_and_no_inline_script_or_style(site, client):
    pages, _, _ = site
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.IGNORECASE)
    for url, body in pages.items():
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
        # JSON-LD is data, never run, so script-src does not apply to it; other inline code would be blocked.
        assert not inline_script.search(body), url
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", body, re.IGNORECASE), url
