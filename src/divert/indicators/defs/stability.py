"""Stability and permanence: placement moves, long-term stability, permanence plans, reviews and visits.

Placements are counted as the DfE counts them (``shared.placement_history``): a new period of
care or a change of carer (RNE P, B) starts a placement; a change of legal status only (L) or of
placement type with the same carer (T, U: a foster placement made long-term) does not,
and a temporary placement (T0-T4) with the return to the same carer is no move at all. Each
window ("3 or more placements in the 12 months to the date") is the difference of two running
counts per child read with sorted as-of joins, so 120 monthly periods cost two joins, not a
loop over children or dates.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from divert.core.codes import ADOPTION_PLACEMENTS, LONG_TERM_FOSTER
from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.frames import Frames
from divert.indicators.shared import (
    care_episodes,
    child_day,
    counted,
    episode_keys,
    event_keys,
    history_on,
    in_care,
    in_period,
    latest_on_or_before,
    on_in_care_dates,
    on_in_care_rows,
    placement_history,
    positions,
    shifted,
)

DFE_CLA = "DfE statistics: Children looked after in England including adoptions (methodology)."
IN_CARE = "children in care on the date as cla_count (episode open on the date, short breaks V3/V4 excluded)"
PLACEMENTS_COUNTED = (
    "Placements are counted as the DfE does: the placement open at the window's start plus each "
    "new placement begun in the window (a new period of care, or an episode with RNE P or B: a new "
    "carer). A change of legal status only (RNE L) or of placement type with the same carer (RNE T, "
    "U) is not a new placement. Temporary placements (T0-T4: "
    "hospital, absence, holiday, carer unavailable) are not counted, nor is the return to the "
    "placement the child had before one (same place, provider and carer)."
)
ALL_DIMENSIONS = ("age_band", "placement_type", "provider", "team", "locality")


CURRENT = (
    "period_start",
    "placement_start",
    "previous_placement_start",
    "placement_began_as",
    "placement_no",
    "move_no",
    "place",
    "placement_type",
    "provider",
)


def _current(frames: Frames, periods: pl.DataFrame, columns: tuple[str, ...] = CURRENT) -> pl.DataFrame:
    """Children in care on each date (``date``, ``child``) with their period of care and current placement."""
    return in_care(frames, periods, ["child", *columns]).drop("start")


def _window(frames: Frames, periods: pl.DataFrame, offset: str, name: str) -> pl.Series:
    """Each ``in_care`` row's date moved by ``offset`` ("-1y"): worked out per period, then read per row."""
    dates = periods.get_column("date").sort()
    return on_in_care_dates(frames, periods, shifted(dates, offset)).alias(name)


def _placements_since(frames: Frames, rows: pl.DataFrame, window_start: pl.Series) -> pl.DataFrame:
    """``rows`` with ``placements``: the one open on ``window_start`` plus those begun after it."""
    rows = history_on(frames, rows.with_columns(window_start.alias("window_start")), "window_start", "w_")
    placements = pl.col("w_in_care").cast(pl.Int64) + pl.col("placement_no") - pl.col("w_placement_no")
    return rows.with_columns(placements.alias("placements")).drop(
        "w_in_care",
        "w_placement_no",
        "w_move_no",
        "previous_placement_start",
        "placement_began_as",
        "placement_no",
        "move_no",
    )


