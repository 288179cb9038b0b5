"""The people app's public URLs (namespace "people"): /people/, /places/ and each person's, place's,
organization's and neighbourhood's page by slug.
"""

from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("neighbourhoods/<slug:slug>/", views.NeighbourhoodDetailView.as_view(), name="neighbourhood-detail"),
]
