"""A contact about a child whose case is already open goes to the allocated worker, not to a new referral.

Sid (``child_south``) is held by Sam in the South children-in-care team, so his case is open;
a child nobody holds, or one only early help holds, has no open case.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.earlyhelp.actions import step_down
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor import actions, queries
from divert.frontdoor.models import Contact, Enquiry, Referral
from divert.indicators.extract import extract
from divert.people.models import Allocation, Child
from tests.conftest import make_child
from tests.frontdoor.helpers import FRIDAY, a_matched_contact, early_help_staff
from tests.indicators.fd_builders import members, month, value


def a_child_without_a_case(world) -> Child:
    return make_child(world.authority, "K0001", "Kit", "Keane", dt.date(2016, 4, 4), home_postcode="PL2 1AA")


def pass_to_worker(world, contact, **extra):
    fields = {
        "decided": FRIDAY + dt.timedelta(hours=2),
        "need_level": "cin",
        "route": "open_case",
        "reasons": "Already open to the South team: the worker will follow this up",
    }
    return actions.decide_contact(world.users["mo"], contact=contact, **(fields | extra))


# The rule


def test_a_child_held_by_a_social_work_team_is_passed_to_the_worker_without_a_referral(world):
    contact = pass_to_worker(world, a_matched_contact(world))

    assert (contact.decision, contact.need_level, contact.decided_by) == (
        "open_case",
        "cin",
        world.users["mo"],
    )
    assert contact.get_decision_display() == "Passed to the allocated worker (open case)"
    assert not Referral.objects.exists() and not EarlyHelpEpisode.objects.exists()
    assert Enquiry.objects.get().closed == FRIDAY + dt.timedelta(hours=2)
    assert AuditEvent.objects.filter(action="update", object_type="frontdoor.contact").exists()


def test_a_child_with_an_open_referral_and_no_worker_has_an_open_case(world):
    child = a_child_without_a_case(world)
    actions.record_referral(world.users["mo"], child=child, date=dt.date(2025, 6, 2), source="2A")

    contact = pass_to_worker(world, a_matched_contact(world, child))

    assert contact.decision == "open_case" and Referral.objects.count() == 1


def test_the_referral_routes_refuse_a_child_with_an_open_referral_and_point_to_the_open_case(world):
    actions.record_referral(world.users["mo"], child=world.child_south, date=dt.date(2025, 6, 2), source="2A")
    contact = a_matched_contact(world)
    with pytest.raises(ValidationError) as refused:
        pass_to_worker(world, contact, route="assessment")
    assert "choose 'Pass to the allocated worker (open case)'" in refused.value.message_dict["route"][0]

    pass_to_worker(world, contact)
    assert Referral.objects.count() == 1 and Enquiry.objects.get().closed is not None


def test_a_child_nobody_holds_cannot_be_passed_to_a_worker(world, nothing_written):
    contact = a_matched_contact(world, a_child_without_a_case(world))
    with nothing_written(Referral, Contact, Enquiry), pytest.raises(ValidationError) as refused:
        pass_to_worker(world, contact)
    assert refused.value.message_dict == {
        "route": [
            "Kit has no open case (no open referral and no social work team holds the case): "
            "choose another route"
        ]
    }
    contact.refresh_from_db()
    assert contact.decision == "" and Enquiry.objects.get().closed is None


def test_early_help_is_not_an_open_case(world, nothing_written):
    child = a_child_without_a_case(world)
    locality, lead = early_help_staff(world)
    step_down(
        world.users["mo"], child=child, locality=locality, lead_professional=lead, start=dt.date(2025, 5, 1)
    )
    contact = a_matched_contact(world, child)
    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        pass_to_worker(world, contact)
    assert list(refused.value.message_dict) == ["route"]


def test_an_allocation_that_ended_before_the_decision_is_no_open_case(world):
    Allocation.objects.filter(child=world.child_south).update(end=dt.date(2025, 8, 1))
    with pytest.raises(ValidationError) as refused:
        pass_to_worker(world, a_matched_contact(world))
    assert refused.value.message_dict["route"][0].startswith("Sid has no open case")


# Who holds the case, as the MASH reads it


def test_the_open_case_names_the_worker_and_team_only_to_those_who_may_see_the_child(world):
    mo, alice = world.users["mo"], world.users["alice"]
    case = queries.open_cases(mo, [world.child_south.pk])[world.child_south.pk]
    assert (case.allocation.worker.name, case.allocation.team.name, case.referral) == (
        "Sam Tester",
        "South children in care",
        None,
    )
    assert queries.open_cases(alice, [world.child_south.pk]) == {}  # Sid is not North's
    assert queries.open_cases(mo, [a_child_without_a_case(world).pk]) == {}


# The pages


def signed_in(client, world, who):
    client.force_login(world.users[who])
    return client


def test_the_enquiry_page_shows_who_holds_an_open_case(client, world):
    contact = a_matched_contact(world)
    page = signed_in(client, world, "hos").get(reverse("frontdoor:enquiry", args=[contact.enquiry_id]))
    body = page.content.decode()
    assert "Open case" in body and "Allocated to Sam Tester, South children in care" in body


def test_the_decision_page_offers_the_open_case_only_to_a_child_with_one(client, world):
    client = signed_in(client, world, "mo")
    held = a_matched_contact(world, received=timezone.now() - dt.timedelta(hours=1))
    nobodys = a_matched_contact(
        world, a_child_without_a_case(world), received=timezone.now() - dt.timedelta(hours=1)
    )

    page = client.get(reverse("frontdoor:decide", args=[held.pk]))
    assert "open_case" in dict(page.context["form"].fields["route"].choices)
    assert "allocated to Sam Tester, South children in care" in page.content.decode()

    page = client.get(reverse("frontdoor:decide", args=[nobodys.pk]))
    assert "open_case" not in dict(page.context["form"].fields["route"].choices)
    response = client.post(
        reverse("frontdoor:decide", args=[nobodys.pk]),
        {"need_level": "cin", "route": "open_case", "reasons": "Open?"},
    )
    assert response.status_code == 200 and response.context["form"].errors["route"] == [
        "Choose what happens next"
    ]
    nobodys.refresh_from_db()
    assert nobodys.decision == ""


def test_passing_to_the_allocated_worker_through_the_page_closes_the_enquiry(client, world):
    contact = a_matched_contact(world, received=timezone.now() - dt.timedelta(hours=1))
    client = signed_in(client, world, "mo")

    response = client.post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {"need_level": "cin", "route": "open_case", "reasons": "Sam will follow this up"},
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.decision == "open_case" and not Referral.objects.exists()
    assert Enquiry.objects.get().closed is not None
    assert contact.enquiry.reference not in client.get(reverse("frontdoor:queue")).content.decode()
    page = client.get(reverse("frontdoor:enquiry", args=[contact.enquiry_id])).content.decode()
    assert "Passed to the allocated worker (open case)" in page


# The scorecard


def test_the_scorecard_counts_a_contact_passed_to_the_worker_as_decided_in_time(world):
    pass_to_worker(world, a_matched_contact(world))

    frames = extract(world.authority.pk)
    august = month("2025-08-31")
    assert value(frames, "contacts", august) == 1
    assert members(frames, "contacts", august)["decision"].to_list() == ["open_case"]
    assert value(frames, "contacts_decided_1wd_pct", august) == 100.0
    assert value(frames, "referrals", august) == 0
