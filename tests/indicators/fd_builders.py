"""Small registers built by hand for the front door, child protection, adoption and workforce tests.

Each helper makes one row of a table with sensible defaults, so a test names only what it is
about; ``register`` turns the rows into :class:`Frames` (missing columns are filled with nulls).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from divert.indicators import catalogue, compute
from divert.indicators.frames import SCHEMAS, Frames
from divert.indicators.periods import Frequency, periods

Row = dict[str, Any]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def register(holidays: tuple[dt.date, ...] = (), **tables: list[Row]) -> Frames:
    """Frames from lists of row dicts, one keyword per table (``contacts=[...]``)."""
    built = {
        name: pl.DataFrame(rows, schema={k: SCHEMAS[name][k] for k in rows[0]}) if rows else None
        for name, rows in tables.items()
    }
    return Frames(holidays=holidays, **{k: v for k, v in built.items() if v is not None})


def month(as_at: str, count: int = 1) -> pl.DataFrame:
    return periods(Frequency.MONTH, d(as_at), count)


def day(as_at: str) -> pl.DataFrame:
    return periods(Frequency.DAY, d(as_at), 1)


def value(frames: Frames, indicator: str, spans: pl.DataFrame) -> float | None:
    """The figure for the last period of ``spans``."""
    result = compute.series(frames, catalogue.get(indicator), spans)["value"].to_list()[-1]
    return None if result is None else float(result)


def members(
    frames: Frames, indicator: str, spans: pl.DataFrame, *, denominator: bool = False
) -> pl.DataFrame:
    """The rows behind the figure for the last period of ``spans``, sorted by child (or household)."""
    last = spans["date"].to_list()[-1]
    rows = compute.members(frames, catalogue.get(indicator), spans, last, denominator=denominator)
    return rows.sort("household" if "household" in rows.columns else "child")


def children(frames: Frames, indicator: str, spans: pl.DataFrame, *, denominator: bool = False) -> list[int]:
    return members(frames, indicator, spans, denominator=denominator)["child"].to_list()


# Rows of each table.


def contact(child: int, received: str, decided: str | None = None, source: str = "5A") -> Row:
    return {
        "id": child,
        "child": child,
        "received": d(received),
        "source": source,
        "decision": "referral" if decided else None,
        "decided": d(decided) if decided else None,
    }


def referral(
    child: int, date: str, closed: str | None = None, *, id: int | None = None, flag: bool = False
) -> Row:
    return {
        "id": id if id is not None else child,
        "child": child,
        "date": d(date),
        "source": "1A",
        "route": "assessment",
        "re_referral": flag,
        "closed": d(closed) if closed else None,
    }


def assessment(child: int, start: str, authorised: str | None = None) -> Row:
    return {"child": child, "start": d(start), "authorised": d(authorised) if authorised else None}


def plan(child: int, start: str, end: str | None = None, *, id: int | None = None, not_held: int = 0) -> Row:
    return {
        "id": id if id is not None else child,
        "child": child,
        "start": d(start),
        "end": d(end) if end else None,
        "category": "NEG",
        "earlier_plans_not_held": not_held,
    }


def conference(child: int, plan_id: int, date: str, kind: str = "review") -> Row:
    return {"child": child, "plan": plan_id, "kind": kind, "date": d(date), "plan_made": True}


def episode(
    child: int,
    decom: str,
    dec: str | None = None,
    *,
    rne: str = "S",
    ls: str = "C2",
    place: str = "U4",
    rec: str | None = None,
    carer: int | None = None,
) -> Row:
    return {
        "child": child,
        "decom": d(decom),
        "rne": rne,
        "ls": ls,
        "place": place,
        "place_provider": "PR1",
        "dec": d(dec) if dec else None,
        "rec": rec if rec else ("X1" if dec else None),
        "carer": carer,
    }


def adoption(child: int, decision: str, matched: str | None = None, placed: str | None = None) -> Row:
    return {
        "child": child,
        "decision": d(decision),
        "matched": d(matched) if matched else None,
        "placed": d(placed) if placed else None,
    }


def household(
    id: int, approved: str | None, deregistered: str | None = None, *, kind: str = "mainstream"
) -> Row:
    return {
        "household": id,
        "name": f"Household {id}",
        "kind": kind,
        "status": "approved",
        "enquiry": d("2020-01-01"),
        "approved": d(approved) if approved else None,
        "deregistered": d(deregistered) if deregistered else None,
        "places": 2,
    }


def allocation(
    child: int,
    worker: int,
    start: str,
    end: str | None = None,
    *,
    qualified: bool = True,
    team: str = "North",
) -> Row:
    return {
        "child": child,
        "worker": worker,
        "worker_name": f"Worker {worker}",
        "qualified": qualified,
        "team": team,
        "team_kind": "cin",
        "start": d(start),
        "end": d(end) if end else None,
    }


def child(id: int, dob: str = "2015-06-01", locality: str = "Centre") -> Row:
    return {"child": id, "sex": "F", "dob": d(dob), "uasc": False, "locality": locality, "died": None}
