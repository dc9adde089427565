"""Records the providers tests share: an agency with a framework contract, and placements with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from divert.care.models import Episode, Provider
from divert.commissioning.models import Contract, ContractPrice
from divert.people.models import Child
from tests.conftest import World

D = dt.date
IFA = "Independent foster care"


def agency(world: World, name: str = "Harbour Fostering", **extra: object) -> Provider:
    fields: dict[str, object] = {
        "authority": world.authority,
        "name": name,
        "kind": Provider.Kind.FOSTERING_AGENCY,
        "place_provider": "PR4",
        "ofsted_urn": "SC123456",
        "location": Provider.Location.WITHIN_20_MILES,
    }
    return Provider.objects.create(**(fields | extra))


def framework(provider: Provider, **extra: object) -> Contract:
    """A framework from 1 April 2024 pricing agency foster care at £850, rising to £900 from 1 April 2025."""
    fields: dict[str, object] = {
        "provider": provider,
        "reference": "FW-1",
        "kind": Contract.Kind.FRAMEWORK,
        "start": D(2024, 4, 1),
    }
    contract = Contract.objects.create(**(fields | extra))
    ContractPrice.objects.create(
        contract=contract, placement=IFA, weekly_price=Decimal("850"), from_date=D(2024, 4, 1)
    )
    ContractPrice.objects.create(
        contract=contract, placement=IFA, weekly_price=Decimal("900"), from_date=D(2025, 4, 1)
    )
    return contract


def placement(
    child: Child, provider: Provider | None, decom: dt.date, *, dec: dt.date | None = None, **extra: object
) -> Episode:
    fields: dict[str, object] = {
        "child": child,
        "decom": decom,
        "rne": "S",
        "ls": "C2",
        "cin": "N1",
        "place": "U4",
        "place_provider": "PR4",
        "provider": provider,
        "weekly_cost": Decimal("820"),
        "dec": dec,
        "rec": "E4A" if dec else "",
    }
    return Episode.objects.create(**(fields | extra))
