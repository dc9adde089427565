"""The arithmetic of a step-down's saving, in one place, with no database and no request.

A saving is a weekly cost difference times the weeks it applies:

* **Full-year effect**: (weekly cost before - weekly cost after) x ``DIVERT["STEP_DOWN_SAVING_WEEKS"]``
  (52 unless set). This is the figure Peterborough reported ("£2.248m full year effect") and the
  one plans are compared by.
* **In-year**: the same difference from the day the new cost starts to the 31 March that ends
  that financial year, both days counted, at days / 7 weeks: what this year's budget sees.
* **To date** (realised plans only): from the day the new cost started up to ``today`` (the
  day itself not counted), at most the full-year weeks: what has actually been saved so far.

A step "down" that costs more gives a negative saving, shown as a cost, never hidden.
Results are rounded to the penny, half up, once at the end.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.conf import settings

PENNY = Decimal("0.01")
DAYS_A_WEEK = Decimal(7)
DEFAULT_WEEKS = 52


def saving_weeks() -> int:
    """The full-year horizon in weeks, from ``DIVERT["STEP_DOWN_SAVING_WEEKS"]``."""
    return int(cast(int, settings.DIVERT.get("STEP_DOWN_SAVING_WEEKS", DEFAULT_WEEKS)))


def money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def financial_year_end(day: dt.date) -> dt.date:
    """The 31 March that ends the financial year ``day`` falls in."""
    return dt.date(day.year if day.month <= 3 else day.year + 1, 3, 31)


def weekly_difference(before: Decimal, after: Decimal) -> Decimal:
    return before - after


def full_year(before: Decimal, after: Decimal, weeks: int | None = None) -> Decimal:
    """(before - after) x the full-year weeks."""
    return money(weekly_difference(before, after) * (saving_weeks() if weeks is None else weeks))


def in_year(before: Decimal, after: Decimal, start: dt.date) -> Decimal:
    """(before - after) x the weeks from ``start`` to 31 March, both days counted."""
    days = (financial_year_end(start) - start).days + 1
    return money(weekly_difference(before, after) * Decimal(days) / DAYS_A_WEEK)


def to_date(
    before: Decimal, after: Decimal, start: dt.date, today: dt.date, weeks: int | None = None
) -> Decimal:
    """(before - after) x the weeks from ``start`` up to ``today``, capped at the full-year weeks."""
    horizon = (saving_weeks() if weeks is None else weeks) * 7
    days = min(max((today - start).days, 0), horizon)
    return money(weekly_difference(before, after) * Decimal(days) / DAYS_A_WEEK)
