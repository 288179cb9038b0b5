"""Drafts merged into rows that changed since: publishing (or showing) a draft applies only what it changed
from the version it was made from, so rows deleted, edited or mentioned since keep what was done to them;
a draft that no longer fits is refused with a message, never a 500, and a staff preview never empties the
public page cache."""

import pytest
from django.test import Client
from reversion import create_revision
from reversion.models import Revision

from editorial import pagecache
from editorial.models import Draft
from editorial.versions import rows_of
from people.models import Person
from press.models import Coverage, Passage, Quote
from tests.admin_forms import admin_url, change_form, inline_prefix, run_action
from tests.story import Q_AND_A

pytestmark = pytest.mark.django_db

CLOSING = "Nobody who watched it has forgotten the first kiss."


def draft_of(client, obj, button="_save_draft", edit=None, **fields):
    """Posts obj's change form with `fields` changed and `button`; edit(response, data) may change the
    inline rows first. The response."""
    url, response, data = change_form(client, obj)
    data.pop("_save")
    if edit:
        edit(response, data)
    return client.post(url, {**data, **fields, button: "Save"})


def inline_row(response, data, model, pk):
    """The form prefix ("quote_set-2") of the inline row of model with primary key pk in data."""
    prefix = inline_prefix(response, model)
    for number in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if data.get(f"{prefix}-{number}-id") == str(pk):
            return f"{prefix}-{number}"
    raise LookupError(pk)


def signed_in(user):
    """A client of its own signed in as user (the fixtures' clients share one)."""
    client = Client()
    client.force_login(user)
    return client


def uncited_passage(piece):
    """A new passage of piece (saved, with a version of the piece holding it) that no claim cites."""
    words = piece.text.split("\n")[0][:40]
    with create_revision():
        passage = Passage.objects.create(coverage=piece, slug="uncited", text=words)
        piece.save()
    return passage


def publish(client, obj):
    """Posts obj's change form as it shows (the open draft applied) with Save: the response, followed."""
    url, _, data = change_form(client, obj)
    return client.post(url, data, follow=True)


