"""The children-in-care and child protection review clocks, at their edges.

Hand-worked dates: bank holidays of England and Wales 2025/26 are 18 and 21 April 2025 (Easter),
25 and 26 December 2025, 1 January 2026.
"""

from __future__ import annotations

import datetime as dt

from divert.core.calendar import add_months
from divert.core.clocks import cp_review_conference_due, la_review_due, visit_due

D = dt.date


# --- add_months -------------------------------------------------------------------------------


def test_a_month_after_31_january_is_the_last_day_of_february() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)


def test_months_from_a_leap_day_stay_in_february_and_cross_the_year() -> None:
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2025, 10, 15), 3) == D(2026, 1, 15)


# --- Looked-after reviews (reg 33) --------------------------------------------------------------


def test_first_review_counts_twenty_working_days_skipping_christmas_and_new_year() -> None:
    # Mon 1 Dec 2025: 20 working days, with 25 and 26 Dec off, end on Wed 31 Dec (not Mon 29).
    assert la_review_due(D(2025, 12, 1), []) == D(2025, 12, 31)


def test_first_review_from_a_saturday_start_counts_from_the_monday() -> None:
    # Sat 6 Dec 2025: Mon 8 Dec is day 1; 25, 26 Dec and 1 Jan are off; day 20 is Wed 7 Jan 2026.
    assert la_review_due(D(2025, 12, 6), []) == D(2026, 1, 7)


def test_first_review_across_easter() -> None:
    # Tue 1 Apr 2025: Good Friday and Easter Monday push day 20 from Tue 29 Apr to Thu 1 May.
    assert la_review_due(D(2025, 4, 1), []) == D(2025, 5, 1)


def test_second_review_is_three_months_after_the_first_and_month_ends_hold() -> None:
    assert la_review_due(D(2025, 1, 2), [D(2025, 1, 30)]) == D(2025, 4, 30)
    assert la_review_due(D(2023, 11, 1), [D(2023, 11, 30)]) == D(2024, 2, 29)


def test_later_reviews_are_six_months_after_the_last() -> None:
    reviews = [D(2025, 1, 30), D(2025, 4, 29), D(2025, 8, 31)]
    assert la_review_due(D(2025, 1, 2), reviews) == D(2026, 2, 28)


def test_reviews_of_an_earlier_period_of_care_do_not_count() -> None:
    assert la_review_due(D(2025, 12, 1), [D(2024, 6, 1), D(2024, 12, 1)]) == D(2025, 12, 31)


def test_the_order_reviews_are_given_in_does_not_matter() -> None:
    assert la_review_due(D(2025, 1, 2), [D(2025, 4, 29), D(2025, 1, 30)]) == D(2025, 10, 29)


# --- Visits (reg 28) ----------------------------------------------------------------------------


def test_first_visit_within_one_week_of_the_placement_even_over_a_bank_holiday() -> None:
    assert visit_due(D(2025, 12, 24), [], intended_to_last=False) == D(2025, 12, 31)


def test_visits_in_the_first_year_are_at_most_six_weeks_apart() -> None:
    assert visit_due(D(2025, 1, 6), [D(2025, 1, 10)], intended_to_last=True) == D(2025, 2, 21)


def test_a_visit_the_day_before_the_first_anniversary_is_still_six_weeks() -> None:
    assert visit_due(D(2024, 2, 29), [D(2025, 2, 27)], intended_to_last=True) == D(2025, 4, 10)


def test_after_the_first_year_a_placement_meant_to_last_is_visited_every_three_months() -> None:
    # A placement begun on 29 Feb 2024 reaches its first year on 28 Feb 2025.
    assert visit_due(D(2024, 2, 29), [D(2025, 2, 28)], intended_to_last=True) == D(2025, 5, 28)
    assert visit_due(D(2024, 1, 1), [D(2025, 11, 30)], intended_to_last=True) == D(2026, 2, 28)


def test_after_the_first_year_other_placements_stay_at_six_weeks() -> None:
    assert visit_due(D(2024, 2, 29), [D(2025, 2, 28)], intended_to_last=False) == D(2025, 4, 11)


def test_visits_before_the_placement_began_do_not_count() -> None:
    assert visit_due(D(2025, 3, 1), [D(2025, 2, 27)], intended_to_last=False) == D(2025, 3, 8)


# --- Child protection review conferences ---------------------------------------------------------


def test_first_review_conference_within_three_months_of_the_initial() -> None:
    assert cp_review_conference_due(D(2025, 11, 30), []) == D(2026, 2, 28)
    assert cp_review_conference_due(D(2023, 11, 29), []) == D(2024, 2, 29)


def test_later_review_conferences_at_most_six_months_apart() -> None:
    assert cp_review_conference_due(D(2025, 1, 10), [D(2025, 3, 31)]) == D(2025, 9, 30)
    assert cp_review_conference_due(D(2025, 1, 10), [D(2025, 4, 1), D(2025, 8, 31)]) == D(2026, 2, 28)


def test_conferences_on_or_before_the_initial_do_not_count() -> None:
    assert cp_review_conference_due(D(2025, 1, 10), [D(2025, 1, 10), D(2024, 6, 1)]) == D(2025, 4, 10)
