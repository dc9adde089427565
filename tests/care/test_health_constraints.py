"""The database refuses health outcomes, previous permanence and motherhood the DfE rules forbid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from divert.care.models import AnnualHealthOutcome, PreviousPermanenceOrder
from divert.people.models import Child

D = dt.date


def refused_by_database(model: Any, **fields: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def outcome(world: Any, **extra: Any) -> dict[str, Any]:
    fields = {"child": world.child_north, "year": 2025, "immunisations": True, "teeth_check": True}
    return fields | {"health_assessment": True, "substance_misuse": False} | extra


def test_a_child_has_one_set_of_health_outcomes_a_year(world: Any) -> None:
    AnnualHealthOutcome.objects.create(**outcome(world, sdq_score=14))
    AnnualHealthOutcome.objects.create(**outcome(world, year=2024, sdq_reason="SDQ4"))
    refused_by_database(AnnualHealthOutcome, **outcome(world))


@pytest.mark.parametrize(
    "wrong",
    [
        {"sdq_score": 41},
        {"sdq_reason": "SDQ9"},
        {"sdq_score": 12, "sdq_reason": "SDQ2"},
        {"intervention_received": True},
        {"substance_misuse": True, "intervention_received": True, "intervention_offered": False},
        {"substance_misuse": True, "intervention_offered": True},
    ],
    ids=[
        "score-over-40",
        "unknown-reason",
        "score-and-reason",
        "intervention-no-misuse",
        "offered-and-received",
        "offered-without-received",
    ],
)
def test_inconsistent_health_outcomes_are_refused(world: Any, wrong: dict[str, Any]) -> None:
    refused_by_database(AnnualHealthOutcome, **outcome(world, **wrong))


def test_a_refused_intervention_is_recorded_with_the_misuse_found(world: Any) -> None:
    AnnualHealthOutcome.objects.create(
        **outcome(world, substance_misuse=True, intervention_received=False, intervention_offered=True)
    )


def test_previous_permanence_none_has_no_authority_or_date_and_codes_are_checked(world: Any) -> None:
    PreviousPermanenceOrder.objects.create(
        child=world.child_north, option="P2", la_code="202", date=D(2019, 5, 1)
    )
    refused_by_database(PreviousPermanenceOrder, child=world.child_south, option="Z1", la_code="202")
    refused_by_database(PreviousPermanenceOrder, child=world.child_south, option="Z1", date=D(2019, 5, 1))
    refused_by_database(PreviousPermanenceOrder, child=world.child_south, option="P9")
    refused_by_database(PreviousPermanenceOrder, child=world.child_north, option="Z1")  # one per child


def _save(child: Child, **fields: Any) -> None:
    with transaction.atomic():
        Child.objects.filter(pk=child.pk).update(**fields)


def test_only_a_girl_recorded_as_a_mother_has_a_first_child_born_after_her(world: Any) -> None:
    ava = world.child_north  # born 17/05/2012
    _save(ava, is_mother=True, first_child_born=D(2028, 1, 3))
    for wrong in (
        {"is_mother": False, "first_child_born": D(2028, 1, 3)},
        {"first_child_born": D(2011, 1, 3)},
        {"sex": "M"},
    ):
        with pytest.raises(IntegrityError):
            _save(ava, **wrong)
