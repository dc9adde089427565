"""Children named after the enquiry was recorded (a sibling found in the MASH's checks), and
children named in error, removed with a reason before anyone matches them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.frontdoor import actions
from divert.frontdoor.models import Enquiry, NamedChild
from tests.frontdoor.helpers import FRIDAY, an_enquiry, named_as

SIBLING = {"first_name": "Sia", "last_name": "Southey", "date_of_birth": dt.date(2018, 7, 1), "sex": "F"}


def add(world, enquiry, **fields):
    return actions.add_named_child(world.users["mo"], enquiry=enquiry, **(SIBLING | fields))


def remove(world, named, reason="Entered in error: not in the household"):
    actions.remove_named_child(world.users["mo"], named=named, reason=reason)


def decided_enquiry_with_a_ghost(world) -> tuple[Enquiry, NamedChild]:
    """Sid matched and decided; a second child, named in error, still waiting to be matched."""
    enquiry = an_enquiry(
        world, children=[named_as(world.child_south), {"first_name": "Ghost", "last_name": "X"}]
    )
    sid, ghost = enquiry.children.all()
    contact = actions.match_child(world.users["mo"], named=sid, child=world.child_south)
    actions.decide_contact(
        world.users["mo"],
        contact=contact,
        decided=FRIDAY + dt.timedelta(hours=2),
        route="nfa",
        need_level="universal",
        reasons="Police dealt with it",
    )
    return enquiry, ghost


# Adding a child


def test_a_sibling_is_added_to_an_open_enquiry_ready_to_be_matched_and_audited(world):
    enquiry = an_enquiry(world)

    named = add(world, enquiry, postcode="pl1 2ab", first_name=" Sia ")

    assert (named.enquiry, str(named), named.postcode, named.child) == (
        enquiry,
        "Sia Southey",
        "PL1 2AB",
        None,
    )
    event = AuditEvent.objects.get(
        action="create", object_type="frontdoor.namedchild", object_id=str(named.pk)
    )
    assert event.actor == world.users["mo"] and event.note == f"Added to {enquiry.reference}"
    enquiry.refresh_from_db()
    assert enquiry.closed is None


def test_an_unborn_sibling_is_added_with_the_due_date(world):
    due = timezone.localdate() + dt.timedelta(days=60)
    named = add(world, an_enquiry(world), first_name="Unborn", date_of_birth=due, unborn=True, sex="")
    assert (named.unborn, named.date_of_birth) == (True, due)


def test_a_child_cannot_be_added_to_a_closed_enquiry(world, nothing_written):
    enquiry, ghost = decided_enquiry_with_a_ghost(world)
    remove(world, ghost)
    enquiry.refresh_from_db()
    with nothing_written(NamedChild), pytest.raises(ValidationError) as refused:
        add(world, enquiry)
    assert refused.value.messages == ["This enquiry is closed, and a closed contact cannot be edited"]


def test_an_added_child_follows_the_rules_of_recording_by_field(world, nothing_written):
    enquiry = an_enquiry(world)
    with nothing_written(NamedChild), pytest.raises(ValidationError) as refused:
        add(world, enquiry, first_name=" ", last_name="", date_of_birth=dt.date(2099, 1, 1), postcode="PL1")
    assert refused.value.message_dict == {
        "first_name": ["Enter a first name (or 'Unborn' for an unborn baby)"],
        "last_name": ["Enter a last name"],
        "date_of_birth": ["The date of birth cannot be in the future (tick 'unborn' for a due date)"],
        "postcode": ["Enter a full UK postcode, like PL4 8AA"],
    }
    with nothing_written(NamedChild), pytest.raises(ValidationError) as refused:
        add(world, enquiry, unborn=True, date_of_birth=None)
    assert refused.value.message_dict == {"date_of_birth": ["Enter the due date of the unborn baby"]}


# Removing a child named in error


def test_a_child_named_in_error_is_removed_with_the_reason_in_the_audit_log(world):
    enquiry = an_enquiry(world, children=[named_as(world.child_south), SIBLING])
    sia = enquiry.children.get(first_name="Sia")
    pk = str(sia.pk)

    remove(world, sia, reason="  The referrer meant Sid's cousin  ")

    assert [str(c) for c in enquiry.children.all()] == ["Sid Southey"]
    event = AuditEvent.objects.get(action="delete")
    assert (event.object_type, event.object_id, event.note, event.actor) == (
        "frontdoor.namedchild",
        pk,
        "The referrer meant Sid's cousin",
        world.users["mo"],
    )
    assert event.before["first_name"] == "Sia"
    enquiry.refresh_from_db()
    assert enquiry.closed is None  # Sid is still waiting to be matched


def test_removing_the_last_child_waiting_closes_the_enquiry_at_its_last_decision(world):
    enquiry, ghost = decided_enquiry_with_a_ghost(world)
    enquiry.refresh_from_db()
    assert enquiry.closed is None

    remove(world, ghost)

    enquiry.refresh_from_db()
    assert enquiry.closed == FRIDAY + dt.timedelta(hours=2)


def test_a_matched_child_is_not_removed(world, nothing_written):
    enquiry = an_enquiry(world, children=[named_as(world.child_south), SIBLING])
    sid = enquiry.children.get(first_name="Sid")
    actions.match_child(world.users["mo"], named=sid, child=world.child_south)
    with nothing_written(NamedChild), pytest.raises(ValidationError) as refused:
        remove(world, sid)
    assert refused.value.messages == [
        "Sid Southey has been matched to the register, so the contact stays on the record"
    ]


def test_removal_needs_a_reason_and_another_child_left(world, nothing_written):
    enquiry = an_enquiry(world)
    with nothing_written(NamedChild), pytest.raises(ValidationError) as refused:
        remove(world, enquiry.children.get(), reason="  ")
    assert refused.value.message_dict == {
        "__all__": ["An enquiry names at least one child: add the right child before removing this one"],
        "reason": ["Say why this child is being removed"],
    }


def test_a_child_is_not_removed_from_a_closed_enquiry(world, nothing_written):
    enquiry, ghost = decided_enquiry_with_a_ghost(world)
    Enquiry.objects.filter(pk=enquiry.pk).update(closed=timezone.now())
    with nothing_written(NamedChild), pytest.raises(ValidationError) as refused:
        remove(world, ghost)
    assert refused.value.messages == ["This enquiry is closed, and a closed contact cannot be edited"]


# The pages


def signed_in(client, world, who):
    client.force_login(world.users[who])
    return client


def test_the_enquiry_page_links_to_adding_and_removing_children_for_the_mash_only(client, world):
    enquiry = an_enquiry(world, children=[named_as(world.child_south), SIBLING])
    body = (
        signed_in(client, world, "mo").get(reverse("frontdoor:enquiry", args=[enquiry.pk])).content.decode()
    )
    assert reverse("frontdoor:add_child", args=[enquiry.pk]) in body
    for named in enquiry.children.all():
        assert reverse("frontdoor:remove_child", args=[named.pk]) in body

    body = (
        signed_in(client, world, "hos").get(reverse("frontdoor:enquiry", args=[enquiry.pk])).content.decode()
    )
    assert "add-child" not in body and "/remove/" not in body


def test_the_only_child_named_has_no_remove_link(client, world):
    enquiry = an_enquiry(world)
    body = (
        signed_in(client, world, "mo").get(reverse("frontdoor:enquiry", args=[enquiry.pk])).content.decode()
    )
    assert "/remove/" not in body


def test_adding_a_child_through_the_page(client, world):
    enquiry = an_enquiry(world)
    client = signed_in(client, world, "mo")
    url = reverse("frontdoor:add_child", args=[enquiry.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Sid Southey, born 3 Feb 2015" in page.content.decode()

    response = client.post(url, {"first_name": "Sia", "last_name": ""})
    assert response.status_code == 200 and b"Error: Add a child" in response.content
    assert b"Enter the child&#x27;s last name" in response.content
    assert enquiry.children.count() == 1

    response = client.post(
        url,
        {
            "first_name": "Sia",
            "last_name": "Southey",
            "date_of_birth-day": "1",
            "date_of_birth-month": "7",
            "date_of_birth-year": "2018",
            "sex": "F",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "frontdoor:enquiry", args=[enquiry.pk]
    )
    assert enquiry.children.get(first_name="Sia").date_of_birth == dt.date(2018, 7, 1)


def test_the_action_refusal_shows_beside_the_field(client, world):
    enquiry = an_enquiry(world)
    response = signed_in(client, world, "mo").post(
        reverse("frontdoor:add_child", args=[enquiry.pk]),
        {"first_name": "Sia", "last_name": "Southey", "postcode": "nowhere"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["postcode"] == ["Enter a full UK postcode, like PL4 8AA"]


def test_removing_a_child_through_the_confirmation_page(client, world):
    enquiry = an_enquiry(world, children=[named_as(world.child_south), SIBLING])
    sia = enquiry.children.get(first_name="Sia")
    client = signed_in(client, world, "mo")
    url = reverse("frontdoor:remove_child", args=[sia.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Remove Sia Southey" in page.content.decode()

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and b"Say why this child is being removed" in response.content
    assert enquiry.children.count() == 2

    response = client.post(url, {"reason": "Named in error"})
    assert response.status_code == 302
    assert [str(c) for c in enquiry.children.all()] == ["Sid Southey"]
    assert AuditEvent.objects.get(action="delete").note == "Named in error"


def test_a_matched_child_s_remove_page_goes_back_to_the_enquiry(client, world):
    enquiry = an_enquiry(world, children=[named_as(world.child_south), SIBLING])
    sid = enquiry.children.get(first_name="Sid")
    actions.match_child(world.users["mo"], named=sid, child=world.child_south)
    client = signed_in(client, world, "mo")
    response = client.post(reverse("frontdoor:remove_child", args=[sid.pk]), {"reason": "x"})
    assert response.status_code == 302 and enquiry.children.count() == 2


def test_readers_may_not_add_or_remove_children(client, world):
    enquiry = an_enquiry(world, children=[named_as(world.child_south), SIBLING])
    client = signed_in(client, world, "hos")
    assert client.post(reverse("frontdoor:add_child", args=[enquiry.pk]), SIBLING).status_code == 403
    sia = enquiry.children.get(first_name="Sia")
    assert client.post(reverse("frontdoor:remove_child", args=[sia.pk]), {"reason": "x"}).status_code == 403
    assert enquiry.children.count() == 2
