"""Checks of the SSDA903 episode rules, shared by the in-memory and register tests."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from divert.core.codes import (
    LegalStatus,
    Placement,
    PlaceProvider,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)

SMALL = ["--children", "5000", "--years", "3", "--today", "2025-11-23"]


@dataclass(frozen=True)
class Ep:
    child: object
    dob: dt.date
    decom: dt.date
    dec: dt.date | None
    rne: str
    ls: str
    place: str
    place_provider: str
    rec: str
    reason_place_change: str
    pl_post: str


def eighteenth(dob: dt.date) -> dt.date:
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:
        return dt.date(dob.year + 18, 3, 1)


def age(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def broken_rules(episodes: Iterable[Ep]) -> list[str]:
    """Every way the episodes break the SSDA903 rules the generator promises to keep."""
    by_child: dict[object, list[Ep]] = defaultdict(list)
    for e in episodes:
        by_child[e.child].append(e)
    problems: list[str] = []
    for child, eps in by_child.items():
        eps.sort(key=lambda e: e.decom)
        problems += [f"{child} {e.decom}: {p}" for e in eps for p in _codes(e)]
        problems += [f"{child}: {p}" for p in _sequence(eps)]
    return problems


def _codes(e: Ep) -> list[str]:
    out = []
    checks = [
        (e.rne in ReasonNewEpisode.values, "RNE"),
        (e.ls in LegalStatus.values, "LS"),
        (e.place in Placement.values, "PLACE"),
        (e.place_provider in PlaceProvider.values, "PLACE_PROVIDER"),
        (e.rec in [*ReasonEpisodeCeased.values, ""], "REC"),
        (e.reason_place_change in [*ReasonPlaceChange.values, ""], "REASON_PLACE_CHANGE"),
        (e.ls not in {"V3", "V4"}, "no short breaks"),
        ((e.place == "P1") == (e.place_provider == "PR0"), "P1 is with parents (PR0)"),
        (e.place != "P1" or e.ls == "C2", "placed with parents only under a care order"),
        (e.place not in {"A5", "A6"} or e.ls == "E1", "placed for adoption under a placement order"),
        (e.place != "K3" or age(e.dob, e.decom) >= 16, "supported accommodation is 16+"),
        (e.dec is None or e.dec <= eighteenth(e.dob), "care ends by the 18th birthday"),
        (e.dec is None or e.dec >= e.decom, "DEC on or after DECOM"),
        ((e.dec is None) == (e.rec == ""), "an open episode has no REC, a closed one has"),
    ]
    for ok, rule in checks:
        if not ok:
            out.append(rule)
    return out


def _sequence(eps: list[Ep]) -> list[str]:
    out = []
    if eps[0].rne != "S":
        out.append("first episode is not RNE S")
    for prev, nxt in pairwise(eps):
        if prev.dec is None:
            out.append(f"open episode {prev.decom} is followed by another")
            continue
        if nxt.decom < prev.dec:
            out.append(f"episodes overlap at {nxt.decom}")
        if prev.rec == "X1":
            if nxt.decom != prev.dec:
                out.append(f"X1 at {prev.dec} but next begins {nxt.decom}")
            if nxt.rne == "S":
                out.append(f"RNE S after X1 at {nxt.decom}")
            if (nxt.rne in {"P", "B", "T", "U"}) != (prev.reason_place_change != ""):
                out.append(f"reason for placement change wrong before {nxt.decom}")
            out += _rne_matches(prev, nxt)
        elif nxt.rne != "S":
            out.append(f"a new period at {nxt.decom} does not start with RNE S")
    if eps[-1].rec == "X1":
        out.append("last episode ends X1")
    return out


def _rne_matches(prev: Ep, nxt: Ep) -> list[str]:
    legal, place, carer = prev.ls != nxt.ls, prev.place != nxt.place, prev.pl_post != nxt.pl_post
    expected = {
        "L": legal and not place and not carer,
        "P": not legal,
        "T": not legal and place and not carer,
        "U": legal and place and not carer,
        "B": legal,
    }
    return [] if expected.get(nxt.rne, False) else [f"RNE {nxt.rne} at {nxt.decom} does not match the change"]
