"""The editorial app's public URLs (namespace "editorial"): robots.txt and the social card images."""

from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("cards/<slug:kind>/<slug:slug>.png", views.card, name="card"),
]
