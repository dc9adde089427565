"""A restricted North child for the need-to-know tests.

Quinn is in alice's team and allocated to her, but her record was restricted to tom (North's
manager) alone, so alice, whose role reaches every North child, no longer sees her.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from divert.care.models import Episode
from divert.people.models import Allocation, Child, FamilyMember, Professional
from divert.privacy.models import NamedAccess, RestrictedRecord
from tests.conftest import World, make_child

QUINN = "Quietwater"


def restricted_north_child(world: World, child_id: str = "N0002", last: str = QUINN) -> Child:
    """A North child allocated to alice, in care, with a family member, restricted to tom only."""
    child = make_child(world.authority, child_id, "Quinn", last, dt.date(2013, 4, 2), home_postcode="PL4 9QQ")
    worker = Professional.objects.get(user=world.users["alice"])
    Allocation.objects.create(child=child, worker=worker, team=world.north, start=dt.date(2024, 1, 1))
    Episode.objects.create(
        child=child,
        decom=dt.date(2025, 1, 6),
        rne="S",
        ls="C2",
        cin="N1",
        place="R1",
        place_provider="PR4",
        weekly_cost=Decimal("4100"),
    )
    FamilyMember.objects.create(child=child, name="Rowan Quietwater", relationship="mother")
    RestrictedRecord.objects.create(
        child=child,
        category=RestrictedRecord.Category.STAFF_FAMILY,
        reason="Staff family",
        set_by=world.users["hos"],
    )
    NamedAccess.objects.create(child=child, user=world.users["tom"], added_by=world.users["hos"])
    return child


@pytest.fixture
def quinn(world: World) -> Child:
    return restricted_north_child(world)
