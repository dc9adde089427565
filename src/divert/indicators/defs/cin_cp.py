"""Children in need and child protection: counts, rates, long plans, repeat plans, review conferences."""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, FactsFn, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import (
    dated_in,
    gather,
    merged_positions,
    open_positions,
    per_date,
    period_dates,
    span_counts,
    spans,
)
from divert.indicators.frames import Frames
from divert.indicators.shared import child_day, counted, latest_on_or_before, periods_key, shifted

DFE_CIN = "DfE statistics: Children in need (methodology, CIN census)."
LOCAL_REVIEW = "Plymouth's case reviews look again at plans open 9, 12 and 18 months (local practice)."


def cin_open(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per child in need on each date: ``date``, ``child``, ``referral_date``, ``source``.

    In need on a date: a referral (CIN episode) dated on or before it and not closed by it;
    a child with overlapping open referrals is one child in need, shown with the earlier.
    """

    def build() -> pl.DataFrame:
        merged = cin_spans(frames)
        # Each merged span's first referral: its columns gathered once per span, then repeated
        # for the span's dates by a forward scan (rows come span by span).
        shown = frames.referrals.select("child", pl.col("date").alias("referral_date"), "source", "route")
        firsts = shown.gather(merged.get_column("_source")).with_columns(merged.get_column("closed"))
        positions = open_positions(firsts, periods, "referral_date", "closed", end_inclusive=False)
        return gather(firsts, positions, periods, ["child", "referral_date", "source", "route"])

    return frames.memo(("fd_cin_open", periods_key(periods)), build)


def cin_spans(frames: Frames) -> pl.DataFrame:
    """Each child's referrals with overlapping ones merged: ``_source`` (the first referral's row),
    ``child``, ``referral_date`` and ``closed`` (exclusive, null while open), by child and date."""

    def build() -> pl.DataFrame:
        narrow = frames.referrals.select(
            "child", pl.col("date").alias("referral_date"), "closed"
        ).with_row_index("_source")
        return merged_positions(narrow, "child", "referral_date", "closed")

    return frames.memo("fd_cin_spans", build)


def cp_open(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per child on a protection plan on each date, with the plan and ``months_open``.

    On a plan on a date: the plan started on or before it and had not ended by it (a plan
    ending on the date no longer counts). A child shown with two overlapping plans (a
    recording slip) is one child, with the later plan.
    """
    return cp_positions(frames, periods).drop("_plan")


