"""Every write to an early help episode: step down, the assessment, the intervention, the close.

Stepping down allocates the child to the lead professional's team, so the early help team can
see the record through the one access function (``core.access``); closing ends that allocation.
Stepping back up to social care is a front-door action (``frontdoor.actions.step_up``), which
closes the episode here with the outcome "stepped up".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction

from divert.care.models import Episode
from divert.care.rules import long_date
from divert.core.actions import (
    Problems,
    audited_create,
    audited_update,
    day_problems,
    lock,
    lock_child,
    refuse,
)
from divert.core.clocks import early_help_planned_end
from divert.core.codes import SHORT_BREAK_STATUSES
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.people.models import Allocation, Child, Locality, Professional

if TYPE_CHECKING:
    from divert.core.models import User
    from divert.frontdoor.models import Contact, Referral


def _open_episode_problems(child: Child) -> Problems:
    current = child.early_help.filter(end__isnull=True).first()
    if current is not None:
        return {
            NON_FIELD_ERRORS: f"{child.first_name} already has early help open since {current.start:%d %B %Y}"
        }
    return {}


def _in_care_problems(child: Child, start: dt.date) -> Problems:
    """Early help is for children outside statutory services: a looked-after child has a social worker.

    It would also put the lead professional into the SSDA903 return's social worker episodes,
    which read every allocation that overlaps a period of care.
    """
    in_care = (
        Episode.objects.filter(child=child, decom__lte=start)
        .exclude(dec__lte=start)
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .exists()
    )
    if in_care:
        return {NON_FIELD_ERRORS: f"{child.first_name} is looked after on that date, so has a social worker"}
    return {}


def _lead_problems(child: Child, locality: Locality, lead: Professional) -> Problems:
    problems: Problems = {}
    if locality.authority_id != child.authority_id:
        problems["locality"] = "Choose a locality in the child's own authority"
    if lead.team.authority_id != child.authority_id or not lead.active:
        problems["lead_professional"] = "Choose an active lead professional in the child's authority"
    return problems


def _source_problems(
    child: Child, start: dt.date, contact: Contact | None, referral: Referral | None
) -> Problems:
    """Early help comes from this child's own contact or open referral, and not before it."""
    if contact is not None and contact.child_id != child.pk:
        return {"contact": "That contact is about a different child"}
    if referral is None:
        return {}
    if referral.child_id != child.pk:
        return {"referral": "That referral is about a different child"}
    if start < referral.date:
        return {"start": f"Early help cannot start before the referral on {long_date(referral.date)}"}
    if referral.closed is not None and start > referral.closed:
        return {"referral": f"That referral closed on {long_date(referral.closed)}"}
    return {}


@transaction.atomic
def step_down(
    actor: User | None,
    *,
    child: Child,
    locality: Locality,
    lead_professional: Professional,
    start: dt.date,
    contact: Contact | None = None,
    referral: Referral | None = None,
) -> EarlyHelpEpisode:
    """Open early help for ``child`` with a lead professional in a locality, and allocate the case.

    The child's case is allocated to the lead professional (ending no other allocation: a
    child stepped down from an open social care case keeps their social worker until that
    case closes).
    """
    lock_child(child)
    refuse(
        day_problems(child, "start", start)
        | _open_episode_problems(child)
        | _lead_problems(child, locality, lead_professional)
        | _source_problems(child, start, contact, referral)
        | _in_care_problems(child, start)
    )
    episode = audited_create(
        actor,
        EarlyHelpEpisode(
            child=child,
            contact=contact,
            referral=referral,
            locality=locality,
            lead_professional=lead_professional,
            start=start,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
    )
    audited_create(
        actor, Allocation(child=child, worker=lead_professional, team=lead_professional.team, start=start)
    )
    return episode


@transaction.atomic
def record_assessment(
    actor: User | None, *, episode: EarlyHelpEpisode, completed: dt.date, summary: str
) -> EarlyHelpEpisode:
    """The early help assessment is complete: what it found, once."""
    lock(episode)
    problems = day_problems(episode.child, "completed", completed)
    if episode.assessment_completed is not None:
        problems["completed"] = "The early help assessment has already been recorded"
    elif completed < episode.start:
        problems["completed"] = "The assessment cannot be completed before early help started"
    if not summary.strip():
        problems["summary"] = "Say what the assessment found"
    if episode.end is not None:
        problems[NON_FIELD_ERRORS] = "This early help episode is closed"
    refuse(problems)
    return audited_update(actor, episode, {"assessment_completed": completed, "assessment_summary": summary})


@transaction.atomic
def start_intervention(
    actor: User | None,
    *,
    episode: EarlyHelpEpisode,
    start: dt.date,
    intervention: str,
    planned_end: dt.date | None = None,
) -> EarlyHelpEpisode:
    """Start the family support intervention; it is planned to last 12 weeks unless set otherwise."""
    lock(episode)
    planned_end = planned_end or early_help_planned_end(start)
    problems = day_problems(episode.child, "start", start)
    if episode.intervention_start is not None:
        problems["start"] = "The intervention has already started"
    elif start < episode.start:
        problems["start"] = "The intervention cannot start before early help started"
    if planned_end < start:
        problems["planned_end"] = "The planned end cannot be before the start"
    if not intervention.strip():
        problems["intervention"] = "Say what support the family will have"
    if episode.end is not None:
        problems[NON_FIELD_ERRORS] = "This early help episode is closed"
    refuse(problems)
    return audited_update(
        actor,
        episode,
        {"intervention_start": start, "intervention": intervention, "intervention_planned_end": planned_end},
    )


@transaction.atomic
def close_early_help(
    actor: User | None, *, episode: EarlyHelpEpisode, end: dt.date, outcome: str, note: str = ""
) -> EarlyHelpEpisode:
    """Close the episode with its outcome, once, and end the lead professional's allocation."""
    lock(episode)
    problems = day_problems(episode.child, "end", end)
    if episode.end is not None:
        problems["end"] = f"This early help episode already closed on {episode.end:%d %B %Y}"
    elif end < episode.start:
        problems["end"] = "Early help cannot close before it started"
    if outcome not in EarlyHelpEpisode.Outcome.values:
        problems["outcome"] = "Choose the outcome"
    if outcome == EarlyHelpEpisode.Outcome.OTHER and not note.strip():
        problems["note"] = "Say what the outcome was"
    refuse(problems)
    episode = audited_update(actor, episode, {"end": end, "outcome": outcome, "outcome_note": note})
    held = Allocation.objects.filter(
        child=episode.child, worker=episode.lead_professional, start__lte=end, end__isnull=True
    )
    for allocation in held:
        audited_update(actor, allocation, {"end": end})
    return episode
