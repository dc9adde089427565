"""Children placed with parents (P1) under a full care order (C2): the candidates for discharge."""

from __future__ import annotations

from divert.permanence.queries import placed_with_parents
from tests.permanence.helpers import D, application, episodes, plan

ON = D(2026, 3, 1)


def test_a_child_at_home_under_a_care_order_is_listed_with_days_at_home(world):
    ava = world.child_north
    episodes(ava, (D(2025, 1, 10), "S", "C2", "U4"), (D(2025, 9, 1), "P", "C2", "P1"))

    [row] = placed_with_parents(world.users["alice"], ON)

    assert row.child == ava
    assert row.home_since == D(2025, 9, 1)
    assert row.days_at_home == 181  # 30 Sep + 31 Oct + 30 Nov + 31 Dec + 31 Jan + 28 Feb - 1 Sep's 1 = 181
    assert row.plan is None and row.discharge is None


def test_a_change_of_legal_status_at_home_keeps_the_day_the_child_went_home(world):
    ava = world.child_north
    episodes(
        ava,
        (D(2025, 1, 10), "S", "C1", "U4"),
        (D(2025, 6, 1), "P", "C1", "P1"),
        (D(2025, 11, 1), "L", "C2", "P1"),
    )

    [row] = placed_with_parents(world.users["alice"], ON)

    assert row.home_since == D(2025, 6, 1)


def test_only_a_full_care_order_at_home_is_listed(world):
    episodes(world.child_north, (D(2025, 1, 10), "S", "C1", "P1"))  # interim order: not yet dischargeable
    episodes(world.child_south, (D(2025, 1, 10), "S", "V2", "P1"))  # section 20: not a care order
    assert placed_with_parents(world.users["mo"], ON) == []


def test_a_child_who_left_care_or_moved_on_is_not_listed(world):
    episodes(world.child_north, (D(2025, 1, 10), "S", "C2", "P1"), end=(D(2026, 2, 1), "E4A"))
    episodes(world.child_south, (D(2025, 1, 10), "S", "C2", "P1"), (D(2026, 2, 1), "P", "C2", "U4"))
    assert placed_with_parents(world.users["mo"], ON) == []


def test_each_row_shows_the_current_plan_and_the_latest_discharge_application(world):
    ava = world.child_north
    episodes(ava, (D(2025, 1, 10), "S", "C2", "P1"))
    plan(ava, D(2025, 4, 1), "long_term_fostering")
    current = plan(ava, D(2025, 8, 1), "return_home")
    application(
        ava,
        "discharge",
        D(2025, 9, 1),
        hearing=D(2025, 10, 1),
        outcome="refused",
        outcome_date=D(2025, 10, 1),
    )
    latest = application(ava, "discharge", D(2026, 1, 15), hearing=D(2026, 3, 20))
    application(ava, "other", D(2026, 2, 1))

    [row] = placed_with_parents(world.users["alice"], ON)

    assert row.plan == current
    assert row.discharge == latest


def test_longest_at_home_first_and_only_children_the_user_may_see(world):
    episodes(world.child_north, (D(2025, 6, 1), "S", "C2", "P1"))
    episodes(world.child_south, (D(2025, 2, 1), "S", "C2", "P1"))
    episodes(world.child_elsewhere, (D(2025, 1, 1), "S", "C2", "P1"))

    assert [row.child for row in placed_with_parents(world.users["mo"], ON)] == [
        world.child_south,
        world.child_north,
    ]
    assert [row.child for row in placed_with_parents(world.users["alice"], ON)] == [world.child_north]