def cp_positions(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """:func:`cp_open` with ``_plan``, the plan's row in :func:`plans_latest_first`: rows come in that
    order and each plan's dates ascending."""

    def build() -> pl.DataFrame:
        plans = plans_latest_first(frames)
        positions = open_positions(plans, periods, "start", "end", end_inclusive=False)
        if _plans_overlap(plans, periods):
            # Two plans of a child open on one date: the first in the plans' order (the later) stays.
            stride = periods.height + 1
            child = plans.get_column("child").gather(positions.get_column("_row"))
            key = child.cast(pl.Int64) * stride + positions.get_column("_i").cast(pl.Int64)
            positions = positions.filter(key.is_first_distinct())
        rows = gather(plans, positions, periods, ["child", pl.col("id").alias("plan"), "start", "category"])
        return rows.with_columns(
            _months_open(plans, positions, periods).alias("months_open"),
            positions.get_column("_row").alias("_plan"),
        ).select("date", "child", "plan", "start", "months_open", "category", "_plan")

    return frames.memo(("fd_cp_open", periods_key(periods)), build)


def _plans_overlap(plans: pl.DataFrame, periods: pl.DataFrame) -> bool:
    """Whether two plans of a child (in ``plans_latest_first`` order) are open on a common date.

    Taking the plans open on some date, a child's starts fall plan by plan, so a plan shares
    a date with a later-starting one exactly when it runs past the first date of the plan
    just before it. Usually none do, and the rows need no deduplication.
    """
    indexed = spans(plans.select("child", "start", "end"), periods, "start", "end", end_inclusive=False)
    same_child = pl.col("child") == pl.col("child").shift(1)
    return bool(indexed.select((same_child & (pl.col("_after") > pl.col("_first").shift(1))).any()).item())


def _months_open(plans: pl.DataFrame, positions: pl.DataFrame, periods: pl.DataFrame) -> pl.Series:
    """Complete calendar months from each row's plan start to its date (a month completes on the
    same day of the month: 15 January to 14 April is 2, to 15 April 3; a start on the 31st
    completes a month on the 31st or not at all in a shorter month, so the count never falls).

    Worked from the plans' and the dates' months and days (a few thousand values) gathered
    per row, rather than from a million dates taken apart.
    """

    def parts(days: pl.Series, at: pl.Series) -> tuple[pl.Series, pl.Series]:
        months = days.dt.year() * 12 + days.dt.month().cast(pl.Int32)
        return months.gather(at), days.dt.day().gather(at)

    start_month, start_day = parts(plans.get_column("start"), positions.get_column("_row"))
    date_month, date_day = parts(period_dates(periods), positions.get_column("_i"))
    return date_month - start_month - (date_day < start_day).cast(pl.Int32)


def plans_latest_first(frames: Frames) -> pl.DataFrame:
    """Protection plans by child, the latest start first (two on one day: the later record first)."""

    def build() -> pl.DataFrame:
        columns = ["id", "child", "start", "end", "category"]
        return frames.cp_plans.select(columns).sort("child", "start", "id", descending=[False, True, True])

    return frames.memo("fd_plans_latest_first", build)


def _cin(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(cin_open(frames, periods))


def _cin_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Children in need per date: the merged referral spans open on it (one per child)."""
    merged = cin_spans(frames)
    return per_date(periods, span_counts(merged, periods, "referral_date", "closed", end_inclusive=False))


register(
    Indicator(
        id="cin_count",
        title="Children in need",
        section=Section.CIN_CP,
        definition=(
            "Children in need on the date: every child with an open referral, including those on "
            "a plan or in care."
        ),
        method=(
            "Children with a referral (CIN episode) dated on or before the date and not closed by it; a "
            "referral closed on the date no longer counts, and each child counts once. As the DfE's count "
            "of children in need at 31 March. " + DFE_CIN
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.NEITHER,
        kind=Kind.SNAPSHOT,
        facts=_cin,
        counts=_cin_counts,
    )
)

register(
    Indicator(
        id="cin_rate_per_10k",
        title="Children in need per 10,000 children",
        section=Section.CIN_CP,
        definition="Children in need for every 10,000 children aged 0 to 17 living in the authority.",
        method=(
            "Children in need on the date (as cin_count) x 10,000 / the ONS mid-year estimate of children "
            "aged 0-17 current on the date. " + DFE_CIN
        ),
        unit=Unit.PER_10K,
        agg=Agg.PER_10K,
        good=Good.NEITHER,
        kind=Kind.SNAPSHOT,
        facts=_cin,
        counts=_cin_counts,
        benchmark=True,
        decimals=1,
        breakdowns=(),
    )
)


def _cp(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(cp_open(frames, periods))


register(
    Indicator(
        id="cp_count",
        title="Children on a child protection plan",
        section=Section.CIN_CP,
        definition="Children subject to a child protection plan on the date.",
        method=(
            "Children with a plan that started on or before the date and had not ended by it (a plan "
            "ending on the date no longer counts); each child counts once. " + DFE_CIN
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.NEITHER,
        kind=Kind.SNAPSHOT,
        facts=_cp,
    )
)

register(
    Indicator(
        id="cp_rate_per_10k",
        title="Children on a protection plan per 10,000 children",
        section=Section.CIN_CP,
        definition=(
            "Children on a child protection plan for every 10,000 children aged 0 to 17 in the authority."
        ),
        method=(
            "Children on a plan on the date (as cp_count) x 10,000 / the ONS mid-year estimate of children "
            "aged 0-17 current on the date. " + DFE_CIN
        ),
        unit=Unit.PER_10K,
        agg=Agg.PER_10K,
        good=Good.NEITHER,
        kind=Kind.SNAPSHOT,
        facts=_cp,
        decimals=1,
        breakdowns=(),
    )
)


def _open_at_least(months: int) -> FactsFn:
    def facts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
        return counted(cp_open(frames, periods).filter(pl.col("months_open") >= months))

    return facts


for _months, _id, _label in (
    (9, "cp_open_9m", "9 months"),
    (12, "cp_open_12m", "12 months"),
    (18, "cp_open_18m", "18 months"),
    (24, "cp_open_2y", "2 years"),
):
    register(
        Indicator(
            id=_id,
            title=f"Protection plans open {_label} or more",
            section=Section.CIN_CP,
            definition=(
                f"Children on a child protection plan on the date that started {_label} or more before."
            ),
            method=(
                f"Children on a plan on the date (as cp_count) whose plan had run {_months} whole calendar "
                "months or more (a month completes on the same day of the month: a plan from 15 January "
                f"reaches 1 month on 15 February). {LOCAL_REVIEW}"
            ),
            unit=Unit.COUNT,
            agg=Agg.SUM,
            good=Good.DOWN,
            kind=Kind.SNAPSHOT,
            facts=_open_at_least(_months),
        )
    )


def _repeat_plans(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    # Sorted by child: "the row before" is the child's previous plan unless the child changes,
    # and a plan's place among the child's is its row less the row of the child's first plan.
    first = pl.col("child") != pl.col("child").shift(1)
    row = pl.int_range(pl.len())
    plans = (
        frames.cp_plans.select("id", "child", "start", "end", "category", "earlier_plans_not_held")
        .sort("child", "start", "id")
        .with_columns(
            pl.when(~first).then(pl.col("end").shift(1)).alias("previous_plan_ended"),
            (
                row
                - pl.when(first.fill_null(True)).then(row).forward_fill()
                + pl.col("earlier_plans_not_held").fill_null(0)
            ).alias("earlier_plans"),
        )
        .rename({"start": "plan_start"})
    )
    rows = dated_in(plans, "plan_start", periods)
    return counted(
        rows.select("date", "child", "plan_start", "category", "earlier_plans", "previous_plan_ended"),
        num=pl.col("earlier_plans") > 0,
    )


register(
    Indicator(
        id="repeat_cp_pct",
        title="Second or subsequent protection plans",
        section=Section.CIN_CP,
        definition=(
            "Of child protection plans starting in the period, the percentage that are the "
            "child's second or later plan ever."
        ),
        method=(
            "Denominator: plans starting in the period. Numerator: those for a child with an earlier plan: "
            "one held in the register that started before (two on one day are ordered by record), or one "
            "counted by an imported census but not held (earlier_plans_not_held). As the DfE's "
            "'second or subsequent time' (ever); the DfE's narrower 'within two years' measure can be read "
            "from the previous plan's end date listed against each plan. " + DFE_CIN
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.DOWN,
        kind=Kind.FLOW,
        facts=_repeat_plans,
        decimals=1,
        numerator_label="Repeat plans",
        denominator_label="Plans started",
    )
)


def _reviews_on_time(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = cp_positions(frames, periods)
    # Reviews keyed by the plan's row in ``plans_latest_first`` and their day: the rows come in
    # that order, dates ascending, so each row's latest review is found by one sorted merge.
    plan_row = plans_latest_first(frames).select(pl.col("id").alias("plan")).with_row_index("_plan")
    reviews = (
        frames.conferences.filter((pl.col("kind") == "review") & pl.col("plan").is_not_null())
        .select("plan", "date")
        .join(plan_row, on="plan", how="inner")
        .select(child_day(pl.col("_plan"), pl.col("date")).alias("key"), "date")
        .sort("key")
    )
    at = latest_on_or_before(reviews.get_column("key"), rows.get_column("_plan"), rows.get_column("date"))
    last_review = reviews.get_column("date").gather(at)
    start = rows.get_column("start")
    due = pl.select(
        pl.when(last_review.is_null())
        .then(pl.lit(shifted(start, "3mo")))
        .otherwise(pl.lit(shifted(last_review, "6mo")))
    ).to_series()
    rows = rows.with_columns(last_review.alias("last_review"), due.alias("review_due"))
    return counted(
        rows.select("date", "child", "start", "last_review", "review_due", "months_open"),
        num=pl.col("review_due") >= pl.col("date"),
    )


register(
    Indicator(
        id="cp_reviews_on_time_pct",
        title="Protection plans with reviews in time",
        section=Section.CIN_CP,
        definition=(
            "Of children on a child protection plan on the date, the percentage with no review "
            "conference overdue."
        ),
        method=(
            "Denominator: children on a plan on the date (as cp_count). Numerator: those whose next review "
            "conference is not yet overdue: with no review held by the date, the first was due within 3 "
            "months of the plan's start (the initial conference); otherwise the next is due within 6 months "
            "of the latest review held on or before the date. A review due on the date is not yet overdue. "
            "Earlier late reviews are not held against a plan now in time (the former NI 67 counted any). "
            "Working Together to Safeguard Children."
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_reviews_on_time,
        target=100,
        tolerance=5,
        decimals=1,
        numerator_label="Reviews in time",
        denominator_label="Children on a plan",
    )
)
