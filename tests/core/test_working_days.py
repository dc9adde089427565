"""Statutory clocks count working days: no weekends, no England and Wales bank holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divert.core.calendar import (
    add_working_days,
    easter_sunday,
    is_working_day,
    published_bank_holidays,
    regular_bank_holidays,
    working_days_between,
)

D = dt.date


def test_one_working_day_after_the_friday_before_christmas_2023_is_the_wednesday():
    """Referral on Friday 22 December 2023: Christmas Day and Boxing Day fall on Monday and Tuesday."""
    assert add_working_days(D(2023, 12, 22), 1) == D(2023, 12, 27)


def test_easter_2024_loses_good_friday_and_easter_monday():
    assert not is_working_day(D(2024, 3, 29))  # Good Friday
    assert not is_working_day(D(2024, 4, 1))  # Easter Monday
    assert add_working_days(D(2024, 3, 28), 1) == D(2024, 4, 2)


def test_a_45_working_day_assessment_across_christmas_ends_three_days_later_than_weekdays_alone():
    """From Friday 1 December 2023: 25 and 26 December and 1 January are not working days."""
    assert add_working_days(D(2023, 12, 1), 45) == D(2024, 2, 7)
    assert working_days_between(D(2023, 12, 1), D(2024, 2, 7)) == 45


def test_weekends_are_not_working_days():
    assert not is_working_day(D(2024, 6, 8)) and not is_working_day(D(2024, 6, 9))
    assert is_working_day(D(2024, 6, 10))
    assert add_working_days(D(2024, 6, 7), 1) == D(2024, 6, 10)  # Friday to Monday
    assert add_working_days(D(2024, 6, 8), 1) == D(2024, 6, 10)  # Saturday to Monday


def test_the_day_itself_is_day_zero():
    assert add_working_days(D(2024, 6, 8), 0) == D(2024, 6, 8)
    assert working_days_between(D(2024, 6, 10), D(2024, 6, 10)) == 0
    assert working_days_between(D(2024, 6, 11), D(2024, 6, 10)) == 0


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(D(2024, 6, 10), -1)


def test_the_bank_holidays_are_england_and_wales_not_scotland():
    holidays = published_bank_holidays()
    assert D(2024, 5, 6) in holidays and D(2024, 8, 26) in holidays
    assert D(2024, 1, 2) not in holidays  # Scotland's 2 January
    assert D(2024, 8, 5) not in holidays  # Scotland's summer holiday


# Years whose published holidays are exactly the regular eight (no jubilee, funeral or
# coronation, and no moved early-May holiday as in 2020).
REGULAR_YEARS = [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2021, 2024, 2025, 2026, 2027]


@pytest.mark.parametrize("year", REGULAR_YEARS)
def test_the_computed_holidays_match_the_published_ones_in_a_regular_year(year):
    published = {day for day in published_bank_holidays() if day.year == year}
    assert regular_bank_holidays(year) == published


def test_easter_is_computed_for_known_years():
    assert [easter_sunday(y) for y in (2008, 2024, 2038)] == [D(2008, 3, 23), D(2024, 3, 31), D(2038, 4, 25)]


def test_clocks_beyond_the_published_list_still_skip_bank_holidays():
    # 2031: Christmas is a Thursday, Boxing Day a Friday; the next working day is Monday 29th.
    assert add_working_days(D(2031, 12, 24), 1) == D(2031, 12, 29)
    # 2010, before the list: Good Friday 2 April and Easter Monday 5 April.
    assert add_working_days(D(2010, 4, 1), 1) == D(2010, 4, 6)


@given(
    start=st.dates(min_value=D(2005, 1, 1), max_value=D(2040, 6, 30)),
    days=st.integers(min_value=0, max_value=120),
)
def test_counting_back_the_working_days_added_gives_the_same_number(start, days):
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert days == 0 or is_working_day(end)
