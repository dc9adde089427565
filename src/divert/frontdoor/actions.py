"""Every write at the front door: enquiries, matching, partners' information, decisions, referrals.

An enquiry reaches the MASH naming children as the referrer knew them; each is matched to the
register (or added, on purpose) and the match makes the child's contact, which carries the
threshold decision. The decision starts what it decides (a referral with its route, or early
help) in the same transaction, and the enquiry closes when its last child is decided.

Each action runs in one transaction with its audit rows (through ``divert.core.actions``) and
refuses anything that breaks a rule with a ``ValidationError`` keyed by the field to correct,
so a form shows the message beside that field and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from divert.care.rules import describe_period, long_date, one_year_before
from divert.core.access import may_work_front_door
from divert.core.actions import (
    Problems,
    audited_create,
    audited_delete,
    audited_update,
    lock,
    lock_child,
    moment_not_future,
    not_future,
    refuse,
    renamed,
)
from divert.core.clocks import contact_decision_due, local_day
from divert.core.codes import PartnerAgency, ReferralSource
from divert.earlyhelp.actions import close_early_help, step_down
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import (
    SOCIAL_WORK_TEAMS,
    Contact,
    Enquiry,
    HouseholdMember,
    InformationRequest,
    NamedChild,
    Referral,
)
from divert.people.actions import create_child, normalise_postcode, postcode_error
from divert.people.models import Child, Locality, Professional
from divert.people.queries import held_on

if TYPE_CHECKING:
    from divert.core.models import Authority, User


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


#: The routes a threshold decision can take, and the contact decision each one records.
ROUTE_DECISIONS: dict[str, str] = {
    "nfa": Contact.Decision.NO_FURTHER_ACTION,
    "advice": Contact.Decision.ADVICE,
    "early_help": Contact.Decision.EARLY_HELP,
    "assessment": Contact.Decision.REFERRAL,
    "strategy": Contact.Decision.REFERRAL,
    "open_case": Contact.Decision.OPEN_CASE,
}
REFERRAL_ROUTES = frozenset({"assessment", "strategy"})
#: What the open-case route is called on the decision page, for messages that point to it.
OPEN_CASE_ROUTE = "Pass to the allocated worker (open case)"


def has_open_case(child: Child, day: dt.date) -> bool:
    """Whether ``child``'s case is open to social care on ``day``: an open referral, or a social
    work team holding the case. A new contact then belongs to that case, not to a new referral."""
    if child.referrals.filter(closed__isnull=True).exists():
        return True
    held = child.allocations.filter(held_on(day), team__kind__in=SOCIAL_WORK_TEAMS)
    return held.exists()


def _open_case_problems(contact: Contact, decision: str, day: dt.date) -> Problems:
    if decision != Contact.Decision.OPEN_CASE or has_open_case(contact.child, day):
        return {}
    return {
        "route": f"{contact.child.first_name} has no open case (no open referral and no social work "
        "team holds the case): choose another route"
    }


def _route_problems(contact: Contact, decision: str, route: str, need_level: str, reasons: str) -> Problems:
    """What a threshold decision must say: the route, the level of need and why."""
    problems: Problems = {}
    if route not in ROUTE_DECISIONS:
        problems["route"] = "Choose what happens next"
    elif decision and decision != ROUTE_DECISIONS[route]:
        problems["route"] = "The route does not match the decision"
    if need_level not in Contact.NeedLevel.values:
        problems["need_level"] = "Choose the level of need"
    if not reasons.strip():
        problems["reasons"] = "Say why you made this decision"
    if route in REFERRAL_ROUTES:
        still_open = contact.child.referrals.filter(closed__isnull=True).first()
        if still_open is not None:
            problems["route"] = (
                f"{contact.child.first_name} already has an open referral from {long_date(still_open.date)}: "
                f"choose '{OPEN_CASE_ROUTE}' to add this contact to that case, or close the referral first"
            )
    return problems


def _early_help_problems(route: str, locality: Locality | None, lead: Professional | None) -> Problems:
    if route != "early_help":
        return {}
    problems: Problems = {}
    if locality is None:
        problems["locality"] = "Choose the locality that will offer early help"
    if lead is None:
        problems["lead_professional"] = "Choose the lead professional"
    return problems


def _consent_problems(contact: Contact, consent: str) -> Problems:
    """Information is shared and a decision made only once consent (or why not) is on record."""
    enquiry = contact.enquiry
    if enquiry is None or enquiry.consent or consent:
        if consent and consent not in Enquiry.Consent.values:
            return {"consent": "Choose whether consent to share information was given"}
        return {}
    return {"consent": "Record whether consent to share information was given before deciding"}


@transaction.atomic
def decide_contact(
    actor: User | None,
    *,
    contact: Contact,
    decision: str = "",
    decided: dt.datetime,
    need_level: str = "",
    route: str = "",
    reasons: str = "",
    locality: Locality | None = None,
    lead_professional: Professional | None = None,
    consent: str = "",
    consent_note: str = "",
) -> Contact:
    """Record what the front door decided, once; with a ``route``, also start what it decides.

    A route of assessment or strategy discussion records the referral (the CIN episode) and
    its route; early help steps the child down to the lead professional. A child whose case is
    already open goes to the allocated worker (``open_case``): that starts nothing, because the
    contact belongs to the case the child already has. Everything commits together or not at
    all. When the last named child of an enquiry is decided, the enquiry closes. The decision
    time may be given; pages give the moment it is recorded.
    """
    lock(contact)
    problems: Problems = {}
    if route:
        decision = decision or ROUTE_DECISIONS.get(route, "")
        problems |= _route_problems(contact, decision, route, need_level, reasons)
        problems |= _early_help_problems(route, locality, lead_professional)
    if contact.decision:
        problems["decision"] = (
            f"A decision ({contact.get_decision_display()}) has already been recorded for this contact"
        )
    elif not decision and "route" not in problems:
        problems["decision"] = "Choose what was decided"
    problems = _open_case_problems(contact, decision, local_day(decided)) | problems
    if decided < contact.received:
        problems["decided"] = "The decision cannot be before the contact was received"
    problems = moment_not_future("decided", decided) | _consent_problems(contact, consent) | problems
    refuse(problems)
    if consent and contact.enquiry is not None and not contact.enquiry.consent:
        audited_update(actor, contact.enquiry, {"consent": consent, "consent_note": consent_note})
    changes: dict[str, Any] = {"decision": decision, "decided": decided, "decided_by": actor}
    if route:
        changes |= {"need_level": need_level, "reasons": reasons}
    contact = audited_update(actor, contact, changes)
    _start_route(actor, contact, route, local_day(decided), locality, lead_professional)
    _close_enquiry_when_all_decided(actor, contact.enquiry, decided)
    return contact


def _start_route(
    actor: User | None,
    contact: Contact,
    route: str,
    day: dt.date,
    locality: Locality | None,
    lead: Professional | None,
) -> None:
    """The referral, or the early help episode, the decision starts (problems named on ``route``)."""
    try:
        if route in REFERRAL_ROUTES:
            referral = record_referral(
                actor, child=contact.child, date=day, source=contact.source, contact=contact
            )
            decide_referral(actor, referral=referral, route=route, decided=day)
        elif route == "early_help" and locality is not None and lead is not None:
            step_down(
                actor,
                child=contact.child,
                locality=locality,
                lead_professional=lead,
                start=day,
                contact=contact,
            )
    except ValidationError as error:
        raise renamed(error, {"date": "route", "start": "route", "decided": "route"}) from error


def _close_enquiry_when_all_decided(
    actor: User | None, enquiry: Enquiry | None, decided: dt.datetime
) -> None:
    """An enquiry is done when every child it names has a decision (so none is left waiting)."""
    if enquiry is None or enquiry.closed is not None:
        return
    lock(enquiry)
    waiting = enquiry.children.exclude(contact__decided__isnull=False)
    if not waiting.exists():
        audited_update(actor, enquiry, {"closed": max(decided, enquiry.received)})


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


# Enquiries: what reaches the MASH


#: The enquiry's own details a MASH officer may correct while it is open.
ENQUIRY_FIELDS = frozenset(
    {
        "received",
        "source",
        "method",
        "referrer_name",
        "referrer_role",
        "referrer_contact",
        "concerns",
        "address",
        "postcode",
        "consent",
        "consent_note",
    }
)
CHILD_FIELDS = ("first_name", "last_name", "date_of_birth", "sex", "postcode", "unborn")
MEMBER_FIELDS = ("name", "relationship", "date_of_birth")
#: The longest reason for removing a named child: it is kept as the audit row's note.
REASON_LENGTH = 300
#: When "by the end of the working day" falls, for information requests' default deadline.
END_OF_WORKING_DAY = dt.time(17, 0)


def _closed_problems(enquiry: Enquiry) -> Problems:
    if enquiry.closed is not None:
        return {NON_FIELD_ERRORS: "This enquiry is closed, and a closed contact cannot be edited"}
    return {}


def _child_problems(child: Mapping[str, Any], today: dt.date) -> Problems:
    """What is wrong with one child as the referrer named them, by field."""
    problems: Problems = {}
    if not str(child.get("first_name") or "").strip():
        problems["first_name"] = "Enter a first name (or 'Unborn' for an unborn baby)"
    if not str(child.get("last_name") or "").strip():
        problems["last_name"] = "Enter a last name"
    born = child.get("date_of_birth")
    if born is not None and born > today and not child.get("unborn"):
        problems["date_of_birth"] = "The date of birth cannot be in the future (tick 'unborn' for a due date)"
    if child.get("unborn") and born is None:
        problems["date_of_birth"] = "Enter the due date of the unborn baby"
    return problems


def _named_child_problems(number: int, child: Mapping[str, Any], today: dt.date) -> list[str]:
    """What is wrong with the ``number``th child the referrer named (1-based, as the form shows)."""
    return [f"Child {number}: {p[0].lower()}{p[1:]}" for p in _child_problems(child, today).values()]


def _children_problems(children: Sequence[Mapping[str, Any]], today: dt.date) -> Problems:
    if not children:
        return {"children": "Name at least one child"}
    problems = [
        p for n, child in enumerate(children, start=1) for p in _named_child_problems(n, child, today)
    ]
    return {"children": "; ".join(problems)} if problems else {}


def _household_problems(household: Sequence[Mapping[str, Any]]) -> Problems:
    problems = [
        f"Household member {n}: enter a name and their relationship to the children"
        for n, member in enumerate(household, start=1)
        if not str(member.get("name") or "").strip() or not str(member.get("relationship") or "").strip()
    ]
    return {"household": "; ".join(problems)} if problems else {}


def _postcode_problems(field: str, postcode: str) -> Problems:
    error = postcode_error(postcode)
    return {field: error} if error else {}


def _named_child(enquiry: Enquiry, child: Mapping[str, Any]) -> NamedChild:
    values = {name: child.get(name) for name in CHILD_FIELDS if name in child}
    for name in ("first_name", "last_name", "sex"):
        values[name] = str(values.get(name) or "").strip()
    values["postcode"] = normalise_postcode(str(values.get("postcode") or ""))
    values["unborn"] = bool(values.get("unborn"))
    return NamedChild(enquiry=enquiry, **values)


@transaction.atomic
def record_enquiry(
    actor: User | None,
    *,
    authority: Authority,
    received: dt.datetime,
    source: str,
    method: str,
    referrer_name: str,
    referrer_role: str = "",
    referrer_contact: str = "",
    concerns: str,
    address: str = "",
    postcode: str = "",
    consent: str = "",
    consent_note: str = "",
    children: Sequence[Mapping[str, Any]],
    household: Sequence[Mapping[str, Any]] = (),
    stepped_up_from: EarlyHelpEpisode | None = None,
) -> Enquiry:
    """An enquiry of concern reaches the MASH: who raised it, how, about whom; the clock starts.

    The children are recorded as the referrer named them; matching them to the register is a
    separate, deliberate step (:func:`match_child`), so a misspelt name never makes a duplicate.
    """
    today = timezone.localdate()
    postcode = normalise_postcode(postcode)
    refuse(
        moment_not_future("received", received)
        | _children_problems(children, today)
        | _household_problems(household)
        | _postcode_problems("postcode", postcode)
    )
    enquiry = audited_create(
        actor,
        Enquiry(
            authority=authority,
            received=received,
            source=source,
            method=method,
            referrer_name=referrer_name.strip(),
            referrer_role=referrer_role.strip(),
            referrer_contact=referrer_contact.strip(),
            concerns=concerns.strip(),
            address=address.strip(),
            postcode=postcode,
            consent=consent,
            consent_note=consent_note.strip(),
            recorded_by=_person(actor),
            stepped_up_from=stepped_up_from,
        ),
    )
    for child in children:
        audited_create(actor, _named_child(enquiry, child))
    for member in household:
        values = {name: member.get(name) for name in MEMBER_FIELDS}
        values["name"] = str(values["name"]).strip()
        values["relationship"] = str(values["relationship"]).strip()
        audited_create(actor, HouseholdMember(enquiry=enquiry, **values))
    return enquiry


def _person(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def update_enquiry(actor: User | None, *, enquiry: Enquiry, **changes: Any) -> Enquiry:
    """Correct an open enquiry; its children's undecided contacts follow its time, source and concerns."""
    unknown = set(changes) - ENQUIRY_FIELDS
    if unknown:
        raise TypeError(f"update_enquiry cannot change {', '.join(sorted(unknown))}")
    lock(enquiry)
    if "postcode" in changes:
        changes["postcode"] = normalise_postcode(changes["postcode"] or "")
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    problems = _closed_problems(enquiry) | _postcode_problems("postcode", changes.get("postcode", ""))
    if "received" in changes:
        problems |= moment_not_future("received", changes["received"])
        decided = enquiry.contacts.filter(decided__lt=changes["received"]).exists()
        if decided:
            problems["received"] = "A child on this enquiry was decided before that time"
    refuse(problems)
    enquiry = audited_update(actor, enquiry, changes)
    follows = {name: changes[name] for name in ("received", "source", "concerns") if name in changes}
    if follows:
        for contact in enquiry.contacts.filter(decided__isnull=True):
            audited_update(actor, contact, follows)
    return enquiry


