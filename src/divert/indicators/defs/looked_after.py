"""Children in care: how many, the rate, and the flows in and out against the cap and target."""

from __future__ import annotations

import polars as pl

from divert.core.codes import SHORT_BREAK_STATUSES
from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.frames import Frames
from divert.indicators.shared import care_episodes, counted, in_care, in_period

DFE_CLA = "DfE statistics: Children looked after in England including adoptions (methodology)."


def _in_care(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(
        in_care(frames, periods).select("date", "child", "decom", "placement_type", "place", "provider", "ls")
    )


register(
    Indicator(
        id="cla_count",
        title="Children in care",
        section=Section.IN_CARE,
        definition="Children looked after on the date, not counting children on short breaks.",
        method=(
            "Children with an episode of care that started on or before the date and had not "
            "ceased by it; legal statuses V3 and V4 (short breaks) excluded. " + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_in_care,
        breakdowns=("age_band", "placement_type", "provider", "team", "locality"),
    )
)

register(
    Indicator(
        id="cla_rate_per_10k",
        title="Children in care per 10,000 children",
        section=Section.IN_CARE,
        definition="Children in care for every 10,000 children aged 0 to 17 living in the authority.",
        method=(
            "Children in care on the date (as cla_count) x 10,000 / the ONS mid-year estimate of "
            "children aged 0-17 current on the date (mid-year of the previous year before July). " + DFE_CLA
        ),
        unit=Unit.PER_10K,
        agg=Agg.PER_10K,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_in_care,
        benchmark=True,
        breakdowns=(),
    )
)


def _starts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    starts = care_episodes(frames).filter(pl.col("rne") == "S")
    return counted(
        in_period(starts, "decom", periods).select("date", "child", "decom", "placement_type", "ls")
    )


def _ceased(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    ceased = care_episodes(frames).filter(pl.col("rec").is_not_null() & (pl.col("rec") != "X1"))
    return counted(in_period(ceased, "dec", periods).select("date", "child", "dec", "rec", "placement_type"))


register(
    Indicator(
        id="cla_starts",
        title="Children entering care",
        section=Section.IN_CARE,
        definition="Children who started to be looked after in the period, against the monthly cap.",
        method=(
            "Episodes with reason for new episode S (started to be looked after) that began in the "
            f"period; short breaks ({', '.join(sorted(SHORT_BREAK_STATUSES))}) excluded. A child who "
            "enters care twice in the period counts twice. " + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.FLOW,
        facts=_starts,
        target=8,
        tolerance=2,
        breakdowns=("age_band", "placement_type", "team", "locality"),
    )
)

register(
    Indicator(
        id="cla_ceased",
        title="Children leaving care",
        section=Section.IN_CARE,
        definition="Children who ceased to be looked after in the period, against the monthly target.",
        method=(
            "Episodes that ended in the period with a reason other than X1 (a new episode began); "
            "short breaks excluded. " + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_ceased,
        target=10,
        tolerance=2,
        breakdowns=("age_band", "placement_type", "team", "locality"),
    )
)
