"""Every write to permanence: recording a plan, and recording and updating a court application.

Each action runs in one transaction with its audit rows; a write that breaks a rule is refused
with a ``ValidationError`` keyed by the form's field names and writes nothing. A plan is never
edited: a changed plan is a new one, so the history of what was planned, and when, stays.
A court application's outcome is recorded once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction

from divert.care.models import Episode, LookedAfterReview
from divert.core.actions import (
    Problems,
    audited_create,
    audited_update,
    day_problems,
    lock,
    lock_child,
    not_future,
    refuse,
)
from divert.core.codes import SHORT_BREAK_STATUSES
from divert.people.models import Child
from divert.permanence.models import CourtApplication, PermanencePlan

if TYPE_CHECKING:
    from divert.core.models import User

#: The legal status an application needs on the day it is made: a care order to discharge, a
#: placement order to revoke (an interim care order is not discharged but ended by the court).
NEEDS_LEGAL_STATUS = {
    CourtApplication.Kind.DISCHARGE: ("C2", "a care order"),
    CourtApplication.Kind.REVOCATION: ("E1", "a placement order"),
}


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _by(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _episode_on(child: Child, day: dt.date) -> Episode | None:
    """The child's care episode open on ``day`` (short breaks are not care)."""
    return (
        Episode.objects.filter(child=child, decom__lte=day)
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .exclude(dec__lte=day)
        .order_by("-decom")
        .first()
    )


# --- Permanence plans --------------------------------------------------------------------------


def _review_problems(child: Child, review: LookedAfterReview | None, agreed: dt.date) -> Problems:
    if review is None:
        return {}
    if review.child_id != child.pk:
        return {"review": "Choose one of the child's own reviews"}
    if review.date != agreed:
        return {"review": f"That review was on {long_date(review.date)}: the date agreed must be the same"}
    return {}


@transaction.atomic
def record_plan(
    actor: User | None,
    *,
    child: Child,
    agreed: dt.date,
    plan: str,
    review: LookedAfterReview | None = None,
    notes: str = "",
) -> PermanencePlan:
    """Record the permanence plan agreed for a looked-after child; it becomes their current plan.

    Agreed at a looked-after review, that review is marked as having a permanence plan in place
    (its SSDA903 record, which the scorecard's "permanence plan by the second review" counts).
    """
    lock_child(child)
    problems = day_problems(child, "agreed", agreed)
    if plan not in PermanencePlan.Kind.values:
        problems["plan"] = "Choose the permanence plan"
    if "agreed" not in problems and _episode_on(child, agreed) is None:
        problems["agreed"] = f"{child.first_name} was not looked after on {long_date(agreed)}"
    if not problems and child.permanence_plans.filter(agreed=agreed, plan=plan).exists():
        problems[NON_FIELD_ERRORS] = (
            f"This plan is already recorded for {child.first_name} on {long_date(agreed)}"
        )
    problems |= _review_problems(child, review, agreed)
    refuse(problems)
    made = audited_create(
        actor,
        PermanencePlan(
            child=child, agreed=agreed, plan=plan, review=review, notes=notes.strip(), recorded_by=_by(actor)
        ),
    )
    if review is not None and not review.permanence_plan:
        audited_update(actor, review, {"permanence_plan": True}, note="Permanence plan agreed at this review")
    return made


# --- Court applications ------------------------------------------------------------------------


def _legal_status_problems(child: Child, kind: str, applied: dt.date) -> Problems:
    if kind not in NEEDS_LEGAL_STATUS:
        return {}
    status, name = NEEDS_LEGAL_STATUS[CourtApplication.Kind(kind)]
    episode = _episode_on(child, applied)
    if episode is None or episode.ls != status:
        return {"kind": f"{child.first_name} was not under {name} on {long_date(applied)}"}
    return {}


def _hearing_problems(applied: dt.date, hearing: dt.date | None) -> Problems:
    if hearing is not None and hearing < applied:
        return {"hearing": "The hearing cannot be before the application"}
    return {}


@transaction.atomic
def record_application(
    actor: User | None,
    *,
    child: Child,
    kind: str,
    applied: dt.date,
    hearing: dt.date | None = None,
    notes: str = "",
) -> CourtApplication:
    """Record an application to the court for ``child``, open until its outcome.

    Discharging a care order needs the child under one (C2) on the day, and revoking a placement
    order the order (E1); a child has at most one open application of each kind.
    """
    lock_child(child)
    problems = day_problems(child, "applied", applied)
    if kind not in CourtApplication.Kind.values:
        problems["kind"] = "Choose what the application is for"
    elif "applied" not in problems:
        problems |= _legal_status_problems(child, kind, applied)
    problems |= _hearing_problems(applied, hearing)
    waiting = child.court_applications.filter(kind=kind, outcome="").first()
    if waiting is not None and "kind" not in problems:
        problems["kind"] = (
            f"{child.first_name} already has an open application for this "
            f"(applied {long_date(waiting.applied)}): update that one"
        )
    refuse(problems)
    application = CourtApplication(
        child=child, kind=kind, applied=applied, hearing=hearing, notes=notes.strip(), recorded_by=_by(actor)
    )
    return audited_create(actor, application)


def _outcome_problems(application: CourtApplication, outcome: str, outcome_date: dt.date | None) -> Problems:
    problems: Problems = {}
    if outcome and outcome not in CourtApplication.Outcome.values:
        problems["outcome"] = "Choose the outcome"
    if outcome and outcome_date is None:
        problems["outcome_date"] = "Enter the date of the outcome"
    elif outcome_date is not None and not outcome:
        problems["outcome"] = "Choose the outcome, or leave the date of the outcome blank"
    elif outcome_date is not None:
        problems |= not_future("outcome_date", outcome_date)
        if outcome_date < application.applied:
            problems["outcome_date"] = (
                f"The outcome cannot be before the application on {long_date(application.applied)}"
            )
    return problems


@transaction.atomic
def update_application(
    actor: User | None,
    *,
    application: CourtApplication,
    hearing: dt.date | None,
    outcome: str = "",
    outcome_date: dt.date | None = None,
    notes: str | None = None,
) -> CourtApplication:
    """Record the next hearing, or the outcome (once: a decided application is not reopened)."""
    lock(application)
    problems: Problems = {}
    if application.outcome:
        problems[NON_FIELD_ERRORS] = (
            f"The outcome was already recorded ({application.get_outcome_display().lower()} on "
            f"{long_date(application.outcome_date or application.applied)})"
        )
    problems |= _hearing_problems(application.applied, hearing)
    problems |= _outcome_problems(application, outcome, outcome_date)
    refuse(problems)
    changes: dict[str, object] = {"hearing": hearing, "outcome": outcome, "outcome_date": outcome_date}
    if notes is not None:
        changes["notes"] = notes.strip()
    note = "Outcome recorded" if outcome else "Hearing updated"
    return audited_update(actor, application, changes, note=note)
