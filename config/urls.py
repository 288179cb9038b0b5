from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from config.views import robots_txt
from press.sitemaps import SITEMAPS

admin.site.site_header = f"{settings.SITE_NAME}: editorial"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "What editors keep"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("people.urls")),
    path("", include("press.urls")),
]
