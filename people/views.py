"""Pages about people and places. Claims about them come through reverse relations (person.quotes,
place.recommendations), so this app never imports press/."""

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.views.generic import ListView
from django_filters.views import FilterView

from editorial.columns import unread
from editorial.seo import page_meta
from editorial.views import PlainFilterWidgets, PublishedDetailView
from people.filters import PlaceFilter
from people.models import Neighbourhood, Organization, Person, Place

MENTIONS_SHOWN = 20


def person_data(person, request):
    """The schema.org Person (a dict for JSON-LD) of person: name, description, and absolute URLs of its
    page and social card.
    """
    return {
        "@type": "Person",
        "name": person.name,
        "description": person.description,
        "url": request.build_absolute_uri(person.get_absolute_url()),
        "image": request.build_absolute_uri(person.card_url),
    }


class PersonListView(ListView):
    """/people/: every published person, by sort name, 50 a page."""

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
                f"Who made {settings.FILM_TITLE}, who appears in it, who wrote about it and who was quoted.",
                structured_data={"@type": "CollectionPage", "name": f"People of {settings.FILM_TITLE}"},
            ),
        )


# The relations a person's page lists (each a query, run only for a person who has rows in it).
PERSON_CLAIMS = (
    "credits",
    "quotes",
    "recommendations",
    "answers",
    "authored_coverage",
    "mentioned_in",
    "facts",
)


def rows_of(model, relation):
    """The rows (a queryset of the related model, or of the link table of a many-to-many relation) that the
    reverse relation named relation gives an OuterRef("pk") of model, whatever their status: for Exists(),
    which only has to say when there are none."""
    descriptor = getattr(model, relation)
    if descriptor.rel.many_to_many:
        through = descriptor.rel.through
        return through._base_manager.filter(**{descriptor.field.m2m_reverse_field_name(): OuterRef("pk")})
    return descriptor.rel.related_model._base_manager.filter(**{descriptor.field.name: OuterRef("pk")})


# What a person's page shows of each claim (unread(): the rest of each row stays in the database), besides
# its source link (SourceLinked.with_source()).
PERSON_CREDIT_READS = {"": {"work", "role", "credited_as", "passage"}, "work": {"title", "slug"}}
PERSON_QUOTE_READS = {
    "": {"speaker", "speaker_description", "words", "mode", "said_to_outlet", "said_to_person", "passage"},
    "said_to_outlet": {"name"},
    "said_to_person": {"name"},
}
PERSON_RECOMMENDATION_READS = {
    "": {"recommender", "place", "occasion", "in_their_words", "passage"},
    "place": {"name", "slug", "category"},
    "place__neighbourhood": {"name"},
}
PERSON_ANSWER_READS = {
    "": {"coverage", "order", "question"},
    "coverage": {"slug", "headline", "kind"},
    "coverage__outlet": {"name"},
}
PERSON_FACT_READS = {
    "": {"statement", "passage", "organization", "neighbourhood"},
    "organization": {"name", "slug"},
    "neighbourhood": {"name", "slug"},
}


class PersonDetailView(PublishedDetailView):
    """/people/<slug>/: a person's roles (from credits, Q&A, coverage written, quotes, recommendations),
    each claim with its source, and up to MENTIONS_SHOWN pieces of coverage that mention them.
    """

    model = Person
    template_name = "people/person_detail.html"

    def get_queryset(self):
        """The people, each with has_<relation> (bool) for every relation in PERSON_CLAIMS."""
        return (
            super()
            .get_queryset()
            .annotate(**{f"has_{name}": Exists(rows_of(Person, name)) for name in PERSON_CLAIMS})
        )

    def get_context_data(self, **kwargs):
        person = self.object

        def listed(name, rows):
            """rows() (a queryset) when the person has rows of relation name, else an empty list: most people
            have two or three kinds of claims, and a kind they have none of then costs no query."""
            return rows() if getattr(person, f"has_{name}", True) else []

        credits = list(
            listed(
                "credits",
                lambda: (
                    person.credits.published()
                    .with_source()
                    .select_related("work")
                    .defer(*unread(person.credits.model, PERSON_CREDIT_READS))
                ),
            )
        )
        quotes = list(
            listed(
                "quotes",
                lambda: (
                    person.quotes.published()
                    .with_source()
                    .select_related("said_to_outlet", "said_to_person")
                    .defer(*unread(person.quotes.model, PERSON_QUOTE_READS))
                ),
            )
        )
        recommendations = list(
            listed(
                "recommendations",
                lambda: (
                    person.recommendations.published()
                    .with_source()
                    .select_related("place__neighbourhood")
                    .defer(*unread(person.recommendations.model, PERSON_RECOMMENDATION_READS))
                ),
            )
        )
        answers = list(
            listed(
                "answers",
                lambda: (
                    person.answers.published()
                    .select_related("coverage__outlet")
                    .defer(*unread(person.answers.model, PERSON_ANSWER_READS))
                ),
            )
        )
        authored = list(listed("authored_coverage", lambda: person.authored_coverage.published().for_lists()))
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
        return super().get_context_data(
            **kwargs,
            roles=list(dict.fromkeys(roles)),
            credits=credits,
            facts=listed(
                "facts",
                lambda: (
                    person.facts.published()
                    .with_source()
                    .select_related("organization", "neighbourhood")
                    .defer(*unread(person.facts.model, PERSON_FACT_READS))
                ),
            ),
            quotes=quotes,
            recommendations=recommendations,
            answers=answers,
            authored=authored,
            mentioned_in=listed(
                "mentioned_in", lambda: person.mentioned_in.published().for_lists()[:MENTIONS_SHOWN]
            ),
        )

    def get_page_meta(self):
        person = self.object
        return {
            "title": person.name,
            "description": person.description or person.name,
            "og_type": "profile",
            "card_url": person.card_url,
            "structured_data": person_data(person, self.request),
        }


