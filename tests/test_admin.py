"""Every model is in the admin, every admin page answers, and the admin refuses an uncited passage."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from press.models import Coverage, Passage, Quote
from tests.admin_forms import admin_url
from tests.story import EDITABLE_MODELS, Q_AND_A

pytestmark = pytest.mark.django_db


def test_every_model_is_registered():
    assert [model for model in EDITABLE_MODELS if not admin.site.is_registered(model)] == []


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("role", ["editor_client", "contributor_client"])
def test_changelist_add_change_and_history_pages_answer(request, role, model):
    """Walks every admin page an editor or a contributor uses, for every model."""
    client = request.getfixturevalue(role)
    instance = model.objects.first()

    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "changelist") + "?_facets=1",
        admin_url(model, "add"),
        admin_url(model, "change", instance.pk),
        admin_url(model, "history", instance.pk),
    ]:
        assert client.get(url).status_code == 200, url


def test_changelist_search_answers(admin_client):
    response = admin_client.get(admin_url(Coverage, "changelist"), {"q": "Avedon"})

    assert response.status_code == 200
    assert "Melissa Coker" in response.content.decode()


def test_the_admin_refuses_a_passage_that_is_not_in_its_source(admin_client):
    coverage = Coverage.objects.get(slug=Q_AND_A)

    response = admin_client.post(
        admin_url(Passage, "add"),
        {"coverage": coverage.pk, "slug": "made-up", "text": "I love the humanity and tenderness of Paris."},
    )

    assert response.status_code == 200
    assert "Not found in the text of" in response.content.decode()
    assert "“of Paris.”" in response.content.decode()
    assert not Passage.objects.filter(slug="made-up").exists()


def test_the_admin_accepts_a_passage_that_is_in_its_source(admin_client):
    coverage = Coverage.objects.get(slug=Q_AND_A)

    response = admin_client.post(
        admin_url(Passage, "add"), {"coverage": coverage.pk, "slug": "evening", "text": "by the evening"}
    )

    assert response.status_code == 302
    assert Passage.objects.filter(coverage=coverage, slug="evening").exists()


def test_view_on_site_links_to_the_public_page(admin_client):
    coverage = Coverage.objects.get(slug=Q_AND_A)

    html = admin_client.get(admin_url(Coverage, "change", coverage.pk)).content.decode()

    assert "View on site" in html


def test_an_uncited_claim_offers_no_page_and_its_view_on_site_address_is_a_404(admin_client):
    uncited = Quote.objects.create(words="Kissing is a universal language", speaker_description="someone")

    html = admin_client.get(admin_url(Quote, "change", uncited.pk)).content.decode()
    shortcut = admin_client.get(f"/admin/r/{ContentType.objects.get_for_model(Quote).pk}/{uncited.pk}/")

    assert "View on site" not in html
    assert shortcut.status_code == 404
