"""The sitemap's sections: the site's fixed pages, and every published row of a model with a page."""

import copy

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.requests import RequestSite
from django.urls import reverse


class RequestHostSitemap(Sitemap):
    """A section whose links take the host of the request (as the pages' canonical links do), not the domain
    of the sites framework's Site, which is installed for redirects only."""

    request_site = None

    def get_urls(self, page=1, site=None, protocol=None):
        return super().get_urls(page, self.request_site or site, protocol)


def sitemap(request, sitemaps, **kwargs):
    """Django's sitemap view over copies of sitemaps (a dict of RequestHostSitemap by section name) that
    link with request's host; kwargs as Django's view takes them."""
    here = RequestSite(request)
    sections = {}
    for name, section in sitemaps.items():
        sections[name] = copy.copy(section)
        sections[name].request_site = here
    return sitemap_views.sitemap(request, sections, **kwargs)


class PublishedSitemap(RequestHostSitemap):
    """Every published row of model (a PublishableModel, or any model whose manager has published()).
    A list, not a queryset, so each section costs one query."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return list(self.model.objects.published())


class PagesSitemap(RequestHostSitemap):
    """Pages that are not a row, given as URL names (e.g. "press:home")."""

    def __init__(self, url_names):
        self.url_names = list(url_names)

    def items(self):
        return self.url_names

    def location(self, name):
        return reverse(name)
