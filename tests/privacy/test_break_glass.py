"""A restricted record hides its child from everyone not named on it; breaking glass opens it
for a while, with a reason that managers see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.people.models import Child
from divert.privacy import actions
from divert.privacy.models import AccessAlert, BreakGlass, NamedAccess
from tests.conftest import NothingWritten, World
from tests.privacy.conftest import QUINN

REASON = "Allocated worker off sick; school called about a concern"


def _signed_in(client: Client, world: World, who: str) -> Client:
    client.force_login(world.users[who])
    return client


def _lists(client: Client) -> str:
    """Every list that could show a North child to alice: search, care, cases, the scorecard's drill-down."""
    pages = [
        reverse("people:search") + "?name=Quinn",
        reverse("people:search") + "?child_id=N0002",
        reverse("care:index"),
        reverse("cases:index"),
        reverse("indicators:members", args=["cla_count"]),
        reverse("core:home"),
    ]
    text = ""
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text += response.content.decode()
    return text


def test_alice_no_longer_sees_a_restricted_child_of_her_team(
    client: Client, world: World, quinn: Child
) -> None:
    _signed_in(client, world, "alice")
    text = _lists(client)
    assert QUINN not in text
    assert "Northam" in text  # Ava, alice's unrestricted child, is on the same lists


def test_the_restricted_child_is_back_on_alices_lists_while_she_holds_a_grant(
    client: Client, world: World, quinn: Child
) -> None:
    actions.break_glass(world.users["alice"], quinn, REASON)
    assert QUINN in _lists(_signed_in(client, world, "alice"))


def test_alice_meets_the_break_glass_page_which_names_no_one(
    client: Client, world: World, quinn: Child
) -> None:
    response = _signed_in(client, world, "alice").get(reverse("people:child", args=[quinn.pk]))
    assert response.status_code == 403
    text = response.content.decode()
    assert "This record is restricted" in text
    assert "Managers will be told" in text
    for detail in (QUINN, "Quinn", "N0002", "Rowan", "PL4 9QQ"):
        assert detail not in text


def test_breaking_glass_opens_the_record_alerts_managers_and_is_audited(
    client: Client, world: World, quinn: Child
) -> None:
    _signed_in(client, world, "alice")
    response = client.post(reverse("privacy:break_glass", args=[quinn.pk]), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:child", args=[quinn.pk])

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert QUINN in page.content.decode()
    assert "You opened this restricted record by breaking glass" in page.content.decode()

    grant = BreakGlass.objects.get(child=quinn, user=world.users["alice"])
    assert grant.reason == REASON
    assert dt.timedelta(minutes=59) < grant.expires - grant.at <= dt.timedelta(minutes=60)
    alert = AccessAlert.objects.get(kind=AccessAlert.Kind.BREAK_GLASS, user=world.users["alice"])
    assert alert.child == quinn and REASON in alert.detail
    notes = list(
        AuditEvent.objects.filter(actor=world.users["alice"], child_id=quinn.pk).values_list(
            "note", flat=True
        )
    )
    assert f"Break glass: {REASON}" in notes
    assert any(note.startswith("Child summary (under break glass until") for note in notes)


def test_a_grant_expires_and_the_child_is_hidden_again(client: Client, world: World, quinn: Child) -> None:
    grant = actions.break_glass(world.users["alice"], quinn, REASON)
    _signed_in(client, world, "alice")
    assert client.get(reverse("people:child", args=[quinn.pk])).status_code == 200
    BreakGlass.objects.filter(pk=grant.pk).update(
        at=timezone.now() - dt.timedelta(hours=2), expires=timezone.now()
    )
    assert client.get(reverse("people:child", args=[quinn.pk])).status_code == 403
    assert QUINN not in _lists(client)


def test_a_short_reason_is_refused_and_writes_nothing(
    client: Client, world: World, quinn: Child, nothing_written: NothingWritten
) -> None:
    _signed_in(client, world, "alice")
    with nothing_written(BreakGlass, AccessAlert):
        response = client.post(reverse("privacy:break_glass", args=[quinn.pk]), {"reason": "checking"})
    assert response.status_code == 403
    assert "in at least 10 characters" in response.content.decode()
    with nothing_written(BreakGlass, AccessAlert), pytest.raises(ValidationError):
        actions.break_glass(world.users["alice"], quinn, "   checking   ")


@pytest.mark.parametrize("who", ["sam", "ana", "fin", "pat", "adam"])
def test_who_cannot_break_glass_gets_the_plain_404_and_writes_nothing(
    client: Client, world: World, quinn: Child, who: str, nothing_written: NothingWritten
) -> None:
    _signed_in(client, world, who)
    missing = Child.objects.order_by("-pk").first().pk + 100  # type: ignore[union-attr]
    with nothing_written(BreakGlass, AccessAlert):
        for url in (
            reverse("people:child", args=[quinn.pk]),
            reverse("privacy:break_glass", args=[quinn.pk]),
        ):
            assert client.get(url).status_code == 404
        response = client.post(reverse("privacy:break_glass", args=[quinn.pk]), {"reason": REASON})
        assert response.status_code == 404
    hidden, absent = (client.get(reverse("people:child", args=[pk])) for pk in (quinn.pk, missing))
    assert hidden.status_code == absent.status_code == 404
    assert QUINN not in hidden.content.decode()
    with nothing_written(BreakGlass, AccessAlert), pytest.raises(PermissionDenied):
        actions.break_glass(world.users[who], quinn, REASON)


def test_the_head_of_service_and_the_mash_may_break_glass(client: Client, world: World, quinn: Child) -> None:
    for who in ("hos", "mo"):
        _signed_in(client, world, who)
        assert client.get(reverse("people:child", args=[quinn.pk])).status_code == 403
        client.post(reverse("privacy:break_glass", args=[quinn.pk]), {"reason": REASON})
        assert client.get(reverse("people:child", args=[quinn.pk])).status_code == 200


def test_a_person_named_from_another_team_sees_the_record(client: Client, world: World, quinn: Child) -> None:
    NamedAccess.objects.create(child=quinn, user=world.users["sam"], added_by=world.users["hos"])
    _signed_in(client, world, "sam")
    response = client.get(reverse("people:child", args=[quinn.pk]))
    assert response.status_code == 200
    assert QUINN in response.content.decode()
    assert "under break glass" not in AuditEvent.objects.filter(actor=world.users["sam"]).latest("pk").note


def test_tom_named_on_the_record_sees_it_without_breaking_glass(
    client: Client, world: World, quinn: Child
) -> None:
    response = _signed_in(client, world, "tom").get(reverse("people:child", args=[quinn.pk]))
    assert response.status_code == 200
    assert "Restricted record" in response.content.decode()
    with pytest.raises(PermissionDenied):
        actions.break_glass(world.users["tom"], quinn, REASON)
