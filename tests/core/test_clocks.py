"""Every clock in ``core/clocks.py``, on weekends and the bank holidays of England and Wales.

The holidays used: Good Friday 3 April and Easter Monday 6 April 2026; early May 4 May 2026;
summer 31 August 2026; Christmas Day Friday 25 December 2026 with Boxing Day's substitute on
Monday 28 December; New Year's Day Friday 1 January 2027; in 2027 Christmas Day and Boxing Day
fall at a weekend, so Monday 27 and Tuesday 28 December are the holidays.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from divert.core.calendar import working_days_between
from divert.core.clocks import (
    assessment_due,
    contact_decision_due,
    early_help_planned_end,
    icpc_due,
    is_overdue,
    local_day,
    next_working_day,
    working_days_left,
)

D = dt.date
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def at(day: dt.date, hour: int = 10, minute: int = 0, tz: dt.tzinfo = LONDON) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


# The one-working-day decision on a contact


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (D(2026, 11, 24), D(2026, 11, 25), "a Tuesday: the Wednesday"),
        (D(2026, 11, 20), D(2026, 11, 23), "a Friday: the Monday"),
        (D(2026, 11, 21), D(2026, 11, 23), "a Saturday: the Monday"),
        (D(2026, 11, 22), D(2026, 11, 23), "a Sunday: the Monday"),
        (D(2026, 5, 1), D(2026, 5, 5), "the Friday before the early May bank holiday: the Tuesday"),
        (D(2026, 8, 28), D(2026, 9, 1), "the Friday before the summer bank holiday: the Tuesday"),
        (D(2026, 4, 2), D(2026, 4, 7), "the Thursday before Easter: the Tuesday after Easter Monday"),
        (D(2026, 4, 3), D(2026, 4, 7), "Good Friday itself: the Tuesday"),
        (D(2026, 12, 24), D(2026, 12, 29), "Christmas Eve 2026: Boxing Day's substitute Monday skipped"),
        (D(2027, 12, 24), D(2027, 12, 29), "Christmas Eve 2027: both substitute days skipped"),
        (D(2026, 12, 31), D(2027, 1, 4), "New Year's Eve 2026: New Year's Day and the weekend skipped"),
    ],
)
def test_the_contact_decision_is_due_the_next_working_day(received, due, why):
    assert contact_decision_due(at(received)) == due, why


def test_a_contact_late_on_a_summer_evening_counts_from_that_day_in_england():
    """23:30 on Thursday 28 May 2026 in London is 22:30 UTC: still Thursday, so due Friday."""
    assert contact_decision_due(at(D(2026, 5, 28), 23, 30)) == D(2026, 5, 29)


def test_a_contact_just_after_midnight_in_summer_belongs_to_the_new_day_in_england():
    """23:30 UTC on Thursday 28 May 2026 is 00:30 on Friday in London: due Monday, not Friday."""
    received = at(D(2026, 5, 28), 23, 30, tz=UTC)
    assert local_day(received) == D(2026, 5, 29)
    assert contact_decision_due(received) == D(2026, 6, 1)


# The 45-working-day assessment


def test_an_assessment_from_a_referral_in_december_2026_loses_three_days_to_christmas_and_new_year():
    """From Monday 7 December 2026: 25 and 28 December and 1 January are not working days."""
    due = assessment_due(D(2026, 12, 7))
    assert due == D(2027, 2, 11)
    assert working_days_between(D(2026, 12, 7), due) == 45


def test_an_assessment_across_easter_2026_loses_good_friday_easter_monday_and_early_may():
    """From Monday 2 March 2026: 45 weekdays would end on Friday 1 May; Good Friday, Easter Monday
    and the early May bank holiday (Monday 4 May) push it to Thursday 7 May."""
    assert assessment_due(D(2026, 3, 2)) == D(2026, 5, 7)


def test_an_assessment_from_a_referral_at_a_weekend_counts_from_the_monday():
    """A Saturday referral and the Friday before it end on the same day: the weekend adds nothing."""
    assert assessment_due(D(2026, 11, 21)) == assessment_due(D(2026, 11, 20))
    assert assessment_due(D(2026, 11, 21)) == D(2027, 1, 27)


# The 15-working-day initial child protection conference


def test_the_initial_conference_after_a_strategy_discussion_before_christmas_2026():
    """From Friday 18 December 2026: 25 and 28 December and 1 January do not count."""
    due = icpc_due(D(2026, 12, 18))
    assert due == D(2027, 1, 13)
    assert working_days_between(D(2026, 12, 18), due) == 15


def test_the_initial_conference_after_a_strategy_discussion_before_christmas_2027():
    """From Friday 17 December 2027: Monday 27 and Tuesday 28 December are the holidays, and New
    Year's Day 2028 is a Saturday, so Monday 3 January is too."""
    assert icpc_due(D(2027, 12, 17)) == D(2028, 1, 12)


