"""Draft -> in review -> published: who may move a piece along, scheduled publication, and bulk actions."""

from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.html import escape

from people.models import Person, Place
from press.models import Coverage, Recommendation
from tests.admin_forms import admin_url, form_data, run_action
from tests.story import Q_AND_A, new_piece, new_place

pytestmark = pytest.mark.django_db

PUBLISHABLE = ["person", "organization", "place", "outlet", "work", "coverage"]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_contributors_may_add_change_and_view_but_not_publish_or_delete():
    contributors = codenames("Contributors")

    assert "add_coverage" in contributors
    assert "change_quote" in contributors
    assert "view_place" in contributors
    assert not {name for name in contributors if name.startswith(("publish_", "delete_"))}


def test_editors_also_publish_and_delete_every_publishable_model():
    editors = codenames("Editors")

    assert codenames("Contributors") < editors
    assert {f"publish_{model}" for model in PUBLISHABLE} <= editors
    assert {"delete_coverage", "delete_quote", "delete_place", "delete_neighbourhood"} <= editors


def test_a_future_publication_time_keeps_a_piece_hidden_until_then(client):
    new_piece(status="published", published_at=timezone.now() + timedelta(days=1))

    assert client.get("/coverage/a-new-piece/").status_code == 404
    assert "A new piece about First Kiss" not in client.get("/coverage/").content.decode()
    assert not Coverage.objects.published().filter(slug="a-new-piece").exists()


def test_a_past_publication_time_shows_the_piece(client):
    new_piece(status="published", published_at=timezone.now() - timedelta(minutes=1))

    assert client.get("/coverage/a-new-piece/").status_code == 200
    assert "A new piece about First Kiss" in client.get("/coverage/").content.decode()


def test_the_claims_of_a_scheduled_piece_wait_with_it(client):
    interview = Coverage.objects.get(slug=Q_AND_A)
    recommendation = Recommendation.objects.filter(passage__coverage=interview).first()
    interview.published_at = timezone.now() + timedelta(hours=2)
    interview.save()

    assert client.get(f"/coverage/{Q_AND_A}/").status_code == 404
    assert not Recommendation.objects.published().filter(passage__coverage=interview).exists()
    assert f"#{recommendation.passage.anchor}" not in client.get("/places/").content.decode()


def test_the_changelist_says_when_a_piece_is_scheduled(editor_client):
    new_piece(status="published", published_at=timezone.now() + timedelta(days=3))

    html = editor_client.get(admin_url(Coverage, "changelist"), {"publication": "scheduled"}).content.decode()

    assert "Scheduled for" in html
    assert "A new piece about First Kiss" in html
    assert Q_AND_A not in html


def test_an_editor_publishes_selected_pieces_and_is_told_how_many(editor_client):
    drafts = [new_piece(f"draft-{n}") for n in range(2)]
    live = Coverage.objects.get(slug=Q_AND_A)

    response = run_action(editor_client, Coverage, "publish", *drafts, live)

    assert messages_of(response) == ["2 pieces of coverage published. 1 left as it was: already published."]
    assert all(Coverage.objects.get(pk=draft.pk).is_published for draft in drafts)
    assert editor_client.get("/coverage/draft-0/").status_code == 200


def test_an_editor_unpublishes_and_the_page_is_gone(editor_client, visitor):
    live = Coverage.objects.get(slug=Q_AND_A)

    response = run_action(editor_client, Coverage, "unpublish", live)

    assert messages_of(response) == ["1 piece of coverage unpublished (back to draft)."]
    assert Coverage.objects.get(pk=live.pk).status == "draft"
    assert visitor.get(f"/coverage/{Q_AND_A}/").status_code == 404


def test_publish_now_on_the_change_form(editor_client):
    draft = new_piece()
    url = admin_url(Coverage, "change", draft.pk)

    page = editor_client.get(url).content.decode()
    response = editor_client.post(
        url,
        {"CHANGE_FORM-action": "publish", helpers.ACTION_CHECKBOX_NAME: draft.pk, "index": 0},
        follow=True,
    )

    assert "Publish now" in page
    assert messages_of(response) == ["1 piece of coverage published."]
    assert Coverage.objects.get(pk=draft.pk).is_published


