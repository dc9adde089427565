"""Builders for the API's tests: tokens for the world's users, a client that sends one, episodes.

Who has what (on top of ``tests.conftest.build_world``): Ava (North, Alice's) is in foster care
with an in-house carer since 1 March 2025; Sid (South) entered an independent children's home
this month; Eli belongs to another council and is in care there. None of their names, dates of
birth, postcodes or register ids may ever appear in an API response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from divert.api import actions
from divert.api.models import ApiToken, hash_secret, new_secret
from divert.care.models import Episode
from divert.people.models import Child
from tests.conftest import World

API = "/api/v1/"
ENDPOINTS = (
    f"{API}indicators/",
    f"{API}indicators/cla_count/series/",
    f"{API}children-in-care/",
    f"{API}care-movements/",
    f"{API}referrals/monthly/",
    f"{API}schema/",
)
API_USERS = ("ana", "hos", "fin")
OTHER_USERS = ("alice", "tom", "sam", "mo", "pat", "adam")


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """Rate-limit counts live in the cache, which outlives a test's database: start each test at zero."""
    cache.clear()
    yield
    cache.clear()


def token_for(user: Any, *, days: int = 90) -> str:
    """A live token for ``user`` (any role: as if their role changed after it was made)."""
    secret = new_secret()
    ApiToken.objects.create(
        user=user,
        name=f"{user.username}'s report",
        digest=hash_secret(secret),
        prefix=secret[:8],
        expires=timezone.now() + dt.timedelta(days=days),
    )
    return secret


@pytest.fixture
def secret_of(world: World) -> Callable[[str], str]:
    """``secret_of("ana")``: a token made through the action, as the token page makes one."""

    def make(who: str) -> str:
        _, secret = actions.create_token(world.users[who], name="Power BI")
        return secret

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def get(client: Client, path: str, secret: str, **params: Any) -> Any:
    return client.get(path, params, headers=bearer(secret))


def episode(child: Child, decom: dt.date, **extra: Any) -> Episode:
    fields: dict[str, Any] = {
        "rne": "S",
        "ls": "C2",
        "cin": "N1",
        "place": "U4",
        "place_provider": "PR1",
        "weekly_cost": Decimal("450.00"),
        "home_post": "PL4 8AA",
    }
    return Episode.objects.create(child=child, decom=decom, **(fields | extra))


@pytest.fixture
def in_care(world: World) -> World:
    """Ava in in-house foster care since March 2025, Sid in a private children's home since this
    month's first, and Eli in care in the other council."""
    today = timezone.localdate()
    episode(world.child_north, dt.date(2025, 3, 1))
    episode(
        world.child_south,
        today.replace(day=1),
        ls="C1",
        place="K2",
        place_provider="PR4",
        weekly_cost=Decimal("5200.00"),
    )
    episode(world.child_elsewhere, dt.date(2025, 6, 1))
    return world
