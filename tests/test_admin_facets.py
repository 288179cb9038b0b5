"""The admin's lists with their filter facets when a related model has thousands of rows: PostgreSQL
refused the facet counts of 2,008 outlets (one column each, 1,664 at most) and the coverage list answered
500 after every bulk action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from editorial.admin import filters
from editorial.models import live
from people.models import Neighbourhood, Place
from press.models import Coverage, Milestone, Outlet, Quote, Work
from tests.admin_forms import admin_url
from tests.story import new_piece, new_place

pytestmark = pytest.mark.django_db

# More than PostgreSQL's 1,664 columns in a target list.
MANY = 1_700


def sidebar(response):
    """The changelist's filter sidebar, as text."""
    html = response.content.decode()
    return html[html.index('id="changelist-filter"') :]


def test_the_coverage_list_answers_with_more_outlets_than_postgresql_has_columns(editor_client):
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {n:04}", slug=f"outlet-{n}", kind="magazine") for n in range(MANY)
    )
    Coverage.objects.bulk_create(
        new_piece(f"piece-{n}", headline=f"Piece {n}", outlet=outlet, save=False)
        for n, outlet in enumerate(outlets)
    )

    response = editor_client.get(admin_url(Coverage, "changelist"))

    assert response.status_code == 200
    shown = sidebar(response)
    assert f"outlet (the {filters.MAX_LISTED_CHOICES} most used)" in shown
    assert shown.count("outlet__id__exact=") <= filters.MAX_LISTED_CHOICES
    # The cheap facets stay: every piece is a draft article.
    assert "Draft (" in shown


def test_an_outlet_left_out_of_the_list_still_filters_and_shows_as_chosen(editor_client):
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {n:04}", slug=f"outlet-{n}", kind="magazine") for n in range(MANY)
    )
    Coverage.objects.bulk_create(
        new_piece(f"piece-{n}", headline=f"Piece {n}", outlet=outlet, save=False)
        for n, outlet in enumerate(outlets)
    )
    last = outlets[-1]

    response = editor_client.get(admin_url(Coverage, "changelist"), {"outlet__id__exact": last.pk})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert f"Piece {MANY - 1}" in response.content.decode()
    chosen = [c for spec in response.context["cl"].filter_specs for c in spec.choices(response.context["cl"])]
    assert any(c["selected"] and c["display"].startswith(last.name) for c in chosen)


def test_a_bad_outlet_in_the_address_is_refused_not_a_500(editor_client):
    response = editor_client.get(admin_url(Coverage, "changelist"), {"outlet__id__exact": "nope"})

    # The hardened admin's answer to a list address it cannot read (BadListAddress).
    assert response.status_code == 400


@pytest.mark.parametrize("cap", [3])
def test_every_list_filtered_by_a_related_model_lists_the_most_used_only(editor_client, monkeypatch, cap):
    monkeypatch.setattr(filters, "MAX_LISTED_CHOICES", cap)
    neighbourhoods = Neighbourhood.objects.bulk_create(
        Neighbourhood(name=f"Hood {n}", slug=f"hood-{n}") for n in range(cap + 2)
    )
    Place.objects.bulk_create(
        new_place(f"place-{n}", neighbourhood=hood, save=False) for n, hood in enumerate(neighbourhoods)
    )
    work = Work.objects.first()
    works = Work.objects.bulk_create(
        Work(title=f"Work {n}", slug=f"work-{n}", kind=work.kind, logline="One.") for n in range(cap + 2)
    )
    Milestone.objects.bulk_create(
        Milestone(work=w, views=n + 1, views_wording=str(n + 1), days_after_posting=1)
        for n, w in enumerate(works)
    )

    places = editor_client.get(admin_url(Place, "changelist"))
    milestones = editor_client.get(admin_url(Milestone, "changelist"))

    assert places.status_code == milestones.status_code == 200
    assert f"neighbourhood (the {cap} most used)" in sidebar(places)
    assert f"work (the {cap} most used)" in sidebar(milestones)
    assert sidebar(milestones).count("work__id__exact=") == cap


def test_the_publication_facets_count_each_state(editor_client):
    ahead = timezone.now() + timedelta(days=3)
    new_piece("a-draft")
    new_piece("in-review", status="in_review")
    new_piece("scheduled", status="published", published_at=ahead)
    new_piece("on-the-site", status="published")
    expected = {
        "Draft": Coverage.objects.filter(status="draft").count(),
        "In review": Coverage.objects.filter(status="in_review").count(),
        "Scheduled": Coverage.objects.filter(status="published", published_at__gt=timezone.now()).count(),
        "On the site": Coverage.objects.filter(live()).count(),
    }

    shown = sidebar(editor_client.get(admin_url(Coverage, "changelist")))

    for label, count in expected.items():
        assert f"{label} ({count})" in shown


def test_the_source_facets_count_cited_and_uncited_quotes(editor_client):
    Quote.objects.create(words="Uncited words", speaker_description="someone")
    cited = Quote.objects.filter(passage__isnull=False).count()
    uncited = Quote.objects.filter(passage__isnull=True).count()

    shown = sidebar(editor_client.get(admin_url(Quote, "changelist")))

    assert f"Cited ({cited})" in shown
    assert f"Not cited yet ({uncited})" in shown