@transaction.atomic
def take_enquiry(actor: User, *, enquiry: Enquiry, officer: User | None = None) -> Enquiry:
    """Allocate an open enquiry to a MASH officer (the one taking it, unless another is named)."""
    officer = officer or actor
    lock(enquiry)
    problems = _closed_problems(enquiry)
    if officer.authority_id != enquiry.authority_id or not may_work_front_door(officer):
        problems["officer"] = "Choose a MASH officer in the enquiry's authority"
    refuse(problems)
    return audited_update(actor, enquiry, {"officer": officer})


# Children the MASH learns of, or named in error, after the enquiry was recorded


@transaction.atomic
def add_named_child(
    actor: User | None,
    *,
    enquiry: Enquiry,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None = None,
    sex: str = "",
    postcode: str = "",
    unborn: bool = False,
) -> NamedChild:
    """The MASH learns of another child in the household (a sibling found in its checks): name them
    on the open enquiry, by the rules that applied when it was recorded, ready to be matched."""
    lock(enquiry)
    postcode = normalise_postcode(postcode)
    child = {
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": date_of_birth,
        "sex": sex,
        "postcode": postcode,
        "unborn": unborn,
    }
    refuse(
        _closed_problems(enquiry)
        | _child_problems(child, timezone.localdate())
        | _postcode_problems("postcode", postcode)
    )
    return audited_create(actor, _named_child(enquiry, child), note=f"Added to {enquiry.reference}")


