"""Placements and cost: independent-sector and residential care, the in-house share, spend and unit cost.

Every figure here is a snapshot of the children in care on the date (``in_care``), read from
the episode open then: its PLACE and PLACE_PROVIDER codes, the provider's name, the weekly
cost and the planned end date. The Peterborough plan was driven by these numbers (agency
fostering 88 to 60, residential at £3,143 a week), so each drill-down lists the placement,
its provider and what it costs.
"""

from __future__ import annotations

import polars as pl

from divert.core.codes import (
    ADOPTION_PLACEMENTS,
    FOSTER_PLACEMENTS,
    INDEPENDENT_PROVIDERS,
    LONG_TERM_FOSTER,
    RESIDENTIAL_PLACEMENTS,
)
from divert.indicators.catalogue import Agg, CountsFn, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import open_counts, per_date
from divert.indicators.frames import Frames
from divert.indicators.shared import care_episodes, counted, in_care, in_care_spans, in_care_where

DFE_CLA = "DfE statistics: Children looked after in England including adoptions (methodology)."
IN_CARE = "Children in care on the date as cla_count (episode open on the date, short breaks V3/V4 excluded)"
ALL_DIMENSIONS = ("age_band", "placement_type", "provider", "team", "locality")

FOSTER = sorted(FOSTER_PLACEMENTS)
RESIDENTIAL = sorted(RESIDENTIAL_PLACEMENTS)
INDEPENDENT = sorted(INDEPENDENT_PROVIDERS)
#: Placements meant to be permanent: their end is an adoption order or the 18th birthday.
PERMANENT = sorted(ADOPTION_PLACEMENTS | LONG_TERM_FOSTER)


PLACED = ("child", "place", "place_provider", "placement_type", "provider", "placement_start")


