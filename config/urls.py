"""The root URLconf: the admin (with its site titles), sitemap.xml, then each app's URLs (editorial, people,
press) mounted at the root; every published model's pages are in the sitemap.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from editorial.sitemaps import PagesSitemap, PublishedSitemap, sitemap
from people.models import Neighbourhood, Organization, Person, Place
from press.models import Coverage, Outlet, Work

admin.site.site_header = f"{settings.SITE_NAME}: editorial"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "What editors keep"

SITEMAPS = {
    "pages": PagesSitemap(["press:home", "press:coverage-list", "people:person-list", "people:place-list"]),
    **{
        model._meta.model_name: PublishedSitemap(model)
        for model in (Work, Coverage, Person, Place, Outlet, Organization, Neighbourhood)
    },
}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("editorial.urls")),
    path("", include("people.urls")),
    path("", include("press.urls")),
]
