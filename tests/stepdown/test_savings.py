"""The saving arithmetic, with the figures worked by hand in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import override_settings

from divert.stepdown import savings


def test_the_full_year_effect_is_the_weekly_difference_times_52_weeks() -> None:
    # A children's home at £4,200 a week to in-house foster care at £650: £3,550 a week;
    # 3,550 x 52 = £184,600.
    assert savings.full_year(Decimal("4200"), Decimal("650")) == Decimal("184600.00")


def test_the_horizon_is_a_setting() -> None:
    # The same £3,550 a week over 26 weeks: 3,550 x 26 = £92,300.
    with override_settings(DIVERT={"STEP_DOWN_SAVING_WEEKS": 26}):
        assert savings.full_year(Decimal("4200"), Decimal("650")) == Decimal("92300.00")


def test_the_in_year_saving_runs_from_the_move_to_31_march_both_days_counted() -> None:
    # An agency foster placement at £1,000 to kinship care at £300 on 1 January 2026: £700 a week.
    # 1 January to 31 March 2026 is 31 + 28 + 31 = 90 days = 12 6/7 weeks; 700 x 90 / 7 = £9,000.
    assert savings.in_year(Decimal("1000"), Decimal("300"), dt.date(2026, 1, 1)) == Decimal("9000.00")


def test_a_move_in_april_saves_in_the_year_that_ends_the_next_march() -> None:
    # 1 April 2026 falls in the year ending 31 March 2027: 365 days. £70 a week: 70 x 365 / 7 = £3,650.
    assert savings.financial_year_end(dt.date(2026, 4, 1)) == dt.date(2027, 3, 31)
    assert savings.in_year(Decimal("170"), Decimal("100"), dt.date(2026, 4, 1)) == Decimal("3650.00")


def test_saved_so_far_counts_the_days_since_the_move_up_to_the_full_year() -> None:
    # £3,550 a week, moved 1 October 2025, today 12 November 2025: 42 days = 6 weeks; 3,550 x 6 = £21,300.
    start = dt.date(2025, 10, 1)
    assert savings.to_date(Decimal("4200"), Decimal("650"), start, dt.date(2025, 11, 12)) == Decimal(
        "21300.00"
    )
    # Two years later it is capped at the full year: £184,600.
    assert savings.to_date(Decimal("4200"), Decimal("650"), start, dt.date(2027, 10, 1)) == Decimal(
        "184600.00"
    )
    # And nothing before the move.
    assert savings.to_date(Decimal("4200"), Decimal("650"), start, dt.date(2025, 9, 1)) == Decimal("0.00")


def test_a_step_that_costs_more_shows_as_a_negative_saving() -> None:
    # £800 a week to £950: -£150 a week; -150 x 52 = -£7,800.
    assert savings.full_year(Decimal("800"), Decimal("950")) == Decimal("-7800.00")


def test_pence_are_rounded_half_up_once_at_the_end() -> None:
    # £1 a week for 10 days: 1 x 10 / 7 = 1.428571... = £1.43.
    assert savings.to_date(Decimal("1"), Decimal("0"), dt.date(2025, 1, 1), dt.date(2025, 1, 11)) == Decimal(
        "1.43"
    )
