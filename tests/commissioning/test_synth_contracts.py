"""The demo authority's contracts: every independent provider priced, current placements matching."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from divert.care.models import Episode, Provider
from divert.commissioning.models import Contract, ContractPrice
from divert.commissioning.pricing import Source, cost_for
from divert.synth import commissioning_history
from divert.synth.timeline import Window
from tests.commissioning.conftest import D, agency, placement
from tests.conftest import World, make_child

WINDOW = Window(start=D(2016, 4, 1), end=D(2026, 3, 31), today=D(2026, 11, 24))


def test_independent_providers_get_contracts_and_current_placements_their_prices(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commissioning_history, "OVERRIDE_SHARE", 0.0)  # only the costly one is overridden
    ifa = agency(world, "Harbour Fostering", postcode="PL4 9ZZ")
    home = agency(world, "Hill House", kind="childrens_home", place_provider="PR4")
    agency(world, "Own Fostering", kind="in_house_fostering", place_provider="PR1", ofsted_urn="")
    kids = [make_child(world.authority, f"K{i}", "Kid", f"No{i}", D(2012, 1, 1)) for i in range(4)]
    # Harbour's current placements cost £800, £840 and £2,000: the median £840 is the price from
    # 1 April 2026, and 840 / 1.04 = 807.69 -> £810 (nearest £5) before it.
    a = placement(kids[0], ifa, D(2026, 5, 1), weekly_cost=Decimal("800"))
    b = placement(kids[1], ifa, D(2025, 6, 1), weekly_cost=Decimal("840"))
    costly = placement(kids[2], ifa, D(2026, 6, 1), weekly_cost=Decimal("2000"))  # over 1.5 x £840
    ended = placement(kids[3], ifa, D(2020, 6, 1), dec=D(2021, 6, 1), weekly_cost=Decimal("700"))
    placement(world.child_north, home, D(2026, 2, 1), place="K2", weekly_cost=Decimal("4100"))

    commissioning_history.add_contracts(world.authority, WINDOW, random.Random(1))

    kinds = dict(Contract.objects.values_list("provider__name", "kind"))
    assert kinds == {"Harbour Fostering": "framework", "Hill House": "cost_and_volume"}
    assert Contract.objects.get(provider=home).committed_places == 2  # one placed now, plus one
    prices = set(
        ContractPrice.objects.filter(contract__provider=ifa).values_list("from_date", "weekly_price")
    )
    assert prices == {(D(2026, 4, 1), Decimal("840")), (D(2016, 4, 1), Decimal("810"))}
    got = {e.pk: (e.weekly_cost, e.cost_override_reason != "") for e in Episode.objects.all()}
    assert got[a.pk] == (Decimal("840"), False)
    assert got[b.pk] == (Decimal("810"), False)  # started before the April 2026 price
    assert got[costly.pk] == (Decimal("2000"), True)
    assert got[ended.pk] == (Decimal("700"), False)  # history keeps its cost, linked to the contract
    assert Episode.objects.get(pk=ended.pk).contract is not None
    for e in Episode.objects.filter(provider=ifa, dec__isnull=True):
        assert cost_for(e).source in {Source.CONTRACT, Source.OVERRIDE}
    assert set(Provider.objects.values_list("location", flat=True)) <= {
        "in_authority",
        "within_20_miles",
        "further",
    }
