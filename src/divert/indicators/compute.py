"""From facts to figures: series, breakdowns and the rows behind a figure.

Pure functions over :class:`Frames`; no database, no request. The web pages, the command,
the board pack and the benchmarks all come through here.
"""

from __future__ import annotations

import polars as pl

from divert.core.codes import PLACEMENT_CATEGORIES
from divert.indicators.catalogue import Agg, CountsFn, Indicator
from divert.indicators.frames import Frames
from divert.indicators.shared import age_band, age_on, periods_key

NOT_RECORDED = "Not recorded"
# Dimensions with a natural order; others sort alphabetically. "Not recorded" always comes last.
ORDER = {
    "age_band": ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"),
    "placement_type": PLACEMENT_CATEGORIES,
}


# Facts over more periods than this are not kept: over a whole history they run to millions of
# rows per indicator, while the series made from them (kept) is a few hundred numbers.
FACTS_KEPT_UP_TO = 26


def facts(frames: Frames, indicator: Indicator, periods: pl.DataFrame) -> pl.DataFrame:
    """The rows behind ``indicator`` in each period (memoised per register and periods, when few)."""

    def build() -> pl.DataFrame:
        rows = indicator.facts(frames, periods)
        missing = {"date", "num", "den"} - set(rows.columns)
        if missing:
            raise ValueError(f"{indicator.id}: facts lack {sorted(missing)}")
        return rows

    if periods.height > FACTS_KEPT_UP_TO:
        return build()
    return frames.memo(("facts", indicator.id, periods_key(periods)), build)


def _value(agg: Agg) -> pl.Expr:
    """The figure from a group's sums (``num``, ``den``, and ``_workers`` for a caseload)."""
    num, den = pl.col("num"), pl.col("den")
    if agg is Agg.SUM:
        return num
    if agg is Agg.PERCENT:
        return pl.when(den > 0).then(100 * num / den)
    if agg is Agg.MEAN:
        return pl.when(den > 0).then(num / den)
    if agg is Agg.PER_WORKER:
        workers = pl.col("_workers")
        return pl.when(workers > 0).then(num / workers)
    return num  # PER_10K: divided by the population after grouping


def population_on(frames: Frames, dates: pl.DataFrame) -> pl.DataFrame:
    """Children aged 0-17 for each date: the mid-year estimate current then.

    A mid-year estimate is published for 30 June, so dates from July use that year's and
    dates before July the previous year's (31 March 2025 uses mid-2024, as the DfE does).
    Years outside the table take the nearest estimate.
    """
    pop = frames.population.sort("year")
    wanted = dates.select("date").with_columns(
        (pl.col("date").dt.year() - (pl.col("date").dt.month() < 7).cast(pl.Int32))
        .cast(pl.Int64)
        .alias("year")
    )
    if pop.is_empty():
        return wanted.with_columns(pl.lit(None, dtype=pl.Int64).alias("population")).drop("year")
    return (
        wanted.sort("year")
        .join_asof(pop, on="year", strategy="nearest")
        .rename({"children": "population"})
        .drop("year")
    )


def _aggregate(
    frames: Frames, indicator: Indicator, rows: pl.DataFrame, periods: pl.DataFrame, by: list[str]
) -> pl.DataFrame:
    # Plain sums per group first (Polars' fast path), the figure from them after: an expression
    # over a group's sums inside ``agg`` is evaluated group by group, ten times slower on
    # millions of rows.
    sums = [pl.col("num").sum().alias("num"), pl.col("den").sum().alias("den")]
    if indicator.agg is Agg.PER_WORKER:
        sums.append(pl.col("worker").n_unique().alias("_workers"))
    return _figures(frames, indicator, rows.group_by(["date", *by]).agg(sums), periods, by)


def _figures(
    frames: Frames, indicator: Indicator, sums: pl.DataFrame, periods: pl.DataFrame, by: list[str]
) -> pl.DataFrame:
    """The figures from each group's sums (``date``, ``by``, ``num``, ``den``, ``_workers``)."""
    grouped = sums.select("date", *by, _value(indicator.agg).alias("value"), "num", "den")
    if by:
        return grouped.sort(["date", *by])
    out = periods.select("start", "date").join(grouped, on="date", how="left")
    if indicator.agg is Agg.SUM:
        out = out.with_columns(pl.col("value").fill_null(0.0), pl.col("num").fill_null(0.0))
    out = out.with_columns(pl.col("num").fill_null(0.0), pl.col("den").fill_null(0.0))
    if indicator.agg is Agg.PER_10K:
        out = out.join(population_on(frames, periods), on="date", how="left").with_columns(
            pl.when(pl.col("population") > 0)
            .then(pl.col("num") * 10_000 / pl.col("population"))
            .alias("value")
        )
    return out.sort("date")


