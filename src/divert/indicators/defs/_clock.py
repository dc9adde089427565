"""Clocks and open-on-a-date rows the front door, child protection and workforce figures share.

Kept apart from ``shared.py`` (the children-in-care building blocks) because these read the
case tables (referrals, plans, allocations) rather than episodes. A full scorecard over 120
periods of a national register turns a few million case rows into tens of millions of
(row, date) pairs, so the pieces here work on narrow columns and positions: which source row
and which period each output row is (``_row``, ``_i``), found once and memoised, with only
the columns a figure lists gathered after. Working-day clocks are looked up in a table of
the days the columns span rather than counted row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import polars as pl

from divert.indicators.shared import FAR_FUTURE, working_days

ONE_DAY = dt.timedelta(days=1)
EPOCH = dt.date(1970, 1, 1)
#: Widest range of days a working-day table is built for (longer: counted row by row).
TABLE_DAYS = 40_000


def period_dates(periods: pl.DataFrame) -> pl.Series:
    """The periods' last days in order: ``_i`` is a position in this series."""
    return periods.get_column("date").sort()


def working_days_of(start: pl.Series, end: pl.Series, holidays: tuple[dt.date, ...]) -> pl.Series:
    """``working_days(start, end)`` for two date columns, as a difference of running counts.

    Counting business days row by row costs about a third of a second per million rows;
    the running count of working days from the earliest day the columns hold, built once for
    each day of their range (a few thousand), makes each row two lookups. Same values (Int32,
    null where either date is), as ``working_days`` is additive over consecutive spans.
    """
    both = pl.concat([start.drop_nulls(), end.drop_nulls()])
    low, high = both.min(), both.max()
    if not isinstance(low, dt.date) or not isinstance(high, dt.date) or (high - low).days > TABLE_DAYS:
        return pl.select(working_days(pl.lit(start), pl.lit(end), holidays)).to_series().alias(start.name)
    # running[k]: working days from ``low`` up to (not including) low + k days. working_days(s, e)
    # counts s + 1 .. e, that is running[e + 1 - low] - running[s + 1 - low].
    days = pl.date_range(low, high + ONE_DAY * 2, eager=True)
    running = pl.select(pl.business_day_count(pl.lit(low), days, holidays=list(holidays))).to_series()

    def at(day: pl.Series, ahead: int) -> pl.Series:
        return running.gather(pl.select((day.cast(pl.Int32) - (low - EPOCH).days) + ahead).to_series())

    # Backwards (end before start) Polars counts the working days after ``end`` up to and
    # including ``start`` (one day later than forwards), negated: kept, as the figures list it.
    forwards = at(end, 1) - at(start, 1)
    backwards = at(end, 2) - at(start, 2)
    return (
        pl.select(pl.when(pl.lit(end) < pl.lit(start)).then(backwards).otherwise(forwards))
        .to_series()
        .alias(start.name)
    )


def dated_in(events: pl.DataFrame, column: str, periods: pl.DataFrame) -> pl.DataFrame:
    """``events`` with ``date``, the last day of the period ``column`` falls in; others dropped.

    ``shared.in_period`` without its sort: each event's period is the latest whose first day
    is on or before the event, kept when the event is not after that period's last day,
    looked up in a table of the days the periods span (events outside it fall in none).
    Events keep their order. Callers select the columns they list first, so that no unread
    text column is carried.
    """
    spans = periods.select("start", "date").sort("start")
    day = events.get_column(column)
    low, high = spans.get_column("start").min(), spans.get_column("date").max()
    if not isinstance(low, dt.date) or not isinstance(high, dt.date) or (high - low).days > TABLE_DAYS:
        at = spans.get_column("start").search_sorted(day, side="right").cast(pl.Int64) - 1
        last = spans.get_column("date").gather(at.clip(lower_bound=0))
        kept = day.is_not_null() & (at >= 0) & (day <= last)
        return events.with_columns(last.alias("date")).filter(kept)
    # The period's last day for each day from ``low`` to ``high`` (null in a gap between
    # periods), and null for the days either side of the range, where every outside day lands.
    days = pl.date_range(low - ONE_DAY, high + ONE_DAY, eager=True)
    at = spans.get_column("start").search_sorted(days, side="right").cast(pl.Int64) - 1
    ends = spans.get_column("date").gather(at.clip(lower_bound=0))
    table = pl.select(pl.when((at >= 0) & (days <= ends)).then(ends)).to_series()
    first_day = (low - EPOCH).days - 1
    row = pl.select((day.cast(pl.Int32) - first_day).clip(0, (high - low).days + 2)).to_series()
    last = table.gather(row).alias("date")
    return events.with_columns(last).filter(last.is_not_null())


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
    dates = period_dates(periods)
    until = rows.get_column(end).fill_null(FAR_FUTURE)
    first = dates_before(dates, rows.get_column(start), inclusive=False)
    after = dates_before(dates, until, inclusive=end_inclusive)
    return rows.with_columns(first.alias("_first"), after.alias("_after")).filter(
        pl.col(start).is_not_null() & (pl.col("_after") > pl.col("_first"))
    )


