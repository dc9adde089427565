"""The savings plan rolled up by area and year, with on track (a forecast) and achieved (money
saved) kept apart, and the placements line's achieved saving read from the placement review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from divert.core.models import AuditEvent
from divert.programme import actions, queries
from divert.programme.models import SavingsLine
from divert.stepdown.queries import savings_summary
from tests.conftest import World, make_child
from tests.programme.conftest import fee_plan, line

ON = dt.date(2026, 6, 30)
D = Decimal


def _plan_and_register(world: World) -> None:
    a = world.authority
    line(a, "placements", 2025, "400", on_track="amber")
    line(
        a, "care_leavers", 2025, "130", on_track="green", achieved_k=D("130"), achieved_on=dt.date(2025, 4, 1)
    )
    line(a, "staff", 2025, "100", on_track="green")  # green, nothing achieved yet
    line(a, "placements", 2026, "750", on_track="green")
    line(a, "court", 2026, "180", on_track="red")
    line(world.other_authority, "placements", 2025, "999")
    # Realised by new fees: (4200 - 3900) x 52 = 15,600 and (2000 - 1500) x 52 = 26,000 in 2025/26;
    # (1000 - 900) x 52 = 5,200 in 2026/27. Eli's is another council's and counts for neither.
    fee_plan(world.child_north, "4200", "3900", dt.date(2025, 6, 10))
    fee_plan(world.child_south, "2000", "1500", dt.date(2026, 2, 1))
    dan = make_child(world.authority, "D0001", "Dan", "Dawson", dt.date(2013, 4, 4))
    fee_plan(dan, "1000", "900", dt.date(2026, 5, 1))
    fee_plan(world.child_elsewhere, "3000", "1000", dt.date(2025, 9, 1))


def test_the_plan_rolls_up_by_year_with_on_track_and_achieved_apart(world: World) -> None:
    _plan_and_register(world)
    plan = queries.savings_plan(world.authority.pk, ON)
    first, second = plan.years
    assert (first.label, second.label) == ("2025/26", "2026/27")
    # 2025/26 target: 400 + 130 + 100 = 630; achieved: placements 15.6 + 26.0 = 41.6, care leavers 130,
    # staff nothing (its green forecast is not a saving): 41.6 + 130 = 171.6.
    assert first.target_k == D("630")
    assert first.achieved_k == D("171.6")
    assert first.still_to_achieve_k == D("458.4")
    # By forecast: amber 400 (placements), green 130 + 100 = 230.
    assert first.target_by_status == {"amber": D("400"), "green": D("230")}
    staff = next(v for v in first.lines if v.line.area == "staff")
    assert (staff.line.on_track, staff.achieved_k) == ("green", None)
    # 2026/27 target: 750 + 180 = 930; achieved: placements 5.2 only.
    assert (second.target_k, second.achieved_k) == (D("930"), D("5.2"))
    # All years: target 630 + 930 = 1,560; achieved 171.6 + 5.2 = 176.8.
    assert (plan.target_k, plan.achieved_k) == (D("1560"), D("176.8"))


def test_the_plan_rolls_up_by_area(world: World) -> None:
    _plan_and_register(world)
    areas = {a.area: (a.target_k, a.achieved_k) for a in queries.savings_plan(world.authority.pk, ON).areas}
    # Placements: target 400 + 750 = 1,150; achieved 41.6 + 5.2 = 46.8.
    assert areas == {
        "placements": (D("1150"), D("46.8")),
        "staff": (D("100"), D("0.0")),
        "court": (D("180"), D("0.0")),
        "care_leavers": (D("130"), D("130")),
    }


def test_the_placements_line_equals_the_placement_reviews_realised_savings_in_the_year(world: World) -> None:
    _plan_and_register(world)
    placements = next(
        v for v in queries.savings_plan(world.authority.pk, ON).years[0].lines if v.from_register
    )
    months = savings_summary(world.users["hos"], world.authority.pk, ON).by_month
    in_year = sum(r for month, _, r in months if dt.date(2025, 4, 1) <= month <= dt.date(2026, 3, 1))
    assert in_year == D("41600.00")
    assert placements.achieved_k == D("41.6")
    assert placements.achieved_on == dt.date(2026, 2, 1)


def test_a_saving_not_yet_realised_is_not_achieved(world: World) -> None:
    line(world.authority, "placements", 2025, "400")
    fee_plan(world.child_north, "4200", "3900", dt.date(2025, 6, 10))
    # As at 1 June 2025 the fee did not yet apply: nothing achieved.
    plan = queries.savings_plan(world.authority.pk, dt.date(2025, 6, 1))
    assert plan.years[0].lines[0].achieved_k is None
    assert plan.achieved_k == D("0")


def test_achieved_is_recorded_with_an_audit_row_but_never_for_placements(world: World) -> None:
    hos = world.users["hos"]
    leavers = line(world.authority, "care_leavers", 2025, "130")
    actions.record_saving(hos, leavers, achieved_k=D("62.5"), achieved_on=dt.date(2025, 9, 30))
    leavers.refresh_from_db()
    assert (leavers.achieved_k, leavers.achieved_on) == (D("62.5"), dt.date(2025, 9, 30))
    assert AuditEvent.objects.filter(object_type="programme.savingsline", action="update").exists()
    placements = line(world.authority, "placements", 2025, "400")
    with pytest.raises(ValidationError) as refused:
        actions.record_saving(hos, placements, achieved_k=D("50"), achieved_on=dt.date(2025, 9, 30))
    assert "placement review" in refused.value.message_dict["achieved_k"][0]
    placements.refresh_from_db()
    assert placements.achieved_k is None


def test_the_forecast_is_set_without_touching_achieved(world: World) -> None:
    staff = line(world.authority, "staff", 2025, "100")
    actions.set_on_track(world.users["fin"], staff, on_track="amber", note="Agency staff still in post")
    staff.refresh_from_db()
    assert (staff.on_track, staff.achieved_k) == ("amber", None)
    with pytest.raises(ValidationError):
        actions.set_on_track(world.users["fin"], staff, on_track="achieved")
    assert SavingsLine.objects.get(pk=staff.pk).on_track == "amber"


def test_the_savings_page_shows_forecast_and_achieved_in_separate_columns(
    client: Client, world: World
) -> None:
    line(world.authority, "staff", 2025, "100", on_track="green")
    client.force_login(world.users["fin"])
    html = client.get("/programme/savings/").content.decode()
    assert "On track (forecast)" in html and "Achieved £000" in html
    assert "None yet" in html
