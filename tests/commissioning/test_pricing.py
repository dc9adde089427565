"""A placement's weekly cost from its contract: price by type and start date, override, no contract."""

from __future__ import annotations

from decimal import Decimal

from divert.commissioning.models import Contract, ContractPrice
from divert.commissioning.pricing import Source, contract_in_force, cost_for
from divert.core.models import UnitCost
from tests.commissioning.conftest import IFA, D, agency, framework, placement
from tests.conftest import World


def test_a_placement_takes_its_contracts_price_on_the_day_it_started(world: World) -> None:
    harbour = agency(world)
    contract = framework(harbour)
    # Started 1 March 2025, before the rise on 1 April 2025: the £850 price.
    before_rise = placement(world.child_north, harbour, D(2025, 3, 1))
    assert cost_for(before_rise) == (Decimal("850"), Source.CONTRACT, contract)
    # Started on the day of the rise: £900 (a price applies from its date, that day included).
    on_rise = placement(world.child_south, harbour, D(2025, 4, 1))
    assert cost_for(on_rise).weekly == Decimal("900")


def test_the_price_is_for_the_placements_type(world: World) -> None:
    harbour = agency(world)
    contract = framework(harbour)
    ContractPrice.objects.create(
        contract=contract,
        placement="Residential: independent",
        weekly_price=Decimal("4100"),
        from_date=D(2024, 4, 1),
    )
    home = placement(world.child_north, harbour, D(2025, 5, 1), place="K2")
    assert cost_for(home).weekly == Decimal("4100")


def test_a_provider_and_placement_code_are_priced_for_a_placement_being_planned(world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    assert cost_for(harbour, "U6", D(2025, 1, 10)).weekly == Decimal("850")
    assert cost_for(harbour, "U6", D(2025, 6, 10)).weekly == Decimal("900")


def test_an_override_with_a_reason_keeps_its_cost(world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    e = placement(
        world.child_north,
        harbour,
        D(2025, 5, 1),
        weekly_cost=Decimal("1250"),
        cost_override_reason="2:1 staffing",
    )
    assert cost_for(e)[:2] == (Decimal("1250"), Source.OVERRIDE)


def test_a_placement_linked_to_a_contract_uses_it_over_the_one_in_force(world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    spot = Contract.objects.create(provider=harbour, reference="SPOT-1", kind="spot", start=D(2020, 1, 1))
    ContractPrice.objects.create(
        contract=spot, placement=IFA, weekly_price=Decimal("990"), from_date=D(2020, 1, 1)
    )
    e = placement(world.child_north, harbour, D(2025, 5, 1), contract=spot)
    assert cost_for(e) == (Decimal("990"), Source.CONTRACT, spot)


def test_no_contract_keeps_the_recorded_cost_or_takes_the_reference_cost(world: World) -> None:
    harbour = agency(world)
    recorded = placement(world.child_north, harbour, D(2025, 5, 1), weekly_cost=Decimal("820"))
    assert cost_for(recorded)[:2] == (Decimal("820"), Source.RECORDED)
    UnitCost.objects.create(placement_type="ifa", year=2026, weekly_cost=Decimal("835"))
    nothing = placement(world.child_south, harbour, D(2025, 5, 1), weekly_cost=Decimal("0"))
    # 1 May 2025 is in the financial year ending 2026: the reference IFA cost for 2026.
    assert cost_for(nothing)[:2] == (Decimal("835"), Source.REFERENCE)


def test_a_contract_without_a_price_for_the_type_keeps_the_recorded_cost(world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    e = placement(world.child_north, harbour, D(2025, 5, 1), place="K3", weekly_cost=Decimal("1100"))
    assert cost_for(e)[:2] == (Decimal("1100"), Source.RECORDED)


def test_a_placement_before_the_contract_started_is_not_priced_by_it(world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    e = placement(world.child_north, harbour, D(2024, 3, 31))
    assert contract_in_force(harbour, D(2024, 3, 31)) is None
    assert cost_for(e).source == Source.RECORDED


def test_an_ended_contract_no_longer_prices(world: World) -> None:
    harbour = agency(world)
    framework(harbour, end=D(2025, 3, 31))
    assert contract_in_force(harbour, D(2025, 3, 31)) is not None
    assert contract_in_force(harbour, D(2025, 4, 1)) is None
