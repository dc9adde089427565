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

import polars as pl

from divert.core.codes import ADOPTION_PLACEMENTS, LONG_TERM_FOSTER
from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.frames import Frames
from divert.indicators.shared import (
    age_on,
    counted,
    history_on,
    in_care_history,
    in_period,
    placement_history,
    years_before,
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
ONE_DAY = pl.duration(days=1)


def _current(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Children in care on each date with their period of care and current placement."""
    return in_care_history(frames, periods).select(
        "date",
        "child",
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


def _placements_since(frames: Frames, rows: pl.DataFrame, window_start: pl.Expr) -> pl.DataFrame:
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
    rows = _placements_since(frames, _current(frames, periods), years_before(pl.col("date"), 1) + ONE_DAY)
    return counted(rows, num=pl.col("placements") >= 3)


def _three_plus_2y(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    two_years = years_before(pl.col("date"), 2)
    rows = _current(frames, periods).filter(pl.col("period_start") <= two_years)
    rows = _placements_since(frames, rows, two_years + ONE_DAY)
    return counted(rows, num=pl.col("placements") >= 3)


def _long_term(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    two_years = years_before(pl.col("date"), 2)
    rows = (
        _current(frames, periods)
        .join(frames.children.select("child", "dob"), on="child", how="left")
        .filter(
            (age_on(pl.col("dob"), pl.col("date")) < 16)
            & (pl.col("period_start") <= years_before(pl.col("date"), 2, 6))
        )
    )
    settled = (pl.col("placement_start") <= two_years) | (
        pl.col("placement_began_as").is_in(sorted(ADOPTION_PLACEMENTS))
        & (pl.col("previous_placement_start") <= two_years)
    )
    days = (pl.col("date") - pl.col("placement_start")).dt.total_days()
    return counted(
        rows.with_columns(days.alias("days_in_placement")).drop("placement_no", "move_no", "dob"),
        num=settled.fill_null(False),
    )


def _moved(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = _current(frames, periods).with_columns(years_before(pl.col("date"), 1).alias("year_before"))
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
    care are dropped, and numbering restarts when a child comes back into care.
    """

    def build() -> pl.DataFrame:
        history = (
            placement_history(frames)
            .select("child", "decom", "dec_or_max", "period_start", "placement_type", "provider")
            .sort("decom")
        )
        reviews = (
            frames.reviews.filter(pl.col("date").is_not_null())
            .rename({"date": "review"})
            .sort("review")
            .join_asof(history, left_on="review", right_on="decom", by="child", check_sortedness=False)
            .filter(pl.col("period_start").is_not_null() & (pl.col("review") <= pl.col("dec_or_max")))
            .sort("child", "review")
        )
        spell = ["child", "period_start"]
        return reviews.with_columns(
            (pl.int_range(pl.len()).over(spell) + 1).alias("review_no"),
            pl.col("review").shift(1).over(spell).alias("previous_review"),
            pl.col("permanence_plan")
            .fill_null(False)
            .cast(pl.Int8)
            .cum_max()
            .over(spell)
            .cast(pl.Boolean)
            .alias("plan_by_then"),
        ).drop("decom", "dec_or_max")

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


def _last_event(
    rows: pl.DataFrame, events: pl.DataFrame, day: str, name: str, *, exact: bool = True
) -> pl.DataFrame:
    """``rows`` with ``name`` (the child's latest event on or before ``day``) and ``name_no`` (how many)."""
    numbered = (
        events.filter(pl.col("date").is_not_null())
        .select("child", pl.col("date").alias(name))
        .sort("child", name)
        .with_columns((pl.int_range(pl.len()).over("child") + 1).alias(f"{name}_no"))
        .sort(name)
    )
    return (
        rows.sort(day)
        .join_asof(
            numbered,
            left_on=day,
            right_on=name,
            by="child",
            allow_exact_matches=exact,
            check_sortedness=False,
        )
        .with_columns(pl.col(f"{name}_no").fill_null(0))
    )


def _overdue(due: pl.Expr) -> list[pl.Expr]:
    late = (pl.col("date") - due).dt.total_days()
    return [due.alias("due"), pl.when(late > 0).then(late).otherwise(0).alias("days_overdue")]


def _reviews_on_time(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = _current(frames, periods).select(
        "date", "child", "period_start", "place", "placement_type", "provider"
    )
    rows = _last_event(rows, frames.reviews, "date", "last_review")
    rows = _last_event(rows, frames.reviews, "period_start", "earlier_review", exact=False)
    held = pl.col("last_review_no") - pl.col("earlier_review_no")
    # Working-day arithmetic is costly: do it once per distinct start of care, not once per row.
    starts = rows.select("period_start").unique().drop_nulls()
    starts = starts.with_columns(
        pl.col("period_start")
        .dt.add_business_days(20, holidays=list(frames.holidays), roll="backward")
        .alias("first_due")
    )
    rows = rows.join(starts, on="period_start", how="left")
    due = (
        pl.when(held == 0)
        .then(pl.col("first_due"))
        .when(held == 1)
        .then(pl.col("last_review").dt.offset_by("3mo"))
        .otherwise(pl.col("last_review").dt.offset_by("6mo"))
    )
    rows = rows.with_columns(held.alias("reviews_held")).with_columns(_overdue(due))
    rows = rows.with_columns(
        pl.when(pl.col("reviews_held") > 0).then(pl.col("last_review")).alias("last_review")
    ).drop("last_review_no", "earlier_review", "earlier_review_no", "first_due")
    return counted(rows, num=pl.col("days_overdue") == 0)


def _visits_on_time(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = _current(frames, periods).select(
        "date", "child", "placement_start", "place", "placement_type", "provider"
    )
    rows = _last_event(rows, frames.visits, "date", "last_visit")
    rows = rows.with_columns(
        pl.when(pl.col("last_visit") >= pl.col("placement_start"))
        .then(pl.col("last_visit"))
        .alias("last_visit")
    )
    six_weeks = pl.col("last_visit") + pl.duration(days=42)
    after_first_year = six_weeks > pl.col("placement_start").dt.offset_by("1y")
    due = (
        pl.when(pl.col("last_visit").is_null())
        .then(pl.col("placement_start") + pl.duration(days=7))
        .when(pl.col("place").is_in(sorted(LONG_TERM_FOSTER)) & after_first_year)
        .then(pl.col("last_visit").dt.offset_by("3mo"))
        .otherwise(six_weeks)
    )
    rows = rows.with_columns(_overdue(due)).drop("last_visit_no")
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
