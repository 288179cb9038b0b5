from django.contrib import admin

from press.models import (
    Appearance,
    Coverage,
    Credit,
    Fact,
    InterviewQuestion,
    Milestone,
    Outlet,
    Passage,
    Quote,
    Recommendation,
    Work,
)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ["person", "passage"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "year", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "logline"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["made_for"]
    inlines = [CreditInline]


class PassageInline(admin.TabularInline):
    model = Passage
    extra = 0
    prepopulated_fields = {"slug": ["text"]}


class InterviewQuestionInline(admin.StackedInline):
    model = InterviewQuestion
    extra = 0
    autocomplete_fields = ["answered_by"]


@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    list_display = ["headline", "outlet", "kind", "date_display", "featured", "status"]
    list_filter = ["status", "kind", "stance", "featured", "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["headline", "summary", "text", "outlet__name"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = [
        "outlet",
        "authors",
        "cites",
        "mentioned_people",
        "mentioned_places",
        "mentioned_works",
        "mentioned_organizations",
    ]
    inlines = [PassageInline, InterviewQuestionInline]

    @admin.display(description="Date")
    def date_display(self, coverage):
        return coverage.date_display


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "coverage", "slug"]
    list_filter = ["coverage"]
    list_select_related = ["coverage"]
    search_fields = ["text", "slug", "coverage__headline"]
    autocomplete_fields = ["coverage"]


class CitedAdmin(admin.ModelAdmin):
    list_select_related = ["passage__coverage"]
    autocomplete_fields = ["passage"]

    @admin.display(description="Source", ordering="passage__coverage__headline")
    def source(self, claim):
        return claim.passage.coverage


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "work", "order"]
    list_filter = ["role", "work"]
    list_select_related = ["person", "work"]
    search_fields = ["person__name", "work__title", "credited_as"]
    autocomplete_fields = ["person", "work", "passage"]


@admin.register(InterviewQuestion)
class InterviewQuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "coverage", "order", "answered_by"]
    list_select_related = ["coverage", "answered_by"]
    search_fields = ["question", "answer"]
    autocomplete_fields = ["coverage", "answered_by"]


@admin.register(Quote)
class QuoteAdmin(CitedAdmin):
    list_display = ["__str__", "mode", "source"]
    list_filter = ["mode"]
    list_select_related = ["speaker", "passage__coverage"]
    search_fields = ["words", "speaker__name", "speaker_description"]
    autocomplete_fields = ["passage", "speaker", "said_to_outlet", "said_to_person", "first_published_in"]


@admin.register(Milestone)
class MilestoneAdmin(CitedAdmin):
    list_display = ["work", "views_wording", "platform", "date_wording", "source"]
    list_select_related = ["work", "platform", "passage__coverage"]
    autocomplete_fields = ["passage", "work", "platform"]


@admin.register(Appearance)
class AppearanceAdmin(CitedAdmin):
    list_display = ["work", "outlet", "order", "description", "source"]
    list_select_related = ["work", "outlet", "passage__coverage"]
    autocomplete_fields = ["passage", "work", "outlet"]


@admin.register(Recommendation)
class RecommendationAdmin(CitedAdmin):
    list_display = ["place", "recommender", "occasion", "order", "source"]
    list_filter = ["occasion"]
    list_select_related = ["place", "recommender", "passage__coverage"]
    search_fields = ["place__name", "recommender__name", "in_their_words"]
    autocomplete_fields = ["passage", "recommender", "place"]


@admin.register(Fact)
class FactAdmin(CitedAdmin):
    list_display = ["statement", "topic", "person", "work", "source"]
    list_filter = ["topic"]
    list_select_related = ["person", "work", "passage__coverage"]
    search_fields = ["statement", "passage__text"]
    autocomplete_fields = ["passage", "person", "work", "organization", "neighbourhood", "disagrees_with"]
