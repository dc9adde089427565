"""Foster households and the workforce: approvals, active and idle carers, caseloads, qualified workers."""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, FactsFn, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import (
    covered,
    dated_in,
    gather,
    open_positions,
    period_dates,
    spans,
)
from divert.indicators.frames import Frames
from divert.indicators.shared import care_episodes, counted, in_care, on_in_care_dates, periods_key

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
        households = _mainstream(frames)
        positions = open_positions(households, periods, "approved", "deregistered", end_inclusive=False)
        approved = gather(households, positions, periods, ["household", "name", "approved", "places"])
        # A household and a date as one integer (household x stride + date's position), for the
        # join with the children placed: one key, not two.
        stride = periods.height + 1
        key = approved.get_column("household") * stride + positions.get_column("_i").cast(pl.Int64)
        placed = _children_placed(frames, periods, stride)
        counts = (
            key.rename("_key")
            .to_frame()
            .join(placed, on="_key", how="left", maintain_order="left")
            .get_column("children_placed")
            .fill_null(0)
        )
        return approved.with_columns(counts)

    return frames.memo(("fd_households", periods_key(periods)), build)


def _children_placed(frames: Frames, periods: pl.DataFrame, stride: int) -> pl.DataFrame:
    """Different children placed with each carer household on each date, keyed as in ``_households``."""
    rows = in_care(frames, periods, ["child", "carer"])
    at = on_in_care_dates(frames, periods, pl.int_range(periods.height, dtype=pl.Int64, eager=True))
    placed = rows.select("child", (pl.col("carer") * stride + at).alias("_key"))
    # The rows come child by child, dates ascending: when every child's dates strictly rise, no
    # child is in care twice on a date (overlapping episodes), and counting rows counts children.
    child_date = rows.get_column("child") * stride + at
    once = rows.height < 2 or bool((child_date.diff().slice(1) > 0).all())
    children = pl.len() if once else pl.col("child").n_unique()
    return (
        placed.filter(pl.col("_key").is_not_null())
        .group_by("_key")
        .agg(children.cast(pl.Int64).alias("children_placed"))
    )


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
    rows = dated_in(_mainstream(frames), "approved", periods)
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


def _caseloads(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    # Allocations open on each date (the end date is the last day, as the team breakdown reads
    # it), held by a worker: the test is made on the allocations, before they are repeated.
    held = frames.allocations.filter(pl.col("worker").is_not_null())
    positions = open_positions(held, periods, "start", "end", end_inclusive=True)
    rows = gather(held, positions, periods, ["child", "worker", "worker_name", "team", "team_kind", "start"])
    return counted(rows)


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


def _keyed_spans(
    rows: pl.DataFrame, start: str, end: str, periods: pl.DataFrame, *, end_inclusive: bool
) -> pl.DataFrame:
    """The children's spans in ``rows`` as runs of keys: ``_k`` (child x stride + the first date's
    position) to ``_k_end`` (exclusive), disjoint and sorted, overlapping and touching ones merged.

    A child's dates are consecutive keys and no child's keys reach the next child's (the
    stride is one more than the number of dates), so merging is a running maximum over keys
    sorted once, and a child with an open case on a date is one key, whichever table says so.
    """
    stride = periods.height + 1
    narrow = rows.select("child", start, end).filter(pl.col("child").is_not_null())
    indexed = spans(narrow, periods, start, end, end_inclusive=end_inclusive)
    offset = pl.col("child") * stride
    keyed = indexed.select(
        (offset + pl.col("_first")).alias("_k"), (offset + pl.col("_after")).alias("_k_end")
    )
    return _union(keyed)


def _union(keyed: pl.DataFrame) -> pl.DataFrame:
    """Runs of keys (``_k`` to ``_k_end``) merged where they overlap or touch, sorted by ``_k``."""
    in_order = keyed.height < 2 or keyed.select((pl.col("_k").diff().slice(1) >= 0).all()).item()
    ordered = keyed if in_order else keyed.sort("_k")
    reach = pl.col("_k_end").cum_max()
    marked = ordered.with_columns(reach.alias("_reach")).with_columns(
        (pl.col("_k") > pl.col("_reach").shift(1)).fill_null(True).alias("_new")
    )
    firsts = marked.filter("_new").get_column("_k")
    ends = marked.filter(pl.col("_new").shift(-1).fill_null(True)).get_column("_reach")
    return pl.DataFrame({"_k": firsts, "_k_end": ends})


def _open_cases(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """One row per child with an open case on each date, why (in care, on a plan, in need) and
    whether a qualified social worker held the case then.

    Worked on runs of keys (child and date position, ``_keyed_spans``): the open cases (care,
    plans and referrals together) expanded to keys once, and whether each key lies in a run
    of care, of a plan or of a qualified allocation found by one sorted merge per table,
    rather than on one row per child and date from each table.
    """
    care = _keyed_spans(care_episodes(frames), "decom", "dec", periods, end_inclusive=False)
    plans = _keyed_spans(frames.cp_plans, "start", "end", periods, end_inclusive=False)
    referrals = _keyed_spans(frames.referrals, "date", "closed", periods, end_inclusive=False)
    # An allocation's end date is its last day, so it is open then.
    allocations = frames.allocations.select("child", "start", "end", "qualified")
    qualified = _keyed_spans(
        allocations.filter(pl.col("qualified")), "start", "end", periods, end_inclusive=True
    )
    cases = _union(pl.concat([care, plans, referrals]))
    keys = cases.select(pl.int_ranges("_k", "_k_end").alias("_k")).explode("_k").get_column("_k")
    stride = periods.height + 1

    def within(runs: pl.DataFrame) -> pl.Series:
        return covered(keys, runs.get_column("_k"), runs.get_column("_k_end"))

    in_care, on_plan = within(care), within(plans)
    # 0 in care, 1 on a plan, 2 in need: the first that holds, as a position in the names.
    reason = pl.select(
        pl.when(pl.lit(in_care)).then(0).when(pl.lit(on_plan)).then(1).otherwise(2).cast(pl.UInt32)
    ).to_series()
    case = pl.Series("case", ["In care", "Child protection plan", "Child in need"]).gather(reason)
    return pl.DataFrame(
        [
            period_dates(periods).gather(keys % stride).alias("date"),
            (keys // stride).alias("child"),
            case,
            within(qualified).alias("qualified"),
        ]
    )


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
