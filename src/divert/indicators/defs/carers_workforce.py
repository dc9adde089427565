"""Foster households and the workforce: approvals, active and idle carers, caseloads, qualified workers."""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, CountsFn, FactsFn, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import (
    covered,
    dated_in,
    gather,
    keyed_counts,
    merged_runs,
    open_counts,
    open_positions,
    per_date,
    period_dates,
    run_intersections,
    spans,
    union_of,
    union_runs,
)
from divert.indicators.frames import Frames
from divert.indicators.shared import (
    care_episodes,
    counted,
    in_care,
    in_care_spans,
    on_in_care_dates,
    periods_key,
)

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


def _household_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Approved households and those with a child placed, per date (``approved``, ``active``).

    A household has a child placed on a date when one of the runs of dates its placements
    cover (merged, as two children placed at once are one household) meets a run of its
    approval: the runs are per household and few, where the rows are per household and date.
    """

    def build() -> pl.DataFrame:
        households = _mainstream(frames).select("household", "approved", "deregistered")
        approved = spans(households, periods, "approved", "deregistered", end_inclusive=False)
        episodes = in_care_spans(frames, periods)
        carers = care_episodes(frames).get_column("carer").gather(episodes.get_column("_row"))
        placed = merged_runs(
            episodes.select(carers.alias("household"), "_first", pl.col("_until").alias("_after")).filter(
                pl.col("household").is_not_null()
            ),
            "household",
            periods,
        )
        active = run_intersections(approved, placed, "household")
        return pl.DataFrame(
            [
                open_counts(approved.get_column("_first"), approved.get_column("_after"), periods).alias(
                    "approved"
                ),
                open_counts(active.get_column("_first"), active.get_column("_after"), periods).alias(
                    "active"
                ),
            ]
        )

    return frames.memo(("fd_household_counts", periods_key(periods)), build)


def _approved_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return per_date(periods, _household_counts(frames, periods).get_column("approved"))


def _active_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return per_date(periods, _household_counts(frames, periods).get_column("active"))


def _inactive_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    counts = _household_counts(frames, periods)
    return per_date(periods, counts.get_column("approved") - counts.get_column("active"))


def _household_rows(df: pl.DataFrame) -> pl.DataFrame:
    return counted(df.select("date", "household", "name", "approved", "places", "children_placed"))


def _approved(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return _household_rows(_households(frames, periods))


def _active(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return _household_rows(_households(frames, periods).filter(pl.col("children_placed") > 0))


def _inactive(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return _household_rows(_households(frames, periods).filter(pl.col("children_placed") == 0))


def _household_indicator(
    id: str,
    title: str,
    definition: str,
    method: str,
    good: Good,
    kind: Kind,
    facts: FactsFn,
    counts: CountsFn | None = None,
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
        counts=counts,
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
        counts=_approved_counts,
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
        counts=_active_counts,
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
        counts=_inactive_counts,
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


def _caseload_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Allocations open per date, and the workers holding them: each worker's allocations merged
    into runs of dates first, so that a worker counts once on a date however many cases."""
    held = frames.allocations.filter(pl.col("worker").is_not_null()).select("worker", "start", "end")
    indexed = spans(held, periods, "start", "end", end_inclusive=True)
    workers = merged_runs(indexed, "worker", periods)
    return per_date(
        periods,
        open_counts(indexed.get_column("_first"), indexed.get_column("_after"), periods),
        workers=open_counts(workers.get_column("_first"), workers.get_column("_after"), periods),
    )


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
        counts=_caseload_counts,
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
    return union_runs(keyed)


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
    cases = union_of(care, plans, referrals)
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


def _qualified_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Children with an open case per date, and those of them allocated to a qualified worker then.

    On runs of keys (``_keyed_spans``): the keys of an open case that are also keys of a
    qualified allocation are those of either less those of both together, and each of the
    three is a count of runs per date: no key is made.
    """
    cases = _case_keys(frames, periods)
    allocations = frames.allocations.filter(pl.col("qualified")).select("child", "start", "end")
    qualified = _keyed_spans(allocations, "start", "end", periods, end_inclusive=True)
    open_cases = keyed_counts(cases, periods)
    either = keyed_counts(union_of(cases, qualified), periods)
    return per_date(periods, open_cases + keyed_counts(qualified, periods) - either, den=open_cases)


def _case_keys(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Runs of keys (``_keyed_spans``) of the children with an open case: in care, on a plan or in need."""
    care = _keyed_spans(care_episodes(frames), "decom", "dec", periods, end_inclusive=False)
    plans = _keyed_spans(frames.cp_plans, "start", "end", periods, end_inclusive=False)
    referrals = _keyed_spans(frames.referrals, "date", "closed", periods, end_inclusive=False)
    return union_of(care, plans, referrals)


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
        counts=_qualified_counts,
        target=100,
        tolerance=5,
        decimals=1,
        numerator_label="Allocated to a qualified social worker",
        denominator_label="Children with an open case",
    )
)
