"""Pages about people and places. Claims about them come through reverse relations (person.quotes,
place.recommendations), so this app never imports press/."""

from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import ListView
from django_filters.views import FilterView

from config.seo import page_meta, visible
from people.filters import PlaceFilter
from people.models import Neighbourhood, Organization, Person, Place

MENTIONS_SHOWN = 20


def person_data(person, request):
    return {
        "@type": "Person",
        "name": person.name,
        "description": person.description,
        "url": request.build_absolute_uri(person.get_absolute_url()),
        "image": request.build_absolute_uri(person.card_url),
    }


class PersonListView(ListView):
    template_name = "people/person_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Person.objects.published()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            **page_meta(
                self.request,
                "People",
                "Who made First Kiss, who appears in it, who wrote about it and who was quoted.",
                structured_data={"@type": "CollectionPage", "name": "People of First Kiss"},
            ),
        )


@require_safe
def person_detail(request, slug):
    person = get_object_or_404(visible(Person.objects, request), slug=slug)
    credits = list(person.credits.published().with_source().select_related("work"))
    quotes = list(person.quotes.published().with_source().select_related("said_to_outlet", "said_to_person"))
    recommendations = list(
        person.recommendations.published().with_source().select_related("place__neighbourhood")
    )
    answers = list(
        person.answers.published()
        .select_related("coverage__outlet")
        .defer("coverage__text", "coverage__search_document")
    )
    authored = list(person.authored_coverage.published().for_lists().select_related("outlet"))
    writer = "Critic" if any(piece.stance == "critical" for piece in authored) else "Writer"
    roles = [credit.get_role_display() for credit in credits]
    roles += [
        label
        for label, shown in [
            ("Interviewee", answers),
            (writer, authored),
            ("Quoted", quotes),
            ("Recommends places", recommendations),
        ]
        if shown
    ]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "draft": not person.is_published,
            "roles": list(dict.fromkeys(roles)),
            "credits": credits,
            "facts": person.facts.published()
            .with_source()
            .select_related("work", "organization", "neighbourhood"),
            "quotes": quotes,
            "recommendations": recommendations,
            "answers": answers,
            "authored": authored,
            "mentioned_in": person.mentioned_in.published()
            .for_lists()
            .select_related("outlet")[:MENTIONS_SHOWN],
            **page_meta(
                request,
                person.name,
                person.description or person.name,
                og_type="profile",
                card_url=person.card_url,
                structured_data=person_data(person, request),
            ),
        },
    )


class PlaceListView(FilterView):
    """The director's Los Angeles guide: places by category, each with who recommends it and in what words."""

    filterset_class = PlaceFilter
    template_name = "people/place_list.html"
    paginate_by = 60

    def get_queryset(self):
        # Recommendations are press/ rows; their model is reached through the relation, not imported.
        recommendation_model = Place._meta.get_field("recommendations").related_model
        recommendations = recommendation_model.objects.published().with_source().select_related("recommender")
        return (
            Place.objects.published()
            .select_related("neighbourhood")
            .prefetch_related(Prefetch("recommendations", queryset=recommendations))
            # Within a category, the order editors set on the recommendations in the admin.
            .order_by("category", F("guide_order").asc(nulls_last=True), "name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            **page_meta(
                self.request,
                "The director's Los Angeles",
                "Tatia Pilieva's Los Angeles: the restaurants, shops, bookstores and museum she recommends, "
                "in her words.",
                structured_data={"@type": "CollectionPage", "name": "Tatia Pilieva's Los Angeles guide"},
            ),
        )


SCHEMA_TYPES = {"restaurant": "Restaurant", "shop": "Store", "bookstore": "BookStore", "museum": "Museum"}


def place_data(place, request):
    data = {
        "@type": SCHEMA_TYPES.get(place.category, "Place"),
        "name": place.name,
        "url": request.build_absolute_uri(place.get_absolute_url()),
        "image": request.build_absolute_uri(place.card_url),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Los Angeles",
            **({"streetAddress": place.address} if place.address else {}),
        },
    }
    if place.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    return data


@require_safe
def place_detail(request, slug):
    place = get_object_or_404(visible(Place.objects, request).select_related("neighbourhood"), slug=slug)
    return render(
        request,
        "people/place_detail.html",
        {
            "place": place,
            "draft": not place.is_published,
            "recommendations": place.recommendations.published().with_source().select_related("recommender"),
            "mentioned_in": place.mentioned_in.published().select_related("outlet")[:MENTIONS_SHOWN],
            **page_meta(
                request,
                place.name,
                " ".join(place.card_text()),
                og_type="place",
                card_url=place.card_url,
                structured_data=place_data(place, request),
            ),
        },
    )


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(visible(Organization.objects, request), slug=slug)
    return render(
        request,
        "people/organization_detail.html",
        {
            "organization": organization,
            "draft": not organization.is_published,
            "works": organization.works.published(),
            "facts": organization.facts.published().with_source().select_related("person"),
            **page_meta(
                request,
                organization.name,
                organization.description or organization.name,
                structured_data={"@type": "Organization", "name": organization.name},
            ),
        },
    )


@require_safe
def neighbourhood_detail(request, slug):
    neighbourhood = get_object_or_404(Neighbourhood.objects.published(), slug=slug)
    return render(
        request,
        "people/neighbourhood_detail.html",
        {
            "neighbourhood": neighbourhood,
            "places": neighbourhood.places.published(),
            "facts": neighbourhood.facts.published().with_source().select_related("person"),
            **page_meta(
                request,
                neighbourhood.name,
                f"{neighbourhood.name}, {neighbourhood.city}: recommended places and what the press said.",
                structured_data={"@type": "Place", "name": f"{neighbourhood.name}, {neighbourhood.city}"},
            ),
        },
    )
