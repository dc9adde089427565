"""Clocks and open-on-a-date joins the front door, child protection and workforce figures share.

Kept apart from ``shared.py`` (the children-in-care building blocks) because these read the
case tables (referrals, plans, allocations) rather than episodes. Everything is a Polars
expression or a memoised frame: a full scorecard asks for the same "open on each date" frame
several times over 120 periods, so each is built once per register and set of periods.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from divert.indicators.frames import Frames
from divert.indicators.shared import FAR_FUTURE, periods_key, working_days

DAY = pl.duration(days=1)


def deadline_passed(start: pl.Expr, allowed: int, day: pl.Expr, holidays: tuple[dt.date, ...]) -> pl.Expr:
    """True when ``allowed`` working days after ``start`` all ended before ``day``.

    The clock's last day is the ``allowed``-th working day after ``start``; it has passed on
    ``day`` only when that last day is earlier than ``day``, i.e. there are more than
    ``allowed`` working days or more after ``start`` up to the day before ``day``. A clock
    whose last day is ``day`` itself is still running (the day is not over).
    """
    return working_days(start, day - DAY, holidays) >= allowed


def whole_months(start: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Complete calendar months from ``start`` to ``day`` (a month completes on the same day of the month).

    15 January to 14 April is 2 months, to 15 April 3. A start on the 31st completes a month
    on the 31st (or not at all in a shorter month), which keeps the count monotone in ``day``.
    """
    months = (day.dt.year() - start.dt.year()) * 12 + day.dt.month().cast(pl.Int32) - start.dt.month()
    return months - (day.dt.day() < start.dt.day()).cast(pl.Int32)


def spans(
    rows: pl.DataFrame, periods: pl.DataFrame, start: str, end: str, *, end_inclusive: bool
) -> pl.DataFrame:
    """``rows`` with the run of period dates each was open on, as indices ``_first`` to ``_after``.

    Open on a date: started on or before it and not ended by it. An episode, referral or plan
    ending on the date is no longer open (``end_inclusive=False``, as the DfE's 31 March
    counts); an allocation's end date is its last day, so it is still open then
    (``end_inclusive=True``, as ``compute.with_dimensions`` reads the team). The dates a row
    is open on are consecutive, so two binary searches find them; rows open on none are dropped.
    """
    dates = periods.get_column("date").sort()
    until = rows.get_column(end).fill_null(FAR_FUTURE)
    first = dates.search_sorted(rows.get_column(start), side="left")
    after = dates.search_sorted(until, side="right" if end_inclusive else "left")
    return rows.with_columns(
        first.cast(pl.Int64).alias("_first"), after.cast(pl.Int64).alias("_after")
    ).filter(pl.col(start).is_not_null() & (pl.col("_after") > pl.col("_first")))


def expand(indexed: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per row of ``spans`` output and date it was open on, keeping the date's index ``_i``.

    Rows keep their order (each row's dates together and ascending), so a caller can sort the
    few source rows once beforehand rather than the many rows after.
    """
    dates = periods.get_column("date").sort()
    rows = indexed.with_columns(pl.int_ranges("_first", "_after").alias("_i")).explode("_i")
    return rows.with_columns(dates.gather(rows.get_column("_i")).alias("date")).drop("_first", "_after")


def open_on(
    frames: Frames,
    name: str,
    rows: pl.DataFrame,
    periods: pl.DataFrame,
    start: str,
    end: str,
    *,
    end_inclusive: bool,
) -> pl.DataFrame:
    """``rows`` (a case table) repeated for every period date on which each was open, memoised by ``name``.

    See :func:`spans` for what open means; the rows carry the date and its index ``_i``.
    """

    def build() -> pl.DataFrame:
        if rows.is_empty():
            return (
                periods.select("date").join(rows, how="cross").with_columns(pl.lit(0, pl.Int64).alias("_i"))
            )
        return expand(spans(rows, periods, start, end, end_inclusive=end_inclusive), periods)

    return frames.memo(("fd_open", name, periods_key(periods)), build)


STRIDE = 10_000_000  # more days than any date holds (9999-12-31 is day 2,932,896)


def merged_spans(rows: pl.DataFrame, key: str, start: str, end: str) -> pl.DataFrame:
    """``rows`` with overlapping spans of one ``key`` (a child's referrals) merged, sorted by key and start.

    A merged span keeps its first row's other columns and runs to the latest end (null when
    any is open); ``end`` is exclusive. Spans that only touch (one closes the day the next
    opens) stay apart, as they are never open on the same date. Merging before expanding to
    dates means a child counts once on each date without deduplicating the many rows after.
    """
    # A running maximum of the end over the rows sorted by key and start: folding the key into
    # the value (key x STRIDE + day) keeps one child's reach from leaking into the next's. A
    # row starting at or after the reach so far opens a new span; the reach at a span's last
    # row is the span's end. No grouping: first rows and last rows line up one to one.
    offset = pl.col(key).cast(pl.Int64) * STRIDE
    reach = pl.col("_reach")
    ordered = (
        rows.filter(pl.col(key).is_not_null() & pl.col(start).is_not_null())
        .sort(key, start)
        .with_columns((offset + pl.col(end).fill_null(FAR_FUTURE).cast(pl.Int64)).cum_max().alias("_reach"))
        .with_columns(
            (reach.shift(1).is_null() | (offset + pl.col(start).cast(pl.Int64) >= reach.shift(1))).alias(
                "_new"
            )
        )
    )
    firsts = ordered.filter(pl.col("_new")).drop(end, "_reach", "_new")
    ends = ordered.filter(pl.col("_new").shift(-1).fill_null(True)).select(
        (reach - offset).cast(pl.Int32).cast(pl.Date).alias(end)
    )
    return (
        firsts.with_columns(ends.get_column(end))
        .with_columns(pl.when(pl.col(end) < FAR_FUTURE).then(pl.col(end)).alias(end))
        .select(rows.columns)
    )


def covered(rows: pl.DataFrame, indexed: pl.DataFrame, periods: pl.DataFrame, name: str) -> pl.DataFrame:
    """``rows`` (``child`` and date index ``_i``) with ``name``: True when a span of ``indexed`` covers it.

    ``rows`` must be sorted by child then date and ``indexed`` (the output of :func:`spans` on
    :func:`merged_spans`) hold disjoint spans per child: then each row needs only the child's
    latest span starting on or before its date, one as-of join on a single sorted key.
    """
    stride = periods.height + 1
    key = pl.col("child").cast(pl.Int64) * stride
    left = rows.with_columns((key + pl.col("_i")).set_sorted().alias("_k"))
    right = indexed.select(
        (key + pl.col("_first")).alias("_k"), (key + pl.col("_after")).alias("_k_end")
    ).sort("_k")
    if right.is_empty():
        return rows.with_columns(pl.lit(False).alias(name))
    return (
        left.join_asof(right, on="_k", strategy="backward")
        .with_columns((pl.col("_k_end") > pl.col("_k")).fill_null(False).alias(name))
        .drop("_k", "_k_end")
    )
