"""Unusual-access alerts: the detector, the mail to managers, the alerts page and acknowledging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from divert.core import audit
from divert.core.models import AuditEvent, User
from divert.core.roles import Role
from divert.oversight import notify
from divert.oversight.actions import acknowledge_alert
from divert.oversight.queries import alerts_for, open_alert_count
from divert.privacy.alerts import raise_alert
from divert.privacy.models import AccessAlert
from tests.conftest import NothingWritten, World, make_child, make_user
from tests.oversight.conftest import alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_threshold(settings: Any) -> None:
    """More than 2 children within 10 minutes is unusual (40 in production)."""
    settings.DIVERT = {**settings.DIVERT, "UNUSUAL_ACCESS_RECORDS": 2, "UNUSUAL_ACCESS_MINUTES": 10}


@pytest.fixture
def with_emails(world: World) -> User:
    """Managers with email addresses, and the South team's manager, who must not hear about North."""
    for who in ("tom", "hos", "alice", "sam"):
        world.users[who].email = f"{who}@plymptown.example"
        world.users[who].save()
    sue = make_user("sue", Role.TEAM_MANAGER, world.authority, world.south)
    sue.email = "sue@plymptown.example"
    sue.save()
    return sue


def _children(world: World, n: int) -> list[Any]:
    import datetime as dt

    return [
        make_child(world.authority, f"X{i:04d}", f"Xena{i}", "Crowd", dt.date(2013, 1, 1)) for i in range(n)
    ]


def test_the_detector_raises_one_alert_when_the_threshold_is_crossed(
    world: World, low_threshold: None
) -> None:
    mo = world.users["mo"]
    first, second, third, fourth = _children(world, 4)
    audit.record_view(mo, first)
    audit.record_view(mo, second)
    audit.record_view(mo, first)  # the same child again is not another record
    assert not AccessAlert.objects.exists()
    audit.record_view(mo, third)
    audit.record_view(mo, fourth)
    found = AccessAlert.objects.get()
    assert (found.user, found.kind, found.authority) == (mo, AccessAlert.Kind.MANY_RECORDS, world.authority)
    assert "Viewed 3 children's records within 10 minutes" in found.detail


def test_no_alert_below_the_threshold(world: World, low_threshold: None) -> None:
    for child in _children(world, 2):
        audit.record_view(world.users["mo"], child)
    assert not AccessAlert.objects.exists()


def test_managers_are_mailed_the_alert_without_the_childs_name(
    world: World, with_emails: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        raise_alert(AccessAlert.Kind.BREAK_GLASS, world.users["alice"], "Duty cover", child=world.child_north)
    assert sorted(m.to[0] for m in mail.outbox) == ["hos@plymptown.example", "tom@plymptown.example"]
    message = mail.outbox[0]
    assert "Alice Tester" in message.subject and "break glass" in message.subject
    assert "Child ID: N0001" in message.body and "/audit/alerts/" in message.body
    text = f"{message.subject}\n{message.body}"
    assert "Ava" not in text and "Northam" not in text


def test_a_failing_mail_server_does_not_raise(
    world: World, with_emails: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notify, "get_connection", broken)
    notify.notify_managers(alert(world.users["alice"]))
    assert "Could not email managers" in caplog.text


def test_the_head_of_service_sees_every_alert_and_a_manager_only_their_teams(world: World) -> None:
    about_alice, about_sam = alert(world.users["alice"]), alert(world.users["sam"])
    assert set(alerts_for(world.users["hos"])) == {about_alice, about_sam}
    assert list(alerts_for(world.users["tom"])) == [about_alice]
    assert not alerts_for(world.users["alice"]).exists()
    assert open_alert_count(world.users["tom"]) == 1 and open_alert_count(world.users["mo"]) == 0


def test_open_alerts_come_before_acknowledged_ones(world: World) -> None:
    older = alert(world.users["alice"])
    acknowledged = alert(world.users["sam"])
    acknowledge_alert(world.users["hos"], acknowledged, "Checked: duty rota")
    assert list(alerts_for(world.users["hos"])) == [older, acknowledged]
    client = Client()
    client.force_login(world.users["hos"])
    html = client.get(reverse("oversight:alerts")).content.decode()
    assert "Checked: duty rota" in html and "by Hos Tester" in html


def test_acknowledging_records_who_when_and_the_outcome_and_is_audited(world: World) -> None:
    found = alert(world.users["alice"])
    client = Client()
    client.force_login(world.users["tom"])
    url = reverse("oversight:acknowledge", args=[found.pk])
    response = client.post(url, {"outcome": "Alice was covering duty; no action"})
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.acknowledged_by, found.outcome) == (
        world.users["tom"],
        "Alice was covering duty; no action",
    )
    assert found.acknowledged_at is not None
    event = AuditEvent.objects.get(object_type="privacy.accessalert")
    assert (event.actor, event.action) == (world.users["tom"], AuditEvent.Action.UPDATE)


def test_acknowledging_needs_an_outcome_and_a_refusal_writes_nothing(
    world: World, nothing_written: NothingWritten
) -> None:
    found = alert(world.users["alice"])
    with nothing_written(AccessAlert), pytest.raises(ValidationError):
        acknowledge_alert(world.users["tom"], found, "   ")
    client = Client()
    client.force_login(world.users["tom"])
    with nothing_written(AccessAlert):
        response = client.post(reverse("oversight:acknowledge", args=[found.pk]), {"outcome": ""})
    assert "Enter what you found and what was done" in response.content.decode()
    found.refresh_from_db()
    assert found.acknowledged_at is None


def test_nobody_acknowledges_an_alert_about_themselves_or_twice(
    world: World, nothing_written: NothingWritten
) -> None:
    about_tom = alert(world.users["tom"])
    with nothing_written(AccessAlert), pytest.raises(ValidationError):
        acknowledge_alert(world.users["tom"], about_tom, "It was me, fine")
    acknowledge_alert(world.users["hos"], about_tom, "Checked")
    with nothing_written(AccessAlert), pytest.raises(ValidationError):
        acknowledge_alert(world.users["hos"], about_tom, "Checked again")


def test_a_manager_cannot_acknowledge_another_teams_alert(world: World) -> None:
    found = alert(world.users["sam"])
    client = Client()
    client.force_login(world.users["tom"])
    response = client.post(reverse("oversight:acknowledge", args=[found.pk]), {"outcome": "Nothing"})
    assert response.status_code == 404
    found.refresh_from_db()
    assert found.acknowledged_at is None
