"""The story every test runs on, and the one way tests add rows to it.

The whole story (fixtures/*.json) is loaded once per session by conftest's django_db_setup. Its rows
are named here by slug, once: a test that means "the film" writes FILM, not the slug again.

Rows a test needs beyond the story are made by the builders below: `new_piece`, `new_person`,
`new_place` and `new_staff_member`. Each fills in what the model requires, so a test names only the fields
it is about; with save=False a builder returns the row unsaved, for bulk_create when a test needs hundreds
(`add_rows`). A row of a model with no builder (a quote, a passage, a credit) is made with
Model.objects.create() naming every field: those rows have nothing worth a default.
"""

import xml.etree.ElementTree as ElementTree

from django.apps import apps
from django.contrib.auth.models import Group, User

from editorial.models import AuditedModel
from people.models import Neighbourhood, Person, Place
from press.models import Coverage, Credit, Fact, Milestone, Outlet, Passage, Quote, Recommendation, Work

# Works and people.
FILM = "first-kiss"
DIRECTOR = "tatia-pilieva"  # Tatia Pilieva directed and produced the film, and is interviewed in Q_AND_A
SOKO = "soko"  # music and cast
MELISSA_COKER = "melissa-coker"  # the collaborator, founder of Wren
STUART_HERITAGE = "stuart-heritage"  # the Guardian's critic
ANDRE_LASCARIS = "andre-lascaris"

# Coverage.
ARTICLE = "first-kiss-is-the-work-of-melissa-cokers-wren-label"
Q_AND_A = "first-kiss-director-opens-up-most-insane-moment-favorite-la-spots"
GUARDIAN_COLUMN = "stuart-heritage-column-the-guardian"
TELEGRAPH_INTERVIEW = "melissa-coker-interview-the-telegraph"
STYLE_COM = "style-com-fall-2014-fashion-week-film-series"
EVERY_PIECE = {ARTICLE, Q_AND_A, GUARDIAN_COLUMN, TELEGRAPH_INTERVIEW, STYLE_COM}
CLOSE_UPS = "close-ups"  # the passage of ARTICLE where Melissa Coker is quoted

# Outlets, organizations and places.
PRET_A_REPORTER = "pret-a-reporter"  # Q_AND_A's outlet
THE_GUARDIAN = "the-guardian"
WREN = "wren"
SILVER_LAKE = "silver-lake"
SPERANZA = "speranza"  # a restaurant the director recommends, with no address in any source

# The models editors keep, each with its admin and public pages; editorial.LoadedStoryRow is the loader's own
# record, neither edited in the admin nor shown.
EDITABLE_MODELS = [
    model
    for label in ("people", "press")
    for model in apps.get_app_config(label).get_models()
    if issubclass(model, AuditedModel)
]

# Every model of people and press, whose rows the story's fixtures hold.
APP_MODELS = [model for label in ("people", "press") for model in apps.get_app_config(label).get_models()]

PASSWORD = "a long test password"


def new_staff_member(username, group_name=None, password=PASSWORD, **fields):
    """A staff user who can sign in to the admin with `password`, in the group `group_name` if given
    ("Editors" or "Contributors", made by a data migration); `fields` set other User fields."""
    user = User.objects.create_user(username, f"{username}@example.com", password, is_staff=True, **fields)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


def log_in(page, site_url, username):
    """Signs username (made by new_staff_member, with PASSWORD) in to the admin through its sign-in form, in
    page (a Playwright page) on the live server at site_url; returns once the admin's home page is shown."""
    page.goto(site_url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site_url + "/admin/")


def new_piece(slug="a-new-piece", *, save=True, **fields):
    """A piece of coverage: a draft article with a headline, a summary and a text unless `fields` say
    otherwise; saved unless save=False."""
    defaults = {
        "headline": "A new piece about First Kiss",
        "kind": Coverage.Kind.ARTICLE,
        "summary": "A summary.",
        "text": "Twenty strangers kiss for the first time.",
    }
    return _made(Coverage(slug=slug, **(defaults | fields)), save)


