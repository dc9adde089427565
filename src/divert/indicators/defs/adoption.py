"""Adoption and special guardianship: orders and the days from care to an adoptive family."""

from __future__ import annotations

from typing import cast

import polars as pl
from django.conf import settings

from divert.core.codes import ADOPTED, ADOPTION_PLACEMENTS, SPECIAL_GUARDIANSHIP
from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import dated_in
from divert.indicators.frames import Frames
from divert.indicators.shared import care_episodes, counted

#: The adoption scorecard's thresholds, held once in settings (the adoption tracker reads them too).
_THRESHOLDS = cast(dict[str, int], settings.DIVERT["ADOPTION_THRESHOLDS"])

DFE_CLA = "DfE statistics: Children looked after in England including adoptions (methodology)."
SCORECARD = "DfE adoption scorecard (thresholds set for 2013-16)."
PLACEMENT_ORDER = "E1"


def care_periods(frames: Frames) -> pl.DataFrame:
    """Care episodes with the start of the period of care each belongs to (``entered_care``).

    A period of care starts with an episode whose reason is S (started to be looked after) or
    that does not follow on the same day from the child's previous episode; the episodes
    after it (placement and legal-status changes, RNE P, T, L, U, B) belong to it. Also marks
    the first episode of each run of placement-order (E1) episodes (``order_starts``).
    """

    def build() -> pl.DataFrame:
        same_child = pl.col("child") == pl.col("child").shift(1)
        previous_end = pl.when(same_child).then(pl.col("dec").shift(1))
        previous_ls = pl.when(same_child).then(pl.col("ls").shift(1))
        new_period = (pl.col("rne") == "S") | previous_end.is_null() | (previous_end != pl.col("decom"))
        order_starts = (pl.col("ls") == PLACEMENT_ORDER) & (
            pl.col("_new") | previous_ls.is_null() | (previous_ls != PLACEMENT_ORDER)
        )
        # Only the columns the adoption figures read; care episodes come sorted by child and start.
        columns = ["child", "decom", "dec", "rne", "ls", "rec", "place", "placement_type"]
        return (
            care_episodes(frames)
            .select(columns)
            .with_columns(new_period.alias("_new"))
            .with_columns(
                pl.col("_new").cum_sum().alias("period"),
                pl.when("_new").then(pl.col("decom")).forward_fill().alias("entered_care"),
                order_starts.alias("order_starts"),
            )
            .drop("_new")
        )

    return frames.memo("fd_care_periods", build)


def _left_care(frames: Frames, periods: pl.DataFrame, reasons: frozenset[str]) -> pl.DataFrame:
    left = care_periods(frames).filter(pl.col("rec").is_in(list(reasons)))
    return dated_in(left, "dec", periods).select(
        "date", "child", "entered_care", "dec", "rec", "placement_type"
    )


def _adoptions(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_left_care(frames, periods, ADOPTED))


