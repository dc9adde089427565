"""The indicator catalogue: every figure Divert reports, declared once.

An :class:`Indicator` says what a figure means (title, plain-English definition, method), how
it is judged (unit, which direction is good, target and tolerance) and how it is computed:
``facts`` is a pure function from the register's frames and a set of periods to one row per
thing counted (usually a child on a date), with ``num`` and ``den`` columns. The figure is an
aggregate of those rows (``Agg``), and the same rows are the drill-down: the children behind
a number are exactly the rows that made it. Definitions live in ``defs/``, one module per
part of the service; the order of declaration is the order on the scorecard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from divert.indicators.periods import Frequency

if TYPE_CHECKING:
    import polars as pl

    from divert.indicators.frames import Frames


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    PER_10K = "per 10,000 children"
    GBP = "£"
    GBP_WEEK = "£ a week"
    DAYS = "days"
    RATIO = "ratio"


class Good(StrEnum):
    UP = "up"
    DOWN = "down"
    NEITHER = "neither"


class Kind(StrEnum):
    SNAPSHOT = "snapshot"  # measured on the period's last day
    FLOW = "flow"  # events during the period


class Agg(StrEnum):
    SUM = "sum"  # sum(num)
    PERCENT = "percent"  # 100 * sum(num) / sum(den)
    MEAN = "mean"  # sum(num) / sum(den)
    PER_10K = "per_10k"  # sum(num) * 10,000 / children aged 0-17 (population estimate)
    PER_WORKER = "per_worker"  # sum(num) / distinct workers


class Section(StrEnum):
    IN_CARE = "Children in care"
    PLACEMENTS = "Placements and cost"
    STABILITY = "Stability and permanence"
    FRONT_DOOR = "Front door"
    CIN_CP = "Children in need and child protection"
    ADOPTION = "Adoption and special guardianship"
    CARERS_WORKFORCE = "Foster carers and workforce"


# Breakdown dimensions a facts frame may carry (or gain through ``dimensions.with_dimensions``).
DIMENSIONS = {
    "age_band": "Age band",
    "placement_type": "Placement type",
    "provider": "Provider",
    "team": "Team",
    "locality": "Locality",
}

FactsFn = Callable[["Frames", "pl.DataFrame"], "pl.DataFrame"]
CountsFn = Callable[["Frames", "pl.DataFrame"], "pl.DataFrame"]


@dataclass(frozen=True)
class Indicator:
    """One figure: what it means, how it is judged, and the function that computes it.

    ``facts(frames, periods)`` returns at least ``date`` (the period's last day), ``num`` and
    ``den`` (floats), and ``child`` for figures about children (``household`` for carers);
    per-worker figures carry ``worker``. Rows with ``num`` = 0 and ``den`` = 1 are children in
    the denominator only. Extra columns (``placement_type``, ``provider``, ``days`` ...) are
    shown in the drill-down list.

    ``counts(frames, periods)``, when given, is a shortcut to the same series: one row per
    period date with the sums the figure is made of (``date``, ``num``, ``den``, and
    ``_workers`` for a caseload), worked out without a row per child and date. The facts stay
    the truth (members and breakdowns read them, and a test holds every ``counts`` to them);
    a snapshot over ten years of a national register is otherwise millions of rows made only
    to be counted.
    """

    id: str
    title: str
    section: Section
    definition: str
    method: str
    unit: Unit
    agg: Agg
    good: Good
    kind: Kind
    facts: FactsFn
    target: float | None = None
    tolerance: float = 0.0
    target_frequency: Frequency = Frequency.MONTH
    breakdowns: tuple[str, ...] = ("age_band", "team", "locality")
    subject: str = "child"
    benchmark: bool = False
    decimals: int = 0
    numerator_label: str = "Children counted"
    denominator_label: str = ""
    counts: CountsFn | None = None

    @property
    def has_denominator(self) -> bool:
        return self.agg in (Agg.PERCENT, Agg.MEAN)


_CATALOGUE: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.id in _CATALOGUE:
        raise ValueError(f"Indicator {indicator.id!r} is declared twice")
    for name in indicator.breakdowns:
        if name not in DIMENSIONS:
            raise ValueError(f"Indicator {indicator.id!r}: unknown breakdown {name!r}")
    _CATALOGUE[indicator.id] = indicator
    return indicator


def _load() -> None:
    import divert.indicators.defs  # noqa: F401  (declares every indicator on import)


def indicators() -> list[Indicator]:
    """Every indicator, in scorecard order (section, then declaration)."""
    _load()
    order = list(Section)
    return sorted(_CATALOGUE.values(), key=lambda ind: order.index(ind.section))


def get(indicator_id: str) -> Indicator:
    """The indicator with this id (``KeyError`` when there is none)."""
    _load()
    return _CATALOGUE[indicator_id]
