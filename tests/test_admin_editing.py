"""What editors see and keep in the admin: citing passages on a piece's own page, uncited claims, audit
stamps and history, and the CSV export of the coverage list."""

import csv
import io

import pytest

from press.models import Coverage, Milestone, Passage, Quote
from tests.admin_forms import (
    add_inline_rows,
    admin_url,
    change_form,
    milestone_row,
    piece_add_form,
    run_action,
    sent_back,
)
from tests.story import Q_AND_A, new_piece

pytestmark = pytest.mark.django_db

TEXT = "Twenty strangers met on camera. “It felt like a dance,” the director said afterwards."
PIECE = {"headline": "Strangers, dancing", "slug": "strangers-dancing", "stance": "admiring", "text": TEXT}


def new_piece_form(client, **fields):
    return piece_add_form(client, **(PIECE | fields))


def post_with_quote(client, passage, words):
    """Posts the add form of a new piece (TEXT) with one quote of `words` citing `passage` of it."""
    response, data = new_piece_form(client)
    quote = {"passage_text": passage, "words": words, "speaker_description": "the director", "mode": "said"}
    add_inline_rows(response, data, Quote, [quote])
    return client.post(admin_url(Coverage, "add"), data)


def test_a_quote_added_on_the_piece_cites_a_passage_of_it(editor_client):
    saved = post_with_quote(
        editor_client, "“It felt like a dance,” the director said", "It felt like a dance"
    )

    assert saved.status_code == 302
    quote = Quote.objects.get(coverage__slug="strangers-dancing")
    assert quote.passage.coverage.slug == "strangers-dancing"
    assert quote.passage.text == "“It felt like a dance,” the director said"
    assert quote.words == "It felt like a dance"


def test_a_passage_that_is_not_in_the_piece_is_a_form_error_that_quotes_the_missing_words(editor_client):
    refused = post_with_quote(
        editor_client, "“It felt like a waltz,” the director said", "It felt like a waltz"
    )

    assert not Coverage.objects.filter(slug="strangers-dancing").exists()
    assert not Quote.objects.filter(words__contains="waltz").exists()
    html = sent_back(refused)
    assert "Not found in the text of this piece" in html
    assert "waltz" in html


def test_quoted_words_must_stand_in_the_passage(editor_client):
    refused = post_with_quote(
        editor_client, "“It felt like a dance,” the director said", "It felt like magic"
    )

    assert "Not found in the passage" in refused.content.decode()
    assert not Coverage.objects.filter(slug="strangers-dancing").exists()


def test_a_milestone_added_on_the_piece_cites_it_too(editor_client):
    response, data = new_piece_form(editor_client, text="By Friday the video had 40 million views.")
    add_inline_rows(
        response, data, Milestone, [milestone_row("the video had 40 million views", 40000000, "40 million")]
    )

    saved = editor_client.post(admin_url(Coverage, "add"), data)

    assert saved.status_code == 302
    assert Milestone.objects.get(views=40000000).passage.text == "the video had 40 million views"


def test_the_claim_form_shows_the_cited_piece_text_with_the_passage_marked(editor_client):
    quote = Quote.objects.filter(passage__coverage__slug=Q_AND_A).select_related("passage").first()

    html = editor_client.get(admin_url(Quote, "change", quote.pk)).content.decode()

    assert "The cited piece:" in html
    assert f'id="{quote.passage.anchor}"' in html
    assert "<mark>" in html


