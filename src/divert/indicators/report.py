"""The scorecard as data: every indicator's figure for a period with its target, rating,
benchmarks, change and recent trend. Pages, the ``divert scorecard`` command and the board
pack all render this one structure, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

import polars as pl
from django.conf import settings
from django.db.models import Q

from divert.core.models import Benchmark
from divert.indicators import compute
from divert.indicators.catalogue import Agg, Indicator, Kind, indicators
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency, periods
from divert.indicators.rag import rag

TREND_PERIODS = 13  # a year of months and the same month last year
# Targets an installation sets in its environment (settings.DIVERT), before any authority's own.
SETTING_TARGETS = {"cla_starts": "MONTHLY_ENTRY_CAP", "cla_ceased": "MONTHLY_EXIT_TARGET"}


@dataclass(frozen=True)
class Target:
    value: float | None
    tolerance: float
    #: "default" (the catalogue's), "setting" (the environment's) or "authority" (an administrator's)
    source: str


@dataclass
class Row:
    """One indicator on the scorecard."""

    indicator: Indicator
    as_at: dt.date
    frequency: Frequency
    period_start: dt.date
    value: float | None
    previous: float | None
    target: float | None
    tolerance: float
    rag: str
    england: float | None = None
    comparator: float | None = None
    benchmark_year: int | None = None
    trend: list[tuple[dt.date, float | None]] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def as_dict(self) -> dict[str, object]:
        """The row as plain data (JSON rows carry at least id, title, value, unit, target, rag, as_at)."""
        ind = self.indicator
        return {
            "id": ind.id,
            "title": ind.title,
            "section": str(ind.section),
            "value": self.value,
            "unit": str(ind.unit),
            "target": self.target,
            "tolerance": self.tolerance,
            "rag": self.rag,
            "as_at": self.as_at.isoformat(),
            "frequency": str(self.frequency),
            "period_start": self.period_start.isoformat(),
            "previous": self.previous,
            "change": self.change,
            "good_direction": str(ind.good),
            "england": self.england,
            "comparator": self.comparator,
            "benchmark_year": self.benchmark_year,
            "definition": ind.definition,
        }


def targets_for(authority_id: int | None) -> dict[str, Target]:
    """Each indicator's target: the authority's own where an administrator set one, else the
    installation's setting (the monthly cap and exit target), else the catalogue's default."""
    from divert.indicators.models import IndicatorTarget

    out = {ind.id: Target(ind.target, ind.tolerance, "default") for ind in indicators()}
    for indicator_id, name in SETTING_TARGETS.items():
        if indicator_id in out:
            value = cast(int, settings.DIVERT[name])
            out[indicator_id] = Target(float(value), out[indicator_id].tolerance, "setting")
    if authority_id is not None:
        for t in IndicatorTarget.objects.filter(authority_id=authority_id):
            out[t.indicator] = Target(
                float(t.target) if t.target is not None else None, float(t.tolerance), "authority"
            )
    return out


def period_target(indicator: Indicator, target: Target, frequency: Frequency) -> tuple[float | None, float]:
    """A count of events has a target for its target period (a month): pro-rate it to a week or a day.

    Percentages and averages (100% on time, 426 days) mean the same whatever the period.
    """
    if (
        target.value is None
        or indicator.kind is not Kind.FLOW
        or indicator.agg is not Agg.SUM
        or frequency is indicator.target_frequency
    ):
        return target.value, target.tolerance
    ratio = frequency.days / indicator.target_frequency.days
    return target.value * ratio, target.tolerance * ratio


def benchmarks_for(authority_id: int | None, as_at: dt.date) -> dict[str, dict[str, tuple[int, float]]]:
    """The latest England and comparator figure per indicator for a year up to ``as_at``'s."""
    out: dict[str, dict[str, tuple[int, float]]] = {}
    whose = Q(authority__isnull=True)
    if authority_id is not None:
        whose |= Q(authority_id=authority_id)
    for b in Benchmark.objects.filter(whose, year__lte=as_at.year).order_by("year"):
        out.setdefault(b.indicator, {})[b.scope] = (b.year, float(b.value))
    return out


def scorecard(
    frames: Frames,
    as_at: dt.date,
    frequency: Frequency = Frequency.MONTH,
    *,
    authority_id: int | None = None,
    where: dict[str, str] | None = None,
    only: list[str] | None = None,
    trend_periods: int = TREND_PERIODS,
) -> list[Row]:
    """Every indicator (or those in ``only``) for the period containing ``as_at``."""
    spans = periods(frequency, as_at, trend_periods)
    targets = targets_for(authority_id)
    marks = benchmarks_for(authority_id, as_at)
    rows = []
    for ind in indicators():
        if only and ind.id not in only:
            continue
        s = compute.series(frames, ind, spans, where)
        values = [_num(v) for v in s["value"].to_list()]
        target, tolerance = period_target(ind, targets[ind.id], frequency)
        value = values[-1]
        bench = marks.get(ind.id, {}) if ind.benchmark else {}
        england = bench.get(Benchmark.Scope.ENGLAND)
        comparator = bench.get(Benchmark.Scope.COMPARATOR)
        rows.append(
            Row(
                indicator=ind,
                as_at=as_at,
                frequency=frequency,
                period_start=spans["start"][-1],
                value=value,
                previous=values[-2] if len(values) > 1 else None,
                target=target,
                tolerance=tolerance,
                rag=rag(value, target, tolerance, ind.good),
                england=england[1] if england else None,
                comparator=comparator[1] if comparator else None,
                benchmark_year=(england or comparator or (None, None))[0],
                trend=list(zip(s["date"].to_list(), values, strict=True)),
            )
        )
    return rows


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number  # NaN is no figure


def frames_for(authority_id: int) -> Frames:
    """The register's frames for an authority as of its latest change: cached per process and
    register version (``cache.py``), so pages do not read the register on every request."""
    from divert.indicators import cache

    return cache.frames(authority_id)


__all__ = ["Row", "Target", "benchmarks_for", "frames_for", "pl", "scorecard", "targets_for"]
