from django.urls import path

from press import views

app_name = "press"

urlpatterns = [
    path("", views.home, name="home"),
    path("coverage/<slug:slug>/", views.coverage_detail, name="coverage-detail"),
    path("films/<slug:slug>/", views.work_detail, name="work-detail"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet-detail"),
]
