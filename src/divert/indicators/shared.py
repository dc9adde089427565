"""Building blocks the indicator definitions share: who was in care on a date, which period an
event falls in, ages, placement categories and working-day clocks, as Polars expressions.

Each is computed once per register and set of periods (``Frames.memo``), because a full
scorecard asks for the same "in care on each date" frame many times.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from divert.core.codes import (
    ADOPTION_PLACEMENTS,
    INDEPENDENT_PROVIDERS,
    KINSHIP_PLACEMENTS,
    NON_KINSHIP_FOSTER,
    RESIDENTIAL_PLACEMENTS,
    SHORT_BREAK_STATUSES,
    SUPPORTED_PLACEMENTS,
)
from divert.indicators.frames import Frames

FAR_FUTURE = dt.date(9999, 12, 31)


def periods_key(periods: pl.DataFrame) -> tuple[dt.date, ...]:
    """A hashable key for a set of periods (their last days)."""
    return tuple(periods["date"].to_list())


def age_on(dob: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whole years on ``day`` (29 February birthdays fall on 1 March, as in ``core.ages``)."""
    before_birthday = (day.dt.month() * 100 + day.dt.day()) < (dob.dt.month() * 100 + dob.dt.day())
    return day.dt.year() - dob.dt.year() - before_birthday.cast(pl.Int32)


def age_band(age: pl.Expr) -> pl.Expr:
    """The DfE's age bands for children looked after."""
    return (
        pl.when(age < 1)
        .then(pl.lit("Under 1"))
        .when(age < 5)
        .then(pl.lit("1 to 4"))
        .when(age < 10)
        .then(pl.lit("5 to 9"))
        .when(age < 16)
        .then(pl.lit("10 to 15"))
        .otherwise(pl.lit("16 and over"))
    )


def placement_type(place: pl.Expr, provider: pl.Expr) -> pl.Expr:
    """``core.codes.placement_category`` as an expression (same categories, same rules)."""
    independent = provider.is_in(list(INDEPENDENT_PROVIDERS))
    return (
        pl.when(place.is_in(list(KINSHIP_PLACEMENTS)))
        .then(pl.lit("Kinship foster care"))
        .when(place.is_in(list(NON_KINSHIP_FOSTER)) & independent)
        .then(pl.lit("Independent foster care"))
        .when(place.is_in(list(NON_KINSHIP_FOSTER)))
        .then(pl.lit("In-house foster care"))
        .when(place.is_in(list(RESIDENTIAL_PLACEMENTS)) & independent)
        .then(pl.lit("Residential: independent"))
        .when(place.is_in(list(RESIDENTIAL_PLACEMENTS)))
        .then(pl.lit("Residential: in-house"))
        .when(place.is_in(list(SUPPORTED_PLACEMENTS)))
        .then(pl.lit("Supported accommodation"))
        .when(place == "P1")
        .then(pl.lit("Placed with parents"))
        .when(place.is_in(list(ADOPTION_PLACEMENTS)))
        .then(pl.lit("Placed for adoption"))
        .otherwise(pl.lit("Other"))
    )


def working_days(start: pl.Expr, end: pl.Expr, holidays: tuple[dt.date, ...]) -> pl.Expr:
    """Working days after ``start`` up to and including ``end`` (``core.calendar.working_days_between``)."""
    one = pl.duration(days=1)
    return pl.business_day_count(start + one, end + one, holidays=list(holidays))


def care_episodes(frames: Frames) -> pl.DataFrame:
    """Episodes that count as being looked after (short breaks V3/V4 excluded), with derived columns."""

    def build() -> pl.DataFrame:
        return (
            frames.episodes.filter(~pl.col("ls").is_in(list(SHORT_BREAK_STATUSES)))
            .with_columns(
                pl.col("dec").fill_null(FAR_FUTURE).alias("dec_or_max"),
                placement_type(pl.col("place"), pl.col("place_provider")).alias("placement_type"),
            )
            .sort("child", "decom")
        )

    return frames.memo("care_episodes", build)


def in_care(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per child looked after on each period's last day, with the episode open then.

    Looked after on a date: an episode that started on or before it and had not ceased by it
    (an episode ceasing on the date no longer counts, as in the DfE's 31 March figures).
    """

    def build() -> pl.DataFrame:
        episodes = care_episodes(frames)
        dates = periods.select("start", "date")
        if episodes.is_empty():
            return dates.join(episodes, how="cross")
        return dates.join_where(
            episodes, pl.col("decom") <= pl.col("date"), pl.col("dec_or_max") > pl.col("date")
        ).sort("date", "child")

    return frames.memo(("in_care", periods_key(periods)), build)


def in_period(events: pl.DataFrame, column: str, periods: pl.DataFrame) -> pl.DataFrame:
    """``events`` with the period each falls in (``start``, ``date``); events outside every period dropped."""
    spans = periods.select("start", "date").sort("start")
    if events.is_empty():
        return events.with_columns(
            pl.lit(None, dtype=pl.Date).alias("start"), pl.lit(None, dtype=pl.Date).alias("date")
        ).clear()
    return (
        events.filter(pl.col(column).is_not_null())
        .sort(column)
        .join_asof(spans, left_on=column, right_on="start", strategy="backward")
        .filter(pl.col("date").is_not_null() & (pl.col(column) <= pl.col("date")))
    )


def counted(df: pl.DataFrame, num: pl.Expr | float = 1.0, den: pl.Expr | float = 1.0) -> pl.DataFrame:
    """Add the ``num`` and ``den`` columns every facts frame carries."""
    return df.with_columns(
        (num if isinstance(num, pl.Expr) else pl.lit(num)).cast(pl.Float64).alias("num"),
        (den if isinstance(den, pl.Expr) else pl.lit(den)).cast(pl.Float64).alias("den"),
    )
