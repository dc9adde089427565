"""Builders for the people pages' tests: a child's care history, plans, and a full caseload.

Records are made straight through the ORM: these tests are about what the pages show and
who may see it, not about the actions that record care (those have their own tests).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from divert.care.models import Episode, Provider
from divert.core.models import User
from divert.people.models import Allocation, Child, Professional
from tests.conftest import World, make_child

# Every page test runs as if today were this day, so ages and "months open" are fixed.
TODAY = dt.date(2025, 6, 16)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the people pages, access and actions alike."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def provider(world: World, name: str = "Harbour Homes Ltd", code: str = "PR4") -> Provider:
    kind = Provider.Kind.CHILDRENS_HOME if code == "PR4" else Provider.Kind.IN_HOUSE_FOSTERING
    return Provider.objects.create(authority=world.authority, name=name, kind=kind, place_provider=code)


def episode(child: Child, decom: dt.date, **fields: object) -> Episode:
    values: dict[str, object] = {"rne": "S", "ls": "C2", "cin": "N1", "place": "U4", "place_provider": "PR1"}
    values.update(fields)
    return Episode.objects.create(child=child, decom=decom, **values)


def caseload(world: World, count: int, *, first_name: str = "Casey") -> list[Child]:
    """``count`` children allocated to Alice in the North team, each in care and on a plan."""
    from divert.cases.models import ChildProtectionPlan

    worker = Professional.objects.get(user=world.users["alice"])
    children = []
    for n in range(count):
        child = make_child(world.authority, f"C{n:04d}", first_name, f"Number{n:03d}", dt.date(2010, 1, 1))
        Allocation.objects.create(child=child, worker=worker, team=world.north, start=dt.date(2024, 1, 1))
        episode(child, dt.date(2024, 2, 1), weekly_cost=Decimal("900.00"))
        ChildProtectionPlan.objects.create(child=child, start=dt.date(2024, 3, 1), category="NEG")
        children.append(child)
    return children


def without_csrf(body: bytes) -> str:
    """A page's HTML with its per-response CSRF tokens blanked, to compare two responses."""
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', body.decode()
    )