def dates_before(dates: pl.Series, days: pl.Series, *, inclusive: bool) -> pl.Series:
    """For each of ``days``, how many of the sorted period ``dates`` fall before it (or on it, when
    ``inclusive``): ``search_sorted``, looked up in a table of the days the periods span.

    A binary search per row costs a tenth of a second per million rows; days outside the
    periods' range all give 0 or every date, so clipping them to one day either side of it
    leaves a table of a few thousand days, and each row one lookup (UInt32, null for null).
    """
    side: Literal["left", "right"] = "right" if inclusive else "left"
    low, high = dates.min(), dates.max()
    if not isinstance(low, dt.date) or not isinstance(high, dt.date) or (high - low).days > TABLE_DAYS:
        return dates.search_sorted(days, side=side).cast(pl.UInt32)
    table = dates.search_sorted(pl.date_range(low - ONE_DAY, high + ONE_DAY, eager=True), side=side)
    # Days since 1970 as integers: the table's first day (the day before the periods) is row 0.
    first_day = (low - EPOCH).days - 1
    row = pl.select((days.cast(pl.Int32) - first_day).clip(0, (high - low).days + 2)).to_series()
    return table.cast(pl.UInt32).gather(row)


def open_positions(
    rows: pl.DataFrame, periods: pl.DataFrame, start: str, end: str, *, end_inclusive: bool
) -> pl.DataFrame:
    """One row per row of ``rows`` and period date it was open on (see :func:`spans`): ``_row``, its
    position in ``rows``, and ``_i``, the date's position in :func:`period_dates`.

    Rows come in ``rows`` order, each row's dates together and ascending. Only the two
    positions are expanded: a caller gathers the columns it shows, once, from the source.
    """
    indexed = spans(
        rows.select(start, end).with_row_index("_row"), periods, start, end, end_inclusive=end_inclusive
    )
    return (
        indexed.select(
            pl.col("_row").cast(pl.UInt32),
            pl.int_ranges("_first", "_after", dtype=pl.UInt32).alias("_i"),
        )
        .explode("_i")
        .rechunk()
    )


def gather(
    rows: pl.DataFrame, positions: pl.DataFrame, periods: pl.DataFrame, columns: Sequence[str | pl.Expr]
) -> pl.DataFrame:
    """``date`` and the named columns of ``rows`` at ``positions`` (``_row``, ``_i``), in that order.

    A column may be an expression over ``rows`` (a rename, say), worked out on the few source
    rows before it is repeated for every date.
    """
    source = rows.select(columns)
    at = positions.get_column("_row")
    date = period_dates(periods).gather(positions.get_column("_i"))
    return pl.DataFrame([date] + [column.gather(at) for column in source.get_columns()])


STRIDE = 10_000_000  # more days than any date holds (9999-12-31 is day 2,932,896)


