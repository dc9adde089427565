"""The synthetic histories the forecast's accuracy is measured on do what their names say."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from divert.forecast import synthetic
from divert.forecast.backtest import actual_counts

YEAR_ENDS = [dt.date(year, 3, 31) for year in range(2017, 2027)]


def in_care(history: synthetic.History) -> list[int]:
    """Children in care at each 31 March of the history."""
    return [int(n) for n in actual_counts(history.frames, YEAR_ENDS).sum(axis=1)]


def entries_by_month(history: synthetic.History) -> pl.DataFrame:
    """Children entering care (RNE S) in each month of the history proper."""
    return (
        history.frames.episodes.filter((pl.col("rne") == "S") & (pl.col("decom") >= history.start))
        .group_by(pl.col("decom").dt.truncate("1mo").alias("month"))
        .len()
        .sort("month")
    )


def test_steady_stays_near_400_children_in_care() -> None:
    counts = in_care(synthetic.steady())

    assert all(360 <= n <= 440 for n in counts), counts


def test_rising_entries_grow_about_6_percent_a_year() -> None:
    history = synthetic.rising()
    months = entries_by_month(history).filter(pl.col("month") <= history.end)
    # Least squares of log entries on years: the slope is the yearly growth (log 1.06 = 0.058).
    years = np.array([(m - history.start).days / 365.25 for m in months["month"]])
    slope = np.polyfit(years, np.log(months["len"].to_numpy()), 1)[0]

    assert math.exp(slope) - 1 == pytest.approx(0.06, abs=0.02)
    counts = in_care(history)
    assert counts[-1] > 1.3 * counts[0]  # children in care follow


def test_capped_holds_entries_to_the_cap_from_the_change() -> None:
    history = synthetic.capped()
    months = entries_by_month(history)
    before = months.filter(pl.col("month") < history.change)["len"].to_list()
    after = months.filter(pl.col("month") >= history.change)["len"].to_list()

    assert max(after) <= 8
    assert sum(before) / len(before) > 15  # 17.5 a month on average before
    counts = in_care(history)
    assert counts[-1] < 0.7 * counts[4]  # fewer entries, fewer in care


def test_a_history_is_the_same_for_the_same_seed() -> None:
    assert synthetic.steady(seed=5).frames.episodes.equals(synthetic.steady(seed=5).frames.episodes)
