"""The front door's actions: contacts, decisions, referrals, re-referrals and closure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from divert.cases.actions import start_cp_plan
from divert.core.models import AuditEvent
from divert.frontdoor.actions import (
    close_referral,
    decide_contact,
    decide_referral,
    record_contact,
    record_referral,
    update_contact,
)
from divert.frontdoor.models import Contact, Referral

RECEIVED = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 30))


def a_contact(world, **extra):
    fields = {
        "child": world.child_north,
        "received": RECEIVED,
        "source": "6",
        "concerns": "Police attended home",
    }
    return record_contact(world.users["mo"], **(fields | extra))


def a_closed_referral(world, day: dt.date, closed: dt.date) -> Referral:
    mo = world.users["mo"]
    referral = record_referral(mo, child=world.child_north, date=day, source="2A")
    decide_referral(mo, referral=referral, route="assessment", decided=day)
    return close_referral(mo, referral=referral, closed=closed, closure_reason="RC8")


# Contacts


def test_recording_a_contact_saves_it_and_audits_who_recorded_it(world):
    contact = a_contact(world)

    assert contact.pk is not None and contact.decision == ""
    event = AuditEvent.objects.get(object_type="frontdoor.contact", object_id=str(contact.pk))
    assert event.action == "create"
    assert event.actor == world.users["mo"]
    assert event.child_id == world.child_north.pk
    assert event.after["concerns"] == "Police attended home"


def test_a_contact_received_in_the_future_is_refused(world, nothing_written):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        a_contact(world, received=tomorrow)
    assert refused.value.message_dict == {"received": ["The date and time cannot be in the future"]}


def test_deciding_a_contact_records_the_decision_the_time_and_who_decided(world):
    contact = a_contact(world)
    decided = RECEIVED + dt.timedelta(hours=3)

    decide_contact(world.users["mo"], contact=contact, decision="referral", decided=decided)

    contact.refresh_from_db()
    assert (contact.decision, contact.decided, contact.decided_by) == ("referral", decided, world.users["mo"])
    event = AuditEvent.objects.filter(action="update", object_id=str(contact.pk)).get()
    assert event.before["decision"] == "" and event.after["decision"] == "referral"


def test_a_contact_decision_cannot_be_recorded_twice(world, nothing_written):
    contact = a_contact(world)
    decide_contact(world.users["mo"], contact=contact, decision="nfa", decided=RECEIVED)

    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        decide_contact(world.users["mo"], contact=contact, decision="referral", decided=RECEIVED)

    assert refused.value.message_dict["decision"] == [
        "A decision (No further action) has already been recorded for this contact"
    ]
    contact.refresh_from_db()
    assert contact.decision == "nfa"
    assert AuditEvent.objects.filter(action="update", object_id=str(contact.pk)).count() == 1


def test_a_decision_cannot_be_dated_before_the_contact_was_received(world, nothing_written):
    contact = a_contact(world)
    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        decide_contact(
            world.users["mo"], contact=contact, decision="advice", decided=RECEIVED - dt.timedelta(minutes=1)
        )
    assert refused.value.message_dict == {
        "decided": ["The decision cannot be before the contact was received"]
    }
    contact.refresh_from_db()
    assert contact.decision == ""


def test_a_contact_decision_must_say_what_was_decided(world):
    contact = a_contact(world)
    with pytest.raises(ValidationError) as refused:
        decide_contact(world.users["mo"], contact=contact, decision="", decided=RECEIVED)
    assert refused.value.message_dict == {"decision": ["Choose what was decided"]}


def test_an_undecided_contact_can_be_corrected_and_the_change_is_audited(world):
    contact = a_contact(world)
    update_contact(world.users["mo"], contact=contact, source="2A")

    contact.refresh_from_db()
    assert contact.source == "2A"
    event = AuditEvent.objects.get(action="update", object_id=str(contact.pk))
    assert (event.before, event.after) == ({"source": "6"}, {"source": "2A"})


def test_a_decided_contact_cannot_be_edited(world, nothing_written):
    contact = a_contact(world)
    decide_contact(world.users["mo"], contact=contact, decision="nfa", decided=RECEIVED)

    with nothing_written(Contact), pytest.raises(ValidationError) as refused:
        update_contact(world.users["mo"], contact=contact, concerns="Rewritten after the event")

    assert refused.value.message_dict == {
        NON_FIELD_ERRORS: ["This contact has been decided, so it can no longer be changed"]
    }
    contact.refresh_from_db()
    assert contact.concerns == "Police attended home"


# Referrals and re-referrals


def test_a_first_referral_is_not_a_re_referral(world):
    referral = record_referral(
        world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6"
    )
    assert referral.re_referral is False
    assert AuditEvent.objects.filter(object_type="frontdoor.referral", action="create").count() == 1


@pytest.mark.parametrize(
    ("previous", "expected"),
    [
        (dt.date(2023, 3, 5), True),  # exactly twelve months before: still within the year
        (dt.date(2023, 9, 1), True),
        (dt.date(2023, 3, 4), False),  # twelve months and a day before
    ],
)
def test_a_referral_within_twelve_months_of_the_last_is_a_re_referral(world, previous, expected):
    a_closed_referral(world, previous, previous + dt.timedelta(days=20))

    referral = record_referral(
        world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6"
    )

    assert referral.re_referral is expected
    assert Referral.objects.get(pk=referral.pk).re_referral is expected


def test_another_childs_referral_does_not_make_a_re_referral(world):
    mo = world.users["mo"]
    record_referral(mo, child=world.child_south, date=dt.date(2024, 1, 2), source="6")
    referral = record_referral(mo, child=world.child_north, date=dt.date(2024, 3, 5), source="6")
    assert referral.re_referral is False


def test_a_referral_is_refused_while_the_childs_last_referral_is_still_open(world, nothing_written):
    record_referral(world.users["mo"], child=world.child_north, date=dt.date(2024, 1, 8), source="6")
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        record_referral(world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6")
    assert refused.value.message_dict == {
        "date": ["Ava already has an open referral from 8 January 2024; close it before recording a new one"]
    }


def test_a_referral_dated_inside_an_earlier_closed_referral_is_refused(world, nothing_written):
    a_closed_referral(world, dt.date(2024, 1, 8), dt.date(2024, 4, 1))
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        record_referral(world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6")
    assert refused.value.message_dict == {
        "date": ["This date falls within Ava's referral from 8 January 2024 to 1 April 2024"]
    }


def test_a_referral_can_follow_the_contact_that_was_decided_as_one(world):
    contact = a_contact(world)
    decide_contact(world.users["mo"], contact=contact, decision="referral", decided=RECEIVED)

    referral = record_referral(
        world.users["mo"], child=world.child_north, date=RECEIVED.date(), source="6", contact=contact
    )

    assert referral.contact == contact


def test_a_referral_cannot_hang_from_a_contact_that_was_not_decided_as_one(world, nothing_written):
    contact = a_contact(world)
    decide_contact(world.users["mo"], contact=contact, decision="early_help", decided=RECEIVED)
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        record_referral(
            world.users["mo"], child=world.child_north, date=RECEIVED.date(), source="6", contact=contact
        )
    assert refused.value.message_dict == {
        "contact": ["That contact was not decided as a referral to children's social care"]
    }


def test_a_referral_cannot_hang_from_another_childs_contact(world):
    contact = a_contact(world)
    decide_contact(world.users["mo"], contact=contact, decision="referral", decided=RECEIVED)
    with pytest.raises(ValidationError) as refused:
        record_referral(
            world.users["mo"], child=world.child_south, date=RECEIVED.date(), source="6", contact=contact
        )
    assert refused.value.message_dict == {"contact": ["That contact is about a different child"]}


def test_a_referral_cannot_be_in_the_future(world, nothing_written):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        record_referral(world.users["mo"], child=world.child_north, date=tomorrow, source="6")
    assert refused.value.message_dict == {"date": ["The date cannot be in the future"]}


# Referral decisions and closure


def test_deciding_a_referral_records_its_route_and_decision_date(world):
    referral = record_referral(
        world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6"
    )
    decide_referral(world.users["mo"], referral=referral, route="strategy", decided=dt.date(2024, 3, 6))

    referral.refresh_from_db()
    assert (referral.route, referral.decided) == ("strategy", dt.date(2024, 3, 6))
    event = AuditEvent.objects.get(action="update", object_id=str(referral.pk))
    assert event.after == {"route": "strategy", "decided": "2024-03-06"}


def test_a_referral_route_is_decided_once_only(world, nothing_written):
    referral = record_referral(
        world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6"
    )
    decide_referral(world.users["mo"], referral=referral, route="early_help", decided=dt.date(2024, 3, 5))
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        decide_referral(world.users["mo"], referral=referral, route="assessment", decided=dt.date(2024, 3, 6))
    assert refused.value.message_dict == {"route": ["The route (Early help) has already been decided"]}
    referral.refresh_from_db()
    assert referral.route == "early_help"


def test_a_referral_decision_cannot_come_before_the_referral(world):
    referral = record_referral(
        world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6"
    )
    with pytest.raises(ValidationError) as refused:
        decide_referral(world.users["mo"], referral=referral, route="nfa", decided=dt.date(2024, 3, 4))
    assert refused.value.message_dict == {"decided": ["The decision cannot be before the referral date"]}


def test_closing_a_referral_records_the_date_and_reason(world):
    referral = a_closed_referral(world, dt.date(2024, 1, 8), dt.date(2024, 2, 20))
    referral.refresh_from_db()
    assert (referral.closed, referral.closure_reason) == (dt.date(2024, 2, 20), "RC8")


def test_a_referral_cannot_be_closed_twice(world, nothing_written):
    referral = a_closed_referral(world, dt.date(2024, 1, 8), dt.date(2024, 2, 20))
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        close_referral(world.users["mo"], referral=referral, closed=dt.date(2024, 3, 1), closure_reason="RC7")
    assert refused.value.message_dict == {"closed": ["This referral was already closed on 20 February 2024"]}
    referral.refresh_from_db()
    assert referral.closed == dt.date(2024, 2, 20)


def test_closing_a_referral_needs_a_decision_and_a_reason(world, nothing_written):
    referral = record_referral(
        world.users["mo"], child=world.child_north, date=dt.date(2024, 3, 5), source="6"
    )
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        close_referral(world.users["mo"], referral=referral, closed=dt.date(2024, 3, 9), closure_reason="")
    assert refused.value.message_dict == {
        "closed": ["Record the decision on this referral before closing it"],
        "closure_reason": ["Choose the reason the case closed"],
    }


def test_a_referral_cannot_close_before_its_decision(world):
    mo = world.users["mo"]
    referral = record_referral(mo, child=world.child_north, date=dt.date(2024, 3, 5), source="6")
    decide_referral(mo, referral=referral, route="assessment", decided=dt.date(2024, 3, 7))
    with pytest.raises(ValidationError) as refused:
        close_referral(mo, referral=referral, closed=dt.date(2024, 3, 6), closure_reason="RC8")
    assert refused.value.message_dict == {"closed": ["The referral cannot close before it was decided"]}


def test_a_referral_stays_open_while_the_child_has_a_protection_plan(world, nothing_written):
    mo = world.users["mo"]
    referral = record_referral(mo, child=world.child_north, date=dt.date(2024, 3, 5), source="6")
    decide_referral(mo, referral=referral, route="strategy", decided=dt.date(2024, 3, 5))
    start_cp_plan(mo, child=world.child_north, start=dt.date(2024, 4, 2), category="NEG", referral=referral)
    with nothing_written(Referral), pytest.raises(ValidationError) as refused:
        close_referral(mo, referral=referral, closed=dt.date(2024, 5, 1), closure_reason="RC7")
    assert refused.value.message_dict == {
        NON_FIELD_ERRORS: ["End Ava's child protection plan before closing the referral"]
    }
