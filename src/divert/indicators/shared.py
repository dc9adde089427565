"""Building blocks the indicator definitions share: who was in care on a date, which period an
event falls in, ages, placement categories and working-day clocks, as Polars expressions.

Each is computed once per register and set of periods (``Frames.memo``), because a full
scorecard asks for the same "in care on each date" frame many times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from divert.core.codes import (
    ADOPTION_PLACEMENTS,
    INDEPENDENT_PROVIDERS,
    KINSHIP_PLACEMENTS,
    NON_KINSHIP_FOSTER,
    RESIDENTIAL_PLACEMENTS,
    SHORT_BREAK_STATUSES,
    SUPPORTED_PLACEMENTS,
    placement_category,
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
    """``core.codes.placement_category`` as an expression (same categories, same rules).

    A lookup in a table of every category, built from ``placement_category`` itself (by PLACE
    code and whether the provider is independent): a chain of nine when/then tests costs most
    of a second over a million episodes, a lookup a tenth of that.
    """
    codes = sorted(
        KINSHIP_PLACEMENTS
        | NON_KINSHIP_FOSTER
        | RESIDENTIAL_PLACEMENTS
        | SUPPORTED_PLACEMENTS
        | ADOPTION_PLACEMENTS
        | {"P1"}
    )
    independent = sorted(INDEPENDENT_PROVIDERS)[0]
    # Row 2i is code i from a council or public provider, row 2i + 1 from an independent one;
    # the last two rows are any other code (or none).
    table = [placement_category(code, by) for code in codes for by in ("", independent)] + ["Other", "Other"]
    number = {code: i for i, code in enumerate(codes)}
    code = place.replace_strict(number, default=len(codes), return_dtype=pl.UInt32).fill_null(len(codes))
    by_independent = provider.is_in(list(INDEPENDENT_PROVIDERS)).fill_null(False).cast(pl.UInt32)
    return pl.lit(pl.Series(table, dtype=pl.Utf8)).gather(code * 2 + by_independent)


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
        episodes = frames.episodes.filter(~pl.col("ls").is_in(list(SHORT_BREAK_STATUSES))).with_columns(
            pl.col("dec").fill_null(FAR_FUTURE).alias("dec_or_max"),
            placement_type(pl.col("place"), pl.col("place_provider")).alias("placement_type"),
        )
        # One chunk: gathering from a frame in dozens of chunks (as the lazy query leaves it)
        # costs several times as much, and ``in_care`` gathers millions of rows from this one.
        return _with_history(_sorted_by_child_and_start(episodes)).rechunk()

    return frames.memo("care_episodes", build)


def _sorted_by_child_and_start(episodes: pl.DataFrame) -> pl.DataFrame:
    """``episodes`` sorted by child and start; as extracted they already are, and checking costs
    a scan where sorting a million rows with their text columns costs most of a second."""
    step = pl.col("child").diff()
    in_order = ((step > 0) | ((step == 0) & (pl.col("decom").diff() >= 0))).fill_null(False)
    if episodes.height < 2 or episodes.select(in_order.slice(1).all()).item():
        return episodes
    return episodes.sort("child", "decom", maintain_order=True)


def in_care_rows(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Which care episode (``_row``, its row in ``care_episodes``) and period (``_period``, its row in
    ``periods`` sorted by date) each ``in_care`` row is: one row per child in care per date.

    Each episode covers a run of consecutive dates (the first on or after its start up to the
    last before it ceased), found by two binary searches and expanded once. The rows come in
    episode order (child, then date), so gathering an episode column is a forward scan.
    """

    def build() -> pl.DataFrame:
        return (
            in_care_spans(frames, periods)
            .select("_row", pl.int_ranges("_first", "_until", dtype=pl.UInt32).alias("_period"))
            .explode("_period")
        )

    return frames.memo(("in_care_rows", periods_key(periods)), build)