def _placed(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Children in care on each date with the placement columns a manager reads in the list."""
    return in_care(frames, periods, [*PLACED, "weekly_cost", "planned_end"]).drop("start")


def _placed_where(frames: Frames, periods: pl.DataFrame, kept: pl.Expr) -> pl.DataFrame:
    """``_placed`` narrowed to the rows whose placement (an episode's columns) passes ``kept``."""
    return in_care_where(frames, periods, kept, [*PLACED, "weekly_cost", "planned_end"]).drop("start")


def _independent() -> pl.Expr:
    return pl.col("place_provider").is_in(INDEPENDENT).fill_null(False)


def _agency_fostering(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_placed_where(frames, periods, pl.col("place").is_in(FOSTER) & _independent()))


def _agency_residential(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_placed_where(frames, periods, pl.col("place").is_in(RESIDENTIAL) & _independent()))


def _residential(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_placed_where(frames, periods, pl.col("place").is_in(RESIDENTIAL)))


def _inhouse_share(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_placed_where(frames, periods, pl.col("place").is_in(FOSTER)), num=~_independent())


def _placed_counts(kept: pl.Expr, num: pl.Expr | None = None) -> CountsFn:
    """``counts`` for a figure over ``_placed_where(kept)``: the rows per date (``den``) and those
    whose episode passes ``num`` (all of them when not given), from the episodes' runs of dates."""

    def counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
        tests = care_episodes(frames).select(
            kept.fill_null(False).alias("kept"), (pl.lit(True) if num is None else num).alias("num")
        )
        runs = in_care_spans(frames, periods)
        runs = runs.filter(tests.get_column("kept").gather(runs.get_column("_row")))
        counted_runs = runs.filter(tests.get_column("num").gather(runs.get_column("_row")).fill_null(False))

        def rows_per_date(chosen: pl.DataFrame) -> pl.Series:
            return open_counts(chosen.get_column("_first"), chosen.get_column("_until"), periods)

        return per_date(periods, rows_per_date(counted_runs), den=rows_per_date(runs))

    return counts


def _spend(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_placed(frames, periods), num=pl.col("weekly_cost").fill_null(0.0))


NO_PLANNED_END = pl.col("planned_end").is_null() & ~pl.col("place").is_in(PERMANENT).fill_null(False)


def _no_planned_end(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = _placed_where(frames, periods, NO_PLANNED_END)
    days = (pl.col("date") - pl.col("placement_start")).dt.total_days()
    return counted(rows.with_columns(days.alias("days_in_placement")))


register(
    Indicator(
        id="agency_fostering",
        title="Children in agency foster care",
        section=Section.PLACEMENTS,
        definition=(
            "Children in care on the date living with foster carers found through a private or voluntary "
            "agency."
        ),
        method=(
            f"{IN_CARE} whose placement is foster care (PLACE U1-U6, kinship included) provided by the "
            "independent sector (PLACE_PROVIDER PR4 private or PR5 voluntary). " + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_agency_fostering,
        counts=_placed_counts(pl.col("place").is_in(FOSTER) & _independent()),
        breakdowns=ALL_DIMENSIONS,
    )
)

register(
    Indicator(
        id="agency_residential",
        title="Children in agency residential care",
        section=Section.PLACEMENTS,
        definition=(
            "Children in care on the date living in a children's home or residential school run by a "
            "private or voluntary provider."
        ),
        method=(
            f"{IN_CARE} whose placement is residential (PLACE K1 secure children's home, K2 children's "
            "home, R1 residential care home, S1 residential school) with PLACE_PROVIDER PR4 or PR5. "
            + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_agency_residential,
        counts=_placed_counts(pl.col("place").is_in(RESIDENTIAL) & _independent()),
        breakdowns=ALL_DIMENSIONS,
    )
)

register(
    Indicator(
        id="residential_count",
        title="Children in residential care",
        section=Section.PLACEMENTS,
        definition=(
            "Children in care on the date living in a children's home or residential school, whoever runs it."
        ),
        method=f"{IN_CARE} whose placement is K1, K2, R1 or S1, any provider. " + DFE_CLA,
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_residential,
        counts=_placed_counts(pl.col("place").is_in(RESIDENTIAL)),
        breakdowns=ALL_DIMENSIONS,
    )
)

register(
    Indicator(
        id="inhouse_foster_share_pct",
        title="Foster placements with the council's own carers",
        section=Section.PLACEMENTS,
        definition=(
            "Of the children in foster care on the date, the percentage placed with carers the council (or "
            "another public body) provides rather than an agency."
        ),
        method=(
            f"Denominator: {IN_CARE} in foster care (PLACE U1-U6, kinship included). Numerator: those whose "
            "PLACE_PROVIDER is not PR4/PR5 (own authority PR1, another authority PR2, other public "
            "PR3, or not recorded). " + DFE_CLA
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.SNAPSHOT,
        facts=_inhouse_share,
        counts=_placed_counts(pl.col("place").is_in(FOSTER), num=~_independent()),
        breakdowns=ALL_DIMENSIONS,
        decimals=1,
        numerator_label="Children with in-house or public-sector foster carers",
        denominator_label="Children in foster care",
    )
)

register(
    Indicator(
        id="weekly_placement_spend",
        title="Weekly cost of placements",
        section=Section.PLACEMENTS,
        definition="What the placements of all children in care on the date cost the council each week.",
        method=(
            f"Sum of the weekly cost recorded on the open episode of each child: {IN_CARE}. A "
            "placement with no cost recorded counts as £0 (own-home and adoptive placements)."
        ),
        unit=Unit.GBP_WEEK,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_spend,
        breakdowns=("placement_type", "provider", "age_band", "team", "locality"),
        numerator_label="Weekly cost (£)",
    )
)

register(
    Indicator(
        id="avg_weekly_cost",
        title="Average weekly cost of a placement",
        section=Section.PLACEMENTS,
        definition=(
            "The average weekly cost of a child's placement on the date; broken down by type of placement "
            "it is the unit cost to compare with other councils."
        ),
        method=(
            "Weekly placement spend (as weekly_placement_spend) divided by the number of children "
            f"in care on the date: {IN_CARE}; costs not recorded count as £0."
        ),
        unit=Unit.GBP_WEEK,
        agg=Agg.MEAN,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_spend,
        breakdowns=("placement_type", "provider", "age_band", "team", "locality"),
        numerator_label="Weekly cost (£)",
        denominator_label="Children in care",
    )
)

register(
    Indicator(
        id="no_planned_end",
        title="Placements with no planned end date",
        section=Section.PLACEMENTS,
        definition=(
            "Children in care on the date whose placement has no planned end date, so nothing prompts a "
            "review of whether it should end."
        ),
        method=(
            f"{IN_CARE} whose open episode has no planned end date. Placements meant to be permanent "
            "are excluded: placed for adoption (A3-A6, which end with the adoption order) and "
            "long-term fostering (U1, U4, which last to 18). Local measure from the Peterborough case "
            "study (every placement gets an end date); there is no DfE equivalent."
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_no_planned_end,
        counts=_placed_counts(NO_PLANNED_END),
        breakdowns=ALL_DIMENSIONS,
    )
)
