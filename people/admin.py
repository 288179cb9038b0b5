"""The admin of people/: people, organizations, neighbourhoods and places, with a place's recommendations
inline.
"""

from django.contrib import admin

from editorial.admin import (
    AuditedAdmin,
    FetchedChoicesInline,
    IllustratedAdmin,
    PublicationFilter,
    PublishableAdmin,
)
from people.models import Neighbourhood, Organization, Person, Place


@admin.register(Person)
class PersonAdmin(IllustratedAdmin, PublishableAdmin):
    """People: publishable (contributors draft, editors publish), with an image; searched by name and
    description.
    """

    list_display = ["thumbnail", "name", "description", "publication", "updated_at", "on_site"]
    list_display_links = ["name"]
    list_filter = [PublicationFilter]
    search_fields = ["name", "sort_name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "updated_at"


@admin.register(Organization)
class OrganizationAdmin(PublishableAdmin):
    """Organizations: publishable, filtered by kind."""

    list_display = ["name", "kind", "publication", "updated_at", "on_site"]
    list_filter = [PublicationFilter, "kind"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AuditedAdmin):
    """Neighbourhoods: audited but not publishable (every neighbourhood is public)."""

    list_display = ["name", "city", "updated_at"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}


class RecommendationInline(FetchedChoicesInline, admin.TabularInline):
    """The place's recommendations. press/ keeps them; people/ does not import press/, so the inline reaches
    them through the reverse relation (place.recommendations), as a template would."""

    model = Place.recommendations.field.model
    fetched = ["recommender", "place", "passage__coverage"]
    fields = ["recommender", "occasion", "in_their_words", "order", "passage"]
    autocomplete_fields = ["recommender", "passage"]


@admin.register(Place)
class PlaceAdmin(IllustratedAdmin, PublishableAdmin):
    """Places of the L.A. guide: publishable, with an image, filtered by category, neighbourhood and
    opening status, drilled down by the date last checked; the recommendations of the place inline.
    """

    list_display = [
        "thumbnail",
        "name",
        "category",
        "neighbourhood",
        "opening_status",
        "publication",
        "on_site",
    ]
    list_display_links = ["name"]
    list_filter = [PublicationFilter, "category", "neighbourhood", "opening_status"]
    list_select_related = ["neighbourhood"]
    search_fields = ["name", "address", "neighbourhood__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["neighbourhood"]
    date_hierarchy = "last_checked"
    inlines = [RecommendationInline]
