"""Small builders for hand-made registers: episodes, reviews and visits as a few readable calls.

Dates are ISO strings so a fixture reads like the chronology a social worker would write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from divert.indicators import compute
from divert.indicators.catalogue import get
from divert.indicators.frames import SCHEMAS, Frames
from divert.indicators.periods import Frequency, periods


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def episode(
    child: int,
    decom: str,
    dec: str | None = None,
    *,
    rne: str = "S",
    rec: str | None = None,
    ls: str = "C2",
    place: str = "U6",
    place_provider: str = "PR1",
    provider: str | None = None,
    carer: int | None = None,
    weekly_cost: float | None = None,
    planned_end: str | None = None,
) -> dict[str, Any]:
    """One SSDA903 episode; an episode given an end date and no reason ends with X1 (a new one follows)."""
    return {
        "child": child,
        "decom": d(decom),
        "rne": rne,
        "ls": ls,
        "place": place,
        "place_provider": place_provider,
        "dec": d(dec) if dec else None,
        "rec": rec or ("X1" if dec else None),
        "provider": provider,
        "carer": carer,
        "weekly_cost": weekly_cost,
        "planned_end": d(planned_end) if planned_end else None,
    }


def child(child: int, dob: str, locality: str = "North") -> dict[str, Any]:
    return {"child": child, "dob": d(dob), "locality": locality}


def review(child: int, day: str, plan: bool = False) -> dict[str, Any]:
    return {"child": child, "date": d(day), "permanence_plan": plan}


def visit(child: int, day: str) -> dict[str, Any]:
    return {"child": child, "date": d(day)}


def _frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema=SCHEMAS[name])
    columns = {key: SCHEMAS[name][key] for key in rows[0]}
    return pl.DataFrame(rows, schema=columns)


def register(
    episodes: Sequence[dict[str, Any]] = (),
    *,
    children: Sequence[dict[str, Any]] = (),
    reviews: Sequence[dict[str, Any]] = (),
    visits: Sequence[dict[str, Any]] = (),
    population: dict[int, int] | None = None,
    holidays: tuple[dt.date, ...] = (),
) -> Frames:
    """A register of a few children, as ``Frames`` (columns not given are empty)."""
    pop = pl.DataFrame(
        {"year": list((population or {}).keys()), "children": list((population or {}).values())},
        schema=SCHEMAS["population"],
    )
    return Frames(
        episodes=_frame("episodes", list(episodes)),
        children=_frame("children", list(children)),
        reviews=_frame("reviews", list(reviews)),
        visits=_frame("visits", list(visits)),
        population=pop,
        holidays=holidays,
    )


def on(day: str) -> pl.DataFrame:
    """The one-day period ending ``day``: a snapshot on that date."""
    return periods(Frequency.DAY, d(day), 1)


def month_to(day: str) -> pl.DataFrame:
    """The calendar month up to ``day``: a flow counted from the 1st to ``day``."""
    return periods(Frequency.MONTH, d(day), 1)


def value(frames: Frames, indicator: str, span: pl.DataFrame) -> float | None:
    """The figure for the last period of ``span``."""
    result = compute.series(frames, get(indicator), span)["value"].to_list()[-1]
    return None if result is None else float(result)


def members(frames: Frames, indicator: str, span: pl.DataFrame, *, denominator: bool = False) -> pl.DataFrame:
    """The rows behind the figure for the last period of ``span``."""
    last = span["date"].to_list()[-1]
    return compute.members(frames, get(indicator), span, last, denominator=denominator)


def children_in(rows: pl.DataFrame) -> list[int]:
    """The children behind a figure, sorted (a child counted twice appears twice)."""
    return sorted(rows["child"].to_list())
