"""A claim drawn from coverage must stand, word for word, in the passage and the piece it cites."""

import pytest
from django.core.exceptions import ValidationError

from press.models import Coverage, InterviewQuestion, Passage, Quote, Recommendation
from press.passages import locate, words_not_found
from tests.story import ARTICLE, CLOSE_UPS, GUARDIAN_COLUMN, Q_AND_A, SPERANZA

pytestmark = pytest.mark.django_db


def errors_of(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def test_a_passage_that_is_in_its_source_is_accepted():
    passage = Passage(coverage=Coverage.objects.get(slug=Q_AND_A), slug="evening", text="by the evening")

    passage.full_clean()


def test_a_passage_not_in_its_source_is_refused_quoting_the_missing_words():
    coverage = Coverage.objects.get(slug=Q_AND_A)
    passage = Passage(
        coverage=coverage, slug="made-up", text="I love the humanity and tenderness of Paris in spring."
    )

    errors = errors_of(passage)

    assert errors["text"] == [f"Not found in the text of “{coverage.headline}”: “of Paris in spring.”"]


def test_a_passage_that_matches_nothing_is_quoted_whole():
    passage = Passage(coverage=Coverage.objects.get(slug=Q_AND_A), slug="made-up", text="Shot on the moon.")

    assert "“Shot on the moon.”" in errors_of(passage)["text"][0]


def test_a_piece_without_stored_text_cannot_be_cited():
    passage = Passage(coverage=Coverage.objects.get(slug=GUARDIAN_COLUMN), slug="x", text="grotty")

    assert "has no stored text to cite" in errors_of(passage)["coverage"][0]


def test_matching_ignores_curly_quotes_and_odd_spaces_but_not_words():
    text = "Little Dom's in Los Feliz, Speranza\xa0 in Silver Lake\xa0 and ‘Cafe Gratitude’."

    assert locate("Speranza in Silver Lake and 'Cafe Gratitude'", text) is not None
    assert locate("Speranza in Echo Park", text) is None
    assert words_not_found("Speranza in Echo Park", text) == "Echo Park"


def test_the_located_span_covers_the_words_as_published():
    text = "one two\xa0 three four"
    start, end = locate("two three", text)

    assert text[start:end] == "two\xa0 three"


def test_quoted_words_must_stand_in_the_cited_passage():
    quote = Quote.objects.get(passage__slug=CLOSE_UPS)
    quote.words = "I don't want to see any close-ups on hats."

    assert errors_of(quote)["words"] == ["Not found in the passage: “hats.”"]


def test_recommendation_words_must_stand_in_the_cited_passage():
    recommendation = Recommendation.objects.get(place__slug=SPERANZA)
    recommendation.in_their_words = "Speranza in Echo Park"

    assert errors_of(recommendation)["in_their_words"] == ["Not found in the passage: “Echo Park”"]


def test_interview_questions_and_answers_stand_in_the_piece():
    question = InterviewQuestion.objects.get(coverage__slug=Q_AND_A, order=11)
    question.answer = "At the beach."

    assert errors_of(question)["answer"][0].endswith(": “the beach.”")


def test_every_claim_names_its_source_piece():
    quote = Quote.objects.get(passage__slug=CLOSE_UPS)

    assert quote.source.slug == ARTICLE
    assert quote.get_absolute_url().endswith(f"#passage-{CLOSE_UPS}")
