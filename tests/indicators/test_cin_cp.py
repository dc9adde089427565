"""Children in need and child protection figures worked by hand."""

from __future__ import annotations

import polars as pl

from divert.indicators.frames import Frames
from tests.indicators.fd_builders import (
    children,
    conference,
    d,
    members,
    month,
    plan,
    referral,
    register,
    value,
)

MARCH = month("2025-03-31")


def _in_need() -> Frames:
    return register(
        referrals=[
            referral(1, "2025-03-31", id=1),  # referred on the date: in need
            referral(2, "2024-01-01", "2025-03-31", id=2),  # closed on the date: not
            referral(3, "2024-01-01", "2025-04-01", id=3),  # closed the day after: in need
            referral(4, "2024-06-01", id=4),  # two open referrals: one child
            referral(4, "2025-01-01", id=5),
            referral(5, "2025-04-01", id=6),  # referred after the date: not
            referral(6, "2024-01-01", "2025-06-01", id=7),  # a shorter referral inside a longer one
            referral(6, "2024-02-01", "2024-03-01", id=8),
            referral(7, "2025-01-01", "2025-02-01", id=9),  # one closes the day the next opens
            referral(7, "2025-02-01", id=10),
        ],
        population=[{"year": 2024, "children": 10_000}],
    )


def test_children_in_need_are_those_with_a_referral_open_on_the_date_each_once() -> None:
    frames = _in_need()
    assert value(frames, "cin_count", MARCH) == 5  # children 1, 3, 4, 6, 7
    rows = members(frames, "cin_count", MARCH)
    assert rows["child"].to_list() == [1, 3, 4, 6, 7]
    # Each child is shown with the first of the referrals that kept them in need.
    assert rows["referral_date"].to_list() == [
        d("2025-03-31"),
        d("2024-01-01"),
        d("2024-06-01"),
        d("2024-01-01"),
        d("2025-02-01"),
    ]


def test_a_child_with_back_to_back_referrals_is_in_need_throughout() -> None:
    frames = _in_need()
    january, february = month("2025-01-31"), month("2025-02-28")
    assert 7 in children(frames, "cin_count", january) and 7 in children(frames, "cin_count", february)


def test_the_children_in_need_rate_uses_the_mid_year_estimate_before_the_date() -> None:
    # 31 March 2025 uses mid-2024: 5 x 10,000 / 10,000 children = 5.0 per 10,000.
    assert value(_in_need(), "cin_rate_per_10k", MARCH) == 5.0
    assert children(_in_need(), "cin_rate_per_10k", MARCH) == [1, 3, 4, 6, 7]


def _plans() -> Frames:
    return register(
        cp_plans=[
            plan(1, "2024-06-30", id=1),  # 9 whole months on 31 March 2025
            plan(2, "2024-07-01", id=2),  # 8 months (9 on 1 April)
            plan(3, "2024-03-31", id=3),  # 12 months exactly
            plan(4, "2023-09-30", id=4),  # 18 months
            plan(5, "2023-03-31", id=5),  # 2 years
            plan(6, "2023-04-01", id=6),  # 23 months
            plan(7, "2024-03-31", "2025-03-31", id=7),  # ended on the date: not on a plan
            plan(8, "2025-04-01", id=8),  # starts after the date
        ],
        population=[{"year": 2024, "children": 20_000}],
    )


def test_children_on_a_plan_exclude_a_plan_ending_on_the_date() -> None:
    frames = _plans()
    assert value(frames, "cp_count", MARCH) == 6
    assert children(frames, "cp_count", MARCH) == [1, 2, 3, 4, 5, 6]
    # 6 x 10,000 / 20,000 = 3.0 per 10,000.
    assert value(frames, "cp_rate_per_10k", MARCH) == 3.0
    assert children(frames, "cp_rate_per_10k", MARCH) == [1, 2, 3, 4, 5, 6]


def test_long_running_plans_count_whole_months_with_the_anniversary_itself_counting() -> None:
    frames = _plans()
    assert value(frames, "cp_open_9m", MARCH) == 5  # 1, 3, 4, 5, 6
    assert value(frames, "cp_open_12m", MARCH) == 4  # 3, 4, 5, 6
    assert value(frames, "cp_open_18m", MARCH) == 3  # 4, 5, 6
    assert value(frames, "cp_open_2y", MARCH) == 1  # 5
    assert children(frames, "cp_open_9m", MARCH) == [1, 3, 4, 5, 6]
    assert children(frames, "cp_open_18m", MARCH) == [4, 5, 6]
    assert children(frames, "cp_open_2y", MARCH) == [5]
    rows = members(frames, "cp_open_12m", MARCH)
    assert rows["child"].to_list() == [3, 4, 5, 6]
    assert rows["months_open"].to_list() == [12, 18, 24, 23]
    assert rows["start"].to_list() == [d("2024-03-31"), d("2023-09-30"), d("2023-03-31"), d("2023-04-01")]


