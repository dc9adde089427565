"""Reviews, visits and missing periods for children in care."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from divert.care.actions import end_missing, record_episode, record_la_review, record_missing, record_visit
from divert.care.models import LookedAfterReview, MissingEpisode, Visit
from divert.core.models import AuditEvent
from divert.people.models import Child

D = dt.date


@pytest.fixture
def alice(world):
    return world.users["alice"]


@pytest.fixture
def ava_in_care(world, alice):
    """Ava (11) looked after from 1 March 2024 to 30 August 2024."""
    return record_episode(
        alice,
        child=world.child_north,
        decom=D(2024, 3, 1),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        dec=D(2024, 8, 30),
        rec="E4A",
    )


# Looked-after reviews


def test_a_review_is_recorded_while_the_child_is_looked_after(world, alice, ava_in_care):
    review = record_la_review(alice, child=world.child_north, date=D(2024, 3, 27), participation="PN1")
    assert review.pk is not None
    assert AuditEvent.objects.filter(object_type="care.lookedafterreview", action="create").count() == 1


def test_a_review_may_be_held_on_the_day_the_child_leaves_care(world, alice, ava_in_care):
    assert record_la_review(alice, child=world.child_north, date=D(2024, 8, 30), participation="PN7").pk


def test_a_review_is_refused_when_the_child_was_not_looked_after(world, alice, ava_in_care, nothing_written):
    with nothing_written(LookedAfterReview), pytest.raises(ValidationError) as refused:
        record_la_review(alice, child=world.child_north, date=D(2024, 9, 2), participation="PN1")
    assert refused.value.message_dict == {"date": ["Ava was not looked after on 2 September 2024"]}


def test_only_one_review_is_recorded_a_day(world, alice, ava_in_care, nothing_written):
    record_la_review(alice, child=world.child_north, date=D(2024, 3, 27), participation="PN1")
    with nothing_written(LookedAfterReview), pytest.raises(ValidationError) as refused:
        record_la_review(alice, child=world.child_north, date=D(2024, 3, 27), participation="PN2")
    assert refused.value.message_dict == {"date": ["A review on 27 March 2024 is already recorded"]}


def test_pn0_is_refused_for_a_child_aged_four_or_over(world, alice, ava_in_care, nothing_written):
    with nothing_written(LookedAfterReview), pytest.raises(ValidationError) as refused:
        record_la_review(alice, child=world.child_north, date=D(2024, 3, 27), participation="PN0")
    assert refused.value.message_dict == {
        "participation": [
            "PN0 is only for a child aged under 4 at the review; choose how the child took part"
        ]
    }


def test_a_child_under_four_at_the_review_must_be_recorded_as_pn0(world, alice):
    baby = Child.objects.create(
        authority=world.authority,
        child_id="N0002",
        first_name="Bea",
        last_name="Northam",
        sex="F",
        date_of_birth=D(2023, 6, 1),
    )
    record_episode(alice, child=baby, decom=D(2024, 1, 5), rne="S", ls="C1", cin="N1", place="U6")
    with pytest.raises(ValidationError) as refused:
        record_la_review(alice, child=baby, date=D(2024, 1, 30), participation="PN1")
    assert refused.value.message_dict == {
        "participation": ["The child was under 4 at the review, so participation must be PN0"]
    }
    assert record_la_review(alice, child=baby, date=D(2024, 1, 30), participation="PN0").pk


# Visits


def test_a_visit_is_recorded_and_audited(world, alice):
    visit = record_visit(alice, child=world.child_north, date=D(2024, 3, 7), seen_alone=False)
    assert visit.seen_alone is False
    assert AuditEvent.objects.get(object_type="care.visit").actor == alice


def test_a_visit_cannot_be_recorded_in_the_future(world, alice, nothing_written):
    with nothing_written(Visit), pytest.raises(ValidationError) as refused:
        record_visit(alice, child=world.child_north, date=timezone.localdate() + dt.timedelta(days=1))
    assert refused.value.message_dict == {"date": ["The date cannot be in the future"]}


# Missing and away


def test_a_missing_period_is_recorded_and_the_return_added_later(world, alice):
    missing = record_missing(alice, child=world.child_north, kind="M", start=D(2024, 4, 2))
    end_missing(alice, missing=missing, end=D(2024, 4, 3))
    missing.refresh_from_db()
    assert missing.end == D(2024, 4, 3)
    assert list(
        AuditEvent.objects.filter(object_type="care.missingepisode").values_list("action", flat=True)
    ) == [
        "update",
        "create",
    ]


def test_a_new_missing_period_is_refused_while_the_child_is_still_away(world, alice, nothing_written):
    record_missing(alice, child=world.child_north, kind="M", start=D(2024, 4, 2))
    with nothing_written(MissingEpisode), pytest.raises(ValidationError) as refused:
        record_missing(alice, child=world.child_north, kind="A", start=D(2024, 4, 9))
    assert refused.value.message_dict == {"start": ["Ava is still recorded as away since 2 April 2024"]}


def test_missing_periods_do_not_overlap(world, alice, nothing_written):
    record_missing(alice, child=world.child_north, kind="M", start=D(2024, 4, 2), end=D(2024, 4, 6))
    with nothing_written(MissingEpisode), pytest.raises(ValidationError) as refused:
        record_missing(alice, child=world.child_north, kind="M", start=D(2024, 4, 5), end=D(2024, 4, 7))
    assert refused.value.message_dict == {
        "start": ["This would overlap the period from 2 April 2024 to 6 April 2024"]
    }
    assert record_missing(alice, child=world.child_north, kind="M", start=D(2024, 4, 6), end=D(2024, 4, 7)).pk


def test_a_child_cannot_return_before_going_missing(world, alice, nothing_written):
    with nothing_written(MissingEpisode), pytest.raises(ValidationError) as refused:
        record_missing(alice, child=world.child_north, kind="M", start=D(2024, 4, 2), end=D(2024, 4, 1))
    assert refused.value.message_dict == {"end": ["The child cannot return before they went missing"]}


def test_a_return_is_recorded_only_once(world, alice):
    missing = record_missing(alice, child=world.child_north, kind="M", start=D(2024, 4, 2), end=D(2024, 4, 3))
    with pytest.raises(ValidationError) as refused:
        end_missing(alice, missing=missing, end=D(2024, 4, 4))
    assert refused.value.message_dict == {"end": ["The child's return was already recorded on 3 April 2024"]}