def in_care_spans(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """The care episodes open on some period date and which: ``_row`` (the episode's row in
    ``care_episodes``), and ``_first`` to ``_until`` (exclusive), the run of positions in the
    periods sorted by date it is open on. ``in_care_rows`` before it is expanded: counting
    children in care per date needs the runs only."""
    episodes = care_episodes(frames)
    dates = periods.get_column("date").sort()
    first = dates.search_sorted(episodes.get_column("decom"), side="left")
    until = dates.search_sorted(episodes.get_column("dec_or_max"), side="left")
    spans = pl.DataFrame(
        {
            "_row": pl.int_range(episodes.height, dtype=pl.UInt32, eager=True),
            "_first": first.cast(pl.UInt32),
            "_until": until.cast(pl.UInt32),
            "_known": episodes.get_column("decom").is_not_null(),
        }
    )
    return spans.filter(pl.col("_known") & (pl.col("_until") > pl.col("_first"))).drop("_known")


def in_care(frames: Frames, periods: pl.DataFrame, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """One row per child looked after on each period's last day, with the episode open then.

    Looked after on a date: an episode that started on or before it and had not ceased by it
    (an episode ceasing on the date no longer counts, as in the DfE's 31 March figures).
    Columns ``start``, ``date`` and the episode's ``columns`` (all of ``care_episodes`` if not
    given). Each column is gathered once per register and periods and shared: at national size
    the rows run to millions, and most indicators read a handful of columns.
    """
    episodes = care_episodes(frames)
    names = list(episodes.columns if columns is None else columns)
    key = periods_key(periods)
    rows = in_care_rows(frames, periods)

    def gathered(name: str) -> pl.Series:
        def build() -> pl.DataFrame:
            if name in ("start", "date"):
                source = periods.sort("date").get_column(name)
                return source.gather(rows.get_column("_period")).to_frame()
            return episodes.get_column(name).gather(rows.get_column("_row")).to_frame()

        return frames.memo(("in_care", key, name), build).to_series()

    return pl.DataFrame([gathered(name) for name in ["start", "date", *names]])


def in_care_where(
    frames: Frames, periods: pl.DataFrame, episodes_kept: pl.Expr, columns: Sequence[str]
) -> pl.DataFrame:
    """``in_care(frames, periods, columns)`` narrowed to the rows whose episode passes ``episodes_kept``
    (an expression over ``care_episodes``: a placement type, say), same rows in the same order.

    The test is made once per episode and the columns gathered for the kept rows only, rather
    than millions of rows gathered and then filtered text column by text column.
    """
    episodes = care_episodes(frames)
    rows = in_care_rows(frames, periods)
    kept_episodes = episodes.select(episodes_kept.fill_null(False)).to_series()
    kept = rows.filter(kept_episodes.gather(rows.get_column("_row")))
    dates = periods.sort("date")
    at_period, at_row = kept.get_column("_period"), kept.get_column("_row")
    return pl.DataFrame(
        [dates.get_column("start").gather(at_period), dates.get_column("date").gather(at_period)]
        + [episodes.get_column(name).gather(at_row) for name in columns]
    )


def on_in_care_dates(frames: Frames, periods: pl.DataFrame, values: pl.Series) -> pl.Series:
    """A per-period series (one value per period, sorted by date) read on each ``in_care`` row."""
    return values.gather(in_care_rows(frames, periods).get_column("_period"))


def on_in_care_rows(frames: Frames, periods: pl.DataFrame, values: pl.Series) -> pl.Series:
    """An episode-level series (one value per ``care_episodes`` row) read on each ``in_care`` row."""
    return values.gather(in_care_rows(frames, periods).get_column("_row"))


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
    # Where the child lives: place, provider and carer, compared column by column (joining them
    # into one text per episode costs a tenth of a second per million episodes). A missing value
    # compares equal to a missing one only, hence the fill.
    where = {
        "place": pl.col("place").fill_null(""),
        "place_provider": pl.col("place_provider").fill_null(""),
        "provider": pl.col("provider").fill_null(""),
        "carer": pl.col("carer").fill_null(-(2**63)),
    }
    same_as_settled = pl.all_horizontal(
        [(pl.col(f"_where_{name}") == pl.col(f"_settled_{name}").shift(1)).fill_null(False) for name in where]
    )
    back = ~pl.col("_first") & pl.col("_temporary").shift(1).fill_null(False) & same_as_settled
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
    # Only the columns the history reads go through the query, and only the new columns come
    # back to be put beside the episodes: the query's result comes in dozens of chunks, and
    # joining them up is cheap for these but costly for every text column of the episodes.
    read = ["child", "decom", "dec", "rne", "place", "place_provider", "provider", "carer"]
    history = (
        episodes.lazy()
        .select(read)
        .with_columns(
            first.alias("_first"),
            temporary.alias("_temporary"),
            *[value.alias(f"_where_{name}") for name, value in where.items()],
        )
        .with_columns(
            new_period.alias("new_period"),
            *[
                pl.when(~pl.col("_temporary") | pl.col("_first"))
                .then(f"_where_{name}")
                .forward_fill()
                .alias(f"_settled_{name}")
                for name in where
            ],
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
            pl.when(pl.col("previous_placement_start") != FAR_FUTURE).then("previous_placement_start"),
        )
        .select(
            "new_period",
            "new_placement",
            "move",
            "period_start",
            "placement_start",
            "placement_began_as",
            "previous_placement_start",
            "placement_no",
            "move_no",
        )
        .collect()
    )
    return episodes.hstack(history.rechunk().get_columns())


HISTORY_COLUMNS = (
    "period_start",
    "placement_start",
    "previous_placement_start",
    "placement_no",
    "move_no",
)


#: A child and a day as one sortable integer (child, then day), so that "the child's latest
#: episode (or review, or visit) on or before a day" is a binary search in one sorted column:
#: no join per child over millions of rows. Days from 1970 are offset to be non-negative.
_DAY_BITS = 23
_DAY_OFFSET = 1 << 22


def child_day(child: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The sortable key of ``child`` on ``day`` (see ``_DAY_BITS``)."""
    days = day.cast(pl.Int32).cast(pl.Int64).fill_null(-_DAY_OFFSET)
    return child.cast(pl.Int64) * (1 << _DAY_BITS) + days + _DAY_OFFSET


def episode_keys(frames: Frames) -> pl.Series:
    """``child_day`` of each care episode's child and start, in ``care_episodes`` order (sorted)."""

    def build() -> pl.DataFrame:
        return care_episodes(frames).select(child_day(pl.col("child"), pl.col("decom")).alias("key"))

    return frames.memo("episode_keys", build).to_series()


def event_keys(frames: Frames, table: str) -> pl.DataFrame:
    """A dated table's events (``child``, ``date``) as sorted ``key`` (``child_day``) and ``day``."""

    def build() -> pl.DataFrame:
        events: pl.DataFrame = getattr(frames, table)
        keyed = events.filter(pl.col("date").is_not_null()).select(
            child_day(pl.col("child"), pl.col("date")).alias("key"), pl.col("date").alias("day")
        )
        # Read in child and date order, the events need no sort (a scan, against a sort of millions).
        in_order = keyed.height < 2 or keyed.select((pl.col("key").diff().slice(1) >= 0).all()).item()
        return keyed if in_order else keyed.sort("key")

    return frames.memo(("event_keys", table), build)


def positions(keys: pl.Series, query: pl.Series, *, inclusive: bool = True) -> pl.Series:
    """For each value in ``query``, the position in sorted ``keys`` of the last key on or before it
    (strictly before unless ``inclusive``); null where there is none.

    One sorted as-of join: queries made from ``in_care`` rows come sorted (child, then date),
    and a merge of two sorted columns costs a third of a binary search per query.
    """
    right = keys.rename("key").to_frame().with_row_index("position").with_columns(pl.col("key").set_sorted())
    left = query.rename("key").to_frame()
    in_order = left.height < 2 or left.select((pl.col("key").diff().slice(1) >= 0).all()).item()
    if in_order:
        found = left.with_columns(pl.col("key").set_sorted()).join_asof(
            right, on="key", strategy="backward", allow_exact_matches=inclusive, check_sortedness=False
        )
    else:
        found = (
            left.with_row_index("_order")
            .sort("key")
            .join_asof(
                right, on="key", strategy="backward", allow_exact_matches=inclusive, check_sortedness=False
            )
            .sort("_order")
        )
    return found.get_column("position").cast(pl.Int64)


def latest_on_or_before(
    keys: pl.Series, child: pl.Series, day: pl.Series, *, inclusive: bool = True
) -> pl.Series:
    """For each (child, day), the position in sorted ``keys`` (``child_day``) of the child's latest
    key on or before the day (strictly before unless ``inclusive``); null where the child has none."""
    query = pl.DataFrame({"child": child, "day": day}).select(child_day(pl.col("child"), pl.col("day")))
    found = positions(keys, query.to_series(), inclusive=inclusive)
    owner = keys.gather(found) // (1 << _DAY_BITS)
    return pl.select(pl.when(owner == child.cast(pl.Int64)).then(found)).to_series()


def shifted(days: pl.Series, offset: str) -> pl.Series:
    """``days.dt.offset_by(offset)`` ("3mo", "-1y"), worked out once per calendar day in the column's
    range and looked up: calendar arithmetic on millions of rows costs a tenth of a second each time.
    """
    low, high = days.min(), days.max()
    if not isinstance(low, dt.date) or not isinstance(high, dt.date) or (high - low).days > 40_000:
        return days.dt.offset_by(offset)
    calendar = pl.date_range(low, high, eager=True).dt.offset_by(offset)
    index = pl.select((days - low).dt.total_days()).to_series()
    return calendar.gather(index).alias(days.name)


def history_on(frames: Frames, rows: pl.DataFrame, day: str, prefix: str) -> pl.DataFrame:
    """``rows`` with the child's care history as it stood on the day in column ``day``.

    Adds ``{prefix}placement_no`` and ``{prefix}move_no`` (running counts up to that day, 0
    before any care) and ``{prefix}in_care`` (an episode open that day, as ``in_care``): from
    the latest episode started on or before the day, found by a binary search on ``child_day``.
    """
    history = placement_history(frames)
    at = latest_on_or_before(episode_keys(frames), rows.get_column("child"), rows.get_column(day))
    until = history.get_column("dec_or_max").gather(at)
    return rows.with_columns(
        history.get_column("placement_no").gather(at).fill_null(0).alias(f"{prefix}placement_no"),
        history.get_column("move_no").gather(at).fill_null(0).alias(f"{prefix}move_no"),
        (until > rows.get_column(day)).fill_null(False).alias(f"{prefix}in_care"),
    )
