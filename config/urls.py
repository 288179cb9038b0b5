"""The root URLconf: the admin (with its site titles, and its accounts pages before it), the sitemap index
(sitemap.xml) and its sections (sitemap-<section>.xml), then each app's URLs (editorial, people, press)
mounted at the root; every published model's pages are in the sitemap.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from editorial.admin import twofactor
from editorial.sitemaps import PagesSitemap, PublishedSitemap, index, sitemap
from people.models import Neighbourhood, Organization, Person, Place
from press.models import Coverage, Outlet, Work

admin.site.site_header = f"{settings.SITE_NAME}: editorial"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "What editors keep"

SITEMAPS = {
    # Each fixed page with the models it lists, for its lastmod.
    "pages": PagesSitemap(
        {
            "press:home": [Work, Coverage],
            "press:coverage-list": [Coverage],
            "people:person-list": [Person],
            "people:place-list": [Place],
        }
    ),
    **{
        model._meta.model_name: PublishedSitemap(model)
        for model in (Work, Coverage, Person, Place, Outlet, Organization, Neighbourhood)
    },
}

urlpatterns = [
    # Before the admin's own URLs, whose last pattern takes every address under admin/.
    path("admin/two-factor/", include(twofactor.urls)),
    # Before the admin's own: Sign-in lockouts, Your sign-ins, Sign out everywhere (editorial.admin.accounts).
    path("admin/accounts/", include("editorial.admin.accounts")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("", include("editorial.urls")),
    path("", include("people.urls")),
    path("", include("press.urls")),
]