def _sgos(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(_left_care(frames, periods, SPECIAL_GUARDIANSHIP))


register(
    Indicator(
        id="adoptions",
        title="Children adopted",
        section=Section.ADOPTION,
        definition="Children who left care in the period because they were adopted.",
        method=(
            "Care episodes (short breaks excluded) that ended in the period with reason E11 or E12 "
            "(adopted). " + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_adoptions,
    )
)

register(
    Indicator(
        id="sgos",
        title="Special guardianship orders",
        section=Section.ADOPTION,
        definition="Children who left care in the period on a special guardianship order.",
        method=(
            "Care episodes (short breaks excluded) that ended in the period with reason E45, E46, E47 or "
            "E48 (special guardianship order, to former foster carers, relatives or friends, or others). "
            + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_sgos,
    )
)


def _care_to_adopters(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    episodes = care_periods(frames)
    placed_for_adoption = (
        episodes.filter(pl.col("place").is_in(list(ADOPTION_PLACEMENTS)))
        .group_by("child", "period")
        .agg(pl.col("decom").min().alias("adoptive_placement"))
    )
    adopted = episodes.filter(pl.col("rec").is_in(list(ADOPTED)))
    rows = (
        dated_in(adopted, "dec", periods)
        .join(placed_for_adoption, on=["child", "period"], how="left")
        .join(frames.adoptions.select("child", "placed"), on="child", how="left")
        .with_columns(pl.coalesce("placed", "adoptive_placement").alias("moved_in"))
        .filter(pl.col("moved_in").is_not_null())
        .with_columns((pl.col("moved_in") - pl.col("entered_care")).dt.total_days().alias("days"))
    )
    return counted(
        rows.select("date", "child", "entered_care", "moved_in", "dec", "days"), num=pl.col("days")
    )


register(
    Indicator(
        id="days_care_to_adopters",
        title="Days from entering care to moving in with adopters",
        section=Section.ADOPTION,
        definition=(
            "For children adopted in the period, the average days between entering care and "
            "moving in with their adoptive family."
        ),
        method=(
            "Adoption scorecard A1. Children whose episode ended in the period with reason E11 or E12: "
            "days from the start of the period of care in which they were adopted to the day they were "
            "placed with their adopters (the adoption record's placed date, or else the first A3-A6 "
            "placement in that period of care); children with neither are left out. The mean over the "
            "period's adoptions (the scorecard averages three years, and for children adopted by their "
            "foster carers uses the day they moved in with them, not adjusted here). " + SCORECARD
        ),
        unit=Unit.DAYS,
        agg=Agg.MEAN,
        good=Good.DOWN,
        kind=Kind.FLOW,
        facts=_care_to_adopters,
        target=_THRESHOLDS["A1"],
        tolerance=60,
        numerator_label="Days (total)",
        denominator_label="Children adopted",
    )
)


def _order_to_match(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    orders = (
        care_periods(frames)
        .filter(pl.col("order_starts"))
        .select("child", pl.col("decom").alias("placement_order"))
        .sort("placement_order")
    )
    matched = frames.adoptions.filter(pl.col("matched").is_not_null()).sort("matched")
    if orders.is_empty():
        matched = matched.with_columns(pl.lit(None, dtype=pl.Date).alias("placement_order"))
    else:
        matched = matched.join_asof(
            orders,
            left_on="matched",
            right_on="placement_order",
            by="child",
            strategy="backward",
            check_sortedness=False,
        )
    rows = (
        dated_in(matched, "matched", periods)
        .with_columns(
            pl.when(pl.col("placement_order").is_not_null())
            .then(pl.lit("Placement order"))
            .otherwise(pl.lit("Decision to place"))
            .alias("authority_from"),
            pl.coalesce("placement_order", "decision").alias("authority_to_place"),
        )
        .with_columns((pl.col("matched") - pl.col("authority_to_place")).dt.total_days().alias("days"))
    )
    return counted(
        rows.select("date", "child", "authority_to_place", "authority_from", "matched", "days"),
        num=pl.col("days"),
    )


register(
    Indicator(
        id="days_order_to_match",
        title="Days from placement order to match",
        section=Section.ADOPTION,
        definition=(
            "For children matched with adopters in the period, the average days from the court's "
            "authority to place them to the match."
        ),
        method=(
            "Adoption scorecard A2. Children whose match with adopters falls in the period: days from "
            "the placement order (the start of the latest run of E1 legal-status episodes on or before "
            "the match) to the match date; a child matched without a placement order held (placed with "
            "parental consent, or an order made before the register's history) is timed from the "
            "decision that they should be placed for adoption. The mean over the period's matches. "
            + SCORECARD
        ),
        unit=Unit.DAYS,
        agg=Agg.MEAN,
        good=Good.DOWN,
        kind=Kind.FLOW,
        facts=_order_to_match,
        target=_THRESHOLDS["A2"],
        tolerance=30,
        numerator_label="Days (total)",
        denominator_label="Children matched",
    )
)
