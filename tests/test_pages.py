"""What a visitor sees: the film at a glance on /, and each piece of coverage in full."""

import pytest
from django.urls import reverse

from editorial.models import PublicationStatus
from people.models import Person, Place
from press.models import Appearance, Coverage, Credit, Fact, Milestone, Passage, Work
from tests.story import (
    ARTICLE,
    DIRECTOR,
    EDITABLE_MODELS,
    FILM,
    GUARDIAN_COLUMN,
    MELISSA_COKER,
    PRET_A_REPORTER,
    Q_AND_A,
    SILVER_LAKE,
    SOKO,
    SPERANZA,
    STUART_HERITAGE,
    TELEGRAPH_INTERVIEW,
    new_piece,
)

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_home_shows_the_film_at_a_glance(client):
    html = page(client, "/")

    assert '<h1 id="film-title">First Kiss</h1>' in html
    for credit in ("Tatia Pilieva</a>, director", "Melissa Coker</a>, collaborator", "Soko</a>, music"):
        assert credit in html
    for milestone in ("5 million", "23 million", "69 million-plus"):
        assert f"<td>{milestone}</td>" in html
    assert "Filmed in less than a day" in html and "Made in less than a week" in html
    for outlet in ("Style.com", "Vimeo", "YouTube", "Reddit"):
        assert f">{outlet}</a>:" in html
    assert '<svg viewBox="0 0 640 340" role="img"' in html


def test_home_shows_featured_and_latest_coverage_and_a_teaser_of_the_guide(client):
    html = page(client, "/")

    featured = html[html.index('id="featured"') : html.index('id="latest"')]
    assert featured.index(Q_AND_A) < featured.index(ARTICLE)  # feature_order 1 before 2
    assert html.count("<blockquote>") == 4
    assert 'href="/places/">The whole L.A. guide</a>' in html


def test_every_claim_on_home_shows_its_source(client):
    html = page(client, "/")
    film_facts = Fact.objects.filter(work__slug=FILM, topic__in=["making", "criticism"])
    claims = (
        Credit.objects.filter(work__slug=FILM).count()
        + Milestone.objects.count()
        + Appearance.objects.count()
        + film_facts.count()
        + 4  # the guide's teaser
    )

    assert html.count('class="source"') == claims


def test_a_claims_source_links_to_its_passage_in_the_piece(client):
    html = page(client, "/")
    passage = Passage.objects.get(slug="three-days")

    assert f'href="/coverage/{ARTICLE}/#passage-three-days"' in html
    assert 'id="passage-three-days"' in page(client, passage.coverage.get_absolute_url())


def test_a_piece_shows_its_full_text_with_every_cited_passage_highlighted_and_anchored(client):
    coverage = Coverage.objects.get(slug=Q_AND_A)
    html = page(client, coverage.get_absolute_url())

    assert "Pret-a-Reporter</a>, part of <a" in html
    assert "The Hollywood Reporter" in html
    assert "At home with Andre." in html
    for passage in coverage.passages.all():
        assert f'id="{passage.anchor}"' in html
    assert "<mark>I love my street as it&#x27;s in a cul-de-sac." in html
    assert html.count('<dt id="question-') == 11


def test_a_piece_shows_its_quotes_with_speaker_and_source(client):
    html = page(client, reverse("press:coverage-detail", kwargs={"slug": ARTICLE}))

    assert "I don&#x27;t want to see any close-ups on shoes or skirts" in html
    assert "Melissa Coker</a>\n    said to The Telegraph." in html
    assert "Outlet not named in the stored copy" in html
    assert f'href="/coverage/{TELEGRAPH_INTERVIEW}/"' in html  # a related piece it cites


def test_a_piece_known_only_through_citations_shows_what_was_quoted_from_it(client):
    html = page(client, reverse("press:coverage-detail", kwargs={"slug": GUARDIAN_COLUMN}))

    assert "Its text is not stored" in html
    assert "with grotty, normal people." in html
    assert "The sources do not give this piece's headline" in html


@pytest.mark.parametrize(
    "url",
    [
        f"/films/{FILM}/",
        "/films/forever/",
        f"/people/{DIRECTOR}/",
        f"/people/{STUART_HERITAGE}/",
        "/places/museum-of-jurassic-technology/",
        "/organizations/art-of-elysium/",
        f"/neighbourhoods/{SILVER_LAKE}/",
        f"/outlets/{PRET_A_REPORTER}/",
    ],
)
def test_every_object_page_answers(client, url):
    page(client, url)


