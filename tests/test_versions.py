"""Versions: every save keeps one (with the inline rows), two compare word by word, an editor restores one
(refused when a claim would lose its source), and a row on the site is changed through a draft the public
does not see until an editor publishes it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from reversion import create_revision, is_registered, set_comment
from reversion.models import Version

from editorial.models import Draft, PublicationStatus
from people.models import Person
from press.models import Coverage, Fact, Passage, Quote
from tests.admin_forms import add_inline_rows, admin_url, change_form
from tests.pictures import picture
from tests.story import EDITABLE_MODELS, Q_AND_A, sitemap_sections

pytestmark = pytest.mark.django_db

CLOSING = "Nobody who watched it has forgotten the first kiss."


def versions(obj):
    """obj's versions, newest first."""
    return list(Version.objects.get_for_object(obj).order_by("-pk"))


def version_url(obj, view, version=None):
    """The admin URL of obj's restore page for version, or its compare page."""
    info = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
    if view == "revision":
        return reverse(f"{info}_revision", args=(obj.pk, version.pk))
    return reverse(f"{info}_{view}", args=(obj.pk,))


def save_text(client, piece, text, button="_save"):
    """Posts piece's change form unchanged but for its text, with `button`; the response."""
    url, _, data = change_form(client, piece)
    data.pop("_save")
    return client.post(url, {**data, "text": text, button: "Save"})


@pytest.mark.parametrize("model", EDITABLE_MODELS, ids=lambda model: model.__name__)
def test_every_editable_model_keeps_a_version_of_each_save(editor_client, model):
    obj = model.objects.order_by("pk").first()
    assert is_registered(model)
    url, _, data = change_form(editor_client, obj)

    editor_client.post(url, data)
    first = len(versions(obj))
    editor_client.post(url, data)

    assert first >= 1
    assert len(versions(obj)) == first + 1
    assert versions(obj)[0].revision.user.username == "eddie"


def test_a_piece_s_version_holds_its_inline_rows_and_mentions(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    url, _, data = change_form(editor_client, piece)

    editor_client.post(url, data)

    revision = versions(piece)[0].revision
    held = {(version.content_type.model, version.object_id) for version in revision.version_set.all()}
    inline_rows = [
        *piece.quotes.all(),
        *piece.passages.all(),
        *piece.questions.all(),
        *piece.milestones.all(),
    ]
    for related in inline_rows:
        assert (related._meta.model_name, str(related.pk)) in held
    assert piece.quotes.exists() and piece.questions.exists()
    mentioned = versions(piece)[0].field_dict["mentioned_people"]
    assert sorted(mentioned) == sorted(piece.mentioned_people.values_list("pk", flat=True))


def test_compare_shows_the_words_a_one_sentence_edit_added_and_removed(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING}")
    save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING.replace('has forgotten', 'forgets')}")
    newer, older = versions(piece)[:2]

    page = editor_client.get(
        version_url(piece, "compare"), {"version_id1": older.pk, "version_id2": newer.pk}
    )

    assert page.status_code == 200
    html = page.text
    assert "Nobody who watched it <del>has forgotten</del><ins>forgets</ins> the first kiss." in html


