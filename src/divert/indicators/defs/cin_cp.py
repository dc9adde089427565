"""Children in need and child protection: counts, rates, long plans, repeat plans, review conferences."""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, FactsFn, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import merged_spans, open_on, whole_months
from divert.indicators.frames import Frames
from divert.indicators.shared import counted, in_period, periods_key

DFE_CIN = "DfE statistics: Children in need (methodology, CIN census)."
LOCAL_REVIEW = "Plymouth's case reviews look again at plans open 9, 12 and 18 months (local practice)."


def cin_open(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per child in need on each date: ``date``, ``child``, ``referral_date``, ``source``.

    In need on a date: a referral (CIN episode) dated on or before it and not closed by it;
    a child with overlapping open referrals is one child in need, shown with the earlier.
    """

    def build() -> pl.DataFrame:
        referrals = frames.referrals.select(
            "child", pl.col("date").alias("referral_date"), "source", "route", "closed"
        )
        merged = merged_spans(referrals, "child", "referral_date", "closed")
        rows = open_on(frames, "cin_spans", merged, periods, "referral_date", "closed", end_inclusive=False)
        return rows.select("date", "child", "referral_date", "source", "route")

    return frames.memo(("fd_cin_open", periods_key(periods)), build)


def cp_open(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per child on a protection plan on each date, with the plan and ``months_open``.

    On a plan on a date: the plan started on or before it and had not ended by it (a plan
    ending on the date no longer counts). A child shown with two overlapping plans (a
    recording slip) is one child, with the later plan.
    """

    def build() -> pl.DataFrame:
        plans = frames.cp_plans.sort("child", "start", "id", descending=[False, True, True])
        rows = open_on(frames, "cp_plans", plans, periods, "start", "end", end_inclusive=False)
        return (
            rows.unique(["date", "child"], keep="first", maintain_order=True)
            .with_columns(whole_months(pl.col("start"), pl.col("date")).alias("months_open"))
            .select("date", "child", pl.col("id").alias("plan"), "start", "months_open", "category")
        )

    return frames.memo(("fd_cp_open", periods_key(periods)), build)


def _cin(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(cin_open(frames, periods))


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
    plans = (
        frames.cp_plans.sort("child", "start", "id")
        .with_columns(
            pl.col("end").shift(1).over("child").alias("previous_plan_ended"),
            (pl.int_range(pl.len()).over("child") + pl.col("earlier_plans_not_held").fill_null(0)).alias(
                "earlier_plans"
            ),
        )
        .rename({"start": "plan_start"})
    )
    rows = in_period(plans, "plan_start", periods)
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
    reviews = (
        frames.conferences.filter((pl.col("kind") == "review") & pl.col("plan").is_not_null())
        .select("plan", pl.col("date").alias("last_review"))
        .sort("last_review")
    )
    plans = cp_open(frames, periods).sort("date")
    if reviews.is_empty():
        rows = plans.with_columns(pl.lit(None, dtype=pl.Date).alias("last_review"))
    else:
        rows = plans.join_asof(
            reviews,
            left_on="date",
            right_on="last_review",
            by="plan",
            strategy="backward",
            check_sortedness=False,
        )
    due = (
        pl.when(pl.col("last_review").is_null())
        .then(pl.col("start").dt.offset_by("3mo"))
        .otherwise(pl.col("last_review").dt.offset_by("6mo"))
    )
    rows = rows.with_columns(due.alias("review_due"))
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