def _removal_problems(named: NamedChild, reason: str) -> Problems:
    problems = _closed_problems(named.enquiry)
    if named.child_id is not None:
        problems.setdefault(
            NON_FIELD_ERRORS, f"{named} has been matched to the register, so the contact stays on the record"
        )
    elif not named.enquiry.children.exclude(pk=named.pk).exists():
        only = "An enquiry names at least one child: add the right child before removing this one"
        problems.setdefault(NON_FIELD_ERRORS, only)
    if not reason.strip():
        problems["reason"] = "Say why this child is being removed"
    elif len(reason.strip()) > REASON_LENGTH:
        problems["reason"] = f"Keep the reason to {REASON_LENGTH} characters"
    return problems


@transaction.atomic
def remove_named_child(actor: User | None, *, named: NamedChild, reason: str) -> None:
    """Take off a child named in error, before they are matched; the reason is kept in the audit log.

    A matched child has a contact on the register, so they stay. When every child left has a
    decision, the enquiry closes at the time of the last one: it was only waiting for this row.
    """
    enquiry = named.enquiry
    lock(enquiry)
    lock(named)
    refuse(_removal_problems(named, reason))
    audited_delete(actor, named, note=reason.strip())
    latest = enquiry.contacts.aggregate(latest=Max("decided"))["latest"]
    if latest is not None:
        _close_enquiry_when_all_decided(actor, enquiry, latest)


