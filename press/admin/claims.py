"""The admins of claims: quotes, view milestones, appearances, recommendations and facts."""

from django.contrib import admin

from press.admin.provenance import ClaimAdmin
from press.models import (
    Appearance,
    Fact,
    Milestone,
    Quote,
    Recommendation,
)


@admin.register(Quote)
class QuoteAdmin(ClaimAdmin):
    """Every quote: filtered by said or wrote and by whether it is cited yet."""

    list_display = ["__str__", "mode", "source"]
    list_filter = ["mode"]
    list_select_related = ["speaker", "passage__coverage__outlet"]
    search_fields = ["words", "speaker__name", "speaker_description", "passage__coverage__headline"]
    autocomplete_fields = ["passage", "speaker", "said_to_outlet", "said_to_person", "first_published_in"]


@admin.register(Milestone)
class MilestoneAdmin(ClaimAdmin):
    """Every view-count milestone, filtered by work and platform."""

    list_display = ["work", "views_wording", "platform", "date_wording", "source"]
    list_filter = ["work", "platform"]
    list_select_related = ["work", "platform", "passage__coverage__outlet"]
    search_fields = ["views_wording", "work__title", "date_wording"]
    autocomplete_fields = ["passage", "work", "platform"]


@admin.register(Appearance)
class AppearanceAdmin(ClaimAdmin):
    """Where each work was posted or picked up, its order editable in place."""

    list_display = ["work", "outlet", "order", "description", "source"]
    list_editable = ["order"]
    list_select_related = ["work", "outlet", "passage__coverage__outlet"]
    search_fields = ["description", "outlet__name", "work__title"]
    autocomplete_fields = ["passage", "work", "outlet"]


@admin.register(Recommendation)
class RecommendationAdmin(ClaimAdmin):
    """The L.A. guide's recommendations, in the guide's order, which is editable in place."""

    list_display = ["place", "recommender", "occasion", "order", "source"]
    list_display_links = ["place"]
    list_editable = ["order"]
    list_filter = ["occasion", "place__category"]
    list_select_related = ["place", "recommender", "passage__coverage__outlet"]
    search_fields = ["place__name", "recommender__name", "in_their_words"]
    autocomplete_fields = ["passage", "recommender", "place"]
    ordering = ["order", "place__name"]


@admin.register(Fact)
class FactAdmin(ClaimAdmin):
    """Every fact, filtered by topic, with the facts from other sources that disagree with it."""

    list_display = ["statement", "topic", "person", "work", "source"]
    list_filter = ["topic"]
    list_select_related = ["person", "work", "passage__coverage__outlet"]
    search_fields = ["statement", "passage__text", "person__name", "work__title"]
    autocomplete_fields = ["passage", "person", "work", "organization", "neighbourhood", "disagrees_with"]
