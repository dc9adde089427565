"""The register as it was known on a date: what a forecast from that date may use.

A forecast made on ``origin`` must not see the future: episodes starting after it are dropped,
and an episode that ended after it is treated as still open (nobody knew then that it would end).
Short breaks (legal status V3/V4) are not care for these counts, as in the DfE statistics.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from divert.core.codes import SHORT_BREAK_STATUSES
from divert.forecast import states
from divert.indicators.frames import Frames

FAR_FUTURE = dt.date(9999, 12, 31)


def care_episodes(frames: Frames) -> pl.DataFrame:
    """Episodes of care (no short breaks) with the forecast category index and the end or far future."""
    return frames.episodes.filter(~pl.col("ls").is_in(sorted(SHORT_BREAK_STATUSES)).fill_null(False)).select(
        "child",
        "decom",
        pl.col("dec").fill_null(FAR_FUTURE).alias("until"),
        states.category_index(pl.col("place"), pl.col("place_provider")).alias("cat"),
    )


def as_at(episodes: pl.DataFrame, origin: dt.date) -> pl.DataFrame:
    """``care_episodes`` as known on ``origin``: later starts dropped, later endings open."""
    return episodes.filter(pl.col("decom") <= origin).with_columns(
        pl.when(pl.col("until") > origin).then(pl.lit(FAR_FUTURE)).otherwise(pl.col("until")).alias("until")
    )


def snapshots(episodes: pl.DataFrame, dates: list[dt.date]) -> pl.DataFrame:
    """Who was in care on each date (``decom <= date < until``) and in which category: one row per
    child and date, with ``k`` the date's position in ``dates``."""
    days = pl.DataFrame(
        {"k": list(range(len(dates))), "date": dates}, schema={"k": pl.Int32, "date": pl.Date}
    )
    first, last = min(dates), max(dates)
    overlapping = episodes.filter((pl.col("decom") <= last) & (pl.col("until") > first))
    return (
        overlapping.join(days, how="cross")
        .filter((pl.col("decom") <= pl.col("date")) & (pl.col("until") > pl.col("date")))
        # A child with two episodes open on one date (bad data): keep the later start.
        .sort("child", "k", "decom")
        .unique(["child", "k"], keep="last", maintain_order=True)
        .select("child", "k", "date", "cat")
    )


def with_dob(rows: pl.DataFrame, frames: Frames) -> pl.DataFrame:
    """Join each child's date of birth (unknown: treated as 10 on the date, in the 10 to 15 band)."""
    dob = frames.children.select("child", "dob").unique("child", keep="first")
    joined = rows.join(dob, on="child", how="left")
    return joined.with_columns(
        pl.col("dob").fill_null(pl.col("date").dt.offset_by("-10y")),
    )


def as_date(value: object) -> dt.date | None:
    """A frame's scalar (``.min()``, ``.max()``) as a date, or None when the column is empty."""
    return value if isinstance(value, dt.date) else None
