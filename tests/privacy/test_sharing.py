"""Sharing a child's record with a partner agency, ending it, and what the partner then sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from divert.care.models import Episode
from divert.cases.models import ChildProtectionPlan
from divert.core.access import can
from divert.people.models import Child, FamilyMember, Share
from divert.privacy import actions
from tests.conftest import NothingWritten, World

TODAY = timezone.localdate


def _share_ava(world: World, start: dt.date | None = None) -> Share:
    return actions.share_child(
        world.users["alice"],
        world.child_north,
        agency="police",
        reason="Missing episode: police return interview",
        start=start or TODAY(),
    )


def test_sharing_shows_the_child_to_the_police_and_ending_it_hides_it_again(
    client: Client, world: World
) -> None:
    ava = world.child_north
    assert not can(world.users["pat"], "view", ava)
    client.force_login(world.users["alice"])
    today = TODAY()
    response = client.post(
        reverse("privacy:sharing", args=[ava.pk]),
        {
            "agency": "police",
            "reason": "Missing episode: police return interview",
            "start-day": today.day,
            "start-month": today.month,
            "start-year": today.year,
        },
    )
    assert response.status_code == 302, response.content.decode()
    share = Share.objects.get(child=ava)
    assert share.shared_by == world.users["alice"] and share.start == today
    assert can(world.users["pat"], "view", ava)

    client.post(reverse("privacy:end_share", args=[share.pk]))
    assert not can(world.users["pat"], "view", ava)


def test_ending_a_share_that_began_before_today_makes_yesterday_its_last_day(world: World) -> None:
    share = _share_ava(world, start=TODAY() - dt.timedelta(days=30))
    actions.end_share(world.users["alice"], share)
    share.refresh_from_db()
    assert share.end == TODAY() - dt.timedelta(days=1)
    assert not can(world.users["pat"], "view", world.child_north)
    with pytest.raises(ValidationError):
        actions.end_share(world.users["alice"], share)


def test_a_restricted_record_cannot_be_shared(
    client: Client, world: World, quinn: Child, nothing_written: NothingWritten
) -> None:
    with nothing_written(Share), pytest.raises(ValidationError) as refused:
        actions.share_child(world.users["tom"], quinn, agency="police", reason="Joint visit", start=TODAY())
    assert "restricted, so it cannot be shared" in str(refused.value)
    client.force_login(world.users["tom"])
    page = client.get(reverse("privacy:sharing", args=[quinn.pk]))
    assert "This record is restricted, so it cannot be shared" in page.content.decode()


def test_who_may_not_share_is_refused_and_nothing_is_written(
    client: Client, world: World, nothing_written: NothingWritten
) -> None:
    for who in ("hos", "ana", "fin", "pat", "sam"):
        with nothing_written(Share), pytest.raises(PermissionDenied):
            actions.share_child(
                world.users[who], world.child_north, agency="health", reason="x", start=TODAY()
            )
    sid_share = Share.objects.get(child=world.child_south)
    client.force_login(world.users["alice"])
    with nothing_written(Share):
        assert client.post(reverse("privacy:end_share", args=[sid_share.pk])).status_code == 404
    client.force_login(world.users["pat"])
    with nothing_written(Share):
        assert client.post(reverse("privacy:end_share", args=[sid_share.pk])).status_code == 403


def test_a_share_needs_a_reason_an_agency_and_an_end_after_its_start(
    world: World, nothing_written: NothingWritten
) -> None:
    with nothing_written(Share), pytest.raises(ValidationError) as refused:
        actions.share_child(
            world.users["alice"],
            world.child_north,
            agency="aliens",
            reason=" ",
            start=TODAY(),
            end=TODAY() - dt.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"agency", "reason", "end"}
    _share_ava(world)
    with nothing_written(Share), pytest.raises(ValidationError):
        _share_ava(world)  # already shared with the police


def _full_record(world: World) -> Child:
    """Sid (shared with the police) with a family, a placement, a plan and an address."""
    sid = world.child_south
    FamilyMember.objects.create(child=sid, name="Morwenna Southey", relationship="mother", postcode="PL1 2AA")
    Episode.objects.create(
        child=sid,
        decom=dt.date(2025, 1, 6),
        rne="S",
        ls="C2",
        cin="N1",
        place="R1",
        place_provider="PR4",
        weekly_cost=Decimal("5200"),
    )
    ChildProtectionPlan.objects.create(child=sid, start=dt.date(2024, 6, 3), category="NEG")
    return sid


def test_a_partner_sees_only_what_a_partner_needs(client: Client, world: World) -> None:
    sid = _full_record(world)
    client.force_login(world.users["pat"])
    response = client.get(reverse("people:child", args=[sid.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    for shown in (
        "Sid Southey",
        "3 Feb 2015",
        "Sam Tester",
        "South children in care",
        "Joint section 47 enquiry",
    ):
        assert shown in text, shown
    for hidden in ("Morwenna", "PL1 2AA", "Placement", "Child protection plan", "Recent history", "£5,200"):
        assert hidden not in text, hidden
    assert reverse("privacy:sharing", args=[sid.pk]) not in text


def test_the_full_record_shows_what_the_partner_does_not_see(client: Client, world: World) -> None:
    """The same words appear for the child's social worker, so their absence above means something."""
    sid = _full_record(world)
    client.force_login(world.users["sam"])
    text = client.get(reverse("people:child", args=[sid.pk])).content.decode()
    for shown in ("Morwenna", "PL1 2AA", "Placement", "Child protection plan", "Recent history"):
        assert shown in text, shown
    assert reverse("privacy:sharing", args=[sid.pk]) in text