def test_restore_puts_back_fields_and_inline_rows_as_a_new_version(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    original_text, quotes_before = piece.text, set(piece.quotes.values_list("pk", flat=True))
    url, response, data = change_form(editor_client, piece)
    add_inline_rows(
        response,
        data,
        Quote,
        [{"passage_text": CLOSING, "words": CLOSING, "speaker_description": "a viewer", "mode": "said"}],
    )
    editor_client.post(url, {**data, "text": f"{piece.text}\n\n{CLOSING}"})
    assert piece.quotes.count() == len(quotes_before) + 1
    before_change = versions(piece)[1]

    confirm = editor_client.get(version_url(piece, "revision", before_change))
    done = editor_client.post(version_url(piece, "revision", before_change))

    assert confirm.status_code == 200 and "Yes, restore this version" in confirm.text
    assert CLOSING in confirm.text
    assert done.status_code == 302
    piece.refresh_from_db()
    assert piece.text == original_text
    assert set(piece.quotes.values_list("pk", flat=True)) == quotes_before
    assert "Restored the version" in versions(piece)[0].revision.comment


def test_restore_is_refused_with_the_claims_it_would_orphan(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, data)  # the version without the closing sentence
    old = versions(piece)[0]
    with create_revision():
        set_comment("A closing sentence and a fact drawn from it.")
        piece.text = f"{piece.text}\n\n{CLOSING}"
        piece.save()
        passage = Passage.objects.create(coverage=piece, slug="closing", text=CLOSING)
    fact = Fact.objects.create(
        passage=passage,
        statement="Viewers remember the kiss.",
        topic=Fact._meta.get_field("topic").choices[0][0],
        person=Person.objects.first(),
    )

    confirm = editor_client.get(version_url(piece, "revision", old))
    refused = editor_client.post(version_url(piece, "revision", old))

    assert "cannot be restored" in confirm.text and "Yes, restore" not in confirm.text
    assert refused.status_code == 409
    assert "Viewers remember the kiss." in refused.text
    piece.refresh_from_db()
    assert CLOSING in piece.text and Passage.objects.filter(pk=passage.pk).exists()
    assert Fact.objects.filter(pk=fact.pk).exists()


def test_a_draft_of_a_live_piece_stays_off_the_site_until_published(editor_client, visitor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    public_url = piece.get_absolute_url()
    visitor.get(public_url)  # in the page cache

    saved = save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING}", button="_save_draft")

    assert saved.status_code == 302
    assert CLOSING not in Coverage.objects.get(pk=piece.pk).text
    for path in [public_url, reverse("press:coverage-list"), reverse("press:coverage-feed")]:
        assert CLOSING not in visitor.get(path).text, path
    assert public_url not in visitor.get(reverse("press:coverage-list"), {"q": "forgotten"}).text
    preview = editor_client.get(public_url)
    assert CLOSING in preview.text and "Draft preview" in preview.text
    form = editor_client.get(admin_url(Coverage, "change", piece.pk))
    assert "You are editing a newer" in form.text and CLOSING in form.text

    url, _, data = change_form(editor_client, piece)
    published = editor_client.post(url, data)

    assert published.status_code == 302
    assert CLOSING in visitor.get(public_url).text
    assert not Draft.objects.filter(state__in=Draft.OPEN).exists()
    history = editor_client.get(admin_url(Coverage, "history", piece.pk)).text
    assert "Published the draft saved" in history and "Draft, published by the save above it" in history


def test_a_contributor_drafts_a_live_piece_and_cannot_publish_it_by_any_route(contributor_client, editor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    url, response, data = change_form(contributor_client, piece)
    assert 'name="_save"' not in response.text

    for button in ["_save", "_continue", "_submit_draft"]:
        data.pop("_save", None)
        contributor_client.post(url, {**data, "text": f"{piece.text}\n\n{CLOSING}", button: "Save"})
        assert CLOSING not in Coverage.objects.get(pk=piece.pk).text
    contributor_client.post(url, {**data, "status": PublicationStatus.DRAFT, "_save": "Save"})
    contributor_client.post(
        admin_url(Coverage, "changelist"), {"action": "publish", "_selected_action": [piece.pk]}
    )

    piece.refresh_from_db()
    assert CLOSING not in piece.text and piece.is_published
    draft = Draft.open_for(piece)
    assert draft.state == Draft.State.DRAFT or draft.state == Draft.State.SUBMITTED


@pytest.mark.parametrize("page", ["history", "compare", "revision"])
def test_version_pages_cost_the_same_queries_with_1_or_300_versions(editor_client, page):
    counts = []
    # Compare and restore need two versions: the oldest, compared with (or restored over) the newest.
    for number_of_versions in (1 if page == "history" else 2, 300):
        piece = Coverage.objects.get(slug=Q_AND_A)
        Version.objects.get_for_object(piece).delete()
        for number in range(number_of_versions):
            with create_revision():
                piece.summary = f"Summary number {number}."
                piece.save()
        newest, oldest = versions(piece)[0], versions(piece)[-1]
        url = {
            "history": admin_url(Coverage, "history", piece.pk),
            "compare": f"{version_url(piece, 'compare')}?version_id1={oldest.pk}&version_id2={newest.pk}",
            "revision": version_url(piece, "revision", oldest),
        }[page]
        editor_client.get(url)  # the content types cached, as on a running site
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_restoring_a_piece_s_story_version_leaves_every_other_row_of_that_load_alone(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    person = Person.objects.order_by("pk").first()
    loaded = versions(piece)[-1]
    assert loaded.revision.comment == "Loaded from the story (load_story)."
    for obj, field, value in [
        (person, "name", "An editor's name"),
        (piece, "summary", "An editor's summary."),
    ]:
        url, _, data = change_form(editor_client, obj)
        editor_client.post(url, {**data, field: value})

    editor_client.post(version_url(piece, "revision", loaded))

    piece.refresh_from_db()
    person.refresh_from_db()
    assert piece.summary != "An editor's summary."
    assert person.name == "An editor's name"


def test_there_is_no_raw_recover_page_that_would_revert_a_whole_load(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    loaded = versions(piece)[-1]
    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, {**data, "summary": "An editor's summary."})

    editor_client.post(admin_url(Coverage, "changelist") + f"recover/{loaded.pk}/")

    with pytest.raises(NoReverseMatch):
        reverse("admin:press_coverage_recoverlist")
    assert Coverage.objects.get(pk=piece.pk).summary == "An editor's summary."


def test_a_draft_s_new_slug_and_headline_stay_off_the_sitemap_and_feed_then_the_old_address_redirects(
    editor_client, visitor
):
    piece = Coverage.objects.get(slug=Q_AND_A)
    old_url = piece.get_absolute_url()
    url, _, data = change_form(editor_client, piece)
    data.pop("_save")
    changes = {"slug": "a-drafted-address", "headline": "A drafted headline"}

    editor_client.post(url, {**data, **changes, "_save_draft": "Save as draft"})

    assert not any(b"a-drafted-address" in body for body in sitemap_sections(visitor))
    assert "A drafted headline" not in visitor.get(reverse("press:coverage-feed")).text
    assert visitor.get(old_url).status_code == 200
    assert "A drafted headline" in editor_client.get(old_url).text  # the staff preview

    _, form, drafted = change_form(editor_client, piece)  # the form shows the draft
    assert drafted["slug"] == "a-drafted-address"
    editor_client.post(url, drafted)

    assert any(b"a-drafted-address" in body for body in sitemap_sections(visitor))
    moved = visitor.get(old_url)
    assert moved.status_code == 301 and moved["Location"].endswith("/a-drafted-address/")


def test_a_draft_that_uploads_an_image_is_a_form_error_that_keeps_what_was_typed(editor_client, director):
    url, _, data = change_form(editor_client, director)
    data.pop("_save")
    data["_save_draft"] = "Save as draft"
    response = editor_client.post(
        url,
        {
            **data,
            "image": SimpleUploadedFile("portrait.jpg", picture()),
            "image_alt": "On set",
            "image_credit": "Wren",
            "description": "Typed words",
        },
    )

    assert response.status_code == 200
    assert "A draft keeps no uploaded file" in response.text and "Typed words" in response.text
    assert not Draft.objects.exists()
    director.refresh_from_db()
    assert not director.image


def test_a_draft_saved_from_a_browser_s_form_keeps_the_change(editor_client, contributor_client):
    # A browser posts the change form's action bar too (its empty "Run" select, the row's checkbox), which
    # Django 6.1 takes for an action run unless the POST names _save, _continue or _addanother.
    piece = Coverage.objects.get(slug=Q_AND_A)
    action_bar = {"CHANGE_FORM-action": "", "CHANGE_FORM-select_across": "0", "_selected_action": piece.pk}
    for client, button in [(editor_client, "_save_draft"), (contributor_client, "_submit_draft")]:
        url, _, data = change_form(client, piece)
        data.pop("_save")
        text = f"{piece.text}\n\n{CLOSING} ({button})"
        saved = client.post(url, {**data, **action_bar, "text": text, button: "Save"}, follow=True)

        assert "No action selected" not in saved.text
        assert f"{CLOSING} ({button})" in client.get(url).text
        assert f"{CLOSING} ({button})" in client.get(piece.get_absolute_url()).text
        assert CLOSING not in Coverage.objects.get(pk=piece.pk).text


def test_the_version_before_a_published_draft_is_the_one_the_public_saw(editor_client, visitor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    original = piece.text
    save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING}", button="_save_draft")
    url, _, data = change_form(editor_client, piece)
    editor_client.post(url, data)
    assert CLOSING in visitor.get(piece.get_absolute_url()).text
    history = editor_client.get(admin_url(Coverage, "history", piece.pk)).context["action_list"]
    before = next(action["version"] for action in history[1:] if not action["draft"])

    editor_client.post(version_url(piece, "revision", before))

    assert Coverage.objects.get(pk=piece.pk).text == original
    assert CLOSING not in visitor.get(piece.get_absolute_url()).text


def test_the_restore_page_marks_what_restoring_removes_as_removed(editor_client):
    piece = Coverage.objects.get(slug=Q_AND_A)
    save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING}")

    confirm = editor_client.get(version_url(piece, "revision", versions(piece)[1]))

    assert f"{CLOSING}</del>" in confirm.text and f"{CLOSING}</ins>" not in confirm.text
    assert "updated_by" not in confirm.text and "created_by" not in confirm.text


def test_a_draft_published_keeps_the_piece_s_publication_time_and_its_feed_date(editor_client, visitor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    Coverage.objects.filter(pk=piece.pk).update(published_at=None)  # public at once, time not recorded
    feed = visitor.get(reverse("press:coverage-feed")).text

    save_text(editor_client, piece, f"{piece.text}\n\n{CLOSING}", button="_save_draft")
    url, _, drafted = change_form(editor_client, piece)
    editor_client.post(url, drafted)

    piece.refresh_from_db()
    assert CLOSING in piece.text and piece.published_at is None
    assert visitor.get(reverse("press:coverage-feed")).text.count("<pubDate>") == feed.count("<pubDate>")
    assert re.findall(r"<pubDate>[^<]*", visitor.get(reverse("press:coverage-feed")).text) == re.findall(
        r"<pubDate>[^<]*", feed
    )
