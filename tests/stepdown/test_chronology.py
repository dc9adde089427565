"""The child's chronology shows each placement review decision and what became of its plan."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from divert.people.models import Professional
from divert.stepdown import actions, chronology
from tests.conftest import World
from tests.stepdown.conftest import place, unit_costs


def test_a_decision_its_achieved_move_and_a_withdrawn_plan_are_on_the_chronology(world: World) -> None:
    unit_costs()
    hos, worker = world.users["hos"], Professional.objects.get(user=world.users["alice"])
    first = place(world.child_north, dt.date(2025, 3, 1), "K2", "4200")
    september = actions.create_meeting(hos, authority=world.authority, date=dt.date(2025, 9, 3), chair="Sue")
    plan = actions.record_decision(
        hos,
        meeting=september,
        child=world.child_north,
        outcome="step_down",
        reason="Ready for a family",
        acts=worker,
        destination="in_house_foster",
        target_date=dt.date(2025, 10, 31),
    ).plan
    first.dec, first.rec = dt.date(2025, 10, 15), "X1"
    first.save()
    second = place(world.child_north, dt.date(2025, 10, 15), "U6", "620", place_provider="PR1", rne="P")
    october = actions.create_meeting(hos, authority=world.authority, date=dt.date(2025, 10, 29), chair="Sue")
    kinship = actions.record_decision(
        hos,
        meeting=october,
        child=world.child_north,
        outcome="step_down",
        reason="Aunt assessed",
        acts=worker,
        destination="kinship",
        target_date=dt.date(2026, 1, 31),
    ).plan
    actions.withdraw_plan(hos, kinship, reason="Aunt withdrew")

    found = sorted(chronology.entries(world.child_north), key=lambda e: (e.date, e.title))
    assert [(e.date, e.title) for e in found[:3]] == [
        (dt.date(2025, 9, 3), "Placement review: step down (in-house foster care by 31 October 2025)"),
        (dt.date(2025, 10, 15), "Step-down achieved: in-house foster care"),
        (
            dt.date(2025, 10, 29),
            "Placement review: step down (kinship (family and friends) foster care by 31 January 2026)",
        ),
    ]
    assert found[3].title == "Step-down plan withdrawn" and found[3].detail == "Aunt withdrew"
    assert {e.kind for e in found} == {"placement_review"}
    assert found[0].url == found[1].url == reverse("stepdown:plan", args=[plan.pk])
    assert "£4,200.00 a week" in found[0].detail
    assert found[1].detail.endswith(f"£{second.weekly_cost:,.2f} a week after £4,200.00 before")
    assert chronology.entries(world.child_south) == []
