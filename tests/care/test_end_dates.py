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
from divert.core.concurrency import versioned
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


# --- Setting the planned end date ----------------------------------------------------------------


def _date(day: dt.date) -> dict[str, str]:
    return {
        "planned_end-day": str(day.day),
        "planned_end-month": str(day.month),
        "planned_end-year": str(day.year),
    }


def test_alice_sets_a_missing_end_date_from_the_list_and_goes_back_to_it(
    client: Client, world: World
) -> None:
    episode = _placed(world.child_north)
    client.force_login(world.users["alice"])
    listing = client.get(reverse("care:end_dates")).content.decode()
    link = reverse("care:planned_end", args=[episode.pk]) + "?from=end-dates"
    assert link in listing
    end = timezone.localdate() + dt.timedelta(days=120)
    response = client.post(link, _date(end) | versioned(episode))
    assert response.status_code == 302 and response["Location"] == reverse("care:end_dates")
    episode.refresh_from_db()
    assert episode.planned_end == end
    change = AuditEvent.objects.get(action="update", object_type="care.episode")
    assert change.after == {"planned_end": end.isoformat()}


def test_an_end_before_the_episode_began_is_refused_beside_the_date(client: Client, world: World) -> None:
    episode = _placed(world.child_north, since=100)
    client.force_login(world.users["alice"])
    url = reverse("care:planned_end", args=[episode.pk])
    early = _date(timezone.localdate() - dt.timedelta(days=101)) | versioned(episode)
    page = client.post(url, early).content.decode()
    assert "The planned end cannot be before the episode began on" in page
    assert 'class="govuk-error-summary"' in page
    assert (
        "Planned end date must include a month"
        in client.post(url, {"planned_end-day": "3", "planned_end-year": "2027"}).content.decode()
    )
    episode.refresh_from_db()
    assert episode.planned_end is None


def test_who_sees_and_uses_the_end_date_form(client: Client, world: World) -> None:
    episode = _placed(world.child_north)
    url = reverse("care:planned_end", args=[episode.pk])
    # Ana (analyst) reads the list but may not change the record: no link, and a 403.
    client.force_login(world.users["ana"])
    assert url not in client.get(reverse("care:end_dates")).content.decode()
    assert client.get(url).status_code == 403
    # Sam (South) may not see Ava: the same 404 as a missing placement.
    client.force_login(world.users["sam"])
    assert client.get(url).status_code == 404
