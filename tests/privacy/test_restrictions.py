"""Restricting a record, naming people on it, and lifting it, by the people who may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from divert.core.access import can
from divert.core.models import AuditEvent
from divert.people.models import Child
from divert.privacy import actions
from divert.privacy.models import BreakGlass, NamedAccess, RestrictedRecord
from tests.conftest import PASSWORD, NothingWritten, World, make_user
from tests.privacy.conftest import QUINN

STAFF = RestrictedRecord.Category.STAFF_FAMILY


def _named(child: Child) -> set[str]:
    return set(NamedAccess.objects.filter(child=child).values_list("user__username", flat=True))


def test_restricting_names_the_setter_and_the_allocated_worker(world: World) -> None:
    ava = world.child_north
    actions.restrict_record(world.users["tom"], ava, STAFF, "Ava's mother works in the North team")
    assert _named(ava) == {"tom", "alice"}
    assert can(world.users["alice"], "view", ava)
    for who in ("mo", "hos", "ana", "sam"):
        assert not can(world.users[who], "view", ava), who
    assert AuditEvent.objects.filter(object_type="privacy.restrictedrecord", action="create").count() == 1


def test_restricting_from_the_childs_page(client: Client, world: World) -> None:
    ava = world.child_north
    client.force_login(world.users["tom"])
    page = client.get(reverse("people:child", args=[ava.pk])).content.decode()
    assert reverse("privacy:restrict", args=[ava.pk]) in page
    response = client.post(
        reverse("privacy:restrict", args=[ava.pk]),
        {"category": "high_profile", "reason": "In the local news"},
    )
    assert response["Location"] == reverse("privacy:restriction", args=[ava.pk])
    assert RestrictedRecord.objects.get(child=ava).category == "high_profile"
    page = client.get(reverse("people:child", args=[ava.pk])).content.decode()
    assert reverse("privacy:restriction", args=[ava.pk]) in page
    assert reverse("privacy:restrict", args=[ava.pk]) not in page


def test_a_social_worker_cannot_restrict_and_nothing_is_written(
    client: Client, world: World, nothing_written: NothingWritten
) -> None:
    with nothing_written(RestrictedRecord, NamedAccess), pytest.raises(PermissionDenied):
        actions.restrict_record(world.users["alice"], world.child_north, STAFF, "A reason")
    client.force_login(world.users["alice"])
    with nothing_written(RestrictedRecord, NamedAccess):
        response = client.post(
            reverse("privacy:restrict", args=[world.child_north.pk]), {"category": "other", "reason": "x"}
        )
    assert response.status_code == 403
    assert (
        reverse("privacy:restrict", args=[world.child_north.pk])
        not in client.get(reverse("people:child", args=[world.child_north.pk])).content.decode()
    )


def test_a_manager_cannot_restrict_another_teams_child(world: World, nothing_written: NothingWritten) -> None:
    with nothing_written(RestrictedRecord, NamedAccess), pytest.raises(PermissionDenied):
        actions.restrict_record(world.users["tom"], world.child_south, STAFF, "A reason")


def test_a_record_is_restricted_once_and_needs_a_reason(
    world: World, quinn: Child, nothing_written: NothingWritten
) -> None:
    with nothing_written(RestrictedRecord, NamedAccess), pytest.raises(ValidationError) as twice:
        actions.restrict_record(world.users["tom"], quinn, STAFF, "Again")
    assert "already restricted" in str(twice.value)
    with nothing_written(RestrictedRecord, NamedAccess), pytest.raises(ValidationError) as blank:
        actions.restrict_record(world.users["hos"], world.child_south, "nonsense", "  ")
    assert set(blank.value.message_dict) == {"category", "reason"}


def test_the_head_of_service_names_someone_from_another_team(
    client: Client, world: World, quinn: Child
) -> None:
    client.force_login(world.users["hos"])
    page = client.get(reverse("privacy:restriction", args=[quinn.pk]))
    assert page.status_code == 200
    assert "N0002" in page.content.decode() and QUINN not in page.content.decode()  # hos is not named
    response = client.post(reverse("privacy:restriction", args=[quinn.pk]), {"person": world.users["sam"].pk})
    assert response.status_code == 302
    assert _named(quinn) == {"tom", "sam"}
    assert can(world.users["sam"], "view", quinn)


def test_only_case_working_staff_of_the_council_may_be_named(
    world: World, quinn: Child, nothing_written: NothingWritten
) -> None:
    outsider = make_user("olga", "social_worker", world.other_authority)
    for person in (world.users["pat"], world.users["ana"], world.users["fin"], outsider, world.users["tom"]):
        with nothing_written(NamedAccess), pytest.raises(ValidationError):
            actions.name_person(world.users["hos"], quinn, person)


def test_who_may_manage_a_restriction(client: Client, world: World, quinn: Child) -> None:
    """The head of service, or a team manager named on it: not a manager who is not named."""
    other_manager = make_user("tess", "team_manager", world.authority, world.north)
    client.login(username="tess", password=PASSWORD)
    assert client.get(reverse("privacy:restriction", args=[quinn.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.name_person(other_manager, quinn, world.users["sam"])
    client.force_login(world.users["tom"])
    assert client.get(reverse("privacy:restriction", args=[quinn.pk])).status_code == 200
    client.force_login(world.users["alice"])
    assert client.get(reverse("privacy:restriction", args=[quinn.pk])).status_code == 403


def test_the_last_person_named_cannot_be_removed(
    client: Client, world: World, quinn: Child, nothing_written: NothingWritten
) -> None:
    with nothing_written(NamedAccess), pytest.raises(ValidationError):
        actions.remove_person(world.users["hos"], quinn, world.users["tom"])
    actions.name_person(world.users["hos"], quinn, world.users["sam"])
    client.force_login(world.users["tom"])
    client.post(reverse("privacy:remove_person", args=[quinn.pk]), {"person": world.users["sam"].pk})
    assert _named(quinn) == {"tom"}
    assert not can(world.users["sam"], "view", quinn)


def test_lifting_restores_everyones_usual_access(client: Client, world: World, quinn: Child) -> None:
    actions.name_person(world.users["hos"], quinn, world.users["sam"])
    actions.break_glass(world.users["alice"], quinn, "Duty cover for the weekend")
    client.force_login(world.users["hos"])
    response = client.post(reverse("privacy:lift", args=[quinn.pk]), {"reason": "Staff member has left"})
    assert response.status_code == 302
    assert not RestrictedRecord.objects.filter(child=quinn).exists()
    assert not NamedAccess.objects.filter(child=quinn).exists()
    assert BreakGlass.objects.filter(child=quinn).exists()  # kept as history
    BreakGlass.objects.all().delete()
    for who in ("alice", "tom", "mo", "hos"):
        assert can(world.users[who], "view", quinn), who
    assert not can(world.users["sam"], "view", quinn)  # named no longer: back to the South team's reach
    assert AuditEvent.objects.filter(
        note="Restriction lifted: Staff member has left", action="delete"
    ).exists()


def test_lifting_needs_a_reason(world: World, quinn: Child, nothing_written: NothingWritten) -> None:
    with nothing_written(RestrictedRecord, NamedAccess), pytest.raises(ValidationError):
        actions.lift_restriction(world.users["hos"], quinn, "  ")


def test_the_list_of_restricted_records_names_only_children_the_reader_is_named_on(
    client: Client, world: World, quinn: Child
) -> None:
    actions.restrict_record(world.users["hos"], world.child_south, STAFF, "Sid's father is a councillor")
    actions.break_glass(world.users["alice"], quinn, "Duty cover for the weekend")
    client.force_login(world.users["hos"])
    response = client.get(reverse("privacy:restricted"))
    text = response.content.decode()
    assert "N0002" in text and "S0001" in text
    assert QUINN not in text  # hos is not named on Quinn's record
    assert "Southey" in text  # hos restricted Sid's record, so is named on it
    rows = response.context["rows"]
    assert {(r.record.child.child_id, r.named_count, r.break_glass_count) for r in rows} == {
        ("N0002", 1, 1),
        ("S0001", 2, 0),
    }
    client.force_login(world.users["tom"])
    assert client.get(reverse("privacy:restricted")).status_code == 403


def test_the_restricted_list_costs_the_same_queries_for_more_records(client: Client, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.privacy.conftest import restricted_north_child

    restricted_north_child(world, "N0101", "Alpha")
    client.force_login(world.users["hos"])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("privacy:restricted"))
    for n in range(2, 6):
        restricted_north_child(world, f"N010{n}", f"Beta{n}")
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("privacy:restricted"))
    assert len(five) == len(one)
