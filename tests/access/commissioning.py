"""Access-matrix rows for Providers, contracts and prices (merged by ``tests/access/rows.py``).

Prices are read by team managers, analysts, the head of service and finance (``may_read_prices``)
and set by finance and commissioning (``may_set_prices``). Social workers, the MASH, partners and
administrators get a 403 on every page. Another council's provider, contract or placement is
the same 404 as a missing one for those who may use the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Model
from django.urls import reverse

from divert.care.models import Episode, Provider
from divert.commissioning.models import Contract
from tests.access import DENIED, HIDDEN, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READERS = (DENIED, OK, DENIED, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
READERS_NOT_THEIRS = (DENIED, HIDDEN, DENIED, DENIED, DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, SIGN_IN)
SETTERS = (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK, DENIED, SIGN_IN)
SETTERS_NOT_THEIRS = (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, HIDDEN, DENIED, SIGN_IN)


def _provider(world: World, whose: str) -> Provider:
    authority = world.authority if whose == "ours" else world.other_authority
    return Provider.objects.create(
        authority=authority, name="Harbour Fostering", kind="ifa", place_provider="PR4", ofsted_urn="SC123456"
    )


def _contract(world: World, whose: str) -> Contract:
    return Contract.objects.create(
        provider=_provider(world, whose), reference="FW-1", kind="framework", start=dt.date(2024, 4, 1)
    )


def _placement(world: World, whose: str) -> Episode:
    child = world.child_north if whose == "ours" else world.child_elsewhere
    return Episode.objects.create(
        child=child,
        decom=dt.date(2025, 5, 1),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR4",
        provider=_provider(world, whose),
        weekly_cost=Decimal("850"),
    )


def _about(name: str, whose: str, make: Callable[[World, str], Model]) -> Page:
    return Page(name, build=lambda world: reverse(name, kwargs={"pk": make(world, whose).pk}), about=whose)


ROWS: dict[Page, tuple[str, ...]] = {
    Page("commissioning:index"): READERS,
    Page("commissioning:spend"): READERS,
    Page("commissioning:spend", path="/providers/spend/?start=01/04/2025&end=30/04/2025"): READERS,
    Page("commissioning:spend_csv"): READERS,
    Page("commissioning:spend_xlsx"): READERS,
    Page("commissioning:reprice"): (NO_GET,) * 9 + (SIGN_IN,),
    _about("commissioning:provider", "ours", _provider): READERS,
    _about("commissioning:provider", "theirs", _provider): READERS_NOT_THEIRS,
    _about("commissioning:contract_new", "ours", _provider): SETTERS,
    _about("commissioning:contract_new", "theirs", _provider): SETTERS_NOT_THEIRS,
    _about("commissioning:contract_edit", "ours", _contract): SETTERS,
    _about("commissioning:contract_edit", "theirs", _contract): SETTERS_NOT_THEIRS,
    _about("commissioning:price_new", "ours", _contract): SETTERS,
    _about("commissioning:price_new", "theirs", _contract): SETTERS_NOT_THEIRS,
    _about("commissioning:placement_cost", "ours", _placement): SETTERS,
    _about("commissioning:placement_cost", "theirs", _placement): SETTERS_NOT_THEIRS,
}
