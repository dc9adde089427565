"""The period a synthetic authority covers, and the date arithmetic the generator needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAY = dt.timedelta(days=1)


def latest_31_march_before(today: dt.date) -> dt.date:
    """The last 31 March strictly before ``today`` (a year-end whose data is complete)."""
    this_year = dt.date(today.year, 3, 31)
    return this_year if this_year < today else dt.date(today.year - 1, 3, 31)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def financial_year(day: dt.date) -> int:
    """The financial year by the year in which it ends: 1 April 2024 to 31 March 2025 is 2025."""
    return day.year + 1 if day.month >= 4 else day.year


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of each month from ``first``'s month to ``last``'s."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True)
class Window:
    """``years`` whole years ending ``end`` (a 31 March), then the part-year up to ``today``.

    Records are simulated up to ``today`` so that the register looks live on the day it is
    built; figures are calibrated at ``end``, the latest complete year.
    """

    start: dt.date
    end: dt.date
    today: dt.date

    @classmethod
    def for_today(cls, today: dt.date, years: int) -> Window:
        if years < 1:
            raise ValueError("--years must be at least 1")
        end = latest_31_march_before(today)
        return cls(start=dt.date(end.year - years, 4, 1), end=end, today=today)

    @property
    def years(self) -> int:
        return self.end.year - self.start.year

    def year_ends(self) -> list[dt.date]:
        """Every 31 March inside the window, oldest first."""
        return [dt.date(y, 3, 31) for y in range(self.start.year + 1, self.end.year + 1)]