def test_a_plan_from_the_31st_completes_a_month_only_on_a_31st() -> None:
    # 31 July 2024 to 30 April 2025: 8 whole months (the 9th completes on 31 May).
    frames = register(cp_plans=[plan(1, "2024-07-31")])
    assert value(frames, "cp_open_9m", month("2025-04-30")) == 0
    assert value(frames, "cp_open_9m", month("2025-05-31")) == 1


def test_repeat_plans_count_earlier_plans_held_and_those_only_counted_by_an_old_census() -> None:
    frames = register(
        cp_plans=[
            plan(1, "2025-03-10", id=1),  # first plan: not a repeat
            plan(2, "2020-01-01", "2020-06-01", id=2),
            plan(2, "2025-03-15", id=3),  # second plan, five years on: a repeat (ever)
            plan(3, "2025-03-20", id=4, not_held=1),  # an earlier plan the register does not hold
            plan(4, "2025-03-01", "2025-03-05", id=5),  # two plans in the month: the second is a repeat
            plan(4, "2025-03-25", id=6),
        ]
    )
    # 5 plans started in March, 3 repeats: 60%.
    assert value(frames, "repeat_cp_pct", MARCH) == 60.0
    rows = members(frames, "repeat_cp_pct", MARCH)
    assert rows["child"].to_list() == [2, 3, 4]
    assert rows["earlier_plans"].to_list() == [1, 1, 1]
    assert rows["previous_plan_ended"].to_list() == [d("2020-06-01"), None, d("2025-03-05")]


def test_reviews_are_in_time_until_the_day_after_they_fall_due() -> None:
    frames = register(
        cp_plans=[
            plan(1, "2025-01-15", id=1),  # first review due 15 April: in time
            plan(2, "2024-12-31", id=2),  # due 31 March, the date itself: not yet overdue
            plan(3, "2024-12-30", id=3),  # due 30 March: overdue
            plan(4, "2024-06-01", id=4),  # reviewed 1 Sept and 1 Dec: next due 1 June
            plan(5, "2024-03-01", id=5),  # reviewed 1 June and 15 Sept: due 15 March, overdue
        ],
        conferences=[
            conference(1, 1, "2025-01-15", kind="initial"),
            conference(4, 4, "2024-09-01"),
            conference(4, 4, "2024-12-01"),
            conference(5, 5, "2024-06-01"),
            conference(5, 5, "2024-09-15"),
            conference(5, 5, "2025-04-10"),  # after the date: not yet held
        ],
    )
    # Children on a plan: 5; reviews in time: 1, 2, 4 = 3; 60%.
    assert value(frames, "cp_reviews_on_time_pct", MARCH) == 60.0
    rows = members(frames, "cp_reviews_on_time_pct", MARCH)
    assert rows["child"].to_list() == [1, 2, 4]
    assert rows["review_due"].to_list() == [d("2025-04-15"), d("2025-03-31"), d("2025-06-01")]
    late = members(frames, "cp_reviews_on_time_pct", MARCH, denominator=True).filter(pl.col("num") == 0)
    assert late["child"].to_list() == [3, 5]
    assert late["last_review"].to_list() == [None, d("2024-09-15")]


def test_a_review_for_one_plan_does_not_keep_another_plan_in_time() -> None:
    frames = register(
        cp_plans=[plan(3, "2024-12-30", id=3), plan(9, "2024-12-01", id=9)],
        conferences=[conference(9, 9, "2025-03-01")],
    )
    assert children(frames, "cp_reviews_on_time_pct", MARCH) == [9]


def test_an_empty_register_gives_zero_counts_and_no_percentages() -> None:
    frames = Frames()
    for indicator in ("cin_count", "cp_count", "cp_open_9m", "cp_open_2y"):
        assert value(frames, indicator, MARCH) == 0
    for indicator in ("repeat_cp_pct", "cp_reviews_on_time_pct", "cin_rate_per_10k"):
        assert value(frames, indicator, MARCH) is None
