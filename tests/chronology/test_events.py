"""Significant events added by hand: added, corrected and removed with a reason, each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from divert.chronology import actions
from divert.chronology.models import SignificantEvent
from divert.chronology.queries import Filters, chronology
from divert.core.concurrency import versioned
from divert.core.models import AuditEvent
from tests.conftest import PASSWORD, NothingWritten, World

pytestmark = pytest.mark.django_db


def _client(who: str) -> Client:
    client = Client()
    assert client.login(username=who, password=PASSWORD)
    return client


def _event(world: World) -> SignificantEvent:
    return actions.add_significant_event(
        world.users["alice"],
        child=world.child_north,
        date=dt.date(2024, 5, 5),
        title="Excluded from school for two days",
        detail="After a fight at lunchtime.",
        category=SignificantEvent.Category.EDUCATION,
    )


def test_adding_an_event_writes_it_and_its_audit_row_together(world: World) -> None:
    event = _event(world)
    assert event.recorded_by == world.users["alice"]
    row = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(event.pk))
    assert row.child_id == world.child_north.pk
    entries = chronology(
        world.users["alice"], world.child_north, Filters(kinds=frozenset({"significant"}))
    ).entries
    assert [(e.date, e.title) for e in entries] == [
        (dt.date(2024, 5, 5), "Excluded from school for two days")
    ]


def test_an_event_before_the_child_was_born_or_in_the_future_is_refused(
    world: World, nothing_written: NothingWritten
) -> None:
    for day, message in (
        (dt.date(2012, 5, 16), "The date cannot be before Ava was born"),
        (dt.date.today() + dt.timedelta(days=1), "The date cannot be in the future"),
    ):
        with nothing_written(SignificantEvent), pytest.raises(ValidationError) as refused:
            actions.add_significant_event(None, child=world.child_north, date=day, title="Something")
        assert refused.value.message_dict == {"date": [message]}


def test_a_correction_needs_a_reason_and_keeps_the_old_words_in_the_audit(
    world: World, nothing_written: NothingWritten
) -> None:
    event = _event(world)
    with nothing_written(), pytest.raises(ValidationError) as refused:
        actions.correct_significant_event(
            None, event=event, date=event.date, title="New", detail="", category="", reason=" "
        )
    assert refused.value.message_dict == {"reason": ["Enter why you are correcting this event"]}
    actions.correct_significant_event(
        world.users["tom"],
        event=event,
        date=dt.date(2024, 5, 6),
        title="Excluded from school for three days",
        detail="After a fight at lunchtime.",
        category=SignificantEvent.Category.EDUCATION,
        reason="The school's letter gives the 6th",
    )
    row = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(event.pk)).get()
    assert row.note == "Corrected: The school's letter gives the 6th"
    assert row.before == {"date": "2024-05-05", "title": "Excluded from school for two days"}
    assert row.actor == world.users["tom"]


def test_a_removed_event_leaves_the_chronology_but_keeps_its_row_and_reason(world: World) -> None:
    event = _event(world)
    actions.remove_significant_event(world.users["alice"], event=event, reason="Recorded on the wrong child")
    event.refresh_from_db()
    assert event.is_removed and event.removed_by == world.users["alice"]
    row = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(event.pk)).get()
    assert row.note == "Removed: Recorded on the wrong child"
    assert (
        chronology(world.users["alice"], world.child_north, Filters(kinds=frozenset({"significant"}))).entries
        == []
    )
    with pytest.raises(ValidationError):
        actions.remove_significant_event(world.users["alice"], event=event, reason="Twice")


def test_a_social_worker_adds_an_event_through_the_form(world: World) -> None:
    url = reverse("chronology:add_event", args=[world.child_north.pk])
    alice = _client("alice")
    assert alice.get(url).status_code == 200
    response = alice.post(
        url,
        {
            "date-day": "5",
            "date-month": "5",
            "date-year": "2024",
            "title": "Bereavement: death of a grandparent",
            "detail": "",
            "category": "family",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("chronology:child", args=[world.child_north.pk])
    assert SignificantEvent.objects.get().title == "Bereavement: death of a grandparent"


def test_the_form_shows_what_is_missing_beside_each_field(world: World) -> None:
    url = reverse("chronology:add_event", args=[world.child_north.pk])
    html = _client("alice").post(url, {"title": ""}).content.decode()
    assert "Enter the date of the event" in html
    assert "Enter what happened, in a line" in html
    assert not SignificantEvent.objects.exists()


def test_correcting_and_removing_through_the_pages(world: World) -> None:
    event = _event(world)
    tom = _client("tom")
    response = tom.post(
        reverse("chronology:correct_event", args=[event.pk]),
        {
            "date-day": "5",
            "date-month": "5",
            "date-year": "2024",
            "title": "Excluded for two days",
            "detail": "",
            "category": "",
            "reason": "Shorter title",
        }
        | versioned(event),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Excluded for two days"
    html = tom.post(reverse("chronology:remove_event", args=[event.pk]), {"reason": ""}).content.decode()
    assert "Enter why you are removing this event" in html
    response = tom.post(reverse("chronology:remove_event", args=[event.pk]), {"reason": "Duplicate"})
    assert response.status_code == 302
    page = tom.get(reverse("chronology:event", args=[event.pk])).content.decode()
    assert "Removed from the chronology on" in page and "Duplicate" in page
    assert "Correct this event" not in page


def test_the_head_of_service_reads_events_but_does_not_add_them(world: World) -> None:
    event = _event(world)
    hos = _client("hos")
    assert hos.get(reverse("chronology:event", args=[event.pk])).status_code == 200
    assert hos.get(reverse("chronology:add_event", args=[world.child_north.pk])).status_code == 403
    page = hos.get(reverse("chronology:child", args=[world.child_north.pk])).content.decode()
    assert "Add a significant event" not in page