def test_the_initial_conference_across_easter_2026():
    """From Tuesday 31 March 2026: Good Friday and Easter Monday add two days."""
    assert icpc_due(D(2026, 3, 31)) == D(2026, 4, 23)


def test_the_initial_conference_clock_across_the_summer_bank_holiday():
    """From Monday 24 August 2026: Monday 31 August does not count."""
    assert icpc_due(D(2026, 8, 24)) == D(2026, 9, 15)


# The early help intervention's planned end


def test_family_support_is_planned_for_twelve_weeks_by_default():
    assert early_help_planned_end(D(2026, 11, 24)) == D(2027, 2, 16)


def test_the_planned_end_follows_the_early_help_weeks_setting(settings):
    settings.DIVERT = {**settings.DIVERT, "EARLY_HELP_WEEKS": 8}
    assert early_help_planned_end(D(2026, 11, 24)) == D(2027, 1, 19)


def test_the_planned_end_counts_calendar_weeks_so_bank_holidays_do_not_move_it():
    assert early_help_planned_end(D(2026, 12, 1)) == D(2027, 2, 23)


# Overdue, and working days left


def test_a_step_is_in_time_on_its_due_day_and_overdue_the_day_after():
    due = D(2026, 12, 29)
    assert not is_overdue(due, today=D(2026, 12, 29))
    assert is_overdue(due, today=D(2026, 12, 30))


def test_a_step_done_by_its_due_day_is_never_overdue_and_one_done_later_always_is():
    due = D(2026, 12, 29)
    assert not is_overdue(due, today=D(2027, 3, 1), done=D(2026, 12, 29))
    assert is_overdue(due, today=D(2027, 3, 1), done=D(2026, 12, 30))


def test_working_days_left_skip_christmas_2026():
    """On Christmas Eve, a decision due on Tuesday 29 December has one working day left."""
    assert working_days_left(D(2026, 12, 29), today=D(2026, 12, 24)) == 1
    assert working_days_left(D(2026, 12, 29), today=D(2026, 12, 29)) == 0


def test_working_days_left_go_negative_once_overdue_and_a_bank_holiday_adds_nothing():
    """Due Friday 21 August 2026; on Tuesday 1 September it is six working days overdue, not seven."""
    assert working_days_left(D(2026, 8, 21), today=D(2026, 9, 1)) == -6


def test_on_the_weekend_after_a_friday_deadline_a_step_is_overdue_by_no_working_days_yet():
    due = D(2026, 11, 20)
    assert is_overdue(due, today=D(2026, 11, 21))
    assert working_days_left(due, today=D(2026, 11, 21)) == 0
    assert working_days_left(due, today=D(2026, 11, 23)) == -1


def test_a_clock_starting_on_a_holiday_starts_on_the_next_working_day():
    assert next_working_day(D(2026, 12, 25)) == D(2026, 12, 29)
    assert next_working_day(D(2027, 12, 25)) == D(2027, 12, 29)
    assert next_working_day(D(2026, 11, 24)) == D(2026, 11, 24)
