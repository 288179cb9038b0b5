"""The sitemap's sections: the site's fixed pages, and every published row of a model with a page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublishedSitemap(Sitemap):
    """Every published row of model (a PublishableModel, or any model whose manager has published()).
    A list, not a queryset, so each section costs one query."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return list(self.model.objects.published())


class PagesSitemap(Sitemap):
    """Pages that are not a row, given as URL names (e.g. "press:home")."""

    def __init__(self, url_names):
        self.url_names = list(url_names)

    def items(self):
        return self.url_names

    def location(self, name):
        return reverse(name)
