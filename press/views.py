from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from people.models import Person
from press.highlight import highlighted_text
from press.models import (
    Appearance,
    Coverage,
    Credit,
    Fact,
    Milestone,
    Outlet,
    Quote,
    Recommendation,
    Work,
)

SOURCE = "passage__coverage__outlet"


def cited(queryset):
    """A published claim queryset with what its source line shows, fetched in the same query."""
    return queryset.published().select_related(SOURCE)


def facts_with_disagreements(queryset):
    return cited(queryset).prefetch_related(
        Prefetch("disagrees_with", queryset=Fact.objects.published().select_related(SOURCE))
    )


@require_GET
def home(request):
    film = get_object_or_404(Work.objects.published().select_related("made_for"), slug=settings.FILM_SLUG)
    coverage = Coverage.objects.published().select_related("outlet__parent")
    return render(
        request,
        "press/home.html",
        {
            "film": film,
            "credits": Credit.objects.published().filter(work=film).select_related("person", SOURCE),
            "milestones": cited(Milestone.objects.filter(work=film)).select_related("platform"),
            "appearances": cited(Appearance.objects.filter(work=film)).select_related("outlet"),
            "facts": facts_with_disagreements(Fact.objects.filter(work=film)),
            "featured": [piece for piece in coverage if piece.featured],
            "coverage": coverage,
            "recommendations": cited(Recommendation.objects.all()).select_related(
                "place__neighbourhood", "recommender"
            ),
            "people": Person.objects.published(),
        },
    )


@require_GET
def coverage_detail(request, slug):
    coverage = get_object_or_404(Coverage.objects.published().select_related("outlet__parent"), slug=slug)
    passages = list(coverage.passages.all())
    return render(
        request,
        "press/coverage_detail.html",
        {
            "coverage": coverage,
            "text": highlighted_text(coverage.text, passages),
            "questions": coverage.questions.select_related("answered_by"),
            "quotes": cited(Quote.objects.filter(passage__coverage=coverage)).select_related(
                "speaker", "said_to_outlet", "said_to_person", "first_published_in"
            ),
            "facts": facts_with_disagreements(Fact.objects.filter(passage__coverage=coverage)),
            "authors": coverage.authors.published(),
            "mentioned_people": coverage.mentioned_people.published(),
            "mentioned_places": coverage.mentioned_places.published(),
            "mentioned_works": coverage.mentioned_works.published(),
            "mentioned_organizations": coverage.mentioned_organizations.published(),
            "cites": coverage.cites.published().select_related("outlet"),
            "cited_by": coverage.cited_by.published().select_related("outlet"),
            "original_quotes": cited(coverage.original_quotes.all()).select_related("speaker"),
        },
    )


@require_GET
def work_detail(request, slug):
    work = get_object_or_404(Work.objects.published().select_related("made_for"), slug=slug)
    return render(
        request,
        "press/work_detail.html",
        {
            "work": work,
            "credits": Credit.objects.published().filter(work=work).select_related("person", SOURCE),
            "milestones": cited(work.milestones.all()).select_related("platform"),
            "appearances": cited(work.appearances.all()).select_related("outlet"),
            "facts": facts_with_disagreements(work.facts.all()),
            "coverage": work.mentioned_in.published().select_related("outlet"),
        },
    )


@require_GET
def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet.objects.published().select_related("parent"), slug=slug)
    return render(
        request,
        "press/outlet_detail.html",
        {
            "outlet": outlet,
            "children": outlet.children.published(),
            "coverage": outlet.coverage.published(),
            "appearances": cited(outlet.appearances.all()).select_related("work"),
        },
    )
