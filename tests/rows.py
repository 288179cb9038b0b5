"""Extra rows for query-budget tests: pages must cost the same with 1 or 300 of each."""

from people.models import Neighbourhood, Person, Place
from press.models import Coverage, Credit, Fact, Milestone, Outlet, Passage, Quote, Recommendation, Work

Q_AND_A = "first-kiss-director-opens-up-most-insane-moment-favorite-la-spots"


def add_rows(count, start=0):
    """count more pieces of coverage, people and places, each tied into every relation a page shows."""
    director = Person.objects.get(slug="tatia-pilieva")
    film = Work.objects.get(slug="first-kiss")
    outlet = Outlet.objects.get(slug="pret-a-reporter")
    silver_lake = Neighbourhood.objects.get(slug="silver-lake")
    interview = Coverage.objects.get(slug=Q_AND_A)
    people = Person.objects.bulk_create(
        Person(name=f"Person {n}", slug=f"person-{n}", description="Extra.", status="published")
        for n in range(start, start + count)
    )
    places = Place.objects.bulk_create(
        Place(
            name=f"Place {n}",
            slug=f"place-{n}",
            category="restaurant",
            neighbourhood=silver_lake,
            status="published",
        )
        for n in range(start, start + count)
    )
    pieces = Coverage.objects.bulk_create(
        Coverage(
            headline=f"Piece {n}",
            slug=f"piece-{n}",
            outlet=outlet,
            kind="article",
            summary="Extra.",
            text=f"Tatia Pilieva recommends Place {n}.",
            status="published",
        )
        for n in range(start, start + count)
    )
    passages = Passage.objects.bulk_create(
        Passage(coverage=piece, slug="place", text=f"Tatia Pilieva recommends Place {n}.")
        for n, piece in enumerate(pieces, start)
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            recommender=director,
            place=place,
            passage=passage,
            occasion="eating_out",
            in_their_words=place.name,
        )
        for place, passage in zip(places, passages, strict=True)
    )
    Fact.objects.bulk_create(
        Fact(statement=f"Fact {n}", topic="making", work=film, person=person, passage=passage)
        for n, (person, passage) in enumerate(zip(people, passages, strict=True), start)
    )
    Milestone.objects.bulk_create(
        Milestone(
            work=film, views=n + 1, views_wording=str(n + 1), passage=passage, days_after_posting=n % 10
        )
        for n, passage in enumerate(passages, start)
    )
    Quote.objects.bulk_create(
        Quote(speaker=person, words="Tatia Pilieva", passage=passage)
        for person, passage in zip(people, passages, strict=True)
    )
    Credit.objects.bulk_create(Credit(work=film, person=person, role="cast", order=9) for person in people)
    Coverage.authors.through.objects.bulk_create(
        Coverage.authors.through(coverage=piece, person=person)
        for piece, person in zip(pieces, people, strict=True)
    )
    Coverage.mentioned_works.through.objects.bulk_create(
        Coverage.mentioned_works.through(coverage=piece, work=film) for piece in pieces
    )
    Coverage.mentioned_people.through.objects.bulk_create(
        [Coverage.mentioned_people.through(coverage=interview, person=person) for person in people]
        + [Coverage.mentioned_people.through(coverage=piece, person=director) for piece in pieces]
    )
    Coverage.mentioned_places.through.objects.bulk_create(
        Coverage.mentioned_places.through(coverage=interview, place=place) for place in places
    )
    Coverage.cites.through.objects.bulk_create(
        Coverage.cites.through(from_coverage=piece, to_coverage=interview) for piece in pieces
    )
