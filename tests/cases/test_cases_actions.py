"""Case actions: assessments, children in need plans, section 47 enquiries, conferences, CP plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from divert.cases.actions import (
    authorise_assessment,
    complete_section47,
    end_cin_plan,
    end_cp_plan,
    record_conference,
    record_section47,
    start_assessment,
    start_cin_plan,
    start_cp_plan,
)
from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.core.models import AuditEvent
from divert.frontdoor.actions import record_referral

D = dt.date


@pytest.fixture
def alice(world):
    return world.users["alice"]


@pytest.fixture
def referral(world):
    return record_referral(world.users["mo"], child=world.child_north, date=D(2024, 3, 4), source="6")


# Assessments


def test_starting_and_authorising_an_assessment_is_audited_at_each_step(world, alice, referral):
    assessment = start_assessment(alice, child=world.child_north, start=D(2024, 3, 5), referral=referral)
    authorise_assessment(
        world.users["tom"], assessment=assessment, authorised=D(2024, 4, 20), factors="2A,3A"
    )

    assessment.refresh_from_db()
    assert (assessment.authorised, assessment.factors) == (D(2024, 4, 20), "2A,3A")
    actions = list(
        AuditEvent.objects.filter(object_type="cases.assessment").values_list("action", "actor_label")
    )
    assert sorted(actions) == [("create", "alice"), ("update", "tom")]


def test_an_assessment_cannot_start_before_its_referral(world, alice, referral, nothing_written):
    with nothing_written(Assessment), pytest.raises(ValidationError) as refused:
        start_assessment(alice, child=world.child_north, start=D(2024, 3, 1), referral=referral)
    assert refused.value.message_dict == {"start": ["The date cannot be before the referral on 4 March 2024"]}


def test_an_assessment_cannot_hang_from_another_childs_referral(world, alice, referral):
    with pytest.raises(ValidationError) as refused:
        start_assessment(alice, child=world.child_south, start=D(2024, 3, 5), referral=referral)
    assert refused.value.message_dict == {"referral": ["That referral is about a different child"]}


def test_a_child_has_one_assessment_in_progress_at_a_time(world, alice, nothing_written):
    start_assessment(alice, child=world.child_north, start=D(2024, 3, 5))
    with nothing_written(Assessment), pytest.raises(ValidationError) as refused:
        start_assessment(alice, child=world.child_north, start=D(2024, 3, 20))
    assert refused.value.message_dict == {
        "start": ["Ava already has an assessment in progress from 5 March 2024"]
    }


def test_an_assessment_is_authorised_once_and_not_before_it_started(world, alice, nothing_written):
    assessment = start_assessment(alice, child=world.child_north, start=D(2024, 3, 5))
    with nothing_written(Assessment), pytest.raises(ValidationError) as early:
        authorise_assessment(alice, assessment=assessment, authorised=D(2024, 3, 4))
    assert early.value.message_dict == {
        "authorised": ["An assessment cannot be authorised before it started on 5 March 2024"]
    }

    authorise_assessment(alice, assessment=assessment, authorised=D(2024, 4, 1))
    with nothing_written(Assessment), pytest.raises(ValidationError) as twice:
        authorise_assessment(alice, assessment=assessment, authorised=D(2024, 4, 2))
    assert twice.value.message_dict == {
        "authorised": ["This assessment was already authorised on 1 April 2024"]
    }
    assessment.refresh_from_db()
    assert assessment.authorised == D(2024, 4, 1)


# Children in need plans


def test_a_child_in_need_plan_starts_and_ends(world, alice):
    plan = start_cin_plan(alice, child=world.child_north, start=D(2024, 4, 1))
    end_cin_plan(alice, plan=plan, end=D(2024, 10, 1))
    plan.refresh_from_db()
    assert plan.end == D(2024, 10, 1)
    assert AuditEvent.objects.filter(object_type="cases.cinplan").count() == 2


def test_a_child_cannot_have_two_child_in_need_plans_at_once(world, alice, nothing_written):
    start_cin_plan(alice, child=world.child_north, start=D(2024, 4, 1))
    with nothing_written(CINPlan), pytest.raises(ValidationError) as refused:
        start_cin_plan(alice, child=world.child_north, start=D(2024, 6, 1))
    assert refused.value.message_dict == {
        "start": ["This would overlap the child in need plan from 1 April 2024 (still open)"]
    }


def test_a_plan_cannot_end_before_it_started_or_end_twice(world, alice, nothing_written):
    plan = start_cin_plan(alice, child=world.child_north, start=D(2024, 4, 1))
    with nothing_written(CINPlan), pytest.raises(ValidationError) as early:
        end_cin_plan(alice, plan=plan, end=D(2024, 3, 31))
    assert early.value.message_dict == {"end": ["The plan cannot end before it started on 1 April 2024"]}
    end_cin_plan(alice, plan=plan, end=D(2024, 5, 1))
    with pytest.raises(ValidationError) as twice:
        end_cin_plan(alice, plan=plan, end=D(2024, 6, 1))
    assert twice.value.message_dict == {"end": ["This plan already ended on 1 May 2024"]}


# Section 47 enquiries


def test_a_section_47_enquiry_is_recorded_then_completed(world, alice, referral):
    enquiry = record_section47(
        alice,
        child=world.child_north,
        strategy_discussion=D(2024, 3, 5),
        start=D(2024, 3, 5),
        referral=referral,
    )
    complete_section47(alice, section47=enquiry, completed=D(2024, 3, 15), icpc_required=True)
    enquiry.refresh_from_db()
    assert (enquiry.completed, enquiry.icpc_required) == (D(2024, 3, 15), True)


def test_a_section_47_enquiry_cannot_start_before_its_strategy_discussion(world, alice, nothing_written):
    with nothing_written(Section47), pytest.raises(ValidationError) as refused:
        record_section47(
            alice, child=world.child_north, strategy_discussion=D(2024, 3, 5), start=D(2024, 3, 4)
        )
    assert refused.value.message_dict == {
        "start": ["The enquiry cannot start before the strategy discussion"]
    }


# Child protection plans and conferences


def test_a_child_cannot_have_two_open_protection_plans(world, alice, nothing_written):
    start_cp_plan(alice, child=world.child_north, start=D(2024, 4, 1), category="NEG")
    with nothing_written(ChildProtectionPlan), pytest.raises(ValidationError) as refused:
        start_cp_plan(alice, child=world.child_north, start=D(2024, 5, 1), category="EMO")
    assert refused.value.message_dict == {
        "start": ["This would overlap the child protection plan from 1 April 2024 (still open)"]
    }


def test_a_protection_plan_cannot_be_backdated_into_an_earlier_plan(world, alice):
    plan = start_cp_plan(alice, child=world.child_north, start=D(2024, 1, 1), category="NEG")
    end_cp_plan(alice, plan=plan, end=D(2024, 6, 1))
    with pytest.raises(ValidationError) as refused:
        start_cp_plan(alice, child=world.child_north, start=D(2024, 5, 1), category="NEG")
    assert refused.value.message_dict == {
        "start": ["This would overlap the child protection plan from 1 January 2024 to 1 June 2024"]
    }


def test_a_new_protection_plan_may_start_the_day_the_last_ended(world, alice):
    plan = start_cp_plan(alice, child=world.child_north, start=D(2024, 1, 1), category="NEG")
    end_cp_plan(alice, plan=plan, end=D(2024, 6, 1))
    start_cp_plan(alice, child=world.child_north, start=D(2024, 6, 1), category="PHY")
    assert world.child_north.cp_plans.count() == 2


def test_a_protection_plan_needs_a_category(world, alice):
    with pytest.raises(ValidationError) as refused:
        start_cp_plan(alice, child=world.child_north, start=D(2024, 4, 1), category="")
    assert refused.value.message_dict == {"category": ["Choose the category of abuse or neglect"]}


def test_an_initial_conference_that_makes_a_plan_starts_it_in_the_same_transaction(world, alice, referral):
    enquiry = record_section47(
        alice,
        child=world.child_north,
        strategy_discussion=D(2024, 3, 5),
        start=D(2024, 3, 5),
        referral=referral,
    )
    conference = record_conference(
        alice,
        child=world.child_north,
        kind="initial",
        date=D(2024, 3, 25),
        plan_made=True,
        category="NEG",
        section47=enquiry,
    )

    plan = conference.plan
    assert plan is not None
    assert (plan.start, plan.category, plan.referral) == (D(2024, 3, 25), "NEG", referral)
    audited = set(AuditEvent.objects.filter(action="create").values_list("object_type", "object_id"))
    assert {("cases.conference", str(conference.pk)), ("cases.childprotectionplan", str(plan.pk))} <= audited


def test_an_initial_conference_without_a_plan_starts_none(world, alice):
    conference = record_conference(alice, child=world.child_north, kind="initial", date=D(2024, 3, 25))
    assert conference.plan is None
    assert not ChildProtectionPlan.objects.exists()


def test_an_initial_conference_is_not_recorded_when_its_plan_is_refused(world, alice, nothing_written):
    start_cp_plan(alice, child=world.child_north, start=D(2024, 1, 1), category="NEG")
    with nothing_written(Conference, ChildProtectionPlan), pytest.raises(ValidationError) as refused:
        record_conference(
            alice,
            child=world.child_north,
            kind="initial",
            date=D(2024, 3, 25),
            plan_made=True,
            category="EMO",
        )
    assert refused.value.message_dict == {
        "date": ["This would overlap the child protection plan from 1 January 2024 (still open)"]
    }


def test_an_initial_conference_making_a_plan_needs_its_category(world, alice, nothing_written):
    with nothing_written(Conference, ChildProtectionPlan), pytest.raises(ValidationError) as refused:
        record_conference(alice, child=world.child_north, kind="initial", date=D(2024, 3, 25), plan_made=True)
    assert refused.value.message_dict == {"category": ["Choose the category of abuse or neglect"]}


def test_a_review_conference_requires_an_open_plan(world, alice, nothing_written):
    with nothing_written(Conference), pytest.raises(ValidationError) as refused:
        record_conference(alice, child=world.child_north, kind="review", date=D(2024, 6, 25), plan_made=True)
    assert refused.value.message_dict == {
        "kind": ["A review conference needs an open child protection plan, and Ava has none"]
    }


def test_a_review_conference_that_continues_the_plan_leaves_it_open(world, alice):
    plan = start_cp_plan(alice, child=world.child_north, start=D(2024, 3, 25), category="NEG")
    conference = record_conference(
        alice, child=world.child_north, kind="review", date=D(2024, 6, 20), plan_made=True
    )
    plan.refresh_from_db()
    assert conference.plan == plan and plan.end is None


def test_a_review_conference_that_ends_the_plan_closes_it_that_day(world, alice):
    plan = start_cp_plan(alice, child=world.child_north, start=D(2024, 3, 25), category="NEG")
    record_conference(alice, child=world.child_north, kind="review", date=D(2024, 6, 20), plan_made=False)
    plan.refresh_from_db()
    assert plan.end == D(2024, 6, 20)
    assert AuditEvent.objects.filter(object_type="cases.childprotectionplan", action="update").count() == 1


def test_a_review_conference_cannot_predate_the_plan(world, alice, nothing_written):
    start_cp_plan(alice, child=world.child_north, start=D(2024, 3, 25), category="NEG")
    with nothing_written(Conference), pytest.raises(ValidationError) as refused:
        record_conference(alice, child=world.child_north, kind="review", date=D(2024, 3, 1), plan_made=True)
    assert refused.value.message_dict == {
        "date": ["The review cannot be before the plan began on 25 March 2024"]
    }
