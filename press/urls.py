"""The press app's public URLs (namespace "press"): the home page, the coverage list, its feeds (RSS, Atom)
and each piece, and each film's and outlet's page by slug.
"""

from django.urls import path

from press import views
from press.feeds import LatestCoverageAtomFeed, LatestCoverageFeed

app_name = "press"

urlpatterns = [
    path("", views.home, name="home"),
    path("coverage/", views.CoverageListView.as_view(), name="coverage-list"),
    path("coverage/feed/", LatestCoverageFeed(), name="coverage-feed"),
    path("coverage/feed/atom/", LatestCoverageAtomFeed(), name="coverage-feed-atom"),
    path("coverage/<slug:slug>/", views.CoverageDetailView.as_view(), name="coverage-detail"),
    path("films/<slug:slug>/", views.WorkDetailView.as_view(), name="work-detail"),
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet-detail"),
]
