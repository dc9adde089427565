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
from divert.carers import rules
from divert.carers.models import FosterHousehold, StageChange
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
        stage_since=enquiry_date,
        postcode=postcode,
    )
    audited_create(actor, household)
    _history(actor, household, FosterHousehold.Stage.ENQUIRY, enquiry_date, "")
    return household


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
        "stage": FosterHousehold.Stage.APPROVED,
        "stage_since": approval_date,
        "approval_date": approval_date,
        "approved_places": approved_places,
    }
    audited_update(actor, household, changes)
    _history(actor, household, FosterHousehold.Stage.APPROVED, approval_date, "")
    return household


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
    changes = {
        "status": FosterHousehold.Status.DEREGISTERED,
        "stage": FosterHousehold.Stage.DEREGISTERED,
        "stage_since": deregistration_date,
        "deregistration_date": deregistration_date,
    }
    audited_update(actor, household, changes)
    _history(actor, household, FosterHousehold.Stage.DEREGISTERED, deregistration_date, "")
    return household


def _history(actor: User | None, household: FosterHousehold, stage: str, day: dt.date, note: str) -> None:
    """The stage history row for a move, audited with it (same transaction as the caller's)."""
    recorded_by = actor if actor is not None and getattr(actor, "pk", None) else None
    audited_create(
        actor, StageChange(household=household, stage=stage, date=day, recorded_by=recorded_by, note=note)
    )


def _rank(household: FosterHousehold, stage: str) -> int | None:
    order = rules.stages_for(household.kind)
    return order.index(stage) if stage in order else None


@transaction.atomic
def move_to_stage(
    actor: User | None,
    *,
    household: FosterHousehold,
    stage: str,
    day: dt.date,
    note: str = "",
    approved_places: int | None = None,
    age_from: int | None = None,
    age_to: int | None = None,
    skills: dict[str, bool] | None = None,
) -> FosterHousehold:
    """Move a household to ``stage`` on ``day``: the fostering manager's one step in the pipeline.

    Forward moves may skip a stage (a connected person needs no information evening); a move
    back needs a reason, so the history says why an assessment was restarted. Approval needs
    the places and the age range the panel recommended; deregistration goes through
    ``deregister_household`` so no child is left in a deregistered home.
    """
    Stage = FosterHousehold.Stage
    if stage == Stage.DEREGISTERED:
        return deregister_household(actor, household=household, deregistration_date=day)
    lock(household)
    problems = not_future("day", day)
    since = household.in_stage_since
    if day < since:
        problems["day"] = (
            f"The date cannot be before the household entered {household.get_stage_display().lower()}"
            f" on {long_date(since)}"
        )
    current, wanted = household.stage, stage
    if wanted not in rules.STATUS_OF_STAGE:
        problems["stage"] = "Choose a stage"
    elif wanted == current:
        problems["stage"] = f"The household is already at {household.get_stage_display().lower()}"
    elif current in (Stage.DEREGISTERED, Stage.WITHDRAWN):
        problems["stage"] = "A deregistered or withdrawn household starts again with a new enquiry"
    elif wanted == Stage.WITHDRAWN and current not in rules.RECRUITMENT:
        problems["stage"] = (
            "Only a household still in recruitment can withdraw; an approved one is deregistered"
        )
    elif wanted == Stage.INACTIVE and current not in rules.APPROVED_STAGES:
        problems["stage"] = "Only an approved household can be made inactive"
    elif wanted in rules.RECRUITMENT and current not in rules.RECRUITMENT:
        problems["stage"] = "An approved household cannot go back into assessment"
    elif wanted in (Stage.MATCHED, Stage.PLACED) and household.kind != FosterHousehold.Kind.ADOPTER:
        problems["stage"] = "Matching and placing are adopters' stages"
    elif wanted in (Stage.MATCHED, Stage.PLACED) and current not in rules.APPROVED_STAGES:
        problems["stage"] = "Adopters are approved before they are matched"
    elif current != Stage.INACTIVE and wanted not in (Stage.WITHDRAWN, Stage.INACTIVE):
        rank_now, rank_wanted = _rank(household, current), _rank(household, wanted)
        if rank_wanted is None:
            problems["stage"] = "That stage is not part of this household's process"
        elif rank_now is not None and rank_wanted < rank_now and not note.strip():
            problems["note"] = "Say why the household is going back to an earlier stage"
    changes: dict[str, object] = {
        "stage": wanted,
        "stage_since": day,
        "status": rules.STATUS_OF_STAGE.get(wanted, household.status),
    }
    if wanted == Stage.APPROVED and current in rules.RECRUITMENT and "stage" not in problems:
        if not approved_places or approved_places < 1:
            problems["approved_places"] = "An approved household has at least one place"
        if age_from is None or age_to is None:
            problems["age_to"] = "Give the age range the household is approved for"
        elif age_from > age_to:
            problems["age_to"] = "The oldest age cannot be below the youngest"
        elif age_to > 17:
            problems["age_to"] = "Foster carers are approved for children up to 17"
        if day < household.enquiry_date:
            problems["day"] = f"Approval cannot be before the enquiry on {long_date(household.enquiry_date)}"
        changes |= {
            "approval_date": day,
            "approved_places": approved_places,
            "age_from": age_from,
            "age_to": age_to,
        }
        for name in ("parent_and_child", "complex_needs", "sibling_groups"):
            changes[name] = bool((skills or {}).get(name))
    refuse(problems)
    audited_update(actor, household, changes, note=note)
    _history(actor, household, wanted, day, note)
    return household


@transaction.atomic
def review_household(
    actor: User | None, *, household: FosterHousehold, day: dt.date, note: str
) -> FosterHousehold:
    """The fostering manager reviewed an inactive household (kept, supported, or to deregister)."""
    lock(household)
    problems = not_future("day", day)
    if household.stage not in rules.APPROVED_STAGES | {FosterHousehold.Stage.INACTIVE}:
        problems["day"] = "Only an approved household is reviewed"
    if not note.strip():
        problems["note"] = "Say what the review found and what happens next"
    refuse(problems)
    return audited_update(actor, household, {"last_review_date": day}, note=note)
