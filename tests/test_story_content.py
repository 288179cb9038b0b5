"""The story as stored: every row valid and cited, every fact of both source documents there (pieces,
people and roles, quotes, the interview, milestones, disagreements, places), and nothing invented.

Loading and restoring the story (the load_story and restore_story commands): tests/test_load_and_restore.py.
"""

import pytest

from people.models import Neighbourhood, Person, Place
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
from press.passages import locate
from tests.sources import FURNITURE, source_paragraphs
from tests.story import (
    ANDRE_LASCARIS,
    APP_MODELS,
    ARTICLE,
    CLOSE_UPS,
    DIRECTOR,
    FILM,
    GUARDIAN_COLUMN,
    MELISSA_COKER,
    Q_AND_A,
    SILVER_LAKE,
    SOKO,
    STUART_HERITAGE,
    STYLE_COM,
)

pytestmark = pytest.mark.django_db


# --- everything stored is valid and cited ---


def test_every_loaded_object_passes_full_clean():
    for model in APP_MODELS:
        for instance in model.objects.all():
            instance.full_clean()


def test_every_cited_passage_is_found_in_its_source():
    for passage in Passage.objects.select_related("coverage"):
        assert locate(passage.text, passage.coverage.text) is not None, passage.slug


def test_every_quote_milestone_recommendation_and_fact_is_cited():
    for model in (Quote, Milestone, Recommendation, Fact, Appearance):
        assert not model.objects.filter(passage__isnull=True).exists()
    assert not Credit.objects.filter(passage__isnull=True).exists()


# --- completeness: every fact of both documents ---


def test_both_pieces_store_their_full_text_without_page_furniture():
    texts = "\n\n".join(Coverage.objects.with_text().values_list("text", flat=True))

    for paragraph in source_paragraphs():
        assert paragraph in texts
    for furniture in FURNITURE:
        assert furniture not in texts


def test_both_pieces_have_headline_outlet_and_kind():
    article, interview = Coverage.objects.get(slug=ARTICLE), Coverage.objects.get(slug=Q_AND_A)

    assert (
        interview.headline
        == "'First Kiss' Director Opens Up About 'Most Insane Moment,' Favorite L.A. Spots (Q&A)"
    )
    assert interview.outlet.name == "Pret-a-Reporter"
    assert interview.outlet.parent.name == "The Hollywood Reporter"
    assert interview.kind == "qa"
    assert article.kind == "article"
    assert article.outlet is None  # the stored copy does not name its outlet; none is invented


def test_the_cited_pieces_and_platforms_are_there():
    assert set(Outlet.objects.values_list("name", flat=True)) >= {
        "The Telegraph",
        "The Guardian",
        "Style.com",
        "Vimeo",
        "YouTube",
        "Reddit",
    }
    cited = Coverage.objects.get(slug=ARTICLE).cites.values_list("outlet__name", flat=True)
    assert set(cited) == {"The Telegraph", "The Guardian"}
    assert Coverage.objects.get(slug=STYLE_COM).outlet.name == "Style.com"
    spread = list(Appearance.objects.filter(work__slug=FILM).values_list("outlet__name", flat=True))
    assert spread == ["Style.com", "Vimeo", "YouTube", "Reddit"]


def test_every_person_with_every_role():
    assert set(Person.objects.values_list("name", flat=True)) == {
        "Tatia Pilieva",
        "Melissa Coker",
        "Soko",
        "Andre Lascaris",
        "Richard Avedon",
        "Stuart Heritage",
        "Deborah Ann Woll",
        "Luke Grimes",
        "Nicolas Ghesquiere",
    }
    credits = set(Credit.objects.values_list("work__slug", "person__slug", "role"))
    assert credits == {
        (FILM, DIRECTOR, "director"),
        (FILM, DIRECTOR, "producer"),
        (FILM, MELISSA_COKER, "collaborator"),
        (FILM, SOKO, "music"),
        (FILM, SOKO, "cast"),
        (FILM, ANDRE_LASCARIS, "contributor"),
        ("forever", DIRECTOR, "director"),
        ("forever", "deborah-ann-woll", "cast"),
        ("forever", "luke-grimes", "cast"),
        ("forever", ANDRE_LASCARIS, "contributor"),
    }
    assert Coverage.objects.get(slug=GUARDIAN_COLUMN).authors.get().slug == STUART_HERITAGE
    assert Fact.objects.filter(
        person__slug=MELISSA_COKER, statement="Founder of the fashion label Wren"
    ).exists()
    assert Fact.objects.filter(person__slug="richard-avedon", topic="inspiration").exists()


