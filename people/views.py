"""Pages about people and places. Claims about them come through reverse relations (person.quotes,
place.recommendations), so this app never imports press/."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from people.models import Neighbourhood, Organization, Person, Place

SOURCE = "passage__coverage__outlet"


@require_GET
def person_detail(request, slug):
    person = get_object_or_404(Person.objects.published(), slug=slug)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "credits": person.credits.published().select_related("work", SOURCE),
            "facts": person.facts.published().select_related(SOURCE),
            "quotes": person.quotes.published().select_related(SOURCE, "said_to_outlet", "said_to_person"),
            "recommendations": person.recommendations.published().select_related(
                "place__neighbourhood", SOURCE
            ),
            "answers": person.answers.published().select_related("coverage__outlet"),
            "authored": person.authored_coverage.published().select_related("outlet"),
            "mentioned_in": person.mentioned_in.published().select_related("outlet"),
        },
    )


@require_GET
def place_detail(request, slug):
    place = get_object_or_404(Place.objects.published().select_related("neighbourhood"), slug=slug)
    return render(
        request,
        "people/place_detail.html",
        {
            "place": place,
            "recommendations": place.recommendations.published().select_related("recommender", SOURCE),
            "mentioned_in": place.mentioned_in.published().select_related("outlet"),
        },
    )


@require_GET
def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.published(), slug=slug)
    return render(
        request,
        "people/organization_detail.html",
        {
            "organization": organization,
            "works": organization.works.published(),
            "facts": organization.facts.published().select_related("person", SOURCE),
        },
    )


@require_GET
def neighbourhood_detail(request, slug):
    neighbourhood = get_object_or_404(Neighbourhood.objects.published(), slug=slug)
    return render(
        request,
        "people/neighbourhood_detail.html",
        {
            "neighbourhood": neighbourhood,
            "places": neighbourhood.places.published(),
            "facts": neighbourhood.facts.published().select_related("person", SOURCE),
        },
    )
