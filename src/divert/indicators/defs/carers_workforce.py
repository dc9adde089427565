"""Foster households and the workforce: approvals, active and idle carers, caseloads, qualified workers."""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, FactsFn, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import DAY, covered, expand, merged_spans, open_on, spans
from divert.indicators.frames import Frames
from divert.indicators.shared import care_episodes, counted, in_care, in_period, periods_key

MAINSTREAM = "mainstream"
HOUSEHOLDS = (
    "Mainstream (unrelated) foster households only; connected-person carers and adopters are not counted."
)


def _mainstream(frames: Frames) -> pl.DataFrame:
    return frames.households.filter((pl.col("kind") == MAINSTREAM) & pl.col("approved").is_not_null()).select(
        "household", "name", "approved", "deregistered", "places"
    )


def _households(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Approved mainstream households on each date, with the children placed with each then."""

    def build() -> pl.DataFrame:
        approved = open_on(
            frames,
            "households",
            _mainstream(frames),
            periods,
            "approved",
            "deregistered",
            end_inclusive=False,
        )
        placed = (
            in_care(frames, periods)
            .filter(pl.col("carer").is_not_null())
            .group_by("date", pl.col("carer").alias("household"))
            .agg(pl.col("child").n_unique().cast(pl.Int64).alias("children_placed"))
        )
        return approved.join(placed, on=["date", "household"], how="left").with_columns(
            pl.col("children_placed").fill_null(0)
        )

    return frames.memo(("fd_households", periods_key(periods)), build)


def _household_rows(df: pl.DataFrame) -> pl.DataFrame:
    return counted(df.select("date", "household", "name", "approved", "places", "children_placed"))


def _approved(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return _household_rows(_households(frames, periods))


def _active(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return _household_rows(_households(frames, periods).filter(pl.col("children_placed") > 0))


def _inactive(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return _household_rows(_households(frames, periods).filter(pl.col("children_placed") == 0))


def _household_indicator(
    id: str, title: str, definition: str, method: str, good: Good, kind: Kind, facts: FactsFn
) -> Indicator:
    """A count of foster households: no child, so no age, team or locality breakdown."""
    return Indicator(
        id=id,
        title=title,
        section=Section.CARERS_WORKFORCE,
        definition=definition,
        method=method,
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=good,
        kind=kind,
        facts=facts,
        breakdowns=(),
        subject="household",
        numerator_label="Households",
    )


APPROVED = (
    "approved on or before the date and not deregistered by it (deregistered on the date no longer counts)"
)

register(
    _household_indicator(
        id="foster_households_approved",
        title="Approved foster households",
        definition="Mainstream foster households approved on the date.",
        method=f"Households {APPROVED}. {HOUSEHOLDS}",
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_approved,
    )
)

register(
    _household_indicator(
        id="foster_households_active",
        title="Foster households with a child placed",
        definition=(
            "Approved mainstream foster households with at least one child in care living with "
            "them on the date."
        ),
        method=(
            f"Households {APPROVED}, that are the carer of an episode of care open on the date (short "
            f"breaks excluded). {HOUSEHOLDS}"
        ),
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_active,
    )
)

register(
    _household_indicator(
        id="foster_households_inactive",
        title="Approved foster households with no child placed",
        definition=(
            "Approved mainstream foster households with no child in care living with them on the date."
        ),
        method=(
            f"Households {APPROVED}, that are not the carer of any episode of care open on the date: "
            f"approved households less those with a child placed. {HOUSEHOLDS}"
        ),
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_inactive,
    )
)


def _approvals(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = in_period(_mainstream(frames), "approved", periods)
    return counted(rows.select("date", "household", "name", "approved", "places"))


register(
    _household_indicator(
        id="foster_approvals",
        title="Foster households approved",
        definition="Mainstream foster households approved in the period.",
        method=f"Households whose approval date falls in the period. {HOUSEHOLDS}",
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_approvals,
    )
)


def allocations_open(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Every allocation open on each date (its end date is its last day, as the team breakdown reads it)."""
    return open_on(frames, "allocations", frames.allocations, periods, "start", "end", end_inclusive=True)


def _caseloads(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = allocations_open(frames, periods).filter(pl.col("worker").is_not_null())
    return counted(rows.select("date", "child", "worker", "worker_name", "team", "team_kind", "start"))


register(
    Indicator(
        id="caseload_per_worker",
        title="Children per allocated worker",
        section=Section.CARERS_WORKFORCE,
        definition=(
            "The average number of children allocated to each worker who holds at least one case on the date."
        ),
        method=(
            "Allocations open on the date (started on or before it, ending on or after it) divided by the "
            "number of different workers holding them. Every team counts (assessment, children in need, "
            "in care, leaving care); a child allocated to two workers counts in both caseloads. Workers "
            "with no allocation are not in the count, so the figure is a caseload, not a staffing ratio. "
            "Lower is better, as the case studies track caseloads against a ceiling (16 to 30 by team)."
        ),
        unit=Unit.RATIO,
        agg=Agg.PER_WORKER,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_caseloads,
        breakdowns=("team",),
        decimals=1,
        numerator_label="Allocations",
    )
)


def _child_spans(rows: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    """A child's spans from one table (start, exclusive end), overlapping ones merged."""
    return merged_spans(
        rows.select("child", pl.col(start).alias("start"), pl.col(end).alias("end")), "child", "start", "end"
    )


def _open_cases(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per child with an open case on each date, why (in care, on a plan, in need) and
    whether a qualified social worker held the case then.

    Worked on each child's spans (merged, then expanded to dates once) rather than on one row
    per child and date from each table: the in-need rows alone run to hundreds of thousands.
    """

    def build() -> pl.DataFrame:
        care = _child_spans(care_episodes(frames), "decom", "dec")
        plans = _child_spans(frames.cp_plans, "start", "end")
        referrals = _child_spans(frames.referrals, "date", "closed")
        # An allocation's end date is its last day: the span ends (exclusively) the day after.
        qualified = _child_spans(
            frames.allocations.filter(pl.col("qualified")).with_columns(pl.col("end") + DAY), "start", "end"
        )
        cases = merged_spans(pl.concat([care, plans, referrals]), "child", "start", "end")
        rows = expand(spans(cases, periods, "start", "end", end_inclusive=False), periods)

        def indexed(df: pl.DataFrame) -> pl.DataFrame:
            return spans(df, periods, "start", "end", end_inclusive=False)

        rows = covered(rows, indexed(care), periods, "in_care")
        rows = covered(rows, indexed(plans), periods, "on_plan")
        rows = covered(rows, indexed(qualified), periods, "qualified")
        case = (
            pl.when(pl.col("in_care"))
            .then(pl.lit("In care"))
            .when(pl.col("on_plan"))
            .then(pl.lit("Child protection plan"))
            .otherwise(pl.lit("Child in need"))
        )
        return rows.select("date", "child", case.alias("case"), "qualified")

    return frames.memo(("fd_open_cases", periods_key(periods)), build)


def _qualified(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_open_cases(frames, periods), num=pl.col("qualified"))


register(
    Indicator(
        id="allocated_qualified_pct",
        title="Open cases allocated to a qualified social worker",
        section=Section.CARERS_WORKFORCE,
        definition=(
            "Of children with an open case on the date, the percentage allocated to a qualified "
            "social worker."
        ),
        method=(
            "Denominator: children in care, on a child protection plan or in need (an open referral) on the "
            "date, each once. Numerator: those with an allocation open on the date to a worker recorded as "
            "a qualified social worker. Children with no allocation, or only unqualified workers, are the "
            "gap; each child is listed with why the case is open."
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_qualified,
        target=100,
        tolerance=5,
        decimals=1,
        numerator_label="Allocated to a qualified social worker",
        denominator_label="Children with an open case",
    )
)