def _three_plus(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    year_ago = _window(frames, periods, "-1y", "window_start") + dt.timedelta(days=1)
    rows = _placements_since(frames, _current(frames, periods), year_ago)
    return counted(rows, num=pl.col("placements") >= 3)


def _three_plus_2y(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = _current(frames, periods).with_columns(_window(frames, periods, "-2y", "_two_years"))
    rows = rows.filter(pl.col("period_start") <= pl.col("_two_years"))
    window_start = rows.get_column("_two_years") + dt.timedelta(days=1)
    rows = _placements_since(frames, rows.drop("_two_years"), window_start)
    return counted(rows, num=pl.col("placements") >= 3)


def _sixteenth_birthday(frames: Frames, child: pl.Series) -> pl.Series:
    """The day each child turns 16 (``age_on``: a 29 February birthday falls on 1 March), by a
    sorted as-of lookup among the children who have been in care, not a join against every child.

    The first of the birthday month sixteen years on plus the day less one: 29 February
    becomes 1 March when that year is not a leap year, as ``age_on`` counts it.
    """

    def build() -> pl.DataFrame:
        ever_in_care = care_episodes(frames).get_column("child").unique().implode()
        children = frames.children.filter(pl.col("child").is_in(ever_in_care)).select(
            "child",
            (
                pl.date(pl.col("dob").dt.year() + 16, pl.col("dob").dt.month(), 1)
                + pl.duration(days=pl.col("dob").dt.day().cast(pl.Int64) - 1)
            ).alias("sixteen"),
        )
        return children.sort("child", maintain_order=True)

    children = frames.memo("sixteenth_birthdays", build)
    at = positions(children.get_column("child"), child)
    found = pl.select(pl.when(children.get_column("child").gather(at) == child).then(at)).to_series()
    return children.get_column("sixteen").gather(found)


def _long_term(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = (
        _current(frames, periods)
        .with_columns(
            _window(frames, periods, "-2y", "_two_years"),
            _window(frames, periods, "-2y6mo", "_two_and_a_half"),
        )
        .filter(pl.col("period_start") <= pl.col("_two_and_a_half"))
    )
    rows = rows.with_columns(_sixteenth_birthday(frames, rows.get_column("child"))).filter(
        pl.col("date") < pl.col("sixteen")
    )
    two_years = pl.col("_two_years")
    settled = (pl.col("placement_start") <= two_years) | (
        pl.col("placement_began_as").is_in(sorted(ADOPTION_PLACEMENTS))
        & (pl.col("previous_placement_start") <= two_years)
    )
    days = (pl.col("date") - pl.col("placement_start")).dt.total_days()
    return counted(
        rows.with_columns(days.alias("days_in_placement")),
        num=settled.fill_null(False),
    ).drop("placement_no", "move_no", "sixteen", "_two_years", "_two_and_a_half")


def _moved(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = _current(frames, periods).with_columns(_window(frames, periods, "-1y", "year_before"))
    rows = history_on(frames, rows, "year_before", "y_")
    rows = rows.with_columns((pl.col("move_no") - pl.col("y_move_no")).alias("moves")).filter(
        pl.col("moves") >= 1
    )
    return counted(
        rows.select(
            "date", "child", "moves", "placement_start", "period_start", "place", "placement_type", "provider"
        )
    )


def _reviews_in_care(frames: Frames) -> pl.DataFrame:
    """Looked-after reviews held during a period of care, numbered within it (1 = the first).

    A review is matched to the episode open on its day (or ending that day); reviews outside
    care are dropped, and numbering restarts when a child comes back into care. The reviews
    are sorted by child and day, so a spell of care is a run of rows: numbers and "by then"
    flags are running counts less their value where the run began (no window per spell).
    """

    def build() -> pl.DataFrame:
        history = placement_history(frames)
        reviews = frames.reviews.filter(pl.col("date").is_not_null()).rename({"date": "review"})
        reviews = reviews.sort("child", "review", maintain_order=True)
        at = latest_on_or_before(
            episode_keys(frames), reviews.get_column("child"), reviews.get_column("review")
        )
        reviews = reviews.with_columns(
            *[history.get_column(name).gather(at) for name in ("period_start", "placement_type", "provider")],
            history.get_column("dec_or_max").gather(at).alias("_until"),
        ).filter(pl.col("period_start").is_not_null() & (pl.col("review") <= pl.col("_until")))
        begins = (
            (pl.col("child") != pl.col("child").shift(1))
            | (pl.col("period_start") != pl.col("period_start").shift(1))
        ).fill_null(True)
        index = pl.int_range(pl.len(), dtype=pl.Int64)
        plans = pl.col("permanence_plan").fill_null(False).cast(pl.Int64).cum_sum()
        return (
            reviews.with_columns(begins.alias("_begins"), index.alias("_index"), plans.alias("_plans"))
            .with_columns(
                (pl.col("_index") - pl.when("_begins").then("_index").forward_fill() + 1).alias("review_no"),
                pl.when(~pl.col("_begins")).then(pl.col("review").shift(1)).alias("previous_review"),
                (
                    pl.col("_plans")
                    - pl.when("_begins")
                    .then(pl.col("_plans") - pl.col("permanence_plan").fill_null(False).cast(pl.Int64))
                    .forward_fill()
                    > 0
                ).alias("plan_by_then"),
            )
            .drop("_until", "_begins", "_index", "_plans")
        )

    return frames.memo("reviews_in_care", build)


def _permanence(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    second = _reviews_in_care(frames).filter(pl.col("review_no") == 2)
    rows = in_period(second, "review", periods).select(
        "date",
        "child",
        "period_start",
        pl.col("previous_review").alias("first_review"),
        pl.col("review").alias("second_review"),
        "plan_by_then",
        "placement_type",
        "provider",
    )
    return counted(rows, num=pl.col("plan_by_then"))


def _with_overdue(rows: pl.DataFrame, due: pl.Expr) -> pl.DataFrame:
    """``rows`` with ``due`` and ``days_overdue`` (0 when not yet due); ``due`` is worked out once."""
    late = (pl.col("date") - pl.col("due")).dt.total_days()
    overdue = pl.when(late > 0).then(late).otherwise(0)
    return rows.with_columns(due.alias("due")).with_columns(overdue.alias("days_overdue"))


def _first_review_due(frames: Frames) -> pl.Series:
    """Per care episode: 20 working days after its period of care began (the first review's deadline).

    Working-day arithmetic is costly: done once per distinct start of care, not once per row.
    """

    def build() -> pl.DataFrame:
        starts = care_episodes(frames).select("period_start")
        distinct = starts.unique().drop_nulls()
        distinct = distinct.with_columns(
            pl.col("period_start")
            .dt.add_business_days(20, holidays=list(frames.holidays), roll="backward")
            .alias("first_due")
        )
        return starts.join(distinct, on="period_start", how="left", maintain_order="left").select("first_due")

    return frames.memo("first_review_due", build).to_series()


def _reviews_on_time(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Each child in care with their reviews in the current period of care and the next one's due date.

    Reviews held in the period: the child's reviews up to the date less those before the period
    began, two binary searches in the sorted reviews (``child_day``).
    """
    rows = _current(frames, periods, ("period_start", "place", "placement_type", "provider"))
    reviews = event_keys(frames, "reviews")
    keys, child = reviews.get_column("key"), pl.col("child")
    up_to = positions(keys, rows.select(child_day(child, pl.col("date"))).to_series())
    before = positions(
        keys, rows.select(child_day(child, pl.col("period_start"))).to_series(), inclusive=False
    )
    held = ((up_to + 1).fill_null(0) - (before + 1).fill_null(0)).alias("reviews_held")
    latest = pl.select(pl.when(held > 0).then(up_to)).to_series()
    last_review = reviews.get_column("day").gather(latest).alias("last_review")
    rows = rows.with_columns(
        last_review,
        held,
        on_in_care_rows(frames, periods, _first_review_due(frames)).alias("_first_due"),
        shifted(last_review, "3mo").alias("_three_months"),
        shifted(last_review, "6mo").alias("_six_months"),
    )
    due = (
        pl.when(pl.col("reviews_held") == 0)
        .then(pl.col("_first_due"))
        .when(pl.col("reviews_held") == 1)
        .then(pl.col("_three_months"))
        .otherwise(pl.col("_six_months"))
    )
    rows = _with_overdue(rows, due).drop("_first_due", "_three_months", "_six_months")
    return counted(rows, num=pl.col("days_overdue") == 0)


def _visits_on_time(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Each child in care with the latest visit since their placement began and the next one's due date."""
    rows = _current(frames, periods, ("placement_start", "place", "placement_type", "provider"))
    visits = event_keys(frames, "visits")
    latest = latest_on_or_before(visits.get_column("key"), rows.get_column("child"), rows.get_column("date"))
    rows = rows.with_columns(visits.get_column("day").gather(latest).alias("last_visit"))
    rows = rows.with_columns(
        pl.when(pl.col("last_visit") >= pl.col("placement_start"))
        .then(pl.col("last_visit"))
        .alias("last_visit")
    )
    rows = rows.with_columns(
        shifted(rows.get_column("placement_start"), "1y").alias("_anniversary"),
        shifted(rows.get_column("last_visit"), "3mo").alias("_three_months"),
    )
    six_weeks = pl.col("last_visit") + pl.duration(days=42)
    after_first_year = six_weeks > pl.col("_anniversary")
    due = (
        pl.when(pl.col("last_visit").is_null())
        .then(pl.col("placement_start") + pl.duration(days=7))
        .when(pl.col("place").is_in(sorted(LONG_TERM_FOSTER)) & after_first_year)
        .then(pl.col("_three_months"))
        .otherwise(six_weeks)
    )
    rows = _with_overdue(rows, due).drop("_anniversary", "_three_months")
    return counted(rows, num=pl.col("days_overdue") == 0)


register(
    Indicator(
        id="three_plus_placements_pct",
        title="Children with 3 or more placements in the year",
        section=Section.STABILITY,
        definition=(
            "Of the children in care on the date, the percentage who have lived in 3 or more placements in "
            "the last 12 months."
        ),
        method=(
            f"Denominator: {IN_CARE}. Numerator: those with 3 or more placements in the 12 months to the "
            "date (the day after the date a year earlier up to the date: 1 April to 31 March for a "
            f"31 March figure). {PLACEMENTS_COUNTED} Former NI 62; " + DFE_CLA
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_three_plus,
        breakdowns=ALL_DIMENSIONS,
        decimals=1,
        numerator_label="Children with 3+ placements",
        denominator_label="Children in care",
    )
)

register(
    Indicator(
        id="three_plus_placements_2y_pct",
        title="Children in care 2+ years with 3 or more placements in 2 years",
        section=Section.STABILITY,
        definition=(
            "Of the children who have been in care for 2 years or more, the percentage who have lived in 3 "
            "or more placements in those 2 years."
        ),
        method=(
            f"Denominator: {IN_CARE} whose current period of care began on or before the same date two "
            "years earlier. Numerator: those with 3 or more placements in the two years to the date. "
            f"{PLACEMENTS_COUNTED} Current DfE short-term stability measure (England 23% in 2025); " + DFE_CLA
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_three_plus_2y,
        breakdowns=ALL_DIMENSIONS,
        benchmark=True,
        decimals=1,
        numerator_label="Children with 3+ placements in 2 years",
        denominator_label="Children in care 2 years or more",
    )
)

register(
    Indicator(
        id="long_term_stability_pct",
        title="Long-term stability: same placement for 2 years",
        section=Section.STABILITY,
        definition=(
            "Of the children under 16 who have been in care for two and a half years or more, the "
            "percentage who have lived in the same placement for at least 2 years."
        ),
        method=(
            f"Denominator: {IN_CARE}, aged under 16 on the date (29 February birthdays on 1 March), "
            "whose current period of care began on or before the date two and a half years earlier. "
            "Numerator: those whose current placement began on or before the date two years earlier, "
            "or who are placed for adoption (A3-A6) and whose previous placement began by then (the "
            f"adoptive placement and the one before together last 2 years). {PLACEMENTS_COUNTED} "
            "Former NI 63 (England 69% in 2025); " + DFE_CLA
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_long_term,
        breakdowns=ALL_DIMENSIONS,
        benchmark=True,
        decimals=1,
        numerator_label="Children in the same placement 2+ years",
        denominator_label="Children under 16 in care 2.5 years or more",
    )
)

register(
    Indicator(
        id="moved_last_12m",
        title="Children who moved placement in the last 12 months",
        section=Section.STABILITY,
        definition=(
            "Children in care on the date who have moved placement at least once in the last 12 months: the"
            " early-warning list."
        ),
        method=(
            f"{IN_CARE} with one or more placement moves after the same date a year earlier and up to the "
            "date. A move is a new placement within a period of care (coming into care is not a move). "
            f"{PLACEMENTS_COUNTED} Local measure (Peterborough case study); the list shows the number "
            "of moves."
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_moved,
        breakdowns=ALL_DIMENSIONS,
        numerator_label="Children who moved",
    )
)

register(
    Indicator(
        id="permanence_by_second_review_pct",
        title="Permanence plan by the second review",
        section=Section.STABILITY,
        definition=(
            "Of the children whose second review in care fell in the period, the percentage who had a "
            "permanence plan by that review."
        ),
        method=(
            "Denominator: looked-after reviews in the period that were the child's second in the current "
            "period of care (reviews counted from the day the period began; numbering restarts when a "
            "child comes back into care). Numerator: those where a review up to and including the "
            "second recorded a permanence plan. Local measure (Peterborough case study)."
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_permanence,
        target=100,
        tolerance=10,
        breakdowns=("age_band", "placement_type", "team", "locality"),
        decimals=1,
        numerator_label="Children with a permanence plan by the second review",
        denominator_label="Children who had their second review",
    )
)

register(
    Indicator(
        id="la_reviews_on_time_pct",
        title="Children in care with reviews up to date",
        section=Section.STABILITY,
        definition="Of the children in care on the date, the percentage with no looked-after review overdue.",
        method=(
            f"Denominator: {IN_CARE}. A child's next review is due 20 working days after the current "
            "period of care began (no review yet), 3 months after the first review, then 6 months after "
            "the latest; only reviews in the current period count. Numerator: those whose next review "
            "is due on or after the date (days overdue 0). Care Planning, Placement and Case Review "
            "(England) Regulations 2010, regulation 33; working days exclude bank holidays."
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_reviews_on_time,
        target=100,
        tolerance=5,
        breakdowns=ALL_DIMENSIONS,
        decimals=1,
        numerator_label="Children with reviews up to date",
        denominator_label="Children in care",
    )
)

register(
    Indicator(
        id="visits_on_time_pct",
        title="Children in care with visits up to date",
        section=Section.STABILITY,
        definition="Of the children in care on the date, the percentage with no social worker visit overdue.",
        method=(
            f"Denominator: {IN_CARE}. A child's next visit is due 7 days after the current placement began "
            "(no visit in it yet), then 6 weeks after the latest visit; in a long-term foster placement "
            "(U1, U4: meant to last to 18) a visit whose 6-week deadline falls after the placement's "
            "first anniversary is followed by one within 3 months. Only visits since the placement "
            "began count; a change of legal status is not a new placement. Numerator: those whose next "
            "visit is due on or after the date. Care Planning, Placement and Case Review (England) "
            "Regulations 2010, regulation 28."
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_visits_on_time,
        target=100,
        tolerance=5,
        breakdowns=ALL_DIMENSIONS,
        decimals=1,
        numerator_label="Children with visits up to date",
        denominator_label="Children in care",
    )
)