# Matching a named child to the register


def _match_problems(named: NamedChild, child: Child) -> Problems:
    enquiry = named.enquiry
    problems = _closed_problems(enquiry)
    if named.child_id is not None:
        problems["child"] = f"{named} has already been matched"
    elif child.authority_id != enquiry.authority_id:
        problems["child"] = "Choose a child in the enquiry's own authority"
    elif enquiry.children.filter(child=child).exists():
        problems["child"] = f"{child.full_name} is already matched to another child named on this enquiry"
    return problems


def _contact_for(actor: User | None, named: NamedChild, child: Child) -> Contact:
    enquiry = named.enquiry
    contact = Contact(
        child=child,
        enquiry=enquiry,
        named=named,
        received=enquiry.received,
        source=enquiry.source,
        concerns=enquiry.concerns,
    )
    return audited_create(actor, contact, note=f"Matched from {enquiry.reference}")


@transaction.atomic
def match_child(actor: User | None, *, named: NamedChild, child: Child) -> Contact:
    """This named child is that child on the register: record the match and make the child's contact."""
    lock(named)
    lock(named.enquiry)
    refuse(_match_problems(named, child))
    audited_update(actor, named, {"child": child, "matched_by": _person(actor)})
    return _contact_for(actor, named, child)


def _new_child_problems(named: NamedChild, confirm_no_match: bool, likely: list[Child]) -> Problems:
    if confirm_no_match:
        return {}
    if likely:
        names = "; ".join(f"{c.full_name} ({c.child_id}, born {c.date_of_birth:%-d %b %Y})" for c in likely)
        return {
            "confirm_no_match": f"Possible duplicates on the register: {names}. "
            "Confirm that none of them is this child before adding a new one"
        }
    return {"confirm_no_match": "Confirm that no child on the register is this child"}


