"""The database refuses impossible case records, whoever writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47

D = dt.date


def refused_by_database(model, **fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def test_a_well_formed_plan_and_review_are_accepted(world):
    plan = ChildProtectionPlan.objects.create(child=world.child_north, start=D(2024, 1, 1), category="NEG")
    Conference.objects.create(child=world.child_north, kind="review", date=D(2024, 4, 1), plan=plan)
    assert Conference.objects.count() == 1


def test_a_protection_plan_cannot_end_before_it_starts(world):
    refused_by_database(
        ChildProtectionPlan, child=world.child_north, start=D(2024, 1, 1), end=D(2023, 12, 31), category="NEG"
    )


def test_a_review_conference_must_belong_to_a_plan(world):
    refused_by_database(Conference, child=world.child_north, kind="review", date=D(2024, 4, 1))


def test_a_child_in_need_plan_cannot_end_before_it_starts(world):
    refused_by_database(CINPlan, child=world.child_north, start=D(2024, 1, 1), end=D(2023, 12, 31))


def test_an_assessment_cannot_be_authorised_before_it_starts(world):
    refused_by_database(Assessment, child=world.child_north, start=D(2024, 1, 2), authorised=D(2024, 1, 1))


@pytest.mark.parametrize(
    ("strategy", "start", "completed"),
    [(D(2024, 1, 2), D(2024, 1, 1), None), (D(2024, 1, 1), D(2024, 1, 2), D(2024, 1, 1))],
)
def test_a_section_47_enquiry_runs_forwards_from_its_strategy_discussion(world, strategy, start, completed):
    refused_by_database(
        Section47, child=world.child_north, strategy_discussion=strategy, start=start, completed=completed
    )
