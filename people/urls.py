from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<slug:slug>/", views.place_detail, name="place-detail"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("neighbourhoods/<slug:slug>/", views.neighbourhood_detail, name="neighbourhood-detail"),
]
