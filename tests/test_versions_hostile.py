"""Versions attacked: a contributor tries every route to publish or change a live row (restore, recover,
actions' revisions), bad version ids and versions that no longer load, drafts whose rows changed since.
Bad input is a 4xx, never a 500; nothing is lost; a contributor never publishes."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from editorial.models import Draft, PublicationStatus
from people.models import Person
from press.models import Coverage, Passage, Quote
from tests.admin_forms import add_inline_rows, admin_url, change_form, run_action
from tests.story import ARTICLE, GUARDIAN_COLUMN, Q_AND_A, new_piece, new_staff_member

pytestmark = pytest.mark.django_db

CLOSING = "Nobody who watched it has forgotten the first kiss."


def versions(obj):
    """obj's versions, newest first."""
    return list(Version.objects.get_for_object(obj).order_by("-pk"))


def restore_url(obj, version_id):
    """The admin's restore page of obj's version version_id (anything the URL takes)."""
    return f"{admin_url(type(obj), 'change', obj.pk)[: -len('change/')]}history/{version_id}/"


def compare_url(obj):
    """The admin's compare page of obj's versions."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_compare", args=(obj.pk,))


def save_text(client, piece, text, button="_save"):
    """Posts piece's change form unchanged but for its text, with `button`; the response."""
    url, _, data = change_form(client, piece)
    data.pop("_save")
    return client.post(url, {**data, "text": text, button: "Save"})


def saved_twice(client, obj):
    """Saves obj's change form twice, unchanged; obj's two newest versions, newest first."""
    url, _, data = change_form(client, obj)
    client.post(url, data)
    client.post(url, data)
    return versions(obj)[:2]


def test_a_contributor_cannot_restore_a_version_in_which_an_unpublished_row_was_on_the_site(
    editor_client, contributor
):
    piece = Coverage.objects.get(slug=Q_AND_A)
    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, data)
    on_the_site = versions(piece)[0]
    run_action(editor_client, Coverage, "unpublish", piece)
    contributor_client = Client()
    contributor_client.force_login(contributor)

    confirm = contributor_client.get(restore_url(piece, on_the_site.pk))
    restored = contributor_client.post(restore_url(piece, on_the_site.pk))

    assert confirm.status_code == 403 and restored.status_code == 403
    piece.refresh_from_db()
    assert piece.status == PublicationStatus.DRAFT


def test_a_contributor_cannot_restore_a_version_an_action_saved_with_a_live_row(editor_client, contributor):
    piece, other = Coverage.objects.get(slug=Q_AND_A), Coverage.objects.get(slug=ARTICLE)
    run_action(editor_client, Coverage, "unpublish", piece, other)  # one revision holds both, as drafts
    shared = versions(piece)[0]
    run_action(editor_client, Coverage, "publish", other)
    contributor_client = Client()
    contributor_client.force_login(contributor)

    refused = contributor_client.post(restore_url(piece, shared.pk))

    assert refused.status_code == 403
    assert Coverage.objects.get(pk=other.pk).is_published


def test_a_contributor_cannot_publish_a_draft_through_reversions_recover_pages(contributor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    save_text(contributor_client, piece, f"{piece.text}\n\n{CLOSING}", button="_submit_draft")
    held = Draft.open_for(piece).revision.version_set.exclude(object_id=str(piece.pk))
    # recover_view changes the admin's row whose pk is the version's object_id, after putting back the
    # whole revision: a draft piece of the contributor's own with the pk of a passage the draft holds.
    version = next(row for row in held if not Coverage.objects.filter(pk=int(row.object_id)).exists())
    own_draft = new_piece("the-contributors-own", pk=int(version.object_id))
    _, _, data = change_form(contributor_client, own_draft)

    listing = contributor_client.get("/admin/press/coverage/recover/", follow=True)
    contributor_client.post(f"/admin/press/coverage/recover/{version.pk}/", data)

    assert "Recover deleted" not in listing.text  # the admin's "no such row", not reversion's list
    assert CLOSING not in Coverage.objects.get(pk=piece.pk).text


def test_a_staff_member_without_permissions_gets_no_version_page(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    newest, older = saved_twice(editor_client, piece)
    nobody = Client()
    nobody.force_login(new_staff_member("nobody"))
    paths = [
        admin_url(Coverage, "history", piece.pk),
        f"{compare_url(piece)}?version_id1={older.pk}&version_id2={newest.pk}",
        restore_url(piece, older.pk),
    ]

    answers = [nobody.get(path).status_code for path in paths] + [nobody.post(paths[-1]).status_code]

    assert answers == [403] * 4
    assert Coverage.objects.get(pk=piece.pk).text == piece.text


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"version_id1": "x", "version_id2": "y"},
        {"version_id1": "-1", "version_id2": "1"},
        {"version_id1": "9223372036854775808", "version_id2": "1"},
        {"version_id1": "99999999999999999999999", "version_id2": "1"},
        {"version_id1": "1\x00", "version_id2": "2"},
    ],
    ids=["missing", "words", "negative", "past-bigint", "huge", "nul"],
)
def test_compare_with_bad_version_ids_is_a_404(editor_client, query):
    piece = Coverage.objects.get(slug=Q_AND_A)

    # A NUL in an admin address's query is a 400 on every admin page (HardenedAdmin).
    assert editor_client.get(compare_url(piece), query).status_code == (
        400 if "\x00" in query.get("version_id1", "") else 404
    )