def new_child_id(named: NamedChild) -> str:
    """The ID a child added at the front door gets until the council gives another: F and the naming."""
    return f"F{named.pk:07d}"


@transaction.atomic
def add_new_child(actor: User | None, *, named: NamedChild, confirm_no_match: bool, **fields: Any) -> Contact:
    """No child on the register is this one: add them, on purpose, and make their contact.

    Refused unless the officer confirms no existing child matches, naming the likely duplicates
    the matcher found, so a mistyped name never quietly makes a second record.
    """
    from divert.frontdoor.matching import find_matches

    lock(named)
    enquiry = named.enquiry
    values = {
        "first_name": named.first_name,
        "last_name": named.last_name,
        "date_of_birth": named.date_of_birth,
        "sex": named.sex if named.sex in ("M", "F") else "U",
        "home_postcode": named.postcode or enquiry.postcode,
        "child_id": new_child_id(named),
    } | {k: v for k, v in fields.items() if v not in (None, "")}
    likely = [c.child for c in find_matches(actor, named=named) if c.strength == "strong"]
    problems = _closed_problems(enquiry) | _new_child_problems(named, confirm_no_match, likely)
    if named.child_id is not None:
        problems["child"] = f"{named} has already been matched"
    if values["date_of_birth"] is None:
        problems["date_of_birth"] = "Enter the child's date of birth to add them to the register"
    elif named.unborn and values["date_of_birth"] > timezone.localdate():
        problems["date_of_birth"] = (
            "An unborn baby is added to the register once born: enter the date of birth"
        )
    refuse(problems)
    child = create_child(actor, authority=enquiry.authority, **values)
    audited_update(actor, named, {"child": child, "matched_by": _person(actor), "added_as_new": True})
    return _contact_for(actor, named, child)


