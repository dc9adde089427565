"""Who the placement review hears, and in what order: independent sector first, then the costliest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from divert.people.models import Child
from divert.stepdown import queries
from divert.stepdown.models import Decision, PlacementReviewMeeting, StepDownPlan
from tests.conftest import World, make_child
from tests.stepdown.conftest import TODAY, place

SINCE = dt.date(2025, 3, 1)


def _child(world: World, code: str) -> Child:
    return make_child(world.authority, code.upper(), code.title(), "Tester", dt.date(2012, 1, 1))


def _order(world: World) -> list[str]:
    return [row.child.child_id for row in queries.programme(world.users["hos"], world.authority.pk, TODAY)]


def test_independent_placements_come_first_then_the_most_costly(world: World) -> None:
    place(_child(world, "inhouse700"), SINCE, "U6", "700", place_provider="PR1")
    place(_child(world, "ifa900"), SINCE, "U6", "900")
    place(_child(world, "home4200"), SINCE, "K2", "4200")
    place(_child(world, "ownhome3000"), SINCE, "K2", "3000", place_provider="PR1")
    place(_child(world, "ltifa950"), SINCE, "U4", "950", place_provider="PR5")
    place(_child(world, "ltinhouse"), SINCE, "U4", "600", place_provider="PR1")
    place(_child(world, "adoption"), SINCE, "A4", "0", place_provider="PR1")
    place(_child(world, "shortbreak"), SINCE, "K2", "5000", ls="V3")
    place(_child(world, "left"), SINCE, "K2", "5000", dec=dt.date(2025, 10, 1), rec="E4A")
    place(_child(world, "future"), dt.date(2025, 12, 1), "K2", "5000")

    # Long-term in-house fostering and adoption are permanent; an agency's long-term fostering is not
    # (its fee can be negotiated). Short breaks, children who left and placements not yet begun are out.
    assert _order(world) == ["HOME4200", "LTIFA950", "IFA900", "OWNHOME3000", "INHOUSE700"]


def test_equal_costs_are_ordered_by_child_id(world: World) -> None:
    place(_child(world, "b2"), SINCE, "U6", "900")
    place(_child(world, "a1"), SINCE, "U6", "900")
    assert _order(world) == ["A1", "B2"]


def test_the_programme_lists_only_the_children_the_reader_may_see(world: World) -> None:
    place(world.child_north, SINCE, "K2", "4200")
    place(world.child_south, SINCE, "U6", "900")
    place(world.child_elsewhere, SINCE, "K2", "9000")
    alice = [r.child for r in queries.programme(world.users["alice"], world.authority.pk, TODAY)]
    assert alice == [world.child_north]
    hos = [r.child for r in queries.programme(world.users["hos"], world.authority.pk, TODAY)]
    assert hos == [world.child_north, world.child_south]


def _decide(world: World, child: Child, day: dt.date, next_review: dt.date) -> Decision:
    meeting, _ = PlacementReviewMeeting.objects.get_or_create(
        authority=world.authority, date=day, defaults={"chair": "Chair"}
    )
    episode = child.episodes.get(dec__isnull=True)
    return Decision.objects.create(
        meeting=meeting,
        child=child,
        episode=episode,
        weekly_cost=episode.weekly_cost,
        outcome="stay",
        reason="Settled",
        next_review=next_review,
    )


def _due(world: World) -> dict[str, tuple[str, ...]]:
    return {
        r.child.child_id: r.reasons_due
        for r in queries.programme(world.users["hos"], world.authority.pk, TODAY)
    }


def test_a_child_is_due_when_never_reviewed_or_the_next_review_has_come(world: World) -> None:
    never = _child(world, "never")
    waiting = _child(world, "waiting")
    reached = _child(world, "reached")
    for child in (never, waiting, reached):
        place(child, SINCE, "U6", "900")
    _decide(world, waiting, dt.date(2025, 10, 29), next_review=dt.date(2025, 12, 10))
    _decide(world, reached, dt.date(2025, 9, 17), next_review=TODAY)
    assert _due(world) == {"NEVER": ("Never reviewed",), "WAITING": (), "REACHED": ("Review date reached",)}


def test_a_new_placement_since_the_last_review_makes_the_child_due(world: World) -> None:
    child = _child(world, "moved")
    first = place(child, SINCE, "K2", "4200")
    decision = _decide(world, child, dt.date(2025, 10, 1), next_review=dt.date(2025, 12, 10))
    first.dec, first.rec = dt.date(2025, 11, 1), "X1"
    first.save()
    place(child, dt.date(2025, 11, 1), "U6", "900", rne="P")
    assert decision.episode == first
    assert _due(world) == {"MOVED": ("Placement changed since the last review",)}


def test_a_slipped_plan_makes_the_child_due_and_shows_on_the_programme(world: World) -> None:
    child = _child(world, "slipped")
    place(child, SINCE, "K2", "4200")
    decision = _decide(world, child, dt.date(2025, 9, 3), next_review=dt.date(2025, 12, 10))
    plan = StepDownPlan.objects.create(
        child=child,
        decision=decision,
        from_episode=decision.episode,
        destination="in_house_foster",
        weekly_cost_before=Decimal("4200"),
        expected_weekly_cost=Decimal("650"),
        target_date=dt.date(2025, 11, 1),
    )
    (row,) = queries.programme(world.users["hos"], world.authority.pk, TODAY)
    assert row.reasons_due == ("Plan slipped",)
    assert row.plan is not None and row.plan.plan == plan and row.plan.days_late == 11  # 1 to 12 November
    figures = queries.figures([row])
    assert (figures.children, figures.due, figures.open_plans, figures.slipped) == (1, 1, 1, 1)