def test_a_quote_deleted_since_the_draft_stays_deleted_when_the_draft_is_published(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    draft_of(editor_client, piece, summary="A drafted summary.")
    quote = piece.quotes.order_by("pk").first()
    editor_client.post(admin_url(Quote, "delete", quote.pk), {"post": "yes"})
    assert not Quote.objects.filter(pk=quote.pk).exists()

    published = publish(editor_client, piece)

    assert published.status_code == 200
    assert Coverage.objects.get(pk=piece.pk).summary == "A drafted summary."
    assert not Quote.objects.filter(pk=quote.pk).exists()


def test_a_passage_deleted_since_the_draft_stays_deleted_and_the_preview_agrees(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    passage = uncited_passage(piece)
    draft_of(editor_client, piece, summary="A drafted summary.")
    editor_client.post(admin_url(Passage, "delete", passage.pk), {"post": "yes"})
    assert not Passage.objects.filter(pk=passage.pk).exists()

    preview = editor_client.get(piece.get_absolute_url())
    published = publish(editor_client, piece)

    assert preview.status_code == 200 and f'id="{passage.anchor}"' not in preview.text
    assert published.status_code == 200
    assert not Passage.objects.filter(pk=passage.pk).exists()


def test_a_draft_that_deletes_a_quote_edited_since_is_refused_and_keeps_the_edit(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    quote = piece.quotes.order_by("pk").first()

    def delete_quote(response, data):
        data[f"{inline_row(response, data, Quote, quote.pk)}-DELETE"] = "on"

    draft_of(editor_client, piece, edit=delete_quote)
    url, _, data = change_form(editor_client, quote)
    editor_client.post(url, {**data, "speaker_description": "An editor's description since"})

    published = publish(editor_client, piece)

    assert published.status_code == 200
    kept = Quote.objects.filter(pk=quote.pk).first()
    assert kept is not None and kept.speaker_description == "An editor's description since"
    assert "no longer fits" in published.text


def test_a_draft_s_passage_the_piece_s_text_no_longer_holds_is_refused_with_words_not_a_500(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    passage = piece.passages.order_by("pk").first()  # shown on the form (long inlines show the first)
    text = f"{piece.text}\n\n{CLOSING}"

    def extend_passage(response, data):
        data[f"{inline_row(response, data, Passage, passage.pk)}-text"] = f"{passage.text} {CLOSING}"

    # The draft moves the passage's words; the piece's text holds them only with the draft's closing words.
    piece.text = piece.text.replace(passage.text, f"{passage.text} {CLOSING}")
    Coverage.objects.filter(pk=piece.pk).update(text=piece.text)
    draft_of(editor_client, piece, edit=extend_passage)
    Coverage.objects.filter(pk=piece.pk).update(text=text)  # another editor's text, without those words
    client = Client(raise_request_exception=False)
    client.force_login(Draft.open_for(piece).revision.user)

    form = client.get(admin_url(Coverage, "change", piece.pk))
    preview = client.get(piece.get_absolute_url())
    published = publish(client, piece)

    assert form.status_code == 200 and preview.status_code == 200
    assert published.status_code == 200 and "no longer fits" in published.text
    assert Passage.objects.get(pk=passage.pk).text == passage.text
    assert Coverage.objects.get(pk=piece.pk).text == text


def test_a_second_draft_keeps_the_first_draft_s_changes(editor_client, contributor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    draft_of(signed_in(contributor), piece, button="_submit_draft", summary="The contributor's summary.")
    draft_of(editor_client, piece, headline="The editor's headline")

    publish(editor_client, piece)

    piece.refresh_from_db()
    assert piece.summary == "The contributor's summary." and piece.headline == "The editor's headline"
    assert not Draft.objects.filter(state__in=Draft.OPEN).exists()


def mention_in(response, data, person):
    """Adds a mention of person (a Person) in the piece's form data, as a new row of its inline."""
    prefix = inline_prefix(response, Coverage.mentioned_people.through)
    number = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-{number}-person"] = str(person.pk)
    data[f"{prefix}-TOTAL_FORMS"] = str(number + 1)


def test_a_draft_that_drops_a_mention_keeps_a_mention_added_since(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    mentioned = set(piece.mentioned_people.values_list("pk", flat=True))
    added_since = Person.objects.exclude(pk__in=mentioned).order_by("pk").first()
    through = Coverage.mentioned_people.through
    dropped = through.objects.filter(coverage=piece).order_by("pk").first()

    def drop(response, data):
        data[f"{inline_row(response, data, through, dropped.pk)}-DELETE"] = "on"

    draft_of(editor_client, piece, edit=drop)
    piece.mentioned_people.add(added_since)  # another editor's mention, on the live piece

    publish(editor_client, piece)

    now = set(piece.mentioned_people.values_list("pk", flat=True))
    assert now == mentioned - {dropped.person_id} | {added_since.pk}


def test_a_draft_s_new_mention_is_published(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    mentioned = set(piece.mentioned_people.values_list("pk", flat=True))
    drafted = Person.objects.exclude(pk__in=mentioned).order_by("pk").first()
    draft_of(editor_client, piece, edit=lambda response, data: mention_in(response, data, drafted))

    published = publish(editor_client, piece)

    assert "errornote" not in published.text
    assert set(piece.mentioned_people.values_list("pk", flat=True)) == mentioned | {drafted.pk}


def test_a_draft_whose_base_version_was_pruned_is_refused_and_keeps_a_quote_added_since(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    draft_of(editor_client, piece, summary="A drafted summary.")
    passage = piece.passages.order_by("pk").first()
    added_since = Quote.objects.create(
        passage=passage, words=passage.text.split()[0], speaker_description="someone"
    )
    Revision.objects.filter(pk=Draft.open_for(piece).base_revision_id).delete()  # old versions pruned

    preview = editor_client.get(piece.get_absolute_url())
    published = publish(editor_client, piece)

    assert preview.status_code == 200
    assert published.status_code == 200 and "no longer kept" in published.text
    assert Quote.objects.filter(pk=added_since.pk).exists()
    assert Coverage.objects.get(pk=piece.pk).summary == piece.summary


def test_a_draft_survives_unpublishing_and_republishing_and_keeps_the_edits_made_meanwhile(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    draft_of(editor_client, piece, summary="A drafted summary.")
    run_action(editor_client, Coverage, "unpublish", piece)
    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, {**data, "headline": "A headline while off the site"})
    run_action(editor_client, Coverage, "publish", piece)

    published = publish(editor_client, piece)

    assert published.status_code == 200
    piece.refresh_from_db()
    assert piece.is_published
    assert piece.summary == "A drafted summary." and piece.headline == "A headline while off the site"


def test_an_editor_publishes_a_contributor_s_submitted_draft_with_a_new_quote(
    editor_client, contributor, visitor
):
    piece = Coverage.objects.get(slug=Q_AND_A)
    text = f"{piece.text}\n\n{CLOSING}"

    def add_quote(response, data):
        prefix = inline_prefix(response, Quote)
        number = int(data[f"{prefix}-TOTAL_FORMS"])
        row = {"passage_text": CLOSING, "words": CLOSING, "speaker_description": "a viewer", "mode": "said"}
        data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
        data[f"{prefix}-TOTAL_FORMS"] = str(number + 1)

    draft_of(signed_in(contributor), piece, button="_submit_draft", edit=add_quote, text=text)
    assert CLOSING in editor_client.get(piece.get_absolute_url()).text

    published = publish(editor_client, piece)

    assert published.status_code == 200
    assert piece.quotes.filter(words=CLOSING, passage__text=CLOSING).exists()
    assert CLOSING in visitor.get(piece.get_absolute_url()).text


@pytest.mark.parametrize("page", ["preview", "change form", "restore page"])
def test_showing_a_draft_to_staff_leaves_the_public_page_cache_alone(editor_client, visitor, page):
    piece = Coverage.objects.get(slug=Q_AND_A)
    draft_of(editor_client, piece, text=f"{piece.text}\n\n{CLOSING}")
    first = visitor.get(piece.get_absolute_url())
    version = pagecache.read_state().version
    base = Draft.open_for(piece).base_revision
    path = {
        "preview": piece.get_absolute_url(),
        "change form": admin_url(Coverage, "change", piece.pk),
        "restore page": admin_url(Coverage, "history", piece.pk) + f"{rows_of(base, piece)[0].pk}/",
    }[page]

    assert CLOSING in editor_client.get(path).text or page == "restore page"

    assert pagecache.read_state().version == version
    again = visitor.get(piece.get_absolute_url())
    assert again.content == first.content and CLOSING not in again.text
