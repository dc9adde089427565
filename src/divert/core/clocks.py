"""The statutory and local clocks the front door and the panels run on, in one place.

Each returns the last day on which the step is still in time; a step is overdue from the day
after. Working days exclude weekends and the bank holidays of England and Wales
(``core.calendar``). The scorecard's indicators count the same clocks over whole registers
(``indicators/defs/_clock.py``); these are for one record at a time, on pages and in actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.utils import timezone

from divert.core.calendar import add_months, add_working_days, is_working_day, working_days_between

#: Working Together to Safeguard Children: a decision on the response within one working day.
DECISION_WORKING_DAYS = 1
#: Working Together: a children and families assessment completes within 45 working days of referral.
ASSESSMENT_WORKING_DAYS = 45
#: Working Together: the initial conference within 15 working days of the strategy discussion.
ICPC_WORKING_DAYS = 15


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day in England on which ``moment`` fell (a contact at 23:30 BST is that day's)."""
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def contact_decision_due(received: dt.datetime) -> dt.date:
    """The last day for the MASH decision: the working day after the day received.

    Received on a Friday, the decision is due on Monday (Tuesday when Monday is a bank
    holiday); received on a Saturday or Sunday, also Monday, as the first working day after.
    """
    return add_working_days(local_day(received), DECISION_WORKING_DAYS)


def assessment_due(referral_or_start: dt.date) -> dt.date:
    """The 45th working day after the referral (or, with no referral, the assessment's start)."""
    return add_working_days(referral_or_start, ASSESSMENT_WORKING_DAYS)


def icpc_due(strategy_discussion: dt.date) -> dt.date:
    """The 15th working day after the (last) strategy discussion that began the section 47 enquiry."""
    return add_working_days(strategy_discussion, ICPC_WORKING_DAYS)


def early_help_planned_end(start: dt.date) -> dt.date:
    """The planned end of a family support intervention: ``DIVERT["EARLY_HELP_WEEKS"]`` (12) weeks on."""
    weeks = cast(int, settings.DIVERT["EARLY_HELP_WEEKS"])
    return start + dt.timedelta(weeks=weeks)


def is_overdue(due: dt.date, today: dt.date, done: dt.date | None = None) -> bool:
    """Whether a step due by ``due`` is late: done after it, or not done and ``today`` is past it."""
    return (done > due) if done is not None else today > due


def working_days_left(due: dt.date, today: dt.date) -> int:
    """Working days from ``today`` to ``due`` (0 on the due day; negative once overdue).

    Counting the days a clock has run over is what a queue shows ("2 working days overdue");
    an overdue clock counts the working days since the due date, so a weekend adds nothing.
    """
    if today <= due:
        return working_days_between(today, due)
    return -working_days_between(due, today)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the next one (when the clock starts running)."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


# --- Children in care and child protection review clocks -------------------------------------
#
# Care Planning, Placement and Case Review (England) Regulations 2010 and Working Together.
# Each takes the start of the clock and the dates already held, and returns when the next one
# is due; dates before the start (an earlier period of care or placement) do not count.

#: Reg 33: the first looked-after review within 20 working days of the start of the period of care.
LA_REVIEW_FIRST_WORKING_DAYS = 20
#: Reg 33: the second review within 3 months of the first, then at most every 6 months.
LA_REVIEW_SECOND_MONTHS = 3
LA_REVIEW_LATER_MONTHS = 6
#: Reg 28: a visit within 1 week of the placement starting, then at most every 6 weeks in its
#: first year, then at most every 3 months if the placement is meant to last until the child is 18.
VISIT_FIRST_DAYS = 7
VISIT_WEEKS = 6
VISIT_LONG_TERM_MONTHS = 3
#: Working Together: the first review conference within 3 months of the initial conference,
#: then at most every 6 months.
CP_REVIEW_FIRST_MONTHS = 3
CP_REVIEW_LATER_MONTHS = 6


def _held_since(start: dt.date, held: Iterable[dt.date]) -> list[dt.date]:
    return sorted(day for day in held if day >= start)


def la_review_due(care_start: dt.date, reviews: Iterable[dt.date]) -> dt.date:
    """The next looked-after review's last day, given the reviews held in this period of care.

    The first is counted in working days from the day the child became looked after; the second
    three calendar months after the first, and each later one six months after the last.
    """
    held = _held_since(care_start, reviews)
    if not held:
        return add_working_days(care_start, LA_REVIEW_FIRST_WORKING_DAYS)
    if len(held) == 1:
        return add_months(held[0], LA_REVIEW_SECOND_MONTHS)
    return add_months(held[-1], LA_REVIEW_LATER_MONTHS)


def visit_due(placement_start: dt.date, visits: Iterable[dt.date], *, intended_to_last: bool) -> dt.date:
    """The next statutory visit's last day, given the visits made since the placement began.

    ``intended_to_last`` is a placement meant to last until the child is 18 (Divert reads the
    long-term foster placements U1 and U4 so). The 6-week interval applies to a visit made in
    the placement's first year (before its first anniversary); after that, 3 months for a
    placement meant to last, else still 6 weeks.
    """
    held = _held_since(placement_start, visits)
    if not held:
        return placement_start + dt.timedelta(days=VISIT_FIRST_DAYS)
    last = held[-1]
    if intended_to_last and last >= add_months(placement_start, 12):
        return add_months(last, VISIT_LONG_TERM_MONTHS)
    return last + dt.timedelta(weeks=VISIT_WEEKS)


def cp_review_conference_due(initial_conference: dt.date, reviews: Iterable[dt.date]) -> dt.date:
    """The next child protection review conference's last day, given the reviews held since the initial."""
    held = [day for day in _held_since(initial_conference, reviews) if day > initial_conference]
    if not held:
        return add_months(initial_conference, CP_REVIEW_FIRST_MONTHS)
    return add_months(held[-1], CP_REVIEW_LATER_MONTHS)
