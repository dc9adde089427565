"""Contracts, prices and placement costs are written by actions: audited, and refused with field errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from divert.care.models import Episode
from divert.commissioning import actions
from divert.commissioning.models import Contract, ContractPrice
from divert.commissioning.pricing import Source
from divert.core.models import AuditEvent
from tests.commissioning.conftest import IFA, D, agency, framework, placement
from tests.conftest import NothingWritten, World


def _fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def test_a_contract_is_recorded_and_audited(world: World) -> None:
    made = actions.create_contract(
        world.users["fin"],
        provider=agency(world),
        reference=" CV-7 ",
        kind="cost_and_volume",
        start=D(2025, 4, 1),
        committed_places=4,
    )
    assert (made.reference, made.committed_places, made.created_by) == ("CV-7", 4, world.users["fin"])
    assert AuditEvent.objects.filter(action="create", object_type="commissioning.contract").count() == 1


def test_a_contract_is_refused_with_each_problem_beside_its_field(
    world: World, nothing_written: NothingWritten
) -> None:
    harbour = agency(world)
    framework(harbour)
    with nothing_written(Contract), pytest.raises(ValidationError) as error:
        actions.create_contract(
            world.users["fin"],
            provider=harbour,
            reference="FW-1",
            kind="cost_and_volume",
            start=D(2025, 4, 1),
            end=D(2025, 3, 1),
        )
    assert _fields(error) == {"reference", "end", "committed_places"}


def test_only_cost_and_volume_commits_places(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_contract(
            world.users["fin"],
            provider=agency(world),
            reference="S1",
            kind="spot",
            start=D(2025, 4, 1),
            committed_places=2,
        )
    assert _fields(error) == {"committed_places"}


def test_a_contract_is_changed_with_its_before_and_after_audited(world: World) -> None:
    contract = framework(agency(world))
    actions.update_contract(
        world.users["fin"],
        contract,
        reference="FW-1",
        kind="framework",
        start=D(2024, 4, 1),
        end=D(2027, 3, 31),
    )
    event = AuditEvent.objects.get(action="update", object_type="commissioning.contract")
    assert event.after == {"end": "2027-03-31"}


def test_a_price_must_fall_within_the_contract_and_not_repeat(
    world: World, nothing_written: NothingWritten
) -> None:
    contract = framework(agency(world))
    with nothing_written(ContractPrice), pytest.raises(ValidationError) as error:
        actions.add_price(
            world.users["fin"],
            contract=contract,
            placement=IFA,
            weekly_price=Decimal("900"),
            from_date=D(2025, 4, 1),
        )
    assert error.value.message_dict == {
        "from_date": ["This contract already has a price for that type from that date"]
    }
    with pytest.raises(ValidationError) as error:
        actions.add_price(
            world.users["fin"],
            contract=contract,
            placement="Nope",
            weekly_price=Decimal("-1"),
            from_date=D(2020, 1, 1),
        )
    assert _fields(error) == {"placement", "weekly_price", "from_date"}


def test_overriding_a_cost_needs_a_reason(world: World, nothing_written: NothingWritten) -> None:
    harbour = agency(world)
    framework(harbour)
    e = placement(world.child_north, harbour, D(2025, 5, 1))
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.override_cost(world.users["fin"], e, weekly_cost=Decimal("1300"), reason="  ")
    assert error.value.message_dict == {"reason": ["Say why this placement's cost differs from the contract"]}
    e.refresh_from_db()
    assert e.weekly_cost == Decimal("820")


def test_an_override_is_kept_audited_and_survives_repricing(world: World) -> None:
    harbour = agency(world)
    contract = framework(harbour)
    e = placement(world.child_north, harbour, D(2025, 5, 1))
    actions.override_cost(
        world.users["fin"], e, weekly_cost=Decimal("1300"), reason="Solo placement agreed at panel"
    )
    e.refresh_from_db()
    assert (e.weekly_cost, e.contract, e.cost_override_reason) == (
        Decimal("1300"),
        contract,
        "Solo placement agreed at panel",
    )
    event = AuditEvent.objects.get(action="update", object_type="care.episode")
    assert event.child_id == world.child_north.pk
    assert event.after == {
        "weekly_cost": "1300",
        "contract_id": contract.pk,
        "cost_override_reason": "Solo placement agreed at panel",
    }
    assert actions.reprice_placement(world.users["fin"], e).source == Source.OVERRIDE
    e.refresh_from_db()
    assert e.weekly_cost == Decimal("1300")


def test_clearing_an_override_prices_from_the_contract_again(world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    e = placement(
        world.child_north, harbour, D(2025, 5, 1), weekly_cost=Decimal("1300"), cost_override_reason="x"
    )
    cost = actions.clear_override(world.users["fin"], e)
    e.refresh_from_db()
    assert (cost.weekly, e.weekly_cost, e.cost_override_reason) == (Decimal("900"), Decimal("900"), "")


def test_repricing_sets_open_placements_from_their_contracts_and_leaves_others(world: World) -> None:
    harbour = agency(world)
    contract = framework(harbour)
    today = D(2025, 9, 1)
    open_one = placement(world.child_north, harbour, D(2025, 5, 1))  # £820 -> £900
    ended = placement(world.child_south, harbour, D(2025, 4, 2), dec=D(2025, 8, 1))  # ended: kept at £820
    overridden = placement(
        world.child_south, harbour, D(2025, 8, 2), weekly_cost=Decimal("1500"), cost_override_reason="2:1"
    )
    changed = actions.reprice_open_placements(
        world.users["fin"], authority_id=world.authority.pk, today=today
    )
    assert changed == 1
    costs = dict(Episode.objects.values_list("pk", "weekly_cost"))
    assert costs == {open_one.pk: Decimal("900"), ended.pk: Decimal("820"), overridden.pk: Decimal("1500")}
    assert Episode.objects.get(pk=open_one.pk).contract == contract
    assert AuditEvent.objects.filter(action="update", object_type="care.episode").count() == 1
    # Running it again changes nothing and writes no audit row.
    assert (
        actions.reprice_open_placements(world.users["fin"], authority_id=world.authority.pk, today=today) == 0
    )
