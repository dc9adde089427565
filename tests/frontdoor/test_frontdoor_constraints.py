"""The database itself refuses contacts and referrals that break the rules, whoever writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from divert.frontdoor.models import Contact, Referral

RECEIVED = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 30))


def refused_by_database(model, **fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def test_a_well_formed_contact_and_referral_are_accepted(world):
    contact = Contact.objects.create(
        child=world.child_north,
        received=RECEIVED,
        source="6",
        concerns="x",
        decision="referral",
        decided=RECEIVED,
    )
    Referral.objects.create(child=world.child_north, contact=contact, date=dt.date(2024, 3, 4), source="6")
    assert Referral.objects.count() == 1


def test_a_contact_cannot_be_decided_before_it_was_received(world):
    refused_by_database(
        Contact,
        child=world.child_north,
        received=RECEIVED,
        source="6",
        concerns="x",
        decision="nfa",
        decided=RECEIVED - dt.timedelta(hours=1),
    )


@pytest.mark.parametrize(("decision", "decided"), [("nfa", None), ("", RECEIVED)])
def test_a_contact_decision_and_its_date_come_together(world, decision, decided):
    refused_by_database(
        Contact,
        child=world.child_north,
        received=RECEIVED,
        source="6",
        concerns="x",
        decision=decision,
        decided=decided,
    )


def test_a_referral_cannot_be_decided_before_its_date(world):
    refused_by_database(
        Referral,
        child=world.child_north,
        date=dt.date(2024, 3, 5),
        source="6",
        route="nfa",
        decided=dt.date(2024, 3, 4),
    )


def test_a_referral_cannot_close_before_its_date(world):
    refused_by_database(
        Referral,
        child=world.child_north,
        date=dt.date(2024, 3, 5),
        source="6",
        closed=dt.date(2024, 3, 4),
        closure_reason="RC7",
    )


@pytest.mark.parametrize(("closed", "reason"), [(dt.date(2024, 4, 1), ""), (None, "RC7")])
def test_a_referral_closure_and_its_reason_come_together(world, closed, reason):
    refused_by_database(
        Referral,
        child=world.child_north,
        date=dt.date(2024, 3, 5),
        source="6",
        closed=closed,
        closure_reason=reason,
    )


def test_one_contact_leads_to_at_most_one_referral(world):
    contact = Contact.objects.create(child=world.child_north, received=RECEIVED, source="6", concerns="x")
    Referral.objects.create(child=world.child_north, contact=contact, date=dt.date(2024, 3, 4), source="6")
    refused_by_database(
        Referral, child=world.child_north, contact=contact, date=dt.date(2024, 6, 4), source="6"
    )
