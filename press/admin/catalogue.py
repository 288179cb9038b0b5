"""The admin of the catalogue: outlets, works and their credits."""

from django.contrib import admin

from editorial.admin import (
    FetchedChoicesInline,
    IllustratedAdmin,
    PublicationFilter,
    PublishableAdmin,
)
from press.admin.provenance import ClaimAdmin
from press.models import (
    Credit,
    Outlet,
    Work,
)


@admin.register(Outlet)
class OutletAdmin(PublishableAdmin):
    """Outlets: publishable, filtered by kind, each with the outlet it belongs to."""

    list_display = ["name", "kind", "parent", "publication", "on_site"]
    list_filter = [PublicationFilter, "kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "description", "parent__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class CreditInline(FetchedChoicesInline, admin.TabularInline):
    """A work's credits, on the work's change form."""

    model = Credit
    fetched = ["person", "work", "passage__coverage"]
    fields = ["person", "role", "credited_as", "order", "passage"]
    autocomplete_fields = ["person", "passage"]


@admin.register(Work)
class WorkAdmin(IllustratedAdmin, PublishableAdmin):
    """Works (the film, the feature): publishable, with an image and their credits inline."""

    list_display = ["thumbnail", "title", "kind", "year", "made_for", "publication", "on_site"]
    list_display_links = ["title"]
    list_filter = [PublicationFilter, "kind"]
    list_select_related = ["made_for"]
    search_fields = ["title", "logline", "synopsis"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["made_for"]
    inlines = [CreditInline]


@admin.register(Credit)
class CreditAdmin(ClaimAdmin):
    """Every credit in one list, its order editable in place; as claims are, a credit resting on a
    passage of a piece on the site is view-only to contributors. Credit has no `coverage` field to hide
    (exclude = []).
    """

    list_display = ["person", "role", "work", "credited_as", "order", "source"]
    list_editable = ["order"]
    list_filter = ["role", "work"]
    list_select_related = ["person", "work", "passage__coverage__outlet"]
    search_fields = ["person__name", "work__title", "credited_as"]
    autocomplete_fields = ["person", "work", "passage"]
    exclude = []
