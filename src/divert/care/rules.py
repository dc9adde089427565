"""Pure rules about periods of care, free of the database so they can be tested on their own.

The actions in ``divert.care.actions`` (and the front door and case actions, which borrow the
date wording) ask these functions questions; the answers never depend on a request or a query.
"""

from __future__ import annotations

import datetime as dt

from divert.core.codes import SHORT_BREAK_STATUSES


def long_date(day: dt.date) -> str:
    """A date as people write it in a letter ("1 March 2024"), for messages."""
    return f"{day.day} {day:%B %Y}"


def describe_period(start: dt.date, end: dt.date | None) -> str:
    """'from 1 March 2024 to 5 May 2024', or 'from 1 March 2024 (still open)'."""
    if end is None:
        return f"from {long_date(start)} (still open)"
    return f"from {long_date(start)} to {long_date(end)}"


def periods_overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Whether two half-open periods [start, end) share a day; ``None`` means still open.

    Half-open because SSDA903 episodes hand over on a day: one may end on the day the next
    begins without the two overlapping. This is the same rule as the PostgreSQL exclusion
    constraint on ``care_episode`` (``daterange(decom, dec, '[)')``), stated once in Python
    so that SQLite installations get the same guarantee.
    """
    a_before_b_ends = b_end is None or a_start < b_end
    b_before_a_ends = a_end is None or b_start < a_end
    return a_before_b_ends and b_before_a_ends


def one_year_before(day: dt.date) -> dt.date:
    """The same calendar date a year earlier (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def collection_year(day: dt.date) -> int:
    """The SSDA903 collection year a day falls in, named by the year it ends (1 April to 31 March)."""
    return day.year + 1 if day.month >= 4 else day.year


def rne_for_change(*, legal_status_changed: bool, same_carer: bool) -> str:
    """SSDA903 reason for a new episode when the placement changes (with or without legal status).

    P: placement and carer change; T: placement changes but the carer stays (a carer moving
    house); U: legal status and placement change, same carer; B: legal status, placement and
    carer all change.
    """
    if legal_status_changed:
        return "U" if same_carer else "B"
    return "T" if same_carer else "P"


def is_short_break(legal_status: str) -> bool:
    """V3 and V4 are short breaks: counted apart from children looked after in every indicator."""
    return legal_status in SHORT_BREAK_STATUSES


def participation_problem(code: str, age_at_review: int) -> str:
    """Why a review participation code does not fit the child's age ("" when it fits).

    SSDA903 reserves PN0 for children under 4 at the review; PN1 to PN7 describe how a child
    aged 4 or over took part.
    """
    if code == "PN0" and age_at_review >= 4:
        return "PN0 is only for a child aged under 4 at the review; choose how the child took part"
    if code != "PN0" and age_at_review < 4:
        return "The child was under 4 at the review, so participation must be PN0"
    return ""
