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

    # Month and day are 8-bit in Polars: widen before arithmetic, or month x 100 overflows.
    def month_day(d: pl.Expr) -> pl.Expr:
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)

    before_birthday = month_day(day) < month_day(dob)
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
    """Episodes that count as being looked after (short breaks V3/V4 excluded), with derived columns.

    Besides ``dec_or_max`` and ``placement_type``, each episode carries its period of care and
    placement (``HISTORY_COLUMNS``, see ``placement_history``), so that ``in_care`` rows have them
    without a second join over every child and date (seconds at a million episodes).
    """

    def build() -> pl.DataFrame:
        episodes = (
            frames.episodes.filter(~pl.col("ls").is_in(list(SHORT_BREAK_STATUSES)))
            .with_columns(
                pl.col("dec").fill_null(FAR_FUTURE).alias("dec_or_max"),
                placement_type(pl.col("place"), pl.col("place_provider")).alias("placement_type"),
            )
            .sort("child", "decom")
        )
        return _with_history(episodes)

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


# --- placements and periods of care, as the DfE counts them -----------------------------------

#: Temporary placements (hospital, absence, holiday, carer unavailable): not placements of their own.
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})


def years_before(day: pl.Expr, years: int, months: int = 0) -> pl.Expr:
    """The same calendar day ``years`` (and ``months``) earlier; 29 February falls back to the 28th."""
    return day.dt.offset_by(f"-{years}y{months}mo" if months else f"-{years}y")


def placement_history(frames: Frames) -> pl.DataFrame:
    """Care episodes with the period of care and the placement each belongs to (``_with_history``)."""
    return care_episodes(frames)


# Reasons for a new episode that move the child to a new carer or placement (SSDA903 RNE).
NEW_CARER = frozenset({"S", "P", "B"})


def _with_history(episodes: pl.DataFrame) -> pl.DataFrame:
    """Care episodes (sorted by child and start) with the period of care and the placement each belongs to.

    An episode is a new placement when it opens a period of care or records a change of
    carer (RNE P or B). A change of legal status only (L), or of placement type with the same
    carer (T, U: a foster placement becoming long-term, say), is the same placement. A
    temporary placement (T0-T4) is not a placement of its own, and the episode that takes the
    child back to the placement they had before it (same place, provider and carer) is not a
    new one, so a holiday or a stay in hospital does not count as two moves. Adds
    ``period_start`` (the day this period of care began), ``placement_start``,
    ``previous_placement_start``, ``placement_began_as`` (the PLACE code the placement opened
    with), ``new_placement``, ``move`` (a new placement within a period
    of care), and per child running counts ``placement_no`` and ``move_no``, so that the
    placements in a window are a difference of two running counts (no self-join).
    """

    # Episodes are sorted by child then date: "the row before" is the child's previous episode
    # unless ``first``, and a forward fill never crosses children because every child's first
    # episode sets each filled column (window functions per child cost ten times as much).
    first = pl.col("child") != pl.col("child").shift(1).fill_null(-1)
    prev_dec = pl.col("dec").shift(1)
    temporary = pl.col("place").is_in(list(TEMPORARY_PLACEMENTS)).fill_null(False)
    where = pl.concat_str(
        [pl.col(c).cast(pl.Utf8).fill_null("") for c in ("place", "place_provider", "provider", "carer")],
        separator="|",
    )
    back = (
        ~pl.col("_first")
        & pl.col("_temporary").shift(1).fill_null(False)
        & (pl.col("_where") == pl.col("_settled").shift(1)).fill_null(False)
    )
    new_period = (
        pl.col("_first")
        | (pl.col("rne") == "S").fill_null(False)
        | (prev_dec.is_not_null() & (prev_dec != pl.col("decom")))
    )
    new_placement = pl.col("new_period") | (
        pl.col("rne").is_in(list(NEW_CARER)).fill_null(True) & ~pl.col("_temporary") & ~back
    )
    running = pl.col("new_placement").cast(pl.Int32).cum_sum()
    moves = pl.col("move").cast(pl.Int32).cum_sum()
    return (
        episodes.lazy()
        .with_columns(first.alias("_first"), temporary.alias("_temporary"), where.alias("_where"))
        .with_columns(
            new_period.alias("new_period"),
            pl.when(~pl.col("_temporary") | pl.col("_first")).then("_where").forward_fill().alias("_settled"),
        )
        .with_columns(new_placement.alias("new_placement"))
        .with_columns(
            (pl.col("new_placement") & ~pl.col("new_period")).alias("move"),
            pl.when("new_period").then("decom").forward_fill().alias("period_start"),
            pl.when("new_placement").then("decom").forward_fill().alias("placement_start"),
            pl.when("new_placement").then("place").forward_fill().alias("placement_began_as"),
            running.alias("_running"),
        )
        .with_columns(
            moves.alias("_moves"),
            pl.when("_first")
            .then(pl.lit(FAR_FUTURE))
            .when("new_placement")
            .then(pl.col("placement_start").shift(1))
            .forward_fill()
            .alias("previous_placement_start"),
        )
        .with_columns(
            (pl.col("_running") - pl.when("_first").then(pl.col("_running") - 1).forward_fill())
            .cast(pl.Int32)
            .alias("placement_no"),
            (pl.col("_moves") - pl.when("_first").then("_moves").forward_fill())
            .cast(pl.Int32)
            .alias("move_no"),
            pl.col("previous_placement_start").replace(FAR_FUTURE, None),
        )
        .drop("_first", "_temporary", "_where", "_settled", "_running", "_moves")
        .collect()
    )


HISTORY_COLUMNS = (
    "period_start",
    "placement_start",
    "previous_placement_start",
    "placement_no",
    "move_no",
)


def in_care_history(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """``in_care`` with each row's period of care and current placement (``placement_history``)."""

    return in_care(frames, periods)


def history_on(frames: Frames, rows: pl.DataFrame, day: str, prefix: str) -> pl.DataFrame:
    """``rows`` with the child's care history as it stood on the day in column ``day``.

    Adds ``{prefix}placement_no`` and ``{prefix}move_no`` (running counts up to that day, 0
    before any care) and ``{prefix}in_care`` (an episode open that day, as ``in_care``).
    A sorted as-of join per child: the latest episode started on or before the day. The rows come
    back sorted by ``day``, not in their first order (a facts frame's order carries no meaning).
    """
    history = (
        placement_history(frames)
        .select(
            "child",
            pl.col("decom").alias("_decom"),
            pl.col("dec_or_max").alias("_until"),
            pl.col("placement_no").alias(f"{prefix}placement_no"),
            pl.col("move_no").alias(f"{prefix}move_no"),
        )
        .sort("_decom")
    )
    out = rows.sort(day).join_asof(
        history, left_on=day, right_on="_decom", by="child", strategy="backward", check_sortedness=False
    )
    return out.with_columns(
        pl.col(f"{prefix}placement_no").fill_null(0),
        pl.col(f"{prefix}move_no").fill_null(0),
        (pl.col("_until") > pl.col(day)).fill_null(False).alias(f"{prefix}in_care"),
    ).drop("_decom", "_until")
