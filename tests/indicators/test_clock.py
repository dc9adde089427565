"""The clock and period lookups the front door, protection and workforce figures are built on.

Each lookup replaces a row-by-row calculation for speed, so each is held here to give the
row-by-row answer on the awkward days: weekends, bank holidays, gaps between periods, days
before the first period and after the last, and missing dates.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from divert.indicators.defs._clock import dated_in, dates_before, working_days_of
from divert.indicators.shared import working_days


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def dates(*texts: str | None) -> pl.Series:
    return pl.Series([None if t is None else d(t) for t in texts], dtype=pl.Date)


EASTER_MONDAY = d("2025-04-21")


def test_working_days_from_the_table_are_those_counted_day_by_day() -> None:
    # Fri 18 Apr 2025 (Good Friday not listed here) to Tue 22 Apr with Easter Monday a holiday:
    # Mon 21 is out, so Fri 18 -> Tue 22 is 1 working day (Tue 22). Thu 17 -> Fri 18 is 1.
    # Sat 19 -> Mon 21 is 0 (Mon a holiday). Backwards, Tue 22 -> Fri 18, Polars counts the days
    # after Sat 19 up to Wed 23 (Tue 22, Wed 23): -2, kept as it is. Missing stays missing.
    start = dates("2025-04-18", "2025-04-17", "2025-04-19", "2025-04-22", None, "2025-04-18")
    end = dates("2025-04-22", "2025-04-18", "2025-04-21", "2025-04-18", "2025-04-22", None)
    holidays = (EASTER_MONDAY,)
    looked_up = working_days_of(start, end, holidays)
    counted = pl.select(working_days(pl.lit(start), pl.lit(end), holidays)).to_series()
    assert looked_up.to_list() == [1, 1, 0, -2, None, None]
    assert looked_up.to_list() == counted.to_list()
    assert looked_up.dtype == counted.dtype


def test_working_days_over_more_than_a_century_are_still_counted() -> None:
    # Too wide for a table: counted row by row instead, same answer (261 working days in 2025).
    start, end = dates("1900-01-01", "2024-12-31"), dates("2025-01-01", "2025-12-31")
    looked_up = working_days_of(start, end, ())
    counted = pl.select(working_days(pl.lit(start), pl.lit(end), ())).to_series()
    assert looked_up.to_list() == counted.to_list()
    assert looked_up.to_list()[1] == 261


def _periods(*bounds: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"start": [d(a) for a, _ in bounds], "date": [d(b) for _, b in bounds]},
        schema={"start": pl.Date, "date": pl.Date},
    )


def test_an_event_falls_in_the_period_that_holds_its_day_and_none_in_a_gap() -> None:
    # January and March only: 1 Jan and 31 Jan are January's; 15 Feb is in the gap; 31 Dec is
    # before the first period and 1 Apr after the last; a missing day is in no period.
    periods = _periods(("2025-01-01", "2025-01-31"), ("2025-03-01", "2025-03-31"))
    events = pl.DataFrame(
        {
            "n": [1, 2, 3, 4, 5, 6, 7],
            "day": dates(
                "2025-01-01", "2025-01-31", "2025-02-15", "2024-12-31", "2025-04-01", None, "2025-03-31"
            ),
        }
    )
    rows = dated_in(events, "day", periods)
    assert rows["n"].to_list() == [1, 2, 7]
    assert rows["date"].to_list() == [d("2025-01-31"), d("2025-01-31"), d("2025-03-31")]


def test_dates_before_a_day_are_counted_as_a_binary_search_would() -> None:
    # Period ends 31 Jan, 28 Feb, 31 Mar. Before 28 Feb: 1 (31 Jan); on or before it: 2.
    # Long before every date: 0; long after: 3, however far (9999).
    ends = dates("2025-01-31", "2025-02-28", "2025-03-31")
    days = dates("2025-02-28", "1900-01-01", "9999-12-31", "2025-01-30", "2025-04-01", None)
    for inclusive in (False, True):
        found = dates_before(ends, days, inclusive=inclusive).to_list()
        searched = ends.search_sorted(days.fill_null(d("2000-01-01")), side="right" if inclusive else "left")
        assert found[:5] == searched.to_list()[:5]
        assert found[5] is None
    assert dates_before(ends, days, inclusive=False).to_list()[:3] == [1, 0, 3]
    assert dates_before(ends, days, inclusive=True).to_list()[:3] == [2, 0, 3]
