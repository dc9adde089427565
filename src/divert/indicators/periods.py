"""Reporting periods: days, weeks (Monday to Sunday) and calendar months, each named by its last day.

Every series is a frame of periods with ``start`` and ``date`` (the last day, inclusive). A
snapshot indicator is measured on ``date``; a flow indicator counts events from ``start`` to
``date`` inclusive. Naming a period by its last day lets snapshot and flow figures share one
axis, and "as at" a date mid-period gives the period so far.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import polars as pl


class Frequency(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def label(self) -> str:
        return {"day": "Daily", "week": "Weekly", "month": "Monthly"}[self.value]

    @property
    def days(self) -> float:
        """The period's average length, used to pro-rate a monthly target to a week or a day."""
        return {"day": 1.0, "week": 7.0, "month": 365.25 / 12}[self.value]


def period_start(freq: Frequency, day: dt.date) -> dt.date:
    """The first day of the period containing ``day``."""
    if freq is Frequency.DAY:
        return day
    if freq is Frequency.WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def periods(freq: Frequency, as_at: dt.date, count: int) -> pl.DataFrame:
    """The ``count`` periods ending with the one that contains ``as_at``, oldest first.

    The last period is cut short at ``as_at`` (the month so far), so a figure never counts
    events after the date asked about.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    starts: list[dt.date] = []
    start = period_start(freq, as_at)
    for _ in range(count):
        starts.append(start)
        start = period_start(freq, start - dt.timedelta(days=1))
    starts.reverse()
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [as_at]
    return pl.DataFrame({"start": starts, "date": ends}, schema={"start": pl.Date, "date": pl.Date})


def periods_between(freq: Frequency, first: dt.date, as_at: dt.date) -> pl.DataFrame:
    """Every period from the one containing ``first`` to the one containing ``as_at``."""
    count = 1
    start = period_start(freq, as_at)
    target = period_start(freq, first)
    while start > target:
        start = period_start(freq, start - dt.timedelta(days=1))
        count += 1
    return periods(freq, as_at, count)