def test_publishing_through_the_form_records_when(editor_client):
    draft = new_piece()
    url = admin_url(Coverage, "change", draft.pk)
    data = form_data(editor_client.get(url))

    editor_client.post(url, {**data, "status": "published", "_save": "Save"})

    draft.refresh_from_db()
    assert draft.is_published
    assert timezone.now() - draft.published_at < timedelta(minutes=1)


def test_feature_and_unfeature_put_pieces_on_and_off_the_home_page(editor_client, visitor):
    piece = new_piece(status="published")

    featured = run_action(editor_client, Coverage, "feature", piece)
    home_after_featuring = visitor.get("/").content.decode()
    unfeatured = run_action(editor_client, Coverage, "unfeature", piece)

    assert messages_of(featured) == ["1 piece of coverage featured."]
    assert messages_of(unfeatured) == ["1 piece of coverage no longer featured."]
    featured_section = home_after_featuring.split('id="featured"')[1].split("</section>")[0]
    assert "A new piece about First Kiss" in featured_section
    featured_now = visitor.get("/").content.decode().split('id="featured"')[1].split("</section>")[0]
    assert "A new piece about First Kiss" not in featured_now


def test_editors_order_featured_pieces_in_the_changelist_and_the_home_page_follows(editor_client, visitor):
    first, second = (
        new_piece("first-piece", status="published"),
        new_piece("second-piece", status="published"),
    )
    Coverage.objects.filter(pk=first.pk).update(headline="Alpha piece", featured=True, feature_order=1)
    Coverage.objects.filter(pk=second.pk).update(headline="Beta piece", featured=True, feature_order=2)
    response = editor_client.get(admin_url(Coverage, "changelist"), {"featured__exact": "1"})
    data = form_data_of_changelist(response)
    rows = {data[f"form-{n}-id"]: n for n in range(int(data["form-TOTAL_FORMS"]))}
    data[f"form-{rows[str(first.pk)]}-feature_order"] = "9"

    saved = editor_client.post(
        admin_url(Coverage, "changelist") + "?featured__exact=1", {**data, "_save": "Save"}, follow=True
    )

    assert saved.status_code == 200
    featured = visitor.get("/").content.decode().split('id="featured"')[1].split("</section>")[0]
    assert featured.index("Beta piece") < featured.index("Alpha piece")


def test_editors_order_the_guide_in_the_changelist_and_the_places_page_follows(editor_client, visitor):
    recommendations = list(Recommendation.objects.filter(place__category="restaurant").order_by("order"))
    assert len(recommendations) >= 2
    last = recommendations[-1]
    response = editor_client.get(admin_url(Recommendation, "changelist"), {"place__category": "restaurant"})
    data = form_data_of_changelist(response)
    for n in range(int(data["form-TOTAL_FORMS"])):
        data[f"form-{n}-order"] = "5" if data[f"form-{n}-id"] == str(last.pk) else "10"

    editor_client.post(
        admin_url(Recommendation, "changelist") + "?place__category=restaurant", {**data, "_save": "Save"}
    )

    html = visitor.get("/places/", {"category": "restaurant"}).content.decode()
    first_place = recommendations[0].place.name.replace("'", "&#x27;")
    assert html.index(last.place.name.replace("'", "&#x27;")) < html.index(first_place)


def test_a_place_whose_recommendation_is_deleted_leaves_the_head_of_the_guide(editor_client, visitor):
    recommended = list(Recommendation.objects.filter(place__category="restaurant").order_by("order"))
    assert len(recommended) >= 2
    first, second = recommended[0], recommended[1]

    deleted = editor_client.post(admin_url(Recommendation, "delete", first.pk), {"post": "yes"}, follow=True)

    assert deleted.status_code == 200
    assert not Recommendation.objects.filter(pk=first.pk).exists()
    html = visitor.get("/places/", {"category": "restaurant"}).content.decode()
    assert html.index(listed(second.place)) < html.index(listed(first.place))


def test_a_recommendation_moved_to_another_place_carries_its_order_there(visitor):
    first, second = Recommendation.objects.filter(place__category="restaurant").order_by("order")[:2]
    left_behind = first.place
    newcomer = new_place("aardvark-diner", name="Aardvark Diner", status="published")

    first.place = newcomer
    first.save()

    html = visitor.get("/places/", {"category": "restaurant"}).content.decode()
    assert html.index(listed(newcomer)) < html.index(listed(second.place))
    assert html.index(listed(second.place)) < html.index(listed(left_behind))


