"""Placement end dates: every placement has one; those ending soon and the independent sector listed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.conftest import World

from divert.care.models import Episode
from divert.care.queries import end_dates
from divert.core.models import AuditEvent


def _placed(child, *, provider="PR1", cost="500", planned_end=None, ls="C2", ended=None, since=100):
    today = timezone.localdate()
    return Episode.objects.create(
        child=child,
        decom=today - dt.timedelta(days=since),
        rne="S",
        ls=ls,
        cin="N1",
        place="U4" if provider != "PR4" else "K2",
        place_provider=provider,
        weekly_cost=Decimal(cost),
        planned_end=planned_end,
        dec=ended,
        rec="E4A" if ended else "",
    )


def test_the_lists_sort_current_placements_by_end_date_and_sector(world: World) -> None:
    today = timezone.localdate()
    ava = _placed(world.child_north, provider="PR4", cost="4200", planned_end=today + dt.timedelta(days=10))
    sid = _placed(world.child_south, cost="450")
    found = end_dates(world.users["hos"], today)
    assert found.without_end == [sid]
    assert found.ending_soon == [ava]
    assert found.independent == [ava]


def test_ended_placements_short_breaks_and_far_off_ends_are_left_out(world: World) -> None:
    today = timezone.localdate()
    _placed(world.child_north, ended=today - dt.timedelta(days=30), since=100)
    _placed(world.child_south, ls="V3")
    found = end_dates(world.users["hos"], today)
    assert (found.without_end, found.ending_soon, found.independent) == ([], [], [])
    _placed(world.child_north, planned_end=today + dt.timedelta(days=60), since=20)
    assert end_dates(world.users["hos"], today).ending_soon == []


def test_a_social_worker_sees_only_her_teams_placements_and_the_view_is_audited(
    client: Client, world: World
) -> None:
    _placed(world.child_north)
    _placed(world.child_south)
    client.force_login(world.users["alice"])
    page = client.get(reverse("care:end_dates")).content.decode()
    assert "Ava Northam" in page and "Sid Southey" not in page
    assert AuditEvent.objects.filter(actor=world.users["alice"], note="Placement end dates").exists()