def series(
    frames: Frames, indicator: Indicator, periods: pl.DataFrame, where: dict[str, str] | None = None
) -> pl.DataFrame:
    """One row per period: ``start``, ``date``, ``value``, ``num``, ``den`` (and ``population`` for rates).

    An indicator with ``counts`` is summed from them (the same figures, without a row per
    child and date); narrowed, it is read from its facts like any other.

    ``where`` narrows the rows to dimension values first (a team, a locality). A rate per
    10,000 has no meaning for part of the authority (there is no population for a team), so
    it is left empty when narrowed.
    """

    def build() -> pl.DataFrame:
        if indicator.counts is not None and not where:
            sums = _counted(frames, indicator, indicator.counts, periods)
            return _figures(frames, indicator, sums, periods, [])
        rows = narrowed(frames, indicator, periods, where)
        out = _aggregate(frames, indicator, rows, periods, [])
        if where and indicator.agg is Agg.PER_10K:
            out = out.with_columns(pl.lit(None, dtype=pl.Float64).alias("value"))
        return out

    narrowing = tuple(sorted((where or {}).items()))
    return frames.memo(("series", indicator.id, periods_key(periods), narrowing), build)


def _counted(frames: Frames, indicator: Indicator, counts: CountsFn, periods: pl.DataFrame) -> pl.DataFrame:
    """The sums per date from the indicator's ``counts`` shortcut, typed as the facts' sums are."""
    sums = counts(frames, periods)
    wanted = ["date", "num", "den"] + (["_workers"] if indicator.agg is Agg.PER_WORKER else [])
    missing = set(wanted) - set(sums.columns)
    if missing:
        raise ValueError(f"{indicator.id}: counts lack {sorted(missing)}")
    return sums.select(wanted).with_columns(pl.col("num", "den").cast(pl.Float64))


def breakdown(
    frames: Frames,
    indicator: Indicator,
    periods: pl.DataFrame,
    by: str,
    where: dict[str, str] | None = None,
) -> pl.DataFrame:
    """The figure in each period split by one dimension: ``date``, ``by``, ``value``, ``num``, ``den``."""
    if by not in indicator.breakdowns:
        raise ValueError(f"{indicator.id} has no breakdown by {by}")
    rows = with_dimensions(frames, narrowed(frames, indicator, periods, where), [by])
    rows = rows.with_columns(pl.col(by).cast(pl.Utf8).fill_null(NOT_RECORDED))
    out = _aggregate(frames, indicator, rows, periods, [by])
    known = ORDER.get(by, ())
    rank = (
        pl.when(pl.col(by) == NOT_RECORDED)
        .then(pl.lit(len(known) + 1))
        .otherwise(pl.col(by).replace_strict(list(known), list(range(len(known))), default=len(known)))
    )
    return out.with_columns(rank.alias("_rank")).sort("date", "_rank", by).drop("_rank")


def narrowed(
    frames: Frames, indicator: Indicator, periods: pl.DataFrame, where: dict[str, str] | None
) -> pl.DataFrame:
    rows = facts(frames, indicator, periods)
    if not where:
        return rows
    rows = with_dimensions(frames, rows, list(where))
    for name, value in where.items():
        rows = rows.filter(pl.col(name) == value)
    return rows


def members(
    frames: Frames,
    indicator: Indicator,
    periods: pl.DataFrame,
    date: object,
    *,
    denominator: bool = False,
    where: dict[str, str] | None = None,
) -> pl.DataFrame:
    """The rows behind the figure for the period ending ``date``: the numerator's, or the denominator's."""
    rows = narrowed(frames, indicator, periods, where).filter(pl.col("date") == date)
    if indicator.has_denominator:
        rows = rows.filter(pl.col("den") > 0) if denominator else rows.filter(pl.col("num") != 0)
    else:
        rows = rows.filter(pl.col("num") != 0)
    return rows


def with_dimensions(frames: Frames, rows: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Add the breakdown columns ``names`` that ``rows`` lack, each as on the row's ``date``.

    Age band from the date of birth, locality from the child's record, team from the
    allocation open on the date (a child allocated to two teams that day takes the earlier).
    """
    wanted = [n for n in names if n not in rows.columns]
    if not wanted or "child" not in rows.columns:
        return rows.with_columns([pl.lit(None, dtype=pl.Utf8).alias(n) for n in wanted])
    if "age_band" in wanted or "locality" in wanted:
        info = frames.children.select("child", "dob", "locality")
        rows = rows.join(info, on="child", how="left", suffix="_child")
        if "age_band" in wanted:
            band = age_band(age_on(pl.col("dob"), pl.col("date")))
            rows = rows.with_columns(pl.when(pl.col("dob").is_not_null()).then(band).alias("age_band"))
        rows = rows.drop("dob")
        if "locality" not in wanted:
            rows = rows.drop("locality")
    if "team" in wanted:
        rows = rows.with_row_index("_row")
        teams = (
            rows.select("_row", "child", "date")
            .join(frames.allocations.select("child", "team", "start", "end"), on="child", how="inner")
            .filter(
                (pl.col("start") <= pl.col("date"))
                & (pl.col("end").is_null() | (pl.col("end") >= pl.col("date")))
            )
            .sort("_row", "start")
            .unique("_row", keep="first")
            .select("_row", "team")
        )
        rows = rows.join(teams, on="_row", how="left").sort("_row").drop("_row")
    for name in ("placement_type", "provider"):
        if name in wanted:
            rows = rows.with_columns(pl.lit(None, dtype=pl.Utf8).alias(name))
    return rows
