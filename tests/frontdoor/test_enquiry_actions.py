"""The MASH's actions: recording an enquiry, matching its children, asking partners, deciding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.earlyhelp.actions import step_down
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor import actions
from divert.frontdoor.models import (
    Contact,
    Enquiry,
    HouseholdMember,
    InformationRequest,
    NamedChild,
    Referral,
)
from divert.people.models import Child
from tests.frontdoor.helpers import FRIDAY, a_matched_contact, an_enquiry, at, early_help_staff, named_as

# Recording and correcting an enquiry


def test_recording_an_enquiry_keeps_the_children_and_household_as_named_with_audit_rows(world):
    enquiry = an_enquiry(
        world,
        children=[
            {"first_name": "Syd", "last_name": "Southey", "date_of_birth": dt.date(2015, 2, 3), "sex": "M"},
            {
                "first_name": "Baby",
                "last_name": "Southey",
                "date_of_birth": dt.date(2026, 12, 1),
                "unborn": True,
            },
        ],
        household=[{"name": "Jo Southey", "relationship": "Mother"}],
        postcode="pl12aa",
    )

    assert enquiry.postcode == "PL1 2AA" and enquiry.recorded_by == world.users["mo"]
    assert [str(c) for c in enquiry.children.all()] == ["Syd Southey", "Baby Southey"]
    assert enquiry.children.filter(child__isnull=True).count() == 2
    assert [str(m) for m in enquiry.household.all()] == ["Jo Southey (Mother)"]
    created = AuditEvent.objects.filter(action="create", actor=world.users["mo"])
    assert sorted(created.values_list("object_type", flat=True)) == [
        "frontdoor.enquiry",
        "frontdoor.householdmember",
        "frontdoor.namedchild",
        "frontdoor.namedchild",
    ]


def test_an_enquiry_must_name_at_least_one_child(world, nothing_written):
    with nothing_written(Enquiry, NamedChild), pytest.raises(ValidationError) as refused:
        an_enquiry(world, children=[])
    assert refused.value.message_dict == {"children": ["Name at least one child"]}


def test_an_enquiry_received_in_the_future_is_refused(world, nothing_written):
    with nothing_written(Enquiry, NamedChild, HouseholdMember), pytest.raises(ValidationError) as refused:
        an_enquiry(world, received=timezone.now() + dt.timedelta(hours=2))
    assert refused.value.message_dict == {"received": ["The date and time cannot be in the future"]}


def test_a_named_child_needs_a_name_and_a_past_date_of_birth_unless_unborn(world, nothing_written):
    children = [
        {"first_name": "Kai", "last_name": ""},
        {"first_name": "Lu", "last_name": "Ng", "date_of_birth": dt.date(2099, 1, 1)},
    ]
    with nothing_written(Enquiry, NamedChild), pytest.raises(ValidationError) as refused:
        an_enquiry(world, children=children)
    message = refused.value.message_dict["children"][0]
    assert (
        "Child 1: enter a last name" in message
        and "Child 2: the date of birth cannot be in the future" in message
    )


def test_correcting_an_enquiry_moves_its_undecided_contacts_with_it(world):
    contact = a_matched_contact(world)
    enquiry = contact.enquiry

    actions.update_enquiry(world.users["mo"], enquiry=enquiry, concerns="Knife found at home", source="2A")

    contact.refresh_from_db()
    assert (contact.concerns, contact.source) == ("Knife found at home", "2A")
    event = AuditEvent.objects.filter(action="update", object_type="frontdoor.enquiry").get()
    assert (
        event.before["concerns"].startswith("Police called")
        and event.after["concerns"] == "Knife found at home"
    )


def test_a_closed_enquiry_cannot_be_edited(world, nothing_written):
    contact = a_matched_contact(world)
    actions.decide_contact(
        world.users["mo"],
        contact=contact,
        decided=FRIDAY,
        route="nfa",
        need_level="universal",
        reasons="Safe",
    )
    enquiry = Enquiry.objects.get()
    assert enquiry.closed is not None

    with nothing_written(Enquiry), pytest.raises(ValidationError) as refused:
        actions.update_enquiry(world.users["mo"], enquiry=enquiry, concerns="Changed")
    assert "a closed contact cannot be edited" in str(refused.value)


def test_an_officer_takes_an_enquiry(world):
    enquiry = an_enquiry(world)
    actions.take_enquiry(world.users["mo"], enquiry=enquiry)
    enquiry.refresh_from_db()
    assert enquiry.officer == world.users["mo"]


def test_only_a_mash_officer_can_be_given_an_enquiry(world, nothing_written):
    enquiry = an_enquiry(world)
    with nothing_written(Enquiry), pytest.raises(ValidationError) as refused:
        actions.take_enquiry(world.users["mo"], enquiry=enquiry, officer=world.users["alice"])
    assert "officer" in refused.value.message_dict


# Matching


def test_matching_makes_the_childs_contact_from_the_enquiry(world):
    enquiry = an_enquiry(world)
    named = enquiry.children.get()

    contact = actions.match_child(world.users["mo"], named=named, child=world.child_south)

    assert (contact.child, contact.enquiry, contact.named) == (world.child_south, enquiry, named)
    assert (contact.received, contact.source, contact.concerns) == (enquiry.received, "6", enquiry.concerns)
    named.refresh_from_db()
    assert (named.child, named.matched_by, named.added_as_new) == (
        world.child_south,
        world.users["mo"],
        False,
    )
    assert AuditEvent.objects.filter(
        action="create", object_type="frontdoor.contact", child_id=world.child_south.pk
    ).exists()


def test_a_child_of_another_authority_cannot_be_matched(world, nothing_written):
    named = an_enquiry(world).children.get()
    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        actions.match_child(world.users["mo"], named=named, child=world.child_elsewhere)
    assert refused.value.message_dict == {"child": ["Choose a child in the enquiry's own authority"]}


def test_a_named_child_is_matched_once(world, nothing_written):
    contact = a_matched_contact(world)
    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        actions.match_child(world.users["mo"], named=contact.named, child=world.child_north)
    assert refused.value.message_dict == {"child": ["Sid Southey has already been matched"]}


def test_one_child_cannot_be_two_of_the_children_an_enquiry_names(world, nothing_written):
    enquiry = an_enquiry(
        world, children=[named_as(world.child_south), {"first_name": "Sidney", "last_name": "Southey"}]
    )
    first, second = enquiry.children.all()
    actions.match_child(world.users["mo"], named=first, child=world.child_south)
    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        actions.match_child(world.users["mo"], named=second, child=world.child_south)
    assert "already matched to another child named on this enquiry" in refused.value.message_dict["child"][0]


def test_a_new_child_is_not_added_without_confirming_none_matches_and_the_duplicate_is_named(
    world, nothing_written
):
    enquiry = an_enquiry(
        world, children=[{"first_name": "Syd", "last_name": "Southey", "date_of_birth": dt.date(2015, 2, 3)}]
    )
    with nothing_written(Child, Contact), pytest.raises(ValidationError) as refused:
        actions.add_new_child(
            world.users["mo"], named=enquiry.children.get(), confirm_no_match=False, sex="M"
        )
    message = refused.value.message_dict["confirm_no_match"][0]
    assert "Possible duplicates on the register: Sid Southey (S0001, born 3 Feb 2015)" in message


def test_a_new_child_added_on_purpose_is_on_the_register_with_a_contact(world):
    enquiry = an_enquiry(
        world, children=[{"first_name": "Noor", "last_name": "Newton", "date_of_birth": dt.date(2019, 6, 1)}]
    )
    named = enquiry.children.get()

    contact = actions.add_new_child(world.users["mo"], named=named, confirm_no_match=True, sex="F")

    child = contact.child
    assert (child.full_name, child.date_of_birth, child.sex, child.authority) == (
        "Noor Newton",
        dt.date(2019, 6, 1),
        "F",
        world.authority,
    )
    assert child.child_id == f"F{named.pk:07d}" and child.home_postcode == "PL1 2AA"
    named.refresh_from_db()
    assert named.added_as_new and named.child == child


def test_a_new_child_needs_a_date_of_birth(world, nothing_written):
    enquiry = an_enquiry(world, children=[{"first_name": "Noor", "last_name": "Newton"}])
    with nothing_written(Child, Contact), pytest.raises(ValidationError) as refused:
        actions.add_new_child(world.users["mo"], named=enquiry.children.get(), confirm_no_match=True)
    assert "date_of_birth" in refused.value.message_dict


# Information requests


def test_the_default_deadline_is_five_on_the_decision_day_after_a_bank_holiday(world):
    enquiry = an_enquiry(world)  # received Friday 22 August 2025; Monday 25 August is a bank holiday
    assert timezone.localtime(actions.default_due(enquiry)) == at(2025, 8, 26, 17)


def test_a_request_made_after_the_decision_deadline_is_due_at_once(world):
    sent = actions.request_information(
        world.users["mo"], enquiry=an_enquiry(world), agency="police", question="?"
    )
    assert sent.due == sent.requested
    assert sent.requested_by == world.users["mo"] and sent.response == ""


def test_a_recent_enquirys_request_is_due_at_five_on_the_decision_day(world):
    received = timezone.now() - dt.timedelta(minutes=5)
    enquiry = an_enquiry(world, received=received)
    sent = actions.request_information(
        world.users["mo"], enquiry=enquiry, agency="health", question="Known to the GP?"
    )
    assert timezone.localtime(sent.due) == timezone.localtime(actions.default_due(enquiry))
    assert timezone.localtime(sent.due).time() == dt.time(17, 0)


def test_an_information_request_needs_an_agency_and_a_question(world, nothing_written):
    enquiry = an_enquiry(world)
    with nothing_written(InformationRequest), pytest.raises(ValidationError) as refused:
        actions.request_information(world.users["mo"], enquiry=enquiry, agency="vets", question=" ")
    assert set(refused.value.message_dict) == {"agency", "question"}


def test_a_partner_answers_a_request_once(world, nothing_written):
    sent = actions.request_information(
        world.users["mo"], enquiry=an_enquiry(world), agency="police", question="?"
    )
    actions.answer_information_request(world.users["pat"], request=sent, response="Two callouts this year")
    sent.refresh_from_db()
    assert (sent.response, sent.responded_by) == ("Two callouts this year", world.users["pat"])

    with nothing_written(InformationRequest), pytest.raises(ValidationError) as refused:
        actions.answer_information_request(world.users["pat"], request=sent, response="And another")
    assert refused.value.message_dict["response"][0].startswith("This request was already answered on")


# Decisions


def decide(world, contact, **extra):
    fields = {
        "decided": FRIDAY + dt.timedelta(hours=2),
        "need_level": "cp",
        "route": "strategy",
        "reasons": "Risk",
    }
    return actions.decide_contact(world.users["mo"], contact=contact, **(fields | extra))


def test_a_strategy_decision_records_a_referral_with_its_route(world):
    contact = decide(world, a_matched_contact(world))

    assert (contact.decision, contact.need_level, contact.reasons) == ("referral", "cp", "Risk")
    referral = Referral.objects.get(contact=contact)
    assert (referral.child, referral.route, referral.date, referral.decided, referral.source) == (
        world.child_south,
        "strategy",
        dt.date(2025, 8, 22),
        dt.date(2025, 8, 22),
        "6",
    )


def test_an_assessment_decision_records_a_referral_for_assessment(world):
    contact = decide(world, a_matched_contact(world), route="assessment", need_level="cin")
    assert Referral.objects.get(contact=contact).route == "assessment"


def test_an_early_help_decision_steps_the_child_down_to_the_lead_professional(world):
    locality, lead = early_help_staff(world)
    contact = decide(
        world,
        a_matched_contact(world),
        route="early_help",
        need_level="early_help",
        locality=locality,
        lead_professional=lead,
    )
    assert contact.decision == "early_help"
    episode = EarlyHelpEpisode.objects.get()
    assert (episode.contact, episode.lead_professional, episode.start) == (
        contact,
        lead,
        dt.date(2025, 8, 22),
    )
    assert not Referral.objects.exists()


def test_early_help_needs_a_locality_and_a_lead_professional(world, nothing_written):
    contact = a_matched_contact(world)
    with nothing_written(EarlyHelpEpisode, Referral), pytest.raises(ValidationError) as refused:
        decide(world, contact, route="early_help", need_level="early_help")
    assert set(refused.value.message_dict) == {"locality", "lead_professional"}
    contact.refresh_from_db()
    assert contact.decision == ""


def test_a_child_with_an_open_referral_is_not_referred_again_and_the_route_says_so(world, nothing_written):
    actions.record_referral(world.users["mo"], child=world.child_south, date=dt.date(2025, 6, 2), source="2A")
    contact = a_matched_contact(world)
    with nothing_written(Referral, Contact), pytest.raises(ValidationError) as refused:
        decide(world, contact)
    assert refused.value.message_dict["route"] == [
        "Sid already has an open referral from 2 June 2025: choose 'Pass to the allocated worker "
        "(open case)' to add this contact to that case, or close the referral first"
    ]
    contact.refresh_from_db()
    assert contact.decision == "" and Enquiry.objects.get().closed is None


def test_a_threshold_decision_cannot_be_recorded_twice(world, nothing_written):
    contact = decide(world, a_matched_contact(world), route="nfa", need_level="universal")
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        decide(world, contact)
    assert "has already been recorded" in refused.value.message_dict["decision"][0]


def test_a_decision_needs_a_level_of_need_and_reasons(world, nothing_written):
    contact = a_matched_contact(world)
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        decide(world, contact, need_level="", reasons="  ")
    assert set(refused.value.message_dict) == {"need_level", "reasons"}


def test_consent_is_recorded_before_a_decision_or_with_it(world, nothing_written):
    contact = a_matched_contact(world, consent="")
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        decide(world, contact, route="advice", need_level="universal")
    assert list(refused.value.message_dict) == ["consent"]

    decide(
        world, contact, route="advice", need_level="universal", consent="given", consent_note="Mother agreed"
    )
    enquiry = Enquiry.objects.get()
    assert (enquiry.consent, enquiry.consent_note) == ("given", "Mother agreed")


def test_the_enquiry_closes_when_its_last_named_child_is_decided(world):
    enquiry = an_enquiry(world, children=[named_as(world.child_south), named_as(world.child_north)])
    sid, ava = enquiry.children.all()
    sid_contact = actions.match_child(world.users["mo"], named=sid, child=world.child_south)
    ava_contact = actions.match_child(world.users["mo"], named=ava, child=world.child_north)

    decide(world, sid_contact)
    enquiry.refresh_from_db()
    assert enquiry.closed is None

    last = FRIDAY + dt.timedelta(hours=5)
    decide(world, ava_contact, route="nfa", need_level="universal", decided=last)
    enquiry.refresh_from_db()
    assert enquiry.closed == last


def test_an_enquiry_with_an_unmatched_child_stays_open(world):
    enquiry = an_enquiry(
        world, children=[named_as(world.child_south), {"first_name": "Unknown", "last_name": "Southey"}]
    )
    contact = actions.match_child(world.users["mo"], named=enquiry.children.first(), child=world.child_south)
    decide(world, contact, route="nfa", need_level="universal")
    enquiry.refresh_from_db()
    assert enquiry.closed is None


def test_a_re_referral_within_twelve_months_is_marked_on_the_new_referral(world):
    earlier = actions.record_referral(
        world.users["mo"], child=world.child_south, date=dt.date(2025, 3, 3), source="2A"
    )
    actions.decide_referral(
        world.users["mo"], referral=earlier, route="assessment", decided=dt.date(2025, 3, 3)
    )
    actions.close_referral(
        world.users["mo"], referral=earlier, closed=dt.date(2025, 5, 1), closure_reason="RC8"
    )

    contact = decide(world, a_matched_contact(world))

    assert Referral.objects.get(contact=contact).re_referral is True


# Stepping up from early help


def test_stepping_up_closes_early_help_and_brings_the_child_to_the_mash_already_matched(world):
    locality, lead = early_help_staff(world)
    episode = step_down(
        world.users["mo"],
        child=world.child_north,
        locality=locality,
        lead_professional=lead,
        start=dt.date(2025, 5, 1),
    )
    received = at(2025, 8, 20, 15)

    enquiry = actions.step_up(
        world.users["mo"],
        episode=episode,
        received=received,
        concerns="Neglect is worse",
        referrer_name="Erin Helper",
    )

    episode.refresh_from_db()
    assert (episode.end, episode.outcome) == (dt.date(2025, 8, 20), "stepped_up")
    assert (enquiry.source, enquiry.stepped_up_from, enquiry.received) == ("5D", episode, received)
    contact = Contact.objects.get(enquiry=enquiry)
    assert contact.child == world.child_north and contact.named.child == world.child_north


def test_a_closed_early_help_episode_cannot_be_stepped_up(world, nothing_written):
    locality, lead = early_help_staff(world)
    episode = step_down(
        world.users["mo"],
        child=world.child_north,
        locality=locality,
        lead_professional=lead,
        start=dt.date(2025, 5, 1),
    )
    from divert.earlyhelp.actions import close_early_help

    close_early_help(world.users["mo"], episode=episode, end=dt.date(2025, 6, 1), outcome="needs_met")
    with nothing_written(Enquiry, Contact), pytest.raises(ValidationError):
        actions.step_up(
            world.users["mo"], episode=episode, received=at(2025, 8, 20), concerns="x", referrer_name="Erin"
        )