# What the guide shows of a place and of a recommendation, besides its source link (with_source()).
GUIDE_PLACE_READS = ("name", "slug", "category", "neighbourhood__name", "neighbourhood__slug")
GUIDE_RECOMMENDATION_READS = {
    "": {"place", "passage", "recommender", "occasion", "in_their_words"},
    "recommender": {"name", "slug"},
}


class PlaceListView(PlainFilterWidgets, FilterView):
    """The director's Los Angeles guide: places by category, each with who recommends it and in what words."""

    filterset_class = PlaceFilter
    template_name = "people/place_list.html"
    paginate_by = 60

    def get_queryset(self):
        return (
            Place.objects.published()
            .select_related("neighbourhood")
            .only(*GUIDE_PLACE_READS)
            # Within a category, the order editors set on the recommendations in the admin.
            .order_by("category", F("guide_order").asc(nulls_last=True), "name")
        )

    def get_context_data(self, **kwargs):
        """The page's places (object_list, a list), each with its published recommendations as
        guide_recommendations (a list, in their order), and the page's metadata."""
        context = super().get_context_data(
            **kwargs,
            **page_meta(
                self.request,
                "The director's Los Angeles",
                "Tatia Pilieva's Los Angeles: the restaurants, shops, bookstores and museum she recommends, "
                "in her words.",
                structured_data={"@type": "CollectionPage", "name": "Tatia Pilieva's Los Angeles guide"},
            ),
        )
        places = list(context["object_list"])
        # One query for the page's recommendations, handed out by place here: prefetch_related() would make
        # a queryset per place (a third of the page's time), for rows already read.
        shown = {place.pk: [] for place in places}
        if shown:
            # Recommendations are press/ rows, reached by the reverse relation: people/ never imports press/.
            Recommendation = Place.recommendations.field.model
            recommendations = (
                Recommendation.objects.published()
                .with_source()
                .select_related("recommender")
                .defer(*unread(Recommendation, GUIDE_RECOMMENDATION_READS))
                .filter(place__in=list(shown))
            )
            for recommendation in recommendations:
                shown[recommendation.place_id].append(recommendation)
        for place in places:
            place.guide_recommendations = shown[place.pk]
        context["object_list"] = places
        return context


SCHEMA_TYPES = {"restaurant": "Restaurant", "shop": "Store", "bookstore": "BookStore", "museum": "Museum"}


def place_data(place, request):
    """The schema.org type of place (Restaurant, Store, BookStore, Museum) as a dict for JSON-LD: name, URLs,
    a Los Angeles PostalAddress, and GeoCoordinates (degrees, as floats) when it has coordinates.
    """
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


class PlaceDetailView(PublishedDetailView):
    """/places/<slug>/: a place, who recommends it and in what words (with the source), and up to
    MENTIONS_SHOWN pieces of coverage that mention it.
    """

    queryset = Place.objects.select_related("neighbourhood")
    template_name = "people/place_detail.html"

    def get_context_data(self, **kwargs):
        place = self.object
        return super().get_context_data(
            **kwargs,
            recommendations=place.recommendations.published().with_source().select_related("recommender"),
            mentioned_in=place.mentioned_in.published().for_lists()[:MENTIONS_SHOWN],
        )

    def get_page_meta(self):
        place = self.object
        return {
            "title": place.name,
            "description": " ".join(place.card_text()),
            "og_type": "place",
            "card_url": place.card_url,
            "structured_data": place_data(place, self.request),
        }


class OrganizationDetailView(PublishedDetailView):
    """/organizations/<slug>/: an organization, its published works and the facts that name it."""

    model = Organization
    template_name = "people/organization_detail.html"

    def get_context_data(self, **kwargs):
        organization = self.object
        return super().get_context_data(
            **kwargs,
            works=organization.works.published(),
            facts=organization.facts.published().with_source().select_related("person"),
        )

    def get_page_meta(self):
        organization = self.object
        return {
            "title": organization.name,
            "description": organization.description or organization.name,
            "structured_data": {"@type": "Organization", "name": organization.name},
        }


class NeighbourhoodDetailView(PublishedDetailView):
    """/neighbourhoods/<slug>/: a neighbourhood, its published places and the facts that name it."""

    model = Neighbourhood
    template_name = "people/neighbourhood_detail.html"

    def get_context_data(self, **kwargs):
        neighbourhood = self.object
        return super().get_context_data(
            **kwargs,
            # Every place of the neighbourhood, hundreds in a large guide: the few columns its line shows.
            places=neighbourhood.places.published().only("name", "slug", "category"),
            facts=neighbourhood.facts.published().with_source().select_related("person"),
        )

    def get_page_meta(self):
        neighbourhood = self.object
        where = f"{neighbourhood.name}, {neighbourhood.city}"
        return {
            "title": neighbourhood.name,
            "description": f"{where}: recommended places and what the press said.",
            "structured_data": {"@type": "Place", "name": where},
        }
