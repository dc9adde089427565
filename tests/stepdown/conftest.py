"""Placements for the placement review tests: the world's children in care at fixed weekly costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from divert.care.models import Episode, Provider
from divert.core.models import Authority, UnitCost
from divert.people.models import Child

#: "Today" in these tests: a Wednesday in the financial year ending 31 March 2026.
TODAY = dt.date(2025, 11, 12)


def provider(authority: Authority, name: str, kind: str = "ifa", place_provider: str = "PR4") -> Provider:
    found, _ = Provider.objects.get_or_create(
        authority=authority, name=name, defaults={"kind": kind, "place_provider": place_provider}
    )
    return found


def place(
    child: Child,
    decom: dt.date,
    place: str,
    cost: str,
    *,
    place_provider: str = "PR4",
    rne: str = "S",
    dec: dt.date | None = None,
    rec: str = "",
    ls: str = "C2",
) -> Episode:
    """One episode for ``child`` (an independent fostering agency unless the provider says otherwise)."""
    kind = "ifa" if place.startswith("U") else "childrens_home" if place in {"K2", "R1"} else "other"
    who = (
        provider(child.authority, f"Agency {kind}", kind, place_provider)
        if place_provider in {"PR4", "PR5"}
        else None
    )
    return Episode.objects.create(
        child=child,
        decom=decom,
        rne=rne,
        ls=ls,
        cin="N1",
        place=place,
        place_provider=place_provider,
        provider=who,
        weekly_cost=Decimal(cost),
        dec=dec,
        rec=rec,
    )


def unit_costs() -> None:
    """Weekly reference costs for 2025/26: in-house foster £650, kinship £300, supported £1,200."""
    for kind, cost in (("in_house_foster", "650"), ("kinship", "300"), ("supported", "1200")):
        UnitCost.objects.create(placement_type=kind, year=2026, weekly_cost=Decimal(cost))
