"""A national-size register as frames, built from one authority's frames without a database.

Why copies of the demo's frames and not ``divert synth --authorities 150``: writing 150
authorities through the synth takes over an hour (``docs/benchmarks.md``), and the generator
alone, in memory, about 4 s an authority (10 minutes); copying frames takes seconds. What the
scorecard's speed depends on is the number of rows and distinct children, workers and dates
per frame, and copies give those at national size.

Each copy is one "authority":

- a different subset of the demo's children (kept when a hash of child id and copy number
  falls under ``fraction``), so copies are not identical and the total episode count is what
  was asked for (about 1 million over 150 copies: 43 % of the demo's 15,409 episodes each);
- every id offset (children, workers, carer households, contacts, referrals, plans), so no two
  copies share a child, a worker or a household;
- every date moved by ``copy % 28`` days (birth dates too, so ages are kept), so the copies'
  events do not all fall on the same days and period boundaries cut them differently;
- the population multiplied by the number of copies, so rates per 10,000 stay plausible.

Team and locality names are shared across copies, so a national "North" team is large: the
breakdowns' group counts are the demo's, their group sizes national.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any, cast

import polars as pl

from divert.indicators.frames import SCHEMAS, Frames

#: Columns holding an id that must differ between copies (per frame), and what the id counts.
IDS: dict[str, dict[str, str]] = {
    "children": {"child": "child"},
    "episodes": {"child": "child", "carer": "household"},
    "reviews": {"child": "child"},
    "visits": {"child": "child"},
    "allocations": {"child": "child", "worker": "worker"},
    "contacts": {"child": "child", "id": "contact"},
    "referrals": {"child": "child", "id": "referral"},
    "assessments": {"child": "child"},
    "cin_plans": {"child": "child"},
    "section47s": {"child": "child"},
    "cp_plans": {"child": "child", "id": "plan"},
    "conferences": {"child": "child", "plan": "plan"},
    "adoptions": {"child": "child"},
    "households": {"household": "household"},
    "proposals": {"child": "child", "id": "proposal", "meeting": "meeting"},
    "early_help": {"child": "child", "id": "early_help"},
}


def _spans(frames: Frames) -> dict[str, int]:
    """For each kind of id, a step larger than any id of that kind in the demo."""
    top: dict[str, int] = {}
    for name, columns in IDS.items():
        df: pl.DataFrame = getattr(frames, name)
        for column, kind in columns.items():
            biggest = cast(int | None, df[column].max()) if df.height else 0
            top[kind] = max(top.get(kind, 0), biggest or 0)
    return {kind: 10 ** len(str(value + 1)) for kind, value in top.items()}


def _kept(children: pl.DataFrame, copy: int, fraction: float) -> pl.Series:
    """The demo children this copy keeps: a hash of (child, copy) under the fraction."""
    score = pl.col("child").hash(seed=copy) % 1_000_000
    return children.filter(score < int(fraction * 1_000_000))["child"]


def _copy(
    frame: pl.DataFrame, name: str, copy: int, spans: dict[str, int], shift: dt.timedelta
) -> pl.DataFrame:
    changes: list[pl.Expr] = []
    for column, kind in IDS.get(name, {}).items():
        changes.append(pl.col(column) + copy * spans[kind])
    for column, dtype in SCHEMAS[name].items():
        if dtype == pl.Date:
            changes.append(pl.col(column) + shift)
    return frame.with_columns(changes) if changes else frame


def national(frames: Frames, copies: int = 150, episodes: int = 1_000_000) -> Frames:
    """``copies`` authorities made from ``frames``, holding about ``episodes`` episodes in all."""
    fraction = min(1.0, episodes / max(1, copies * frames.episodes.height))
    spans = _spans(frames)
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in IDS}
    for copy in range(copies):
        keep = _kept(frames.children, copy, fraction).implode()
        shift = dt.timedelta(days=copy % 28)
        for name in IDS:
            df: pl.DataFrame = getattr(frames, name)
            if "child" in df.columns:
                df = df.filter(pl.col("child").is_in(keep))
            parts[name].append(_copy(df, name, copy, spans, shift))
    built: dict[str, Any] = {name: pl.concat(dfs, rechunk=True) for name, dfs in parts.items()}
    built["population"] = frames.population.with_columns(pl.col("children") * copies)
    for f in fields(frames):
        if f.name not in built and f.name != "_memo":
            built[f.name] = getattr(frames, f.name)
    return Frames(**built)
