"""The statutory and local clocks the front door and the panels run on, in one place.

Each returns the last day on which the step is still in time; a step is overdue from the day
after. Working days exclude weekends and the bank holidays of England and Wales
(``core.calendar``). The scorecard's indicators count the same clocks over whole registers
(``indicators/defs/_clock.py``); these are for one record at a time, on pages and in actions.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.conf import settings
from django.utils import timezone

from divert.core.calendar import add_working_days, is_working_day, working_days_between

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