def listed(place):
    """A place's entry in the guide (its name also turns up in recommendations' words)."""
    return f'href="{place.get_absolute_url()}">{escape(place.name)}</a>'


def form_data_of_changelist(response):
    formset = response.context["cl"].formset
    data = {field.html_name: field.value() for field in formset.management_form}
    for form in formset.forms:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = str(value)
    return data


# A contributor cannot publish by any route.


def test_a_contributor_is_offered_only_draft_and_in_review(contributor_client):
    form = contributor_client.get(admin_url(Coverage, "add")).context["adminform"].form

    assert [value for value, _ in form.fields["status"].choices] == ["draft", "in_review"]
    assert "published_at" not in form.fields
    assert "featured" not in form.fields


def test_a_contributor_submits_a_draft_for_review(contributor_client):
    draft = new_piece()

    response = run_action(contributor_client, Coverage, "submit_for_review", draft)

    assert messages_of(response) == ["1 piece of coverage submitted for review."]
    assert Coverage.objects.get(pk=draft.pk).status == "in_review"


def test_a_contributor_cannot_publish_through_the_form(contributor_client):
    draft = new_piece()
    url = admin_url(Coverage, "change", draft.pk)
    data = form_data(contributor_client.get(url))

    response = contributor_client.post(url, {**data, "status": "published", "_save": "Save"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Coverage.objects.get(pk=draft.pk).status == "draft"


def test_a_contributor_cannot_publish_with_a_crafted_action(contributor_client, visitor):
    draft = new_piece()

    run_action(contributor_client, Coverage, "publish", draft)
    contributor_client.post(
        admin_url(Coverage, "change", draft.pk),
        {"CHANGE_FORM-action": "publish", helpers.ACTION_CHECKBOX_NAME: draft.pk, "index": 0},
    )

    assert Coverage.objects.get(pk=draft.pk).status == "draft"
    assert visitor.get("/coverage/a-new-piece/").status_code == 404


def test_a_contributor_sees_no_publishing_actions(contributor_client):
    draft = new_piece()

    changelist = contributor_client.get(admin_url(Coverage, "changelist")).content.decode()
    change_form = contributor_client.get(admin_url(Coverage, "change", draft.pk)).content.decode()

    for html in (changelist, change_form):
        assert 'value="publish"' not in html
        assert 'value="unpublish"' not in html
        assert 'value="feature"' not in html
        assert 'value="submit_for_review"' in html


def test_a_contributor_cannot_feature_or_reorder_in_the_changelist(contributor_client):
    draft = new_piece()
    response = contributor_client.get(admin_url(Coverage, "changelist"))
    data = form_data_of_changelist(response)
    row = next(n for n in range(int(data["form-TOTAL_FORMS"])) if data[f"form-{n}-id"] == str(draft.pk))

    contributor_client.post(
        admin_url(Coverage, "changelist"),
        {**data, f"form-{row}-featured": "on", f"form-{row}-feature_order": "1", "_save": "Save"},
    )

    assert not Coverage.objects.get(pk=draft.pk).featured


def test_a_contributor_changes_what_is_already_public_only_as_a_draft(contributor_client):
    live = Coverage.objects.get(slug=Q_AND_A)
    url = admin_url(Coverage, "change", live.pk)

    page = contributor_client.get(url)
    response = contributor_client.post(url, {"headline": "Changed", "_save": "Save"})

    assert page.status_code == 200
    assert 'name="_save_draft"' in page.text and 'value="Save and publish"' not in page.text
    assert response.status_code == 200  # an incomplete form comes back with its errors, as a draft save
    assert Coverage.objects.get(pk=live.pk).headline == live.headline


def test_a_contributor_cannot_change_a_claim_on_a_public_piece(contributor_client):
    quote = Coverage.objects.get(slug=Q_AND_A).quotes.first()

    response = contributor_client.post(admin_url(type(quote), "change", quote.pk), {"words": "x"})

    assert response.status_code == 403


def test_a_contributor_cannot_delete(contributor_client):
    draft = new_piece()

    response = contributor_client.post(admin_url(Coverage, "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Coverage.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("model", [Person, Place])
def test_the_workflow_covers_people_and_places_too(editor_client, model):
    obj = model.objects.published().first()

    response = run_action(editor_client, model, "unpublish", obj)

    assert "unpublished" in messages_of(response)[0]
    assert not model.objects.published().filter(pk=obj.pk).exists()
