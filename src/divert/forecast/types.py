"""What a forecast takes and gives: the one interface between the model, the command and the pages.

The model (``forecast.model``) is a pure function from the register's frames (or a folder of
SSDA903 returns read into the same frames) to a :class:`Projection`; a :class:`Scenario` is
plain data a head of service sets on a form, saved as JSON (``Scenario.to_json`` /
``from_json``), so the page, the command line and the backtest all run the same code.
Months are the first day of the month; counts are children in care at the end of the month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

#: The placement categories the model's states use (key, label), in the order pages show them.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("in_house_foster", "In-house foster care"),
    ("independent_foster", "Independent foster care"),
    ("kinship", "Kinship (family and friends) care"),
    ("residential_in_house", "Residential care, in-house"),
    ("residential_independent", "Residential care, independent"),
    ("supported", "Supported accommodation"),
    ("placed_with_parents", "Placed with parents"),
    ("adoption", "Placed for adoption"),
    ("other", "Other placements"),
)
CATEGORY_LABELS = dict(CATEGORIES)
TOTAL = "total"

#: Age bands (key, label, first age, last age): the DfE's bands for children in care.
AGE_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("under_1", "Under 1", 0, 0),
    ("1_to_4", "1 to 4", 1, 4),
    ("5_to_9", "5 to 9", 5, 9),
    ("10_to_15", "10 to 15", 10, 15),
    ("16_to_17", "16 and 17", 16, 17),
)

#: The band a forecast's low and high bound: 80% of outcomes should fall inside (checked by backtest).
BAND = 0.8


@dataclass(frozen=True)
class Move:
    """A one-off move of ``count`` children from one category to another in ``month``
    (e.g. 10 children from independent residential care to in-house foster care in June)."""

    month: dt.date
    count: int
    from_category: str
    to_category: str


@dataclass(frozen=True)
class Scenario:
    """The programme's levers, each optional; the default is the baseline (history carried on).

    Entries: ``entries_cap`` children a month at most, or ``entries_scale`` times the baseline,
    applied from ``entries_from`` until ``entries_until`` (None: from the origin, for ever).
    Exits: at least ``exit_target`` children leave care each month in that period
    (``exits_from``/``exits_until``), the extra leavers taken as the model thinks likeliest.
    ``moves``: one-off moves between categories. In-house foster care: ``in_house_places`` at the
    origin (None: as many as needed), growing by ``in_house_growth_per_quarter`` places each
    quarter; children the model would place in-house beyond capacity overflow to independent
    foster care. Costs: ``weekly_costs`` by category override the defaults (reference unit costs);
    ``inflation`` is the yearly rise in costs (0.03 is 3%).
    """

    name: str = "Baseline"
    entries_cap: int | None = None
    entries_scale: float = 1.0
    entries_from: dt.date | None = None
    entries_until: dt.date | None = None
    exit_target: int | None = None
    exits_from: dt.date | None = None
    exits_until: dt.date | None = None
    moves: tuple[Move, ...] = ()
    in_house_places: int | None = None
    in_house_growth_per_quarter: int = 0
    weekly_costs: dict[str, Decimal] = field(default_factory=dict)
    inflation: float = 0.0

    @property
    def is_baseline(self) -> bool:
        return self == Scenario(name=self.name)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (dates as ISO text, money as text) for saving and for the command line."""
        data = asdict(self)
        for key in ("entries_from", "entries_until", "exits_from", "exits_until"):
            data[key] = data[key].isoformat() if data[key] else None
        data["moves"] = [{**m, "month": m["month"].isoformat()} for m in data["moves"]]
        data["weekly_costs"] = {k: str(v) for k, v in self.weekly_costs.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scenario:
        def day(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            name=data.get("name", "Baseline"),
            entries_cap=data.get("entries_cap"),
            entries_scale=float(data.get("entries_scale", 1.0)),
            entries_from=day(data.get("entries_from")),
            entries_until=day(data.get("entries_until")),
            exit_target=data.get("exit_target"),
            exits_from=day(data.get("exits_from")),
            exits_until=day(data.get("exits_until")),
            moves=tuple(
                Move(dt.date.fromisoformat(m["month"]), int(m["count"]), m["from_category"], m["to_category"])
                for m in data.get("moves", [])
            ),
            in_house_places=data.get("in_house_places"),
            in_house_growth_per_quarter=int(data.get("in_house_growth_per_quarter", 0)),
            weekly_costs={k: Decimal(v) for k, v in data.get("weekly_costs", {}).items()},
            inflation=float(data.get("inflation", 0.0)),
        )


@dataclass(frozen=True)
class Row:
    """One month and category of a projection: children in care at the month's end (or, for a
    cost row, pounds spent in the month), the central figure and the 80% band."""

    month: dt.date
    category: str  # a CATEGORIES key or TOTAL
    central: float
    low: float
    high: float

    def to_json(self) -> dict[str, Any]:
        return {
            "month": f"{self.month:%Y-%m}",
            "category": self.category,
            "central": round(self.central, 2),
            "low": round(self.low, 2),
            "high": round(self.high, 2),
        }


@dataclass(frozen=True)
class Projection:
    """A forecast: children by month and category (``rows``, with ``total``) and spend (``costs``)."""

    origin: dt.date
    months: int
    scenario: Scenario
    rows: list[Row]
    costs: list[Row]
    runs: int

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON: ``rows`` as the issue states, plus costs and what was run."""
        return {
            "origin": self.origin.isoformat(),
            "months": self.months,
            "scenario": self.scenario.to_json(),
            "band": BAND,
            "runs": self.runs,
            "rows": [row.to_json() for row in self.rows],
            "costs": [row.to_json() for row in self.costs],
        }


@dataclass(frozen=True)
class Accuracy:
    """How a forecast made at past origins compared with what happened, at one horizon.

    ``error``: mean absolute percentage error, in percentage points (2.4 is 2.4%); ``bias``: mean
    signed percentage error, in points (forecast minus actual, over actual: positive means it
    forecast too many); ``coverage``: the share (0 to 1) of
    actual values inside the 80% band (about 0.8 when the band is calibrated); ``origins``: how
    many past origins had this horizon's actual to compare with.
    """

    category: str
    horizon: int  # months ahead: 6, 12, 24
    error: float
    bias: float
    coverage: float
    origins: int


@dataclass(frozen=True)
class Backtest:
    """A rolling-origin backtest: fit at each origin, forecast ahead, compare with what happened."""

    origins: list[dt.date]
    horizons: tuple[int, ...]
    accuracy: list[Accuracy]
