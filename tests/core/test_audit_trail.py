"""The audit trail: every change recorded with who, the request and before/after, and never rewritten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from divert.core import audit
from divert.core.actions import audited_create, audited_delete, audited_update
from divert.core.models import AuditEvent
from divert.people.models import Child, FamilyMember


@pytest.fixture
def request_id():
    token = audit.request_id_var.set("4a7c1d2e-0000-4000-8000-000000000001")
    path_token = audit.request_path_var.set("/children/1/edit/")
    yield "4a7c1d2e-0000-4000-8000-000000000001"
    audit.request_id_var.reset(token)
    audit.request_path_var.reset(path_token)


@pytest.fixture
def event(world):
    return audit.record(world.users["alice"], AuditEvent.Action.VIEW, world.child_north)


def test_a_change_is_audited_with_before_after_and_the_request_id(world, request_id):
    ava = world.child_north
    audited_update(world.users["alice"], ava, {"home_postcode": "PL5 1BB", "first_name": "Ava"})

    event = AuditEvent.objects.get(action="update")
    assert (event.actor, event.actor_label) == (world.users["alice"], "alice")
    assert (event.object_type, event.object_id, event.child_id) == ("people.child", str(ava.pk), ava.pk)
    assert event.request_id == request_id and event.path == "/children/1/edit/"
    # only what changed (the auto "updated" stamp aside) is kept, before and after
    assert event.before["home_postcode"] == "PL4 8AA" and event.after["home_postcode"] == "PL5 1BB"
    assert "first_name" not in event.after


def test_a_change_outside_a_request_has_no_request_id(world):
    audited_update(world.users["alice"], world.child_north, {"home_postcode": "PL5 1BB"})
    assert AuditEvent.objects.get(action="update").request_id == ""


def test_a_creation_is_audited_with_the_whole_record_against_its_child(world):
    member = audited_create(
        world.users["alice"],
        FamilyMember(child=world.child_north, name="Mary Northam", relationship="mother"),
    )
    event = AuditEvent.objects.get(action="create")
    assert event.child_id == world.child_north.pk
    assert event.after["name"] == "Mary Northam" and event.after["id"] == member.pk


def test_a_refused_change_writes_nothing_and_restores_the_object(world):
    ava = world.child_north
    with pytest.raises(ValidationError) as refused:
        audited_update(world.users["alice"], ava, {"sex": "Q"})
    assert list(refused.value.message_dict) == ["sex"]
    assert ava.sex == "F"
    assert Child.objects.get(pk=ava.pk).sex == "F"
    assert not AuditEvent.objects.exists()


def test_a_deletion_keeps_the_deleted_record_in_the_trail(world):
    member = FamilyMember.objects.create(child=world.child_north, name="Mary Northam", relationship="mother")
    audited_delete(world.users["alice"], member)
    event = AuditEvent.objects.get(action="delete")
    assert event.before["name"] == "Mary Northam" and event.child_id == world.child_north.pk


def test_system_work_is_audited_as_the_system(world):
    audit.record(None, AuditEvent.Action.LOAD, note="synthetic authority")
    assert AuditEvent.objects.get().actor_label == "system"


# Append-only, in Python and in the database


def test_saving_an_existing_audit_event_is_refused(event):
    event.note = "tidied"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_deleting_an_audit_event_is_refused(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_an_update_of_the_audit_table_from_raw_sql(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET note = %s WHERE id = %s", ["tidied", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_the_database_refuses_a_delete_from_the_audit_table_from_raw_sql(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_on_audit_events_is_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="tidied")
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_queryset_delete_on_audit_events_is_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_audit_events_can_still_be_appended(event, world):
    audit.record(world.users["tom"], AuditEvent.Action.VIEW, world.child_north)
    assert AuditEvent.objects.count() == 2
    assert AuditEvent.objects.filter(at__date__gte=dt.date(2020, 1, 1)).count() == 2
