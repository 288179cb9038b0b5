from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from people.models import Neighbourhood, Organization, Person, Place
from press.models import Coverage, Outlet, Work


class PublishedSitemap(Sitemap):
    """Every published row of a model. A list, not a queryset, so each section costs one query."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return list(self.model.objects.published())


class PagesSitemap(Sitemap):
    def items(self):
        return ["press:home", "press:coverage-list", "people:person-list", "people:place-list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PagesSitemap(),
    **{
        model._meta.model_name: PublishedSitemap(model)
        for model in (Work, Coverage, Person, Place, Outlet, Organization, Neighbourhood)
    },
}
