"""Adding a child and changing their details: the rules, the allocation and the audit rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from divert.core.models import AuditEvent
from divert.people import actions
from divert.people.models import Allocation, Child
from tests.conftest import NothingWritten, World

NEW_CHILD: dict[str, Any] = {
    "child_id": "N0002",
    "first_name": "Noor",
    "last_name": "Newton",
    "sex": "F",
    "date_of_birth": dt.date(2019, 4, 2),
    "ethnicity": "APKN",
    "upn": "",
    "home_postcode": "pl4 8aa",
}


@pytest.mark.parametrize("upn", ["B801200005001", "UN3", ""])
def test_a_well_formed_upn_with_its_check_letter_is_accepted(upn: str) -> None:
    assert actions.upn_error(upn) is None


def test_a_temporary_upn_ending_in_a_letter_is_checked_too() -> None:
    body = "80120000500A"
    assert actions.upn_error(actions.upn_check_letter("X" + body) + body) is None


@pytest.mark.parametrize(
    ("upn", "why"),
    [
        ("A801200005001", "check letter"),
        ("A12345", "13 characters"),
        ("1207000016049", "13 characters"),
        ("I207000016049", "not I, O or S"),
        ("UN11", "13 characters"),
    ],
)
def test_a_bad_upn_is_refused_with_the_reason(upn: str, why: str) -> None:
    assert why in (actions.upn_error(upn) or "")


@pytest.mark.parametrize(
    ("typed", "stored"), [("pl48aa", "PL4 8AA"), (" SW1A 1AA ", "SW1A 1AA"), ("m1 1ae", "M1 1AE")]
)
def test_postcodes_are_stored_in_their_usual_form(typed: str, stored: str) -> None:
    assert actions.normalise_postcode(typed) == stored
    assert actions.postcode_error(stored) is None


@pytest.mark.parametrize("postcode", ["PL4", "12345", "PL4 8AAA", "NOT A CODE"])
def test_a_value_that_is_not_shaped_like_a_postcode_is_refused(postcode: str) -> None:
    assert actions.postcode_error(actions.normalise_postcode(postcode)) is not None


def test_creating_a_child_allocates_them_to_the_creators_team_and_audits_both(world: World) -> None:
    alice = world.users["alice"]
    child = actions.create_child(alice, **NEW_CHILD)
    assert child.authority == world.authority
    assert child.home_postcode == "PL4 8AA"
    allocation = Allocation.objects.get(child=child)
    assert (allocation.team, allocation.worker.user, allocation.end) == (world.north, alice, None)
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, actor=alice)
    assert {e.object_type for e in created} == {"people.child", "people.allocation"}
    assert all(e.child_id == child.pk for e in created)


def test_a_mash_officer_without_a_caseload_adds_a_child_without_allocating_them(world: World) -> None:
    child = actions.create_child(world.users["mo"], **NEW_CHILD)
    assert not Allocation.objects.filter(child=child).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": dt.date(2025, 6, 17)}, "date_of_birth"),
        ({"upn": "A801200005001"}, "upn"),
        ({"home_postcode": "nowhere"}, "home_postcode"),
        ({"child_id": "N0001"}, "child_id"),
        ({"ethnicity": "XXXX"}, "ethnicity"),
    ],
)
def test_a_child_that_breaks_a_rule_is_refused_by_field_and_nothing_is_written(
    world: World, nothing_written: NothingWritten, change: dict[str, Any], field: str
) -> None:
    with nothing_written(Child, Allocation), pytest.raises(ValidationError) as refused:
        actions.create_child(world.users["alice"], **(NEW_CHILD | change))
    assert field in refused.value.message_dict


def test_the_same_child_id_may_be_used_by_another_authority(world: World) -> None:
    child = actions.create_child(world.users["mo"], **(NEW_CHILD | {"child_id": "E0001"}))
    assert child.child_id == "E0001"


def test_updating_a_child_audits_only_what_changed(world: World) -> None:
    ava = world.child_north
    actions.update_child(world.users["alice"], ava, last_name="Northcott", home_postcode="pl4 8ab")
    ava.refresh_from_db()
    assert (ava.last_name, ava.home_postcode) == ("Northcott", "PL4 8AB")
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.before is not None and event.after is not None
    assert set(event.after) == {"last_name", "home_postcode", "updated"}
    assert (event.before["last_name"], event.before["home_postcode"]) == ("Northam", "PL4 8AA")
    assert (event.after["last_name"], event.after["home_postcode"]) == ("Northcott", "PL4 8AB")


def test_keeping_a_childs_own_id_is_not_a_duplicate(world: World) -> None:
    ava = world.child_north
    actions.update_child(world.users["alice"], ava, child_id="N0001", first_name="Avery")
    ava.refresh_from_db()
    assert ava.first_name == "Avery"


def test_an_update_that_breaks_a_rule_leaves_the_child_as_stored(world: World) -> None:
    ava = world.child_north
    with pytest.raises(ValidationError):
        actions.update_child(world.users["alice"], ava, first_name="Changed", child_id="S0001")
    ava.refresh_from_db()
    assert (ava.first_name, ava.child_id) == ("Ava", "N0001")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_former_uasc_stays_recorded_as_one(world: World) -> None:
    ava = world.child_north
    ava.uasc, ava.uasc_ceased = True, dt.date(2024, 1, 1)
    ava.save()
    with pytest.raises(ValidationError) as refused:
        actions.update_child(world.users["alice"], ava, uasc=False)
    assert "uasc" in refused.value.message_dict


def test_only_a_childs_own_details_can_be_changed(world: World) -> None:
    with pytest.raises(TypeError):
        actions.update_child(world.users["alice"], world.child_north, authority=world.other_authority)


def test_a_child_whose_allocation_fails_is_not_left_on_the_register(
    world: World, nothing_written: NothingWritten, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise ValidationError("the allocation could not be made")

    monkeypatch.setattr(actions, "_allocate_to_creator", refuse)
    with nothing_written(Child, Allocation), pytest.raises(ValidationError):
        actions.create_child(world.users["alice"], **NEW_CHILD)