@pytest.mark.parametrize("version_id", ["0", "9223372036854775808", "99999999999999999999999", "١٢"])
def test_restore_with_a_bad_version_id_is_a_404(editor_client, version_id):
    piece = Coverage.objects.get(slug=Q_AND_A)

    assert editor_client.get(restore_url(piece, version_id)).status_code == 404
    assert editor_client.post(restore_url(piece, version_id)).status_code == 404


def test_versions_of_another_row_or_model_are_a_404(editor_client):
    piece, other = Coverage.objects.get(slug=Q_AND_A), Coverage.objects.get(slug=ARTICLE)
    mine, theirs = saved_twice(editor_client, piece)[0], saved_twice(editor_client, other)[0]
    person_version = saved_twice(editor_client, Person.objects.order_by("pk").first())[0]

    compared = editor_client.get(compare_url(piece), {"version_id1": mine.pk, "version_id2": theirs.pk})

    assert compared.status_code == 404
    assert editor_client.post(restore_url(piece, theirs.pk)).status_code == 404
    assert editor_client.post(restore_url(piece, person_version.pk)).status_code == 404
    assert Coverage.objects.get(pk=piece.pk).text == piece.text


def test_restoring_one_row_leaves_the_rows_an_action_saved_with_it(editor_client):
    piece, other = Coverage.objects.get(slug=Q_AND_A), Coverage.objects.get(slug=ARTICLE)
    run_action(editor_client, Coverage, "unpublish", piece, other)
    run_action(editor_client, Coverage, "publish", piece, other)  # one revision holds both
    shared = versions(piece)[0]
    save_text(editor_client, other, f"{other.text}\n\n{CLOSING}")

    restored = editor_client.post(restore_url(piece, shared.pk))

    assert restored.status_code == 302
    assert CLOSING in Coverage.objects.get(pk=other.pk).text


def test_restoring_a_version_that_no_longer_loads_is_refused_not_a_500(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, data)
    old = versions(piece)[0]
    # A version saved before a migration changed the field's type.
    rows = json.loads(old.serialized_data)
    rows[0]["fields"]["date"] = "the spring of 2014"
    old.serialized_data = json.dumps(rows)
    old.save()
    editor_client.post(url, data)
    client = Client(raise_request_exception=False)
    client.force_login(versions(piece)[0].revision.user)

    confirm = client.get(restore_url(piece, old.pk))
    refused = client.post(restore_url(piece, old.pk))

    assert confirm.status_code == 200 and refused.status_code == 409
    assert client.get(admin_url(Coverage, "history", piece.pk)).status_code == 200


def test_a_draft_with_a_nul_is_a_form_error_and_keeps_no_draft(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)

    answer = save_text(editor_client, piece, f"{piece.text}\x00", button="_save_draft")

    assert answer.status_code == 200 and "errornote" in answer.text
    assert Draft.open_for(piece) is None


def test_restoring_a_version_with_the_old_slug_takes_the_address_back(editor_client, visitor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    old_address = piece.get_absolute_url()
    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, data)
    before_move = versions(piece)[0]
    editor_client.post(url, {**data, "slug": "a-new-address"})

    restored = editor_client.post(restore_url(piece, before_move.pk))

    assert restored.status_code == 302
    assert visitor.get(old_address).status_code == 200
    moved_back = visitor.get("/coverage/a-new-address/")
    assert moved_back.status_code == 301 and moved_back["Location"].endswith(old_address)


def test_a_draft_s_new_quote_keeps_its_id_from_rows_saved_meanwhile(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    url, response, data = change_form(editor_client, piece)
    data.pop("_save")
    new_quote = {"passage_text": CLOSING, "words": CLOSING, "speaker_description": "a viewer", "mode": "said"}
    add_inline_rows(response, data, Quote, [new_quote])
    editor_client.post(url, {**data, "text": f"{piece.text}\n\n{CLOSING}", "_save_draft": "Save"})
    other = Coverage.objects.get(slug=ARTICLE)
    word = other.text.split()[0]
    meanwhile = Quote.objects.create(
        passage=Passage.objects.create(coverage=other, slug="meanwhile", text=word),
        words=word,
        speaker_description="someone",
    )

    url, _, data = change_form(editor_client, piece)
    published = editor_client.post(url, data)

    assert published.status_code == 302
    assert Quote.objects.filter(pk=meanwhile.pk, passage__coverage=other).exists()
    assert piece.quotes.filter(words=CLOSING).exists()


def test_publishing_a_draft_keeps_a_quote_added_since_in_the_quote_admin(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING}", button="_save_draft")
    passage = piece.passages.order_by("pk").first()
    added_since = Quote.objects.create(
        passage=passage, words=passage.text.split()[0], speaker_description="someone"
    )

    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, data)

    assert Quote.objects.filter(pk=added_since.pk).exists()


def test_publishing_a_draft_keeps_the_featuring_changed_since_in_the_list(editor_client):
    piece = Coverage.objects.get(slug=GUARDIAN_COLUMN)
    save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING}", button="_save_draft")
    Coverage.objects.filter(pk=piece.pk).update(featured=not piece.featured, feature_order=7)

    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, data)

    assert Coverage.objects.get(pk=piece.pk).featured is not piece.featured
