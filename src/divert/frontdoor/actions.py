"""Every write at the front door: contacts, their decisions, referrals and their closure.

Each action runs in one transaction with its audit row (through ``divert.core.actions``) and
refuses anything that breaks a rule with a ``ValidationError`` keyed by the field to correct,
so a form shows the message beside that field and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone

from divert.care.rules import describe_period, long_date, one_year_before
from divert.core.actions import (
    Problems,
    audited_create,
    audited_update,
    lock,
    lock_child,
    moment_not_future,
    not_future,
    refuse,
)
from divert.frontdoor.models import Contact, Referral
from divert.people.models import Child

if TYPE_CHECKING:
    from divert.core.models import User


# Contacts


@transaction.atomic
def record_contact(
    actor: User | None, *, child: Child, received: dt.datetime, source: str, concerns: str
) -> Contact:
    """A concern about a child reaches the front door; the one-working-day clock starts."""
    refuse(moment_not_future("received", received))
    contact = Contact(child=child, received=received, source=source, concerns=concerns)
    return audited_create(actor, contact)


@transaction.atomic
def update_contact(
    actor: User | None,
    *,
    contact: Contact,
    received: dt.datetime | None = None,
    source: str | None = None,
    concerns: str | None = None,
) -> Contact:
    """Correct a contact before it is decided; afterwards the record stands as decided on."""
    lock(contact)
    if contact.decision:
        refuse({NON_FIELD_ERRORS: "This contact has been decided, so it can no longer be changed"})
    given = {"received": received, "source": source, "concerns": concerns}
    changes = {name: value for name, value in given.items() if value is not None}
    if received is not None:
        refuse(moment_not_future("received", received))
    return audited_update(actor, contact, changes)


@transaction.atomic
def decide_contact(actor: User | None, *, contact: Contact, decision: str, decided: dt.datetime) -> Contact:
    """Record what the front door decided. A decision is recorded once and then stands."""
    lock(contact)
    problems: Problems = {}
    if contact.decision:
        problems["decision"] = (
            f"A decision ({contact.get_decision_display()}) has already been recorded for this contact"
        )
    elif not decision:
        problems["decision"] = "Choose what was decided"
    if decided < contact.received:
        problems["decided"] = "The decision cannot be before the contact was received"
    problems = moment_not_future("decided", decided) | problems
    refuse(problems)
    return audited_update(actor, contact, {"decision": decision, "decided": decided, "decided_by": actor})


# Referrals


def is_re_referral(child: Child, day: dt.date) -> bool:
    """Whether ``child`` had a referral dated in the 12 months before ``day`` (DfE definition)."""
    return child.referrals.filter(date__gte=one_year_before(day), date__lt=day).exists()


def _overlapping_referral_problems(child: Child, day: dt.date) -> Problems:
    """A child has one referral (CIN episode) at a time: the census refuses overlapping ones."""
    still_open = child.referrals.filter(closed__isnull=True).first()
    if still_open is not None:
        return {
            "date": f"{child.first_name} already has an open referral from {long_date(still_open.date)}; "
            "close it before recording a new one"
        }
    clash = child.referrals.filter(closed__gte=day).order_by("date").first()
    if clash is not None:
        return {
            "date": f"This date falls within {child.first_name}'s referral "
            f"{describe_period(clash.date, clash.closed)}"
        }
    return {}


def _contact_problems(child: Child, contact: Contact | None, day: dt.date) -> Problems:
    if contact is None:
        return {}
    if contact.child_id != child.pk:
        return {"contact": "That contact is about a different child"}
    if contact.decision != Contact.Decision.REFERRAL:
        return {"contact": "That contact was not decided as a referral to children's social care"}
    if Referral.objects.filter(contact=contact).exists():
        return {"contact": "That contact already has a referral"}
    if day < timezone.localtime(contact.received).date():
        return {"date": "The referral cannot be dated before the contact was received"}
    return {}


@transaction.atomic
def record_referral(
    actor: User | None,
    *,
    child: Child,
    date: dt.date,
    source: str,
    primary_need: str = "",
    contact: Contact | None = None,
) -> Referral:
    """Accept a referral (a new CIN episode), marking it a re-referral when one was made in the last year."""
    lock_child(child)
    problems = (
        not_future("date", date)
        | _overlapping_referral_problems(child, date)
        | _contact_problems(child, contact, date)
    )
    if date < child.date_of_birth:
        problems.setdefault("date", "The referral cannot be before the child was born")
    refuse(problems)
    referral = Referral(
        child=child,
        contact=contact,
        date=date,
        source=source,
        primary_need=primary_need,
        re_referral=is_re_referral(child, date),
    )
    return audited_create(actor, referral)


@transaction.atomic
def decide_referral(actor: User | None, *, referral: Referral, route: str, decided: dt.date) -> Referral:
    """Record the route the referral takes (assessment, strategy discussion, early help, none), once."""
    lock(referral)
    problems: Problems = {}
    if referral.route:
        problems["route"] = f"The route ({referral.get_route_display()}) has already been decided"
    elif not route:
        problems["route"] = "Choose the route the referral takes"
    if referral.closed is not None:
        problems["route"] = "This referral is closed"
    if decided < referral.date:
        problems["decided"] = "The decision cannot be before the referral date"
    refuse(not_future("decided", decided) | problems)
    return audited_update(actor, referral, {"route": route, "decided": decided})


def _open_plan_problems(referral: Referral) -> Problems:
    """A referral (CIN episode) stays open while the child has a plan within it."""
    child = referral.child
    if child.cp_plans.filter(end__isnull=True).exists():
        return {
            NON_FIELD_ERRORS: f"End {child.first_name}'s child protection plan before closing the referral"
        }
    if child.cin_plans.filter(end__isnull=True).exists():
        return {NON_FIELD_ERRORS: f"End {child.first_name}'s child in need plan before closing the referral"}
    return {}


@transaction.atomic
def close_referral(
    actor: User | None, *, referral: Referral, closed: dt.date, closure_reason: str
) -> Referral:
    """Close the referral (the CIN episode) with the census closure reason, once."""
    lock(referral)
    problems: Problems = {}
    if referral.closed is not None:
        problems["closed"] = f"This referral was already closed on {long_date(referral.closed)}"
    elif not referral.route:
        problems["closed"] = "Record the decision on this referral before closing it"
    elif closed < (referral.decided or referral.date):
        problems["closed"] = "The referral cannot close before it was decided"
    if not closure_reason:
        problems["closure_reason"] = "Choose the reason the case closed"
    refuse(not_future("closed", closed) | problems | _open_plan_problems(referral))
    return audited_update(actor, referral, {"closed": closed, "closure_reason": closure_reason})
