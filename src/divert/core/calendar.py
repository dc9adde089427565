"""Working days in England: weekends and the bank holidays of England and Wales.

Statutory clocks (one working day to decide on a referral, 45 to complete an assessment,
15 to the initial conference) count working days. The bank holidays come from the
``govuk-bank-holidays`` package's bundled copy of GOV.UK's list, so no network is needed.
That list covers a limited span of years (2012 to 2028 in version 0.19); for years outside
it the regular holidays are computed by the statutory pattern, so historical returns and
clocks running past the list never silently treat a bank holiday as a working day. One-off
holidays (jubilees, a state funeral) exist only in the published list.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

from govuk_bank_holidays.bank_holidays import BankHolidays


@lru_cache(maxsize=1)
def published_bank_holidays() -> frozenset[dt.date]:
    """The bank holidays in England and Wales that GOV.UK published (the package's bundled data)."""
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(h["date"] for h in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))


@lru_cache(maxsize=1)
def published_years() -> range:
    years = [day.year for day in published_bank_holidays()]
    return range(min(years), max(years) + 1)


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


def _substitute(day: dt.date, taken: set[dt.date]) -> dt.date:
    """A holiday on a weekend (or on another holiday) moves to the next free weekday."""
    while day.weekday() >= 5 or day in taken:
        day += dt.timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def regular_bank_holidays(year: int) -> frozenset[dt.date]:
    """The eight regular bank holidays of England and Wales in ``year``, with substitute days."""
    easter = easter_sunday(year)
    taken: set[dt.date] = set()
    for day in (dt.date(year, 1, 1), dt.date(year, 12, 25), dt.date(year, 12, 26)):
        taken.add(_substitute(day, taken))
    taken |= {
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    return frozenset(taken)


def is_bank_holiday(day: dt.date) -> bool:
    if day.year in published_years():
        return day in published_bank_holidays()
    return day in regular_bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself is day 0)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def bank_holidays(first_year: int = 1990, last_year: int = 2060) -> list[dt.date]:
    """Every bank holiday of England and Wales from ``first_year`` to ``last_year``, sorted.

    For vectorised clocks (Polars' business-day counts) that need the whole list at once.
    """
    days: set[dt.date] = set()
    for year in range(first_year, last_year + 1):
        if year in published_years():
            days |= {d for d in published_bank_holidays() if d.year == year}
        else:
            days |= regular_bank_holidays(year)
    return sorted(days)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months on (or back), kept within the month.

    31 January plus one month is 28 (or 29) February; 29 February plus 12 months is 28
    February: the month-based rules (panel follow-up, plan reviews) read "N months" this way.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
