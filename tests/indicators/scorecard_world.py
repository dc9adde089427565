"""The shared test world with children in care, for the scorecard pages' tests.

As at 31 March 2025: Ava (North) has been in care since 10 January 2025 and Sid (South) since
5 March 2025. So 2 children are in care, 1 entered care in March (Sid), none in February,
1 in January (Ava); the North team has 1 child in care (Ava), the South team 1 (Sid).
"""

from __future__ import annotations

import datetime as dt

from divert.care.models import Episode
from divert.people.models import Allocation, Child, Professional, Team
from tests.conftest import World, make_child

AS_AT = dt.date(2025, 3, 31)


def in_care(child: Child, decom: dt.date, place: str = "U4") -> Episode:
    return Episode.objects.create(child=child, decom=decom, rne="S", ls="C2", cin="N1", place=place)


def put_world_in_care(world: World) -> None:
    in_care(world.child_north, dt.date(2025, 1, 10))
    in_care(world.child_south, dt.date(2025, 3, 5), place="U1")


def more_north_children_in_care(world: World, count: int) -> list[Child]:
    """``count`` more children in care in March 2025, allocated to Alice in the North team."""
    worker = Professional.objects.get(user=world.users["alice"])
    made = []
    for i in range(count):
        child = make_child(world.authority, f"N1{i:03d}", f"Nell{i}", "Norbury", dt.date(2016, 1, 1 + i))
        Allocation.objects.create(child=child, worker=worker, team=world.north, start=dt.date(2024, 1, 1))
        in_care(child, dt.date(2025, 3, 1 + i))
        made.append(child)
    return made


def team(world: World, name: str) -> Team:
    return Team.objects.create(authority=world.authority, name=name, kind=Team.Kind.CHILDREN_IN_CARE)
