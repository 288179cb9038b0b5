from django.urls import path

from press import views
from press.feeds import LatestCoverageFeed

app_name = "press"

urlpatterns = [
    path("", views.home, name="home"),
    path("coverage/", views.CoverageListView.as_view(), name="coverage-list"),
    path("coverage/feed/", LatestCoverageFeed(), name="coverage-feed"),
    path("coverage/<slug:slug>/", views.coverage_detail, name="coverage-detail"),
    path("films/<slug:slug>/", views.work_detail, name="work-detail"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet-detail"),
    path("cards/<slug:kind>/<slug:slug>.png", views.card, name="card"),
]