def test_a_claim_form_that_comes_back_with_errors_still_shows_the_source(editor_client):
    passage = Passage.objects.filter(coverage__slug=Q_AND_A).first()

    response = editor_client.post(
        admin_url(Quote, "add"),
        {"passage": passage.pk, "words": "words nobody wrote", "mode": "said", "speaker_description": "x"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Not found in the passage" in html
    assert "The cited piece:" in html


def test_uncited_claims_are_found_by_a_filter_and_listed_with_a_link_to_fix_them(editor_client, visitor):
    uncited = Quote.objects.create(words="Kissing is a universal language", speaker_description="someone")

    filtered = editor_client.get(admin_url(Quote, "changelist"), {"cited": "no"}).content.decode()
    cited = editor_client.get(admin_url(Quote, "changelist"), {"cited": "yes"}).content.decode()
    page = editor_client.get("/admin/press/passage/uncited-claims/")

    assert "Kissing is a universal language" in filtered
    assert "Kissing is a universal language" not in cited
    assert page.status_code == 200
    assert "Kissing is a universal language" in page.content.decode()
    assert admin_url(Quote, "change", uncited.pk) in page.content.decode()
    assert "Kissing is a universal language" not in visitor.get("/people/").content.decode()


def test_the_admin_home_links_to_the_uncited_claims(editor_client):
    assert "/admin/press/passage/uncited-claims/" in editor_client.get("/admin/").content.decode()


def test_with_nothing_uncited_the_page_says_so(editor_client):
    Quote.objects.filter(passage__isnull=True).delete()

    html = editor_client.get("/admin/press/passage/uncited-claims/").content.decode()

    assert "Every claim cites a passage" in html or "rest on no passage yet" in html


# Audit and history


def test_saving_stamps_who_created_and_who_changed(editor_client, editor):
    response, data = new_piece_form(editor_client)
    editor_client.post(admin_url(Coverage, "add"), data)
    saved = Coverage.objects.get(slug="strangers-dancing")

    page = editor_client.get(admin_url(Coverage, "change", saved.pk))

    assert saved.created_by == editor
    assert saved.updated_by == editor
    assert saved.created_at <= saved.updated_at
    assert {"created_at", "created_by", "updated_at", "updated_by"} <= set(
        page.context["adminform"].readonly_fields
    )
    assert "created_by" not in page.context["adminform"].form.fields


def test_the_history_lists_each_change_with_who_and_what(editor_client, editor):
    interview = Coverage.objects.get(slug=Q_AND_A)
    url, _, data = change_form(editor_client, interview)
    editor_client.post(url, {**data, "stance": "mixed"})
    run_action(editor_client, Coverage, "unpublish", interview)

    html = editor_client.get(admin_url(Coverage, "history", interview.pk)).content.decode()

    assert "eddie" in html
    assert "Stance: “Admiring” → “Mixed”" in html
    assert "Unpublished." in html


# CSV export


def export(client, **filters):
    response = client.get("/admin/press/coverage/export.csv", filters)
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return response, list(csv.reader(io.StringIO(body)))


def test_the_csv_export_has_a_header_and_a_row_per_piece(editor_client):
    response, rows = export(editor_client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert rows[0][:4] == ["Headline", "Status", "Goes public", "Outlet"]
    assert "Quotes" in rows[0]
    assert len(rows) - 1 == Coverage.objects.count()


def test_the_csv_export_follows_the_changelist_filters_and_search(editor_client):
    new_piece("evil", headline="=HYPERLINK(evil)", summary="x")

    _, drafts = export(editor_client, publication="draft")
    _, searched = export(editor_client, q="Avedon")

    assert [row[0] for row in drafts[1:]] == ["'=HYPERLINK(evil)"]
    listed = editor_client.get(admin_url(Coverage, "changelist"), {"q": "Avedon"}).context["cl"].queryset
    assert sorted(row[0] for row in searched[1:]) == sorted(row.headline for row in listed)
    assert 0 < len(searched) - 1 < Coverage.objects.count()


def test_the_changelist_links_to_the_export_with_its_filters(editor_client):
    html = editor_client.get(admin_url(Coverage, "changelist"), {"kind__exact": "qa"}).content.decode()

    assert "/admin/press/coverage/export.csv?kind__exact=qa" in html


def test_a_bad_filter_on_the_export_is_a_400(editor_client):
    response = editor_client.get("/admin/press/coverage/export.csv", {"no_such_field": "1"})

    assert response.status_code == 400


def test_the_export_needs_an_admin_login(visitor):
    response = visitor.get("/admin/press/coverage/export.csv")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
