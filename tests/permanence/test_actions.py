"""Recording permanence plans and court applications: what is written, audited, and refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from divert.care.models import LookedAfterReview
from divert.core.models import AuditEvent
from divert.permanence import actions
from divert.permanence.models import CourtApplication, PermanencePlan
from tests.permanence.helpers import D, application, episode, episodes, review


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def ava(world):
    episode(world.child_north, ago(200))
    return world.child_north


def refused(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_plan_is_recorded_with_its_audit_row_and_becomes_current(world, ava):
    alice = world.users["alice"]
    actions.record_plan(alice, child=ava, agreed=ago(150), plan="return_home")
    later = actions.record_plan(alice, child=ava, agreed=ago(20), plan="sgo", notes=" Grandmother assessed ")

    assert list(ava.permanence_plans.all()) == [later, PermanencePlan.objects.get(plan="return_home")]
    assert later.notes == "Grandmother assessed" and later.recorded_by == alice
    assert AuditEvent.objects.filter(action="create", object_type="permanence.permanenceplan").count() == 2


def test_a_plan_agreed_at_a_review_marks_the_review_as_having_a_plan(world, ava):
    held = review(ava, ago(100))
    actions.record_plan(world.users["alice"], child=ava, agreed=ago(100), plan="adoption", review=held)

    held.refresh_from_db()
    assert held.permanence_plan is True
    assert AuditEvent.objects.filter(action="update", object_type="care.lookedafterreview").count() == 1


def test_a_plan_at_a_review_must_carry_the_reviews_date(world, ava, nothing_written):
    held = review(ava, ago(100))
    with nothing_written(PermanencePlan), pytest.raises(ValidationError) as error:
        actions.record_plan(world.users["alice"], child=ava, agreed=ago(99), plan="adoption", review=held)
    assert "the date agreed must be the same" in refused(error)["review"][0]
    assert LookedAfterReview.objects.get(pk=held.pk).permanence_plan is False


def test_a_plan_is_for_a_child_looked_after_on_the_day(world, ava, nothing_written):
    with nothing_written(PermanencePlan), pytest.raises(ValidationError) as error:
        actions.record_plan(world.users["alice"], child=ava, agreed=ago(201), plan="adoption")
    assert refused(error) == {"agreed": [f"Ava was not looked after on {ago(201).day} {ago(201):%B %Y}"]}


def test_a_plan_cannot_be_agreed_in_the_future_nor_be_an_unknown_kind(world, ava, nothing_written):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with nothing_written(PermanencePlan), pytest.raises(ValidationError) as error:
        actions.record_plan(world.users["alice"], child=ava, agreed=tomorrow, plan="foster_forever")
    assert refused(error) == {
        "agreed": ["The date cannot be in the future"],
        "plan": ["Choose the permanence plan"],
    }


def test_the_same_plan_twice_on_one_day_is_refused(world, ava, nothing_written):
    actions.record_plan(world.users["alice"], child=ava, agreed=ago(10), plan="adoption")
    with nothing_written(PermanencePlan), pytest.raises(ValidationError) as error:
        actions.record_plan(world.users["alice"], child=ava, agreed=ago(10), plan="adoption")
    assert "already recorded" in error.value.messages[0]


def test_a_discharge_application_needs_a_care_order_on_the_day(world, nothing_written):
    ava = world.child_north
    episodes(ava, (ago(300), "S", "C1", "U4"), (ago(100), "L", "C2", "P1"))
    with nothing_written(CourtApplication), pytest.raises(ValidationError) as error:
        actions.record_application(world.users["alice"], child=ava, kind="discharge", applied=ago(101))
    assert refused(error) == {"kind": [f"Ava was not under a care order on {ago(101).day} {ago(101):%B %Y}"]}

    made = actions.record_application(
        world.users["alice"], child=ava, kind="discharge", applied=ago(100), hearing=ago(-20)
    )
    assert (made.is_open, made.hearing) == (True, ago(-20))
    assert AuditEvent.objects.filter(action="create", object_type="permanence.courtapplication").count() == 1


def test_a_revocation_needs_a_placement_order(world, ava, nothing_written):
    with nothing_written(CourtApplication), pytest.raises(ValidationError) as error:
        actions.record_application(world.users["alice"], child=ava, kind="revocation", applied=ago(5))
    assert "not under a placement order" in refused(error)["kind"][0]


def test_one_open_application_of_a_kind_and_no_hearing_before_it(world, ava, nothing_written):
    actions.record_application(world.users["alice"], child=ava, kind="sgo", applied=ago(50))
    with nothing_written(CourtApplication), pytest.raises(ValidationError) as error:
        actions.record_application(
            world.users["alice"], child=ava, kind="sgo", applied=ago(5), hearing=ago(6)
        )
    problems = refused(error)
    assert "already has an open application" in problems["kind"][0]
    assert problems["hearing"] == ["The hearing cannot be before the application"]


def test_the_outcome_is_recorded_once_with_its_date(world, ava):
    made = application(ava, "sgo", ago(50))
    alice = world.users["alice"]
    actions.update_application(
        alice, application=made, hearing=ago(10), outcome="granted", outcome_date=ago(10)
    )
    made.refresh_from_db()
    assert (made.outcome, made.outcome_date, made.is_open) == ("granted", ago(10), False)
    assert AuditEvent.objects.filter(action="update", object_type="permanence.courtapplication").count() == 1

    with pytest.raises(ValidationError) as error:
        actions.update_application(
            alice, application=made, hearing=ago(10), outcome="refused", outcome_date=ago(5)
        )
    assert "already recorded (granted" in error.value.messages[0]


def test_an_outcome_needs_a_date_not_before_the_application_nor_in_the_future(world, ava, nothing_written):
    made = application(ava, "sgo", ago(50))
    alice = world.users["alice"]
    for outcome, day, field, message in [
        ("granted", None, "outcome_date", "Enter the date of the outcome"),
        ("granted", ago(51), "outcome_date", "The outcome cannot be before the application"),
        ("granted", ago(-1), "outcome_date", "The date cannot be in the future"),
        ("", ago(5), "outcome", "Choose the outcome, or leave the date of the outcome blank"),
    ]:
        with nothing_written(CourtApplication), pytest.raises(ValidationError) as error:
            actions.update_application(
                alice, application=made, hearing=None, outcome=outcome, outcome_date=day
            )
        assert refused(error)[field][0].startswith(message)


def test_a_hearing_can_be_listed_without_an_outcome(world, ava):
    made = application(ava, "sgo", ago(50))
    actions.update_application(world.users["alice"], application=made, hearing=ago(-14))
    made.refresh_from_db()
    assert (made.hearing, made.is_open) == (ago(-14), True)


def test_an_adoption_order_application_needs_no_particular_legal_status(world):
    episodes(world.child_north, (D(2024, 1, 1), "S", "E1", "A5"))
    made = actions.record_application(
        world.users["alice"], child=world.child_north, kind="adoption", applied=D(2024, 6, 1)
    )
    assert made.kind == CourtApplication.Kind.ADOPTION