def new_person(slug, *, save=True, **fields):
    """A person named after `slug` unless `fields` say otherwise, a draft; saved unless save=False."""
    return _made(Person(slug=slug, **({"name": slug.replace("-", " ").title()} | fields)), save)


def new_place(slug, *, save=True, **fields):
    """A restaurant named after `slug` unless `fields` say otherwise, a draft; saved unless save=False."""
    defaults = {"name": slug.replace("-", " ").title(), "category": "restaurant"}
    return _made(Place(slug=slug, **(defaults | fields)), save)


def _made(row, save):
    if save:
        row.save(force_insert=True)
    return row


def add_rows(count, start=0):
    """Adds `count` published pieces of coverage, people and places, numbered from `start`, each tied into
    every relation a page shows: for query-budget tests, where a page must cost the same with 1 or 300."""
    director = Person.objects.get(slug=DIRECTOR)
    film = Work.objects.get(slug=FILM)
    outlet = Outlet.objects.get(slug=PRET_A_REPORTER)
    silver_lake = Neighbourhood.objects.get(slug=SILVER_LAKE)
    interview = Coverage.objects.get(slug=Q_AND_A)
    numbers = range(start, start + count)
    people = Person.objects.bulk_create(
        new_person(f"person-{n}", name=f"Person {n}", description="Extra.", status="published", save=False)
        for n in numbers
    )
    places = Place.objects.bulk_create(
        new_place(f"place-{n}", name=f"Place {n}", neighbourhood=silver_lake, status="published", save=False)
        for n in numbers
    )
    pieces = Coverage.objects.bulk_create(
        new_piece(
            f"piece-{n}",
            headline=f"Piece {n}",
            outlet=outlet,
            summary="Extra.",
            text=f"Tatia Pilieva recommends Place {n}.",
            status="published",
            save=False,
        )
        for n in numbers
    )
    passages = Passage.objects.bulk_create(
        Passage(coverage=coverage, slug="place", text=f"Tatia Pilieva recommends Place {n}.")
        for n, coverage in enumerate(pieces, start)
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            recommender=director,
            place=where,
            passage=passage,
            occasion="eating_out",
            in_their_words=where.name,
        )
        for where, passage in zip(places, passages, strict=True)
    )
    Fact.objects.bulk_create(
        Fact(statement=f"Fact {n}", topic="making", work=film, person=who, passage=passage)
        for n, (who, passage) in enumerate(zip(people, passages, strict=True), start)
    )
    Milestone.objects.bulk_create(
        Milestone(
            work=film, views=n + 1, views_wording=str(n + 1), passage=passage, days_after_posting=n % 10
        )
        for n, passage in enumerate(passages, start)
    )
    Quote.objects.bulk_create(
        Quote(speaker=who, words="Tatia Pilieva", passage=passage)
        for who, passage in zip(people, passages, strict=True)
    )
    Credit.objects.bulk_create(Credit(work=film, person=who, role="cast", order=9) for who in people)
    Coverage.authors.through.objects.bulk_create(
        Coverage.authors.through(coverage=coverage, person=who)
        for coverage, who in zip(pieces, people, strict=True)
    )
    Coverage.mentioned_works.through.objects.bulk_create(
        Coverage.mentioned_works.through(coverage=coverage, work=film) for coverage in pieces
    )
    Coverage.mentioned_people.through.objects.bulk_create(
        [Coverage.mentioned_people.through(coverage=interview, person=who) for who in people]
        + [Coverage.mentioned_people.through(coverage=coverage, person=director) for coverage in pieces]
    )
    Coverage.mentioned_places.through.objects.bulk_create(
        Coverage.mentioned_places.through(coverage=interview, place=where) for where in places
    )
    Coverage.cites.through.objects.bulk_create(
        Coverage.cites.through(from_coverage=coverage, to_coverage=interview) for coverage in pieces
    )


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_sections(client):
    """The body (bytes) of every sitemap page the index /sitemap.xml lists, fetched with client (a Django
    test client) as a crawler would: the index's absolute links, read back as paths with their query."""
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    return [
        client.get(location.text.removeprefix("http://testserver")).content
        for location in index.iter(f"{SITEMAP_NS}loc")
    ]
