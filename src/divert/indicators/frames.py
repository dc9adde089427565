"""The register as Polars frames: the one input every indicator reads.

Frames are shaped like the SSDA903 tables (an episode frame with DECOM, RNE, LS, PLACE,
PLACE_PROVIDER, DEC, REC ... in lower case), plus the front door, child protection,
workforce, carer, edge-of-care panel and early help tables the scorecard needs. Every column
named here exists in every ``Frames``, empty or not, so an indicator never has to ask whether
a table was loaded.

Derived frames that many indicators share (who was in care on each date) are computed once
per set of periods and kept on the object: a full scorecard reads them dozens of times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl

# Column name -> dtype, per frame. The one statement of the frames' shape.
SCHEMAS: dict[str, dict[str, Any]] = {
    "children": {
        "child": pl.Int64,
        "sex": pl.Utf8,
        "dob": pl.Date,
        "uasc": pl.Boolean,
        "locality": pl.Utf8,
        "died": pl.Date,
    },
    "episodes": {
        "child": pl.Int64,
        "decom": pl.Date,
        "rne": pl.Utf8,
        "ls": pl.Utf8,
        "cin": pl.Utf8,
        "place": pl.Utf8,
        "place_provider": pl.Utf8,
        "dec": pl.Date,
        "rec": pl.Utf8,
        "reason_place_change": pl.Utf8,
        "provider": pl.Utf8,
        "carer": pl.Int64,
        "weekly_cost": pl.Float64,
        "planned_end": pl.Date,
    },
    "reviews": {"child": pl.Int64, "date": pl.Date, "permanence_plan": pl.Boolean},
    "visits": {"child": pl.Int64, "date": pl.Date},
    "allocations": {
        "child": pl.Int64,
        "worker": pl.Int64,
        "worker_name": pl.Utf8,
        "qualified": pl.Boolean,
        "team": pl.Utf8,
        "team_kind": pl.Utf8,
        "start": pl.Date,
        "end": pl.Date,
    },
    "contacts": {
        "id": pl.Int64,
        "child": pl.Int64,
        "received": pl.Date,
        "source": pl.Utf8,
        "decision": pl.Utf8,
        "decided": pl.Date,
    },
    "referrals": {
        "id": pl.Int64,
        "child": pl.Int64,
        "date": pl.Date,
        "source": pl.Utf8,
        "route": pl.Utf8,
        "decided": pl.Date,
        "re_referral": pl.Boolean,
        "closed": pl.Date,
    },
    "assessments": {"child": pl.Int64, "start": pl.Date, "authorised": pl.Date},
    "cin_plans": {"child": pl.Int64, "start": pl.Date, "end": pl.Date},
    "section47s": {
        "child": pl.Int64,
        "strategy_discussion": pl.Date,
        "start": pl.Date,
        "icpc_required": pl.Boolean,
        "completed": pl.Date,
    },
    "cp_plans": {
        "id": pl.Int64,
        "child": pl.Int64,
        "start": pl.Date,
        "end": pl.Date,
        "category": pl.Utf8,
        "earlier_plans_not_held": pl.Int64,
    },
    "conferences": {
        "child": pl.Int64,
        "plan": pl.Int64,
        "kind": pl.Utf8,
        "date": pl.Date,
        "plan_made": pl.Boolean,
    },
    "adoptions": {"child": pl.Int64, "decision": pl.Date, "matched": pl.Date, "placed": pl.Date},
    "households": {
        "household": pl.Int64,
        "name": pl.Utf8,
        "kind": pl.Utf8,
        "status": pl.Utf8,
        "enquiry": pl.Date,
        "approved": pl.Date,
        "deregistered": pl.Date,
        "places": pl.Int64,
    },
    "population": {"year": pl.Int64, "children": pl.Int64},
    # Gatekeeping and early help: recorded in Divert only (an SSDA903 or CIN census import has
    # neither, so these are empty there and the figures read from them have no value).
    "proposals": {
        "id": pl.Int64,
        "child": pl.Int64,
        "proposed": pl.Date,
        "emergency": pl.Boolean,
        "accommodated_on": pl.Date,
        "meeting": pl.Int64,
        "meeting_date": pl.Date,
        "meeting_kind": pl.Utf8,
        "decision": pl.Utf8,
    },
    "early_help": {
        "id": pl.Int64,
        "child": pl.Int64,
        "start": pl.Date,
        "end": pl.Date,
        "outcome": pl.Utf8,
        "locality": pl.Utf8,
        "lead_professional": pl.Utf8,
    },
}


def empty(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[name])


def frame(name: str, rows: Any) -> pl.DataFrame:
    """A frame of the named table from row tuples in the schema's column order."""
    return pl.DataFrame(list(rows), schema=SCHEMAS[name], orient="row")


@dataclass
class Frames:
    """The register (or a part of it) as frames, with the derived frames indicators share."""

    children: pl.DataFrame = field(default_factory=lambda: empty("children"))
    episodes: pl.DataFrame = field(default_factory=lambda: empty("episodes"))
    reviews: pl.DataFrame = field(default_factory=lambda: empty("reviews"))
    visits: pl.DataFrame = field(default_factory=lambda: empty("visits"))
    allocations: pl.DataFrame = field(default_factory=lambda: empty("allocations"))
    contacts: pl.DataFrame = field(default_factory=lambda: empty("contacts"))
    referrals: pl.DataFrame = field(default_factory=lambda: empty("referrals"))
    assessments: pl.DataFrame = field(default_factory=lambda: empty("assessments"))
    cin_plans: pl.DataFrame = field(default_factory=lambda: empty("cin_plans"))
    section47s: pl.DataFrame = field(default_factory=lambda: empty("section47s"))
    cp_plans: pl.DataFrame = field(default_factory=lambda: empty("cp_plans"))
    conferences: pl.DataFrame = field(default_factory=lambda: empty("conferences"))
    adoptions: pl.DataFrame = field(default_factory=lambda: empty("adoptions"))
    households: pl.DataFrame = field(default_factory=lambda: empty("households"))
    population: pl.DataFrame = field(default_factory=lambda: empty("population"))
    proposals: pl.DataFrame = field(default_factory=lambda: empty("proposals"))
    early_help: pl.DataFrame = field(default_factory=lambda: empty("early_help"))
    #: Bank holidays of England and Wales, for working-day clocks.
    holidays: tuple[dt.date, ...] = ()
    _memo: dict[Any, pl.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in SCHEMAS:
            got = getattr(self, name)
            want = SCHEMAS[name]
            if dict(got.schema) != want:
                # Accept frames built by hand in tests with fewer or looser columns: cast and fill.
                setattr(self, name, _conform(got, want))

    def memo(self, key: Any, build: Any) -> pl.DataFrame:
        """``build()`` once per key: the derived frames many indicators share."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def only_children(self, ids: pl.Series | list[int]) -> Frames:
        """The same register narrowed to some children (a team's, a locality's).

        Frames not about a child (carer households, population) are kept whole.
        """
        keep = pl.Series("child", ids, dtype=pl.Int64)
        narrowed: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pl.DataFrame) and f.name in SCHEMAS and "child" in SCHEMAS[f.name]:
                value = value.filter(pl.col("child").is_in(keep.implode()))
            if f.name != "_memo":
                narrowed[f.name] = value
        return Frames(**narrowed)


def _conform(df: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    missing = [
        pl.lit(None, dtype=dtype).alias(name) for name, dtype in schema.items() if name not in df.columns
    ]
    if missing:
        df = df.with_columns(missing)
    return df.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
