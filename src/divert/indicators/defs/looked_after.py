"""Children in care: how many, the rate, and the flows in and out against the cap and target."""

from __future__ import annotations

import polars as pl

from divert.core.codes import SHORT_BREAK_STATUSES
from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import open_counts, per_date
from divert.indicators.frames import Frames
from divert.indicators.shared import care_episodes, counted, in_care, in_care_spans, in_period, periods_key

DFE_CLA = "DfE statistics: Children looked after in England including adoptions (methodology)."


def _in_care(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return counted(
        in_care(frames, periods, ["child", "decom", "placement_type", "place", "provider", "ls"]).drop(
            "start"
        )
    )


def _in_care_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``_in_care`` per date, counted from each episode's run of dates."""
    runs = in_care_spans(frames, periods)
    return per_date(periods, open_counts(runs.get_column("_first"), runs.get_column("_until"), periods))


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
        counts=_in_care_counts,
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
        counts=_in_care_counts,
        benchmark=True,
        breakdowns=(),
    )
)


def _starts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Episodes that began a period of care, by period (kept: net change reads them again)."""

    def build() -> pl.DataFrame:
        episodes = care_episodes(frames).select("child", "decom", "placement_type", "ls", "rne")
        starts = episodes.filter(pl.col("rne") == "S").drop("rne")
        return counted(
            in_period(starts, "decom", periods).select("date", "child", "decom", "placement_type", "ls")
        )

    return frames.memo(("cla_starts", periods_key(periods)), build)


def _ceased(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Episodes that ended care, by period (kept: net change reads them again)."""

    def build() -> pl.DataFrame:
        episodes = care_episodes(frames).select("child", "dec", "rec", "placement_type")
        ceased = episodes.filter(pl.col("rec").is_not_null() & (pl.col("rec") != "X1"))
        return counted(
            in_period(ceased, "dec", periods).select("date", "child", "dec", "rec", "placement_type")
        )

    return frames.memo(("cla_ceased", periods_key(periods)), build)


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


def _net_change(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Entries (+1) and leavings (-1) as one list, so the drill-down shows both, each labelled."""
    columns = ["date", "child", "day", "movement", "placement_type", "num", "den"]
    entered = _starts(frames, periods).with_columns(
        pl.col("decom").alias("day"), pl.lit("Entered care").alias("movement")
    )
    left = _ceased(frames, periods).with_columns(
        pl.col("dec").alias("day"), pl.lit("Left care").alias("movement"), pl.lit(-1.0).alias("num")
    )
    return pl.concat([entered.select(columns), left.select(columns)]).sort("date", "day", "child")


register(
    Indicator(
        id="cla_net_change",
        title="Net change in children in care",
        section=Section.IN_CARE,
        definition=(
            "Children who came into care in the period minus children who left: above zero, the "
            "number in care is growing."
        ),
        method=(
            "Entries as cla_starts (RNE S, each counting +1) minus leavings as cla_ceased (REC other "
            "than X1, each counting -1) in the period, short breaks V3/V4 excluded; a child who enters "
            "and leaves in the period counts +1 and -1. " + DFE_CLA
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.FLOW,
        facts=_net_change,
        breakdowns=("age_band", "placement_type", "team", "locality"),
        numerator_label="Entries (+1) and leavings (-1)",
    )
)
