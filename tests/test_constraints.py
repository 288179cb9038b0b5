"""Invariants the database itself keeps, whatever code writes to it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.models import Place
from press.models import Credit, Milestone, Outlet, Passage, Quote, Work
from tests.story import (
    CLOSE_UPS,
    DIRECTOR,
    FILM,
    PRET_A_REPORTER,
    SOKO,
    SPERANZA,
    new_person,
    new_piece,
    new_place,
)

pytestmark = pytest.mark.django_db


def refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_slugs_are_unique():
    refused(lambda: new_person(DIRECTOR, name="Another Tatia"))
    refused(lambda: new_place(SPERANZA, name="Speranza again"))


def test_view_counts_are_positive():
    milestone = Milestone.objects.get(views=23_000_000)
    milestone.views = 0
    refused(milestone.save)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(91, 0), (-90.5, 0), (0, 181), (0, -180.5), (34.1, None), (None, -118.3)],
)
def test_coordinates_are_in_range_and_come_in_pairs(latitude, longitude):
    place = Place.objects.get(slug=SPERANZA)
    place.latitude, place.longitude = latitude, longitude
    refused(place.save)


def test_coordinates_in_range_are_stored():
    place = Place.objects.get(slug=SPERANZA)
    place.latitude, place.longitude = 34.0907, -118.2775
    place.save()

    assert Place.objects.get(slug=SPERANZA).has_coordinates


@pytest.mark.parametrize(
    ("date", "precision"),
    [
        (None, "day"),
        (datetime.date(2014, 3, 10), "unknown"),
        (datetime.date(2014, 3, 10), "month"),
        (datetime.date(2014, 3, 1), "year"),
    ],
)
def test_a_date_agrees_with_its_precision(date, precision):
    refused(new_piece(date=date, date_precision=precision, save=False).save)


@pytest.mark.parametrize(
    ("date", "precision", "shown"),
    [
        (datetime.date(2014, 3, 10), "day", "10 March 2014"),
        (datetime.date(2014, 3, 1), "month", "March 2014"),
        (datetime.date(2014, 1, 1), "year", "2014"),
        (None, "unknown", "Date not given"),
    ],
)
def test_a_date_is_shown_no_more_precisely_than_it_is_known(date, precision, shown):
    coverage = new_piece(date=date, date_precision=precision)

    assert coverage.date_display == shown


def test_a_date_keeps_the_wording_it_was_published_with():
    coverage = new_piece(date=None, date_precision="unknown", date_wording="Tuesday morning", save=False)

    assert coverage.date_display == "Tuesday morning"


def test_one_credit_per_person_work_and_role():
    credit = Credit.objects.get(work__slug=FILM, person__slug=SOKO, role="music")
    refused(lambda: Credit.objects.create(work=credit.work, person=credit.person, role="music"))


def test_the_same_person_may_have_several_roles_on_one_work():
    roles = set(Credit.objects.filter(work__slug=FILM, person__slug=DIRECTOR).values_list("role", flat=True))

    assert roles == {"director", "producer"}


def test_an_outlet_cannot_be_its_own_parent():
    outlet = Outlet.objects.get(slug=PRET_A_REPORTER)
    outlet.parent = outlet
    refused(outlet.save)


def test_a_quote_needs_a_speaker_named_or_described():
    quote = Quote.objects.get(passage__slug=CLOSE_UPS)
    quote.speaker, quote.speaker_description = None, ""
    refused(quote.save)


def test_a_passage_slug_is_unique_within_its_piece():
    passage = Passage.objects.get(slug="reddit")
    refused(lambda: Passage.objects.create(coverage=passage.coverage, slug="reddit", text="Reddit"))


def test_constraints_explain_themselves_to_editors():
    work = Work(title="Short", slug="short", kind="short_film", logline="x", runtime_minutes=0)

    with pytest.raises(ValidationError) as error:
        work.full_clean()

    assert "A runtime is at least one minute." in str(error.value)