# Information requests to partner agencies


def default_due(enquiry: Enquiry) -> dt.datetime:
    """The end of the working day the decision is due: the answer is needed in time to decide."""
    day = contact_decision_due(enquiry.received)
    return timezone.make_aware(dt.datetime.combine(day, END_OF_WORKING_DAY))


@transaction.atomic
def request_information(
    actor: User | None, *, enquiry: Enquiry, agency: str, question: str, due: dt.datetime | None = None
) -> InformationRequest:
    """Ask a partner agency what it knows about the household, by a deadline (the decision's, unless set)."""
    now = timezone.now()
    due = due or max(default_due(enquiry), now)
    problems = _closed_problems(enquiry)
    if agency not in PartnerAgency.values:
        problems["agency"] = "Choose the agency to ask"
    if not question.strip():
        problems["question"] = "Enter what you want to know"
    if due < now:
        problems["due"] = "The answer cannot be due in the past"
    refuse(problems)
    request = InformationRequest(
        enquiry=enquiry,
        agency=agency,
        question=question.strip(),
        requested=now,
        requested_by=_person(actor),
        due=due,
    )
    return audited_create(actor, request)


@transaction.atomic
def answer_information_request(
    actor: User | None, *, request: InformationRequest, response: str
) -> InformationRequest:
    """The partner agency answers, once: the MASH decides on what it was told."""
    lock(request)
    problems: Problems = {}
    if request.responded is not None:
        problems["response"] = (
            f"This request was already answered on {timezone.localtime(request.responded):%-d %b %Y}"
        )
    elif not response.strip():
        problems["response"] = "Enter your agency's answer"
    refuse(problems)
    changes = {"response": response.strip(), "responded": timezone.now(), "responded_by": _person(actor)}
    return audited_update(actor, request, changes)


# Stepping up from early help


@transaction.atomic
def step_up(
    actor: User | None,
    *,
    episode: EarlyHelpEpisode,
    received: dt.datetime,
    concerns: str,
    referrer_name: str,
    method: str = Enquiry.Method.EMAIL,
) -> Enquiry:
    """Worries grew in early help: close the episode as stepped up, and bring the child to the MASH.

    The new enquiry names the child already matched (their contact is made) and points at the
    episode, so the MASH reads the early help history beside the new concerns.
    """
    child = episode.child
    close_early_help(
        actor, episode=episode, end=local_day(received), outcome=EarlyHelpEpisode.Outcome.STEPPED_UP
    )
    enquiry = record_enquiry(
        actor,
        authority=child.authority,
        received=received,
        source=ReferralSource.S5D,
        method=method,
        referrer_name=referrer_name,
        referrer_role=f"Lead professional, early help ({episode.lead_professional.name})",
        concerns=concerns,
        postcode=child.home_postcode,
        children=[
            {
                "first_name": child.first_name,
                "last_name": child.last_name,
                "date_of_birth": child.date_of_birth,
                "sex": child.sex,
                "postcode": child.home_postcode,
            }
        ],
        stepped_up_from=episode,
    )
    match_child(actor, named=enquiry.children.get(), child=child)
    return enquiry
