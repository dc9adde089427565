"""Every write about foster carer and adopter households: enquiry, approval, deregistration.

The council's own fostering capacity is what lets it move children out of agency placements,
so each step is dated and audited like any change to a child's record.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from divert.care.models import Episode
from divert.care.rules import long_date
from divert.carers.models import FosterHousehold
from divert.core.actions import Problems, audited_create, audited_update, lock, not_future, refuse
from divert.core.models import Authority

if TYPE_CHECKING:
    from divert.core.models import User

STILL_APPROVED = (FosterHousehold.Status.APPROVED, FosterHousehold.Status.INACTIVE)
AWAITING_APPROVAL = (FosterHousehold.Status.ENQUIRY, FosterHousehold.Status.ASSESSMENT)


@transaction.atomic
def record_household_enquiry(
    actor: User | None,
    *,
    authority: Authority,
    reference: str,
    name: str,
    enquiry_date: dt.date,
    kind: str = FosterHousehold.Kind.MAINSTREAM,
    postcode: str = "",
) -> FosterHousehold:
    """A household asks about fostering or adopting: the start of the recruitment pipeline."""
    problems = not_future("enquiry_date", enquiry_date)
    if FosterHousehold.objects.filter(authority=authority, reference=reference).exists():
        problems["reference"] = f"The reference {reference} is already used by another household"
    refuse(problems)
    household = FosterHousehold(
        authority=authority,
        reference=reference,
        name=name,
        kind=kind,
        enquiry_date=enquiry_date,
        postcode=postcode,
    )
    return audited_create(actor, household)


@transaction.atomic
def approve_household(
    actor: User | None, *, household: FosterHousehold, approval_date: dt.date, approved_places: int
) -> FosterHousehold:
    """The fostering panel's approval: from this day the household can take children."""
    lock(household)
    problems = not_future("approval_date", approval_date)
    if household.status not in AWAITING_APPROVAL:
        problems["approval_date"] = (
            "Only a household at enquiry or in assessment can be approved; "
            f"this household's status is {household.get_status_display()}"
        )
    elif approval_date < household.enquiry_date:
        problems["approval_date"] = (
            f"Approval cannot be before the household's enquiry on {long_date(household.enquiry_date)}"
        )
    if approved_places < 1:
        problems["approved_places"] = "An approved household has at least one place"
    refuse(problems)
    changes = {
        "status": FosterHousehold.Status.APPROVED,
        "approval_date": approval_date,
        "approved_places": approved_places,
    }
    return audited_update(actor, household, changes)


def _children_still_placed(household: FosterHousehold, day: dt.date) -> Problems:
    """A household cannot be deregistered while a child still lives there (a move comes first)."""
    placed = Episode.objects.filter(carer=household).exclude(dec__lte=day).select_related("child")
    names = sorted({episode.child.full_name for episode in placed})
    if not names:
        return {}
    return {"deregistration_date": f"Move {', '.join(names)} to another placement before deregistering"}


@transaction.atomic
def deregister_household(
    actor: User | None, *, household: FosterHousehold, deregistration_date: dt.date
) -> FosterHousehold:
    """The household stops fostering: its places leave the council's capacity from this day."""
    lock(household)
    problems = not_future("deregistration_date", deregistration_date)
    if household.status not in STILL_APPROVED:
        problems["deregistration_date"] = (
            "Only an approved household can be deregistered; "
            f"this household's status is {household.get_status_display()}"
        )
    elif household.approval_date and deregistration_date < household.approval_date:
        problems["deregistration_date"] = (
            f"Deregistration cannot be before approval on {long_date(household.approval_date)}"
        )
    else:
        problems |= _children_still_placed(household, deregistration_date)
    refuse(problems)
    changes = {"status": FosterHousehold.Status.DEREGISTERED, "deregistration_date": deregistration_date}
    return audited_update(actor, household, changes)
