"""The list of looked-after children whose permanence plan is due by the second review.

Ava became looked after on Monday 5 January 2026 and had her first review on 20 January, so
her second review, and her permanence plan, is due 3 months later: 20 April 2026.
"""

from __future__ import annotations

import pytest

from divert.permanence.queries import plans_due, second_review_due
from tests.permanence.helpers import D, episode, plan, review

ENTERED, FIRST_REVIEW, DUE = D(2026, 1, 5), D(2026, 1, 20), D(2026, 4, 20)


@pytest.fixture
def ava(world):
    episode(world.child_north, ENTERED)
    review(world.child_north, FIRST_REVIEW)
    return world.child_north


def rows(world, on, who="mo"):
    found = plans_due(world.users[who], on)
    return [(row.child, row.days_overdue) for row in found.overdue], [
        (r.child, r.days_left) for r in found.due_soon
    ]


def test_the_second_review_is_due_three_months_after_the_first(ava):
    assert second_review_due(ENTERED, [FIRST_REVIEW]) == DUE


def test_without_a_first_review_the_plan_is_due_three_months_after_the_first_was_due():
    # 20 working days after Monday 5 January 2026 is Monday 2 February (no bank holidays between);
    # three months on is 2 May 2026.
    assert second_review_due(ENTERED, []) == D(2026, 5, 2)


def test_the_day_before_the_due_date_the_child_is_due_soon_with_one_day_left(world, ava):
    assert rows(world, D(2026, 4, 19)) == ([], [(ava, 1)])


def test_on_the_due_date_the_child_is_on_the_overdue_list_due_today(world, ava):
    assert rows(world, DUE) == ([(ava, 0)], [])


def test_the_day_after_the_due_date_the_child_is_one_day_overdue(world, ava):
    assert rows(world, D(2026, 4, 21)) == ([(ava, 1)], [])


def test_due_soon_means_within_four_weeks(world, ava):
    assert rows(world, D(2026, 3, 23)) == ([], [(ava, 28)])  # 28 days before 20 April
    assert rows(world, D(2026, 3, 22)) == ([], [])  # 29 days before: not yet


def test_a_plan_recorded_on_the_due_date_takes_the_child_off_the_list(world, ava):
    plan(ava, DUE)
    assert rows(world, DUE) == ([], [])
    assert rows(world, D(2026, 4, 21)) == ([], [])
    # The day before it was agreed the plan did not exist yet.
    assert rows(world, D(2026, 4, 19)) == ([], [(ava, 1)])


def test_a_review_that_recorded_a_plan_counts_as_a_plan(world, ava):
    review(ava, D(2026, 4, 15), plan=True)
    assert rows(world, D(2026, 5, 1)) == ([], [])


def test_a_plan_from_an_earlier_period_of_care_does_not_count(world):
    sid = world.child_south
    episode(sid, D(2024, 1, 1), dec=D(2024, 6, 1), rec="E4A")
    plan(sid, D(2024, 3, 1))
    episode(sid, ENTERED)  # back in care: a new period and a new plan needed
    review(sid, FIRST_REVIEW)
    assert rows(world, D(2026, 4, 21)) == ([(sid, 1)], [])


def test_children_who_left_care_or_are_on_short_breaks_are_not_listed(world):
    episode(world.child_north, ENTERED, dec=D(2026, 3, 1), rec="E4A")
    episode(world.child_south, ENTERED, ls="V3", place="U4")
    assert rows(world, D(2026, 6, 1)) == ([], [])


def test_the_list_holds_only_the_children_the_user_may_see(world, ava):
    episode(world.child_south, ENTERED)
    episode(world.child_elsewhere, ENTERED)
    assert rows(world, D(2026, 6, 1), "alice")[0] == [(ava, 42)]  # 20 April to 1 June is 42 days
    assert {child for child, _ in rows(world, D(2026, 6, 1), "mo")[0]} == {ava, world.child_south}


def test_the_counts_of_children_with_and_without_a_plan(world, ava):
    episode(world.child_south, ENTERED)
    plan(world.child_south, D(2026, 2, 1))
    found = plans_due(world.users["mo"], D(2026, 4, 21))
    assert (found.looked_after, found.with_plan) == (2, 1)