def test_every_quote_with_its_speaker_and_to_whom_it_was_said():
    quotes = {
        quote.passage.slug: quote for quote in Quote.objects.select_related("passage", "said_to_outlet")
    }

    assert len(quotes) == 8
    assert quotes[CLOSE_UPS].speaker.slug == MELISSA_COKER
    assert quotes[CLOSE_UPS].said_to_outlet.name == "The Telegraph"
    assert quotes[CLOSE_UPS].first_published_in.outlet.name == "The Telegraph"
    assert quotes["another-version"].mode == "wrote"
    assert quotes["another-version"].said_to_outlet.name == "The Guardian"
    assert quotes["five-million"].speaker is None
    assert quotes["five-million"].speaker_description == "the editor (not named)"
    assert quotes["five-million"].said_to_person.slug == DIRECTOR
    assert quotes["human-connection"].said_to_outlet.name == "Pret-a-Reporter"


def test_the_whole_interview_question_by_question():
    questions = list(InterviewQuestion.objects.filter(coverage__slug=Q_AND_A))

    assert len(questions) == 11
    assert [q.order for q in questions] == list(range(1, 12))
    assert questions[0].question == 'What did you love about making "First Kiss"?'
    assert questions[-1].answer == "At home with Andre."
    assert {q.answered_by.slug for q in questions} == {DIRECTOR}


def test_the_view_milestones_each_with_its_wording_and_source():
    milestones = {m.views: m for m in Milestone.objects.select_related("passage__coverage", "platform")}

    assert set(milestones) == {5_000_000, 23_000_000, 69_000_000}
    assert milestones[23_000_000].passage.coverage.slug == ARTICLE
    assert milestones[69_000_000].passage.coverage.slug == Q_AND_A
    assert milestones[69_000_000].views_wording == "69 million-plus"
    assert milestones[69_000_000].at_least
    assert milestones[5_000_000].date_wording.startswith("Tuesday morning")
    assert milestones[69_000_000].days_after_posting is None  # "last Monday" gives no count of days


def test_where_the_sources_disagree_both_claims_stand_each_cited():
    week = Fact.objects.get(statement="Made in less than a week")
    others = set(week.disagrees_with.values_list("statement", "passage__coverage__slug"))

    assert week.passage.coverage.slug == Q_AND_A
    assert ("Filmed in less than a day", ARTICLE) in others
    couples = Fact.objects.get(statement="Features 20 couples kissing for the very first time")
    assert couples.disagrees_with.get().passage.coverage.slug == Q_AND_A


def test_criticism_spoofs_forever_and_the_grant():
    assert Fact.objects.filter(topic="criticism", person__slug=STUART_HERITAGE).count() == 2
    assert Fact.objects.filter(statement__contains="spoof").exists()
    forever = Work.objects.get(slug="forever")
    assert forever.kind == "feature_film"
    assert forever.year is None  # not released when the piece ran: no year is invented
    assert forever.facts.filter(organization__slug="art-of-elysium").exists()


def test_the_directors_background_homes_and_neighbourhoods():
    facts = Fact.objects.filter(person__slug=DIRECTOR)

    assert facts.filter(statement__contains="Georgia").exists()
    assert facts.filter(organization__slug="american-film-institute").exists()
    assert set(facts.exclude(neighbourhood=None).values_list("neighbourhood__slug", flat=True)) == {
        SILVER_LAKE,
        "beachwood",
        "hollywood-hills",
    }


def test_every_recommended_place_with_its_category_and_neighbourhood_in_her_words():
    places = {
        r.place.name: (
            r.place.category,
            r.place.neighbourhood and r.place.neighbourhood.name,
            r.in_their_words,
        )
        for r in Recommendation.objects.select_related("place__neighbourhood")
    }

    assert places == {
        "Little Dom's": ("restaurant", "Los Feliz", "Little Dom's in Los Feliz"),
        "Speranza": ("restaurant", "Silver Lake", "Speranza in Silver Lake"),
        "Cafe Gratitude": ("restaurant", "Larchmont", "Cafe Gratitude on Larchmont"),
        "Opening Ceremony": ("shop", None, "I do, however, like window shopping at Opening Ceremony"),
        "Museum of Jurassic Technology": ("museum", "Palms", places["Museum of Jurassic Technology"][2]),
        "OK": ("shop", None, places["OK"][2]),
        "Skylight Books": ("bookstore", None, places["Skylight Books"][2]),
    }


def test_nothing_is_invented():
    assert not Place.objects.exclude(address="").exists()
    assert not Place.objects.filter(latitude__isnull=False).exists()
    assert not Place.objects.filter(last_checked__isnull=False).exists()
    assert not Coverage.objects.filter(date_precision__in=["day", "month"]).exists()
    assert not Milestone.objects.filter(date__isnull=False).exists()
    assert Neighbourhood.objects.count() == 7
