"""The sitemap: an index (/sitemap.xml) of sections (/sitemap-<section>.xml): the site's fixed pages, and
every published row of a model with a page, each with when it last changed (`lastmod`).

A section holds at most `limit` URLs per page (5,000 for a model's rows: the sitemaps protocol allows 50,000,
Django's default, but a page that size of a large archive takes seconds to build); past that Django pages it
(`?p=2`...) and the index lists every page.
"""

import copy
import dataclasses

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.requests import RequestSite
from django.core.paginator import Paginator
from django.db.models import Count, Max, Value
from django.urls import reverse


def published_summaries(models):
    """{model: {"count": its published rows, "latest": their newest updated_at (aware datetime) or None}}
    for every model in models (PublishableModel classes), in one query (a UNION ALL of one aggregate per
    model)."""
    models = list(dict.fromkeys(models))
    if not models:
        return {}
    aggregates = [
        model.objects.published()
        .order_by()
        .annotate(model_index=Value(index))
        .values("model_index")
        .annotate(count=Count("pk"), latest=Max("updated_at"))
        .values_list("model_index", "count", "latest")
        for index, model in enumerate(models)
    ]
    rows = aggregates[0].union(*aggregates[1:], all=True).order_by()
    return {models[index]: {"count": count, "latest": latest} for index, count, latest in rows}


class RequestHostSitemap(Sitemap):
    """A section whose links take the host of the request (as the pages' canonical links do), not the domain
    of the sites framework's Site, which is installed for redirects only."""

    request_site = None
    in_index = False
    # {model: published_summaries() entry}, filled for the whole index in one query, else by each section.
    summaries = None

    def models(self):
        """The models whose published rows this section's lastmod reads (overridden by sections)."""
        return []

    def summary_of(self, model):
        """model's published_summaries() entry, from those the index gave this copy or from a query of all
        this section's models kept on it."""
        if self.summaries is None:
            self.summaries = published_summaries(self.models())
        return self.summaries[model]

    def get_urls(self, page=1, site=None, protocol=None):
        return super().get_urls(page, self.request_site or site, protocol)


def _for_request(request, sitemaps, **attributes):
    """Copies of sitemaps (a dict by section name) linking with request's host, with attributes set."""
    sections = {}
    for name, section in sitemaps.items():
        sections[name] = copy.copy(section)
        sections[name].request_site = RequestSite(request)
        for attribute, value in attributes.items():
            setattr(sections[name], attribute, value)
    return sections


def sitemap(request, sitemaps, **kwargs):
    """Django's sitemap view (one section with `section` in kwargs, every one without) over copies of
    sitemaps (a dict of RequestHostSitemap by section name) that link with request's host; kwargs as Django's
    view takes them. 404 for an unknown section or a page past the end."""
    return sitemap_views.sitemap(request, _for_request(request, sitemaps), **kwargs)


def index(request, sitemaps, **kwargs):
    """Django's sitemap index view over sitemaps (a dict of RequestHostSitemap by section name): one entry
    per page of each section, with the section's latest lastmod, linking with request's host (Django's view
    takes the domain of the sites framework's Site; its response is rendered late, so the links are rewritten
    here). kwargs as Django's view takes them (sitemap_url_name: the section view's URL name)."""
    sections = _for_request(request, sitemaps, in_index=True)
    # One query for every section's count and lastmod, not one (or two) per section.
    summaries = published_summaries(model for section in sections.values() for model in section.models())
    for section in sections.values():
        section.summaries = summaries
    response = sitemap_views.index(request, sections, **kwargs)
    response.context_data["sitemaps"] = [
        dataclasses.replace(item, location=_on_request_host(request, item.location))
        for item in response.context_data["sitemaps"]
    ]
    return response


def _on_request_host(request, url):
    """url (absolute, on whatever host) moved to request's scheme and host, path and query kept."""
    path_start = url.index("/", url.index("//") + 2)
    return request.build_absolute_uri(url[path_start:])


class _CountedPaginator(Paginator):
    """A paginator that knows only how many items there are: enough for the index's number of pages."""

    def __init__(self, count, per_page):
        super().__init__((), per_page)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


class PublishedSitemap(RequestHostSitemap):
    """Every published row of model (a PublishableModel, or any model whose manager has published() and an
    updated_at), lastmod its updated_at. Each section page costs two queries (the count, then the page); the
    index reads its count (for the number of pages) and newest updated_at with the other sections', in one
    query (published_summaries())."""

    # 5,000 URLs a page, not the protocol's 50,000: a section page of a large archive then costs a fraction
    # of a second, where 50,000 rows took a worker for seconds (the index lists every page).
    limit = 5000

    def __init__(self, model):
        self.model = model

    def items(self):
        """The published rows, in primary-key order (stable pages), with only what a URL and its lastmod
        read (slug, updated_at): the paginator reads one page of them and counts the rest."""
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, row):
        """When row last changed (updated_at, an aware datetime)."""
        return row.updated_at

    def models(self):
        return [self.model]

    def get_latest_lastmod(self):
        """The newest updated_at of the published rows (aware datetime), or None when there are none."""
        return self.summary_of(self.model)["latest"]

    @property
    def paginator(self):
        """In the index, pages counted by the aggregate query; on a section's page, Django's over items()."""
        if self.in_index:
            return _CountedPaginator(self.summary_of(self.model)["count"], self.limit)
        return super().paginator


class PagesSitemap(RequestHostSitemap):
    """Pages that are not a row: url_names maps each URL name (e.g. "press:home") to the models
    (PublishableModel) whose published rows the page lists; its lastmod is their newest updated_at, None when
    it lists none. The section costs one query (published_summaries())."""

    def __init__(self, url_names):
        self.url_names = dict(url_names)

    def items(self):
        return list(self.url_names)

    def location(self, name):
        return reverse(name)

    def models(self):
        return [model for listed in self.url_names.values() for model in listed]

    def lastmod(self, name):
        """When what the page named lists last changed (aware datetime), None if it lists nothing."""
        times = [self.summary_of(model)["latest"] for model in self.url_names[name]]
        times = [time for time in times if time is not None]
        return max(times, default=None)