def test_a_persons_page_gathers_roles_quotes_and_recommendations(client):
    html = page(client, f"/people/{DIRECTOR}/")

    assert "Originally from Georgia" in html
    assert "Museum of Jurassic Technology" in html
    assert "What did you love about making" in html


def test_drafts_are_hidden_from_visitors(client):
    Coverage.objects.filter(slug=ARTICLE).update(status=PublicationStatus.DRAFT)
    Person.objects.filter(slug=SOKO).update(status=PublicationStatus.DRAFT)

    page(client, reverse("press:coverage-detail", kwargs={"slug": ARTICLE}), status=404)
    page(client, f"/people/{SOKO}/", status=404)
    html = page(client, "/")
    assert f"/coverage/{ARTICLE}/" not in html
    assert f"/people/{SOKO}/" not in html
    assert "23 million" not in html  # its milestone rests on the hidden piece


def test_an_unknown_address_gets_the_sites_404_page(client):
    html = page(client, "/coverage/no-such-piece/", status=404)

    assert "Page not found" in html


def test_pages_refuse_posts(client):
    assert client.post("/").status_code == 405


def test_pages_stay_within_a_query_budget(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page(client, "/")
    with django_assert_max_num_queries(20):
        page(client, reverse("press:coverage-detail", kwargs={"slug": Q_AND_A}))


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=lambda model: model._meta.label)
def test_every_row_has_a_name_and_a_page_that_answers(client, model):
    """What the admin's "View on site" opens, for every row of every model."""
    for instance in model.objects.all():
        assert str(instance)
        url = instance.get_absolute_url()
        assert client.get(url.split("#")[0]).status_code == 200, url


def test_staff_see_drafts_with_a_visible_banner(admin_client):
    Coverage.objects.filter(slug=ARTICLE).update(status=PublicationStatus.DRAFT)

    html = page(admin_client, reverse("press:coverage-detail", kwargs={"slug": ARTICLE}))

    assert 'class="draft-banner"' in html


def test_published_pages_have_no_draft_banner(admin_client):
    assert 'class="draft-banner"' not in page(
        admin_client, reverse("press:coverage-detail", kwargs={"slug": ARTICLE})
    )


@pytest.mark.parametrize(
    ("slug", "roles"),
    [
        (DIRECTOR, "Director, Producer, Interviewee, Quoted, Recommends places"),
        (STUART_HERITAGE, "Critic, Quoted"),
        (SOKO, "Music, Cast"),
        (MELISSA_COKER, "Collaborator, Quoted"),
    ],
)
def test_a_persons_page_names_every_role_they_have(client, slug, roles):
    assert f"On this site: {roles}." in page(client, f"/people/{slug}/")


def test_a_place_with_coordinates_links_to_openstreetmap(client):
    Place.objects.filter(slug=SPERANZA).update(latitude="34.090700", longitude="-118.277500")

    html = page(client, f"/places/{SPERANZA}/")

    assert 'href="https://www.openstreetmap.org/?mlat=34.090700&amp;mlon=-118.277500' in html
    assert "<iframe" not in html


def test_a_place_without_coordinates_says_so(client):
    assert "No source gives its address or coordinates" in page(client, f"/places/{SPERANZA}/")


def mention_the_film(count):
    film = Work.objects.get(slug=FILM)
    pieces = Coverage.objects.bulk_create(
        new_piece(f"mention-{n}", headline=f"Mention {n}", status="published", save=False)
        for n in range(count)
    )
    Coverage.mentioned_works.through.objects.bulk_create(
        Coverage.mentioned_works.through(coverage=piece, work=film) for piece in pieces
    )


def test_a_films_page_links_to_every_piece_that_mentions_it(client):
    mention_the_film(40)
    total = Coverage.objects.published().filter(mentioned_works__slug=FILM).count()

    html = page(client, f"/films/{FILM}/")

    assert f'href="/coverage/?work={FILM}">All {total} pieces that mention First Kiss</a>' in html


def test_a_film_mentioned_past_the_lists_cap_says_more_than_the_cap(client):
    mention_the_film(1001)

    html = page(client, f"/films/{FILM}/")

    assert "More than 1,000 pieces mention First Kiss: browse them in the coverage list</a>" in html