def merged_positions(rows: pl.DataFrame, key: str, start: str, end: str) -> pl.DataFrame:
    """``rows`` with overlapping spans of one ``key`` (a child's referrals) merged, sorted by key and start.

    A merged span keeps its first row's other columns and runs to the latest end (null when
    any is open); ``end`` is exclusive. Spans that only touch (one closes the day the next
    opens) stay apart, as they are never open on the same date. ``rows`` are narrow (the key,
    the dates and each row's position in its table, say): a caller gathers the columns it
    shows from the table, for the merged spans only.
    """
    # A running maximum of the end over the rows sorted by key and start: folding the key into
    # the value (key x STRIDE + day) keeps one child's reach from leaking into the next's. A
    # row starting at or after the reach so far opens a new span; the reach at a span's last
    # row is the span's end. No grouping: first rows and last rows line up one to one.
    offset = pl.col(key).cast(pl.Int64) * STRIDE
    reach = pl.col("_reach")
    ordered = (
        rows.filter(pl.col(key).is_not_null() & pl.col(start).is_not_null())
        # One integer to sort by (key x STRIDE + start day) costs half a sort by two columns;
        # rows starting on the same day stay in their order.
        .sort(offset + pl.col(start).cast(pl.Int64), maintain_order=True)
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


def covered(keys: pl.Series, first: pl.Series, after: pl.Series) -> pl.Series:
    """For each of ``keys`` (sorted), whether a span ``first`` <= key < ``after`` holds it.

    The spans must be disjoint (merged per child) and keyed alike (child x stride + date
    position). One as-of merge of two sorted columns: each key meets the latest span
    starting on or before it, which holds it when it ends after the key.
    """
    if first.is_empty():
        return pl.repeat(False, keys.len(), eager=True)
    right = pl.DataFrame({"_k": first, "_end": after}).sort("_k").with_columns(pl.col("_k").set_sorted())
    left = keys.rename("_k").to_frame().with_columns(pl.col("_k").set_sorted())
    found = left.join_asof(right, on="_k", strategy="backward", check_sortedness=False)
    return (found.get_column("_end") > keys).fill_null(False)


def open_counts(first: pl.Series, after: pl.Series, periods: pl.DataFrame) -> pl.Series:
    """How many of the runs ``first`` to ``after`` (date positions, ``after`` exclusive and past
    ``first``) hold each period date, in :func:`period_dates` order (Int64).

    What counting the rows of :func:`open_positions` by date gives, without making them: the
    runs holding date ``i`` are those starting at or before it less those over by then, two
    sorted searches per date (a few hundred) after one sort of each column.
    """
    dates = pl.int_range(periods.height, dtype=pl.Int64, eager=True)

    def at_or_before(positions: pl.Series) -> pl.Series:
        return positions.cast(pl.Int64).sort().search_sorted(dates, side="right").cast(pl.Int64)

    return (at_or_before(first) - at_or_before(after)).rename("count")


def span_counts(
    rows: pl.DataFrame, periods: pl.DataFrame, start: str, end: str, *, end_inclusive: bool
) -> pl.Series:
    """How many of ``rows`` are open on each period date (see :func:`spans`), in date order: the
    number of rows :func:`open_positions` gives each date."""
    indexed = spans(rows.select(start, end), periods, start, end, end_inclusive=end_inclusive)
    return open_counts(indexed.get_column("_first"), indexed.get_column("_after"), periods)


def per_date(
    periods: pl.DataFrame, num: pl.Series, den: pl.Series | None = None, workers: pl.Series | None = None
) -> pl.DataFrame:
    """An indicator's ``counts``: ``date`` and the sums on it (``den`` as ``num`` when not given)."""
    columns = [
        period_dates(periods).alias("date"),
        num.cast(pl.Float64).alias("num"),
        (num if den is None else den).cast(pl.Float64).alias("den"),
    ]
    if workers is not None:
        columns.append(workers.alias("_workers"))
    return pl.DataFrame(columns)


def run_intersections(left: pl.DataFrame, right: pl.DataFrame, key: str) -> pl.DataFrame:
    """Where runs of date positions (``_first`` to ``_after``) of one ``key`` in ``left`` meet those
    in ``right``: ``_first``, ``_after`` of each overlap. Runs within ``right`` must be disjoint
    per key (merged), so that a date a ``left`` run shares with ``right`` is one overlap."""
    both = left.select(key, "_first", "_after").join(
        right.select(key, pl.col("_first").alias("_rf"), pl.col("_after").alias("_ra")), on=key, how="inner"
    )
    return both.select(
        pl.max_horizontal("_first", "_rf").alias("_first"), pl.min_horizontal("_after", "_ra").alias("_after")
    ).filter(pl.col("_after") > pl.col("_first"))


def merged_runs(rows: pl.DataFrame, key: str, periods: pl.DataFrame) -> pl.DataFrame:
    """Runs of date positions (``_first`` to ``_after``) merged per ``key`` (an integer column) where
    they overlap or touch: ``key``, ``_first``, ``_after``, disjoint, so that a key open on a date
    is one run.

    Each run as one integer pair (key x stride + position, where the stride is one more than
    the number of dates, so that no key's runs reach the next's): one sort of one column, and
    a running maximum of the ends.
    """
    stride = periods.height + 1
    offset = pl.col(key).cast(pl.Int64) * stride
    keyed = rows.filter(pl.col(key).is_not_null()).select(
        (offset + pl.col("_first")).alias("_k"), (offset + pl.col("_after")).alias("_k_end")
    )
    merged = union_runs(keyed)
    owner = pl.col("_k") // stride
    return merged.select(
        owner.alias(key),
        (pl.col("_k") - owner * stride).cast(pl.UInt32).alias("_first"),
        (pl.col("_k_end") - owner * stride).cast(pl.UInt32).alias("_after"),
    )


def union_runs(keyed: pl.DataFrame) -> pl.DataFrame:
    """Runs of keys (``_k`` to ``_k_end``) merged where they overlap or touch, sorted by ``_k``."""
    in_order = keyed.height < 2 or keyed.select((pl.col("_k").diff().slice(1) >= 0).all()).item()
    ordered = keyed if in_order else _sorted_runs(keyed)
    reach = pl.col("_k_end").cum_max()
    marked = ordered.with_columns(reach.alias("_reach")).with_columns(
        (pl.col("_k") > pl.col("_reach").shift(1)).fill_null(True).alias("_new")
    )
    firsts = marked.filter("_new").get_column("_k")
    ends = marked.filter(pl.col("_new").shift(-1).fill_null(True)).get_column("_reach")
    return pl.DataFrame({"_k": firsts, "_k_end": ends})


def _sorted_runs(keyed: pl.DataFrame) -> pl.DataFrame:
    """Runs of keys sorted by ``_k``: as one integer (key x width + length) when it fits, as
    sorting one column costs half sorting a frame by it (runs of one key may come in any order)."""
    key, length = keyed.get_column("_k"), keyed.get_column("_k_end") - keyed.get_column("_k")
    shortest, longest, low, high = length.min(), length.max(), key.min(), key.max()
    if not (
        isinstance(shortest, int)
        and isinstance(longest, int)
        and isinstance(low, int)
        and isinstance(high, int)
    ):
        return keyed.sort("_k")
    width = longest + 1
    if shortest < 0 or (max(abs(low), abs(high)) + 1) * width >= 2**62:
        return keyed.sort("_k")
    packed = (key * width + length).sort()
    first = packed // width
    return pl.DataFrame({"_k": first, "_k_end": first + packed - first * width})


def union_of(*runs: pl.DataFrame) -> pl.DataFrame:
    """:func:`union_runs` of several frames of runs each sorted by ``_k``: merged in order (linear)
    rather than stacked and sorted again."""
    ordered = runs[0]
    for more in runs[1:]:
        ordered = ordered.merge_sorted(more, key="_k")
    return union_runs(ordered)


def keyed_counts(runs: pl.DataFrame, periods: pl.DataFrame) -> pl.Series:
    """How many of the runs of keys (``_k`` to ``_k_end``, key x stride + date position, see
    :func:`merged_runs`) hold each period date, in date order."""
    stride = periods.height + 1
    first = runs.get_column("_k") - (runs.get_column("_k") // stride) * stride
    return open_counts(first, first + runs.get_column("_k_end") - runs.get_column("_k"), periods)
