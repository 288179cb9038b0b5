"""Issue 13: whatever an editor types or a link carries gets a form error, a message or a 4xx, never a
server error, and nothing stored is lost or half-written. Each input here was reported from a real site."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.admin import helpers, site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from people.models import Person, Place
from press.models import Coverage, InterviewQuestion, Milestone, Outlet, Passage, Quote
from tests.admin_forms import (
    add_inline_rows,
    admin_url,
    change_form,
    inline_prefix,
    milestone_row,
    piece_add_form,
    sent_back,
)
from tests.story import ARTICLE, DIRECTOR, new_piece

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
TEXT = "By Friday the video had 40 million views. By Monday it had 69 million views, a record for the label."
SENTENCE = "By Monday it had 69 million views"
PIECE = {"headline": "Strangers, counted", "slug": "strangers-counted", "stance": "neutral", "text": TEXT}


def piece_form(client, **fields):
    return piece_add_form(client, **(PIECE | fields))


# --- datetimes at the calendar's edges ---


def test_a_publication_time_of_9999_12_31_is_a_form_error_giving_the_range(editor_client):
    piece = Coverage.objects.get(slug=ARTICLE)
    url, _, data = change_form(editor_client, piece)
    data.update({"published_at_0": "9999-12-31", "published_at_1": "23:59:00", "summary": "Never, then."})

    refused = editor_client.post(url, data)

    assert "between 1 January 1900 and 31 December 2099" in sent_back(refused)
    assert Coverage.objects.get(pk=piece.pk).summary == piece.summary
    assert editor_client.get(admin_url(Coverage, "changelist")).status_code == 200
    assert editor_client.get(reverse("admin:press_coverage_export")).status_code == 200


def test_full_clean_refuses_dates_outside_the_calendar():
    piece = Coverage.objects.get(slug=ARTICLE)
    piece.date, piece.date_precision = datetime.date(1066, 10, 14), "day"
    with pytest.raises(ValidationError, match="between 1 January 1900"):
        piece.full_clean()


def test_the_database_refuses_a_time_past_the_calendar_whoever_writes_it():
    far = datetime.datetime(2100, 6, 1, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Coverage.objects.filter(slug=ARTICLE).update(published_at=far)


# --- characters XML 1.0 cannot carry ---


def test_a_vertical_tab_pasted_into_a_summary_is_removed_on_save(editor_client, visitor):
    piece = Coverage.objects.get(slug=ARTICLE)
    url, _, data = change_form(editor_client, piece)
    data["summary"] = "Pasted from a word processor:\x0bline two.\x01"

    assert editor_client.post(url, data).status_code == 302

    assert Coverage.objects.get(pk=piece.pk).summary == "Pasted from a word processor:\nline two."
    assert visitor.get(reverse("press:coverage-feed")).status_code == 200


def test_the_feed_never_fails_on_what_is_already_stored(visitor):
    Coverage.objects.filter(slug=ARTICLE).update(summary="Stored before:\x0bcleaning.", headline="A\x1bB")

    feed = visitor.get(reverse("press:coverage-feed"))

    assert feed.status_code == 200
    body = feed.content.decode()
    assert "Stored before:\ncleaning." in body
    assert "\x0b" not in body and "\x1b" not in body


def test_a_nul_typed_in_a_field_is_a_form_error(editor_client):
    piece = Coverage.objects.get(slug=ARTICLE)
    url, _, data = change_form(editor_client, piece)
    data["headline"] = "Null\x00byte"

    refused = editor_client.post(url, data)

    assert "Null characters are not allowed" in sent_back(refused)


# --- claims in one save ---


def post_milestones_on_one_sentence(client, *views_and_wordings):
    """Posts a new piece with a milestone per (views, wording), each pasting SENTENCE as its passage."""
    response, data = piece_form(client)
    rows = [milestone_row(SENTENCE, views, wording) for views, wording in views_and_wordings]
    add_inline_rows(response, data, Milestone, rows)
    return client.post(admin_url(Coverage, "add"), data)


def test_two_milestones_pasting_the_same_new_sentence_share_one_passage(editor_client):
    saved = post_milestones_on_one_sentence(editor_client, (69_000_000, "69 million"), (69, "69"))

    assert saved.status_code == 302
    piece = Coverage.objects.get(slug="strangers-counted")
    assert list(piece.passages.values_list("text", flat=True)) == [SENTENCE]
    assert sorted(piece.milestones.values_list("views", flat=True)) == [69, 69_000_000]


def test_two_claims_a_database_rule_forbids_together_are_a_form_error_keeping_what_was_typed(editor_client):
    refused = post_milestones_on_one_sentence(
        editor_client, (69_000_000, "69 million"), (69_000_000, "sixty-nine")
    )

    html = sent_back(refused)
    assert "Another milestone already gives these views from these words" in html
    assert "sixty-nine" in html and "Strangers, counted" in html
    assert not Coverage.objects.filter(slug="strangers-counted").exists()


def test_a_new_claim_on_words_a_stored_claim_already_holds_is_a_form_error(editor_client):
    quote = Quote.objects.filter(passage__isnull=False).select_related("passage__coverage").first()
    piece = quote.passage.coverage
    url, response, data = change_form(editor_client, piece)
    add_inline_rows(
        response,
        data,
        Quote,
        [
            {
                "passage_text": quote.passage.text,
                "words": quote.words,
                "speaker_description": "someone else",
                "mode": "said",
            }
        ],
    )

    refused = editor_client.post(url, data)

    assert "A passage holds one quote" in sent_back(refused)
    assert Quote.objects.filter(passage=quote.passage).count() == 1


def test_a_constraint_the_forms_do_not_check_comes_back_as_a_form_error(editor_client):
    # A passage added by hand takes the slug the claim's new passage is given: only the database sees both.
    response, data = piece_form(editor_client)
    add_inline_rows(response, data, Milestone, [milestone_row(SENTENCE, 69_000_000, "69 million")])
    add_inline_rows(response, data, Passage, [{"slug": "by-monday-it-had-69-million", "text": "By Friday"}])

    refused = editor_client.post(admin_url(Coverage, "add"), data)

    html = sent_back(refused)
    assert "Nothing was saved" in html
    assert "Strangers, counted" in html
    assert not Coverage.objects.filter(slug="strangers-counted").exists()
    assert not Passage.objects.filter(slug="by-monday-it-had-69-million").exists()


# --- big pieces ---


def test_a_piece_with_a_thousand_passages_opens_and_saves(editor_client):
    piece = Coverage.objects.get(slug=ARTICLE)
    words = [f"word{number}x" for number in range(1000)]
    Coverage.objects.filter(pk=piece.pk).update(text=f"{piece.text}\n\n{' '.join(words)}")
    Passage.objects.bulk_create(
        Passage(coverage=piece, slug=f"big-{number}", text=word) for number, word in enumerate(words)
    )
    url, response, data = change_form(editor_client, piece)
    assert len(data) < 1000
    assert "the list of passages</a> holds every one" in response.content.decode()
    data["summary"] = "Changed with a thousand passages."

    saved = editor_client.post(url, data)

    assert saved.status_code == 302
    assert Coverage.objects.get(pk=piece.pk).summary == "Changed with a thousand passages."
    assert piece.passages.filter(slug__startswith="big-").count() == 1000


# What a browser sends for the fields of a milestone row left empty.
EMPTY_MILESTONE_FIELDS = {"platform": "", "date": "", "date_wording": "", "days_after_posting": ""}


def test_a_form_of_more_than_a_thousand_fields_is_accepted(editor_client):
    piece = Coverage.objects.get(slug=ARTICLE)
    sentences = [f"word{number}x" for number in range(100)]
    Coverage.objects.filter(pk=piece.pk).update(text=f"{piece.text}\n\n{' '.join(sentences)}")
    url, response, data = change_form(editor_client, piece)
    rows = [
        {"id": "", "coverage": str(piece.pk), **milestone_row(text, n + 1, text), **EMPTY_MILESTONE_FIELDS}
        for n, text in enumerate(sentences)
    ]
    add_inline_rows(response, data, Milestone, rows)
    assert len(data) > 1000

    assert editor_client.post(url, data).status_code == 302
    assert piece.milestones.filter(views_wording__startswith="word").count() == 100
    assert piece.passages.filter(text__startswith="word").count() == 100


def test_a_tampered_row_count_is_a_form_error_not_a_thousand_rows(editor_client):
    piece = Coverage.objects.get(slug=ARTICLE)
    url, response, data = change_form(editor_client, piece)
    data[f"{inline_prefix(response, Quote)}-TOTAL_FORMS"] = "1000000"
    data["summary"] = "Kept as typed."

    refused = editor_client.post(url, data)

    assert "Please submit at most 130 forms" in sent_back(refused)
    assert Coverage.objects.get(pk=piece.pk).summary == piece.summary


# --- long text ---


def test_a_text_of_more_than_a_megabyte_of_distinct_words_is_saved_and_searchable(editor_client, visitor):
    piece = Coverage.objects.get(slug=ARTICLE)
    url, _, data = change_form(editor_client, piece)
    machine_data = " ".join(f"zq{number:07d}" for number in range(130_000))  # 1.3 MB, every word new
    data["text"] = f"{piece.text}\n\nAppendix: {machine_data}"

    saved = editor_client.post(url, data)

    assert saved.status_code == 302
    assert len(Coverage.objects.get(pk=piece.pk).text) > 1_000_000
    found = visitor.get(reverse("press:coverage-list"), {"q": "zq0000042"})
    assert found.status_code == 200
    assert piece.get_absolute_url() in found.content.decode()


# --- provenance stays true ---


def cited_passage():
    return Passage.objects.filter(quotes__isnull=False).select_related("coverage").first()


def test_an_edit_that_removes_cited_words_is_refused_naming_the_claims(editor_client):
    passage = cited_passage()
    piece = passage.coverage
    url, _, data = change_form(editor_client, piece)
    data["text"] = piece.text.replace(passage.text, "")

    refused = editor_client.post(url, data)

    html = sent_back(refused)
    assert "would lose its source" in html
    assert "quote" in html
    assert Coverage.objects.get(pk=piece.pk).text == piece.text


def test_full_clean_refuses_a_text_that_orphans_a_claim():
    passage = cited_passage()
    piece = passage.coverage
    piece.text = piece.text.replace(passage.text, "")
    with pytest.raises(ValidationError, match="would lose its source"):
        piece.full_clean()


def test_text_and_passage_changed_together_in_one_save_are_accepted(editor_client):
    piece = new_piece("counted", headline="Counted", summary="s", text="It had 40 million views.")
    passage = Passage.objects.create(coverage=piece, slug="views", text="40 million views")
    url, response, data = change_form(editor_client, piece)
    prefix = inline_prefix(response, Passage)
    row = next(
        n for n in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{n}-id"] == str(passage.pk)
    )
    data["text"] = "It had 41 million views."
    data[f"{prefix}-{row}-text"] = "41 million views"

    assert editor_client.post(url, data).status_code == 302
    assert Passage.objects.get(pk=passage.pk).text == "41 million views"


def test_an_edit_that_drops_the_words_of_a_question_the_form_does_not_show_is_refused(editor_client):
    piece = new_piece("long-interview", headline="Long interview", kind="qa", summary="s", text="")
    director = Person.objects.get(slug=DIRECTOR)
    pairs = [(f"Question {n}?", f"Answer {n}.") for n in range(1, 36)]
    Coverage.objects.filter(pk=piece.pk).update(text=" ".join(f"{q} {a}" for q, a in pairs))
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(coverage=piece, order=n, question=q, answer=a, answered_by=director)
        for n, (q, a) in enumerate(pairs, 1)
    )
    url, _, data = change_form(editor_client, Coverage.objects.get(pk=piece.pk))
    data["text"] = " ".join(f"{q} {a}" for q, a in pairs[:-1])

    refused = editor_client.post(url, data)

    assert "35. “Question 35?”" in sent_back(refused)
    assert "Answer 35." in Coverage.objects.get(pk=piece.pk).text


# --- admin addresses and posts ---

DATE_HIERARCHY_ADMINS = [model_admin for model_admin in site._registry.values() if model_admin.date_hierarchy]


@pytest.mark.parametrize("model_admin", DATE_HIERARCHY_ADMINS, ids=lambda admin: admin.opts.label)
@pytest.mark.parametrize("query", ["__year=9999", "__year=0", "__year=abc", "__year=2014&{field}__month=13"])
def test_a_drill_down_off_the_calendar_is_a_400_with_a_message(admin_client, model_admin, query):
    field = model_admin.date_hierarchy
    address = f"{admin_url(model_admin.model, 'changelist')}?{field}{query.format(field=field)}"

    response = admin_client.get(address)

    assert response.status_code == 400
    assert "This list cannot be shown" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/admin/press/coverage/?kind__exact=%00",
        "/admin/press/coverage/?q=%00",
        "/admin/press/coverage/export.csv?kind__exact=%00",
        "/admin/autocomplete/?app_label=press&model_name=coverage&field_name=outlet&term=%00",
        "/admin/people/person/?name__startswith=a%00b",
    ],
)
def test_a_nul_in_an_admin_address_is_a_400(admin_client, address):
    response = admin_client.get(address)

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_lookup_on_a_value_the_column_cannot_hold_is_a_400(admin_client):
    response = admin_client.get("/admin/press/coverage/?id__in=abc")

    assert response.status_code == 400


def test_a_non_numeric_autocomplete_value_on_a_form_with_errors_is_shown_again(editor_client):
    response, data = piece_form(editor_client, headline="", outlet="abc", authors=["xyz", "1"])

    refused = editor_client.post(admin_url(Coverage, "add"), data)

    assert "This field is required" in sent_back(refused)


def test_an_action_on_a_selection_of_no_rows_does_nothing_and_says_so(editor_client):
    before = list(Coverage.objects.values_list("pk", "status"))
    response = editor_client.post(
        admin_url(Coverage, "changelist"),
        {"action": "publish", helpers.ACTION_CHECKBOX_NAME: ["abc", "1"], "index": "0"},
        follow=True,
    )

    assert response.status_code == 200
    assert "nothing was done" in response.content.decode()
    assert list(Coverage.objects.values_list("pk", "status")) == before


def test_a_sign_in_with_a_256_character_username_fails_like_any_other(client):
    response = client.post(reverse("admin:login"), {"username": "u" * 256, "password": "guess"})

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert AccessAttempt.objects.filter(username="u" * 255).exists()


# --- what a person sees when something goes wrong ---


def test_the_date_precision_rules_are_checked_on_both_databases_without_a_warning(caplog):
    piece = Coverage.objects.get(slug=ARTICLE)
    piece.date, piece.date_precision = datetime.date(2014, 3, 10), "month"
    with caplog.at_level(logging.WARNING), pytest.raises(ValidationError, match="1st of that month"):
        piece.full_clean()
    piece.date = datetime.date(2014, 3, 1)
    with caplog.at_level(logging.WARNING):
        piece.full_clean()
    assert "database error" not in caplog.text


def test_the_500_page_does_not_promise_that_nothing_was_lost():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")

    assert "Nothing you entered was lost" not in page
    assert "try" in page.lower()


def test_other_models_keep_their_stored_rows_when_a_save_is_refused(editor_client):
    before = (Person.objects.count(), Place.objects.count(), Outlet.objects.count(), Passage.objects.count())
    response, data = piece_form(editor_client, text="Nothing here.")
    add_inline_rows(response, data, Milestone, [milestone_row("not in the text", 1, "one")])

    assert editor_client.post(admin_url(Coverage, "add"), data).status_code == 200
    after = (Person.objects.count(), Place.objects.count(), Outlet.objects.count(), Passage.objects.count())
    assert after == before
