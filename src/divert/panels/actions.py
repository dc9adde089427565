"""Every write to the panels: meetings, proposals to accommodate, resource requests, decisions.

Each action runs in one transaction and writes its audit rows with it; a write that breaks a
rule is refused with a ``ValidationError`` keyed by the form's field names and writes nothing.
A panel decides once: a decision is never overwritten (a deferred item comes back as a new
proposal or request). The resource panel cannot approve a placement without a planned end date,
and gives a placement already made under the request that end date in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone

from divert.care import actions as care_actions
from divert.care.models import Episode, Provider
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
from divert.core.codes import PLACEMENT_CATEGORIES, SHORT_BREAK_STATUSES
from divert.core.models import Authority
from divert.panels.models import (
    Alternative,
    EdgeOfCareProposal,
    PanelMeeting,
    ResourceOption,
    ResourceRequest,
)
from divert.people.models import Child

if TYPE_CHECKING:
    from divert.core.models import User

#: One alternative to care: (kind, status, note), kinds and statuses from ``Alternative``.
AlternativeEntry = tuple[str, str, str]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _by(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Meetings ----------------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    actor: User | None,
    *,
    authority: Authority,
    kind: str,
    date: dt.date,
    chair: str,
    attendees: str = "",
    notes: str = "",
) -> PanelMeeting:
    """Set up one sitting of a panel (past, for the record, or coming up), once a day per panel."""
    problems: Problems = {}
    if kind not in PanelMeeting.Kind.values:
        problems["kind"] = "Choose which panel is meeting"
    elif PanelMeeting.objects.filter(authority=authority, kind=kind, date=date).exists():
        label = PanelMeeting.Kind(kind).label.split(" (")[0]
        problems["date"] = f"There is already an {label.lower()} on {long_date(date)}"
    if not chair.strip():
        problems["chair"] = "Enter the name of the chair"
    refuse(problems)
    meeting = PanelMeeting(
        authority=authority,
        kind=kind,
        date=date,
        chair=chair.strip(),
        attendees=attendees.strip(),
        notes=notes.strip(),
        created_by=_by(actor),
    )
    return audited_create(actor, meeting)


def _meeting_problems(meeting: PanelMeeting, child: Child, kind: str, since: dt.date, what: str) -> Problems:
    """The meeting is this child's authority's, of the right panel, and not before the item began."""
    if meeting.authority_id != child.authority_id:
        return {"meeting": "Choose a meeting of the child's own council"}
    if meeting.kind != kind:
        return {"meeting": f"Choose a meeting of the {PanelMeeting.Kind(kind).label.split(' (')[0].lower()}"}
    if meeting.date < since:
        return {"meeting": f"The meeting on {long_date(meeting.date)} was before the {what}"}
    return {}


# --- The edge-of-care panel ----------------------------------------------------------------------


def _in_care_on(child: Child, day: dt.date) -> bool:
    """Looked after on ``day`` as the scorecard counts it (a short break is not being in care)."""
    episodes = Episode.objects.filter(child=child, decom__lte=day).exclude(ls__in=SHORT_BREAK_STATUSES)
    return episodes.filter(dec__isnull=True).exists() or episodes.filter(dec__gt=day).exists()


def _alternative_problems(alternatives: Sequence[AlternativeEntry], emergency: bool) -> Problems:
    kinds = [kind for kind, _, _ in alternatives]
    if any(kind not in Alternative.Kind.values for kind in kinds):
        return {"alternatives": "Choose alternatives from the list"}
    if any(status not in Alternative.Status.values for _, status, _ in alternatives):
        return {"alternatives": "Say whether each alternative was tried, considered or ruled out"}
    if len(set(kinds)) != len(kinds):
        return {"alternatives": "Give each alternative once"}
    if any(len(note) > 300 for _, _, note in alternatives):
        return {"alternatives": "Keep each note on an alternative to 300 characters"}
    if not alternatives and not emergency:
        return {"alternatives": "Say what was tried or considered instead of care"}
    return {}


def _emergency_problems(
    child: Child, proposed: dt.date, accommodated_on: dt.date | None, justification: str
) -> Problems:
    problems: Problems = {}
    if accommodated_on is None:
        problems["accommodated_on"] = "Enter the date the child was accommodated"
    else:
        problems |= day_problems(child, "accommodated_on", accommodated_on)
        if not problems and accommodated_on > proposed:
            problems["accommodated_on"] = "The date accommodated cannot be after the date recorded"
        elif not problems and child.edge_of_care_proposals.filter(
            emergency=True, accommodated_on=accommodated_on
        ):
            problems["accommodated_on"] = (
                f"An emergency on {long_date(accommodated_on)} is already recorded for {child.first_name}"
            )
    if not justification.strip():
        problems["justification"] = "Say why it could not wait for the panel"
    return problems


def _planned_problems(child: Child, proposed: dt.date) -> Problems:
    """A proposal comes before care: the child is not in care, nor already waiting for a panel."""
    if _in_care_on(child, proposed):
        return {
            NON_FIELD_ERRORS: f"{child.first_name} was already in care on {long_date(proposed)}: "
            "record it as an emergency for the panel to review"
        }
    waiting = child.edge_of_care_proposals.filter(emergency=False, decision="").first()
    if waiting is not None:
        return {
            NON_FIELD_ERRORS: f"{child.first_name} already has a proposal waiting for the panel "
            f"(proposed {long_date(waiting.proposed)})"
        }
    return {}


@transaction.atomic
def propose_accommodation(
    actor: User | None,
    *,
    child: Child,
    proposed: dt.date,
    basis: str,
    reasons: str,
    alternatives: Sequence[AlternativeEntry],
    emergency: bool = False,
    accommodated_on: dt.date | None = None,
    justification: str = "",
    meeting: PanelMeeting | None = None,
) -> EdgeOfCareProposal:
    """Bring a proposal to accommodate ``child`` to the edge-of-care panel, with the alternatives.

    An emergency (the child was accommodated before a panel could sit) needs the date and why it
    could not wait; it is reviewed at the next panel. Any other proposal comes before care, so
    the child cannot already be in care, and says what was tried or considered instead.
    ``meeting``, if given, puts it on that coming meeting's agenda in the same transaction.
    """
    lock_child(child)
    problems = day_problems(child, "proposed", proposed)
    if basis not in EdgeOfCareProposal.Basis.values:
        problems["basis"] = "Choose the proposed legal route"
    if not reasons.strip():
        problems["reasons"] = "Say why accommodation is proposed"
    if emergency:
        problems |= _emergency_problems(child, proposed, accommodated_on, justification)
    elif not problems:
        problems |= _planned_problems(child, proposed)
    problems |= _alternative_problems(alternatives, emergency)
    refuse(problems)
    proposal = audited_create(
        actor,
        EdgeOfCareProposal(
            child=child,
            proposed=proposed,
            proposed_by=_by(actor),
            basis=basis,
            reasons=reasons.strip(),
            emergency=emergency,
            accommodated_on=accommodated_on if emergency else None,
            justification=justification.strip() if emergency else "",
        ),
    )
    for kind, status, note in alternatives:
        audited_create(actor, Alternative(proposal=proposal, kind=kind, status=status, note=note.strip()))
    if meeting is not None:
        add_to_meeting(actor, meeting=meeting, item=proposal)
    return proposal


def _item_problems(
    item: EdgeOfCareProposal | ResourceRequest, meeting: PanelMeeting, on: dt.date
) -> Problems:
    if item.decision:
        return {NON_FIELD_ERRORS: "The panel has already decided this"}
    if isinstance(item, EdgeOfCareProposal):
        problems = _meeting_problems(
            meeting, item.child, PanelMeeting.Kind.EDGE_OF_CARE, item.proposed, "proposal"
        )
    else:
        problems = _meeting_problems(
            meeting, item.child, PanelMeeting.Kind.RESOURCE, item.requested, "request"
        )
    if not problems and meeting.date < on:
        problems["meeting"] = f"The meeting on {long_date(meeting.date)} has already sat"
    return problems


@transaction.atomic
def add_to_meeting(
    actor: User | None,
    *,
    meeting: PanelMeeting,
    item: EdgeOfCareProposal | ResourceRequest,
    on: dt.date | None = None,
) -> EdgeOfCareProposal | ResourceRequest:
    """Put an undecided proposal or request on the agenda of a meeting still to sit (today or later)."""
    lock(item)
    refuse(_item_problems(item, meeting, on or timezone.localdate()))
    return audited_update(actor, item, {"meeting": meeting}, note=f"On the agenda of {meeting}")


def _decision_meeting_problems(meeting: PanelMeeting) -> Problems:
    """A decision is recorded for a meeting that has sat (today's included), never ahead of it."""
    if not_future("meeting", meeting.date):
        return {"meeting": f"The meeting on {long_date(meeting.date)} has not sat yet"}
    return {}


@transaction.atomic
def decide_proposal(
    actor: User | None,
    *,
    proposal: EdgeOfCareProposal,
    meeting: PanelMeeting,
    decision: str,
    package: str = "",
    note: str = "",
) -> EdgeOfCareProposal:
    """Record the edge-of-care panel's decision on a proposal (for an emergency, its review), once.

    Diverting the child from care needs the support package that will keep them at home.
    """
    lock(proposal)
    problems: Problems = {}
    if proposal.decision:
        problems["decision"] = (
            f"The panel's decision was already recorded ({proposal.get_decision_display()})"
        )
    elif decision not in EdgeOfCareProposal.Decision.values:
        problems["decision"] = "Choose the panel's decision"
    since = proposal.accommodated_on if proposal.emergency and proposal.accommodated_on else proposal.proposed
    what = "emergency" if proposal.emergency else "proposal"
    problems |= _meeting_problems(meeting, proposal.child, PanelMeeting.Kind.EDGE_OF_CARE, since, what)
    if "meeting" not in problems:
        problems |= _decision_meeting_problems(meeting)
    if decision == EdgeOfCareProposal.Decision.DIVERT and not package.strip():
        problems["package"] = "Describe the support package that will keep the child at home"
    refuse(problems)
    changes = {
        "meeting": meeting,
        "decision": decision,
        "package": package.strip(),
        "decision_note": note.strip(),
        "decided_by": _by(actor),
    }
    return audited_update(actor, proposal, changes, note="Panel decision")


# --- The resource panel --------------------------------------------------------------------------


@transaction.atomic
def request_resources(
    actor: User | None, *, child: Child, requested: dt.date, need: str, meeting: PanelMeeting | None = None
) -> ResourceRequest:
    """Ask the resource panel for a high-cost or independent-sector placement for ``child``
    (on ``meeting``'s agenda, if given, in the same transaction)."""
    lock_child(child)
    problems = day_problems(child, "requested", requested)
    if not need.strip():
        problems["need"] = "Say what the child needs from the placement"
    waiting = child.resource_requests.filter(decision="").first()
    if waiting is not None:
        problems[NON_FIELD_ERRORS] = (
            f"{child.first_name} already has a request waiting for the resource panel "
            f"(requested {long_date(waiting.requested)})"
        )
    refuse(problems)
    request = ResourceRequest(child=child, requested=requested, requested_by=_by(actor), need=need.strip())
    audited_create(actor, request)
    if meeting is not None:
        add_to_meeting(actor, meeting=meeting, item=request)
    return request


@transaction.atomic
def add_option(
    actor: User | None,
    *,
    request: ResourceRequest,
    kind: str,
    placement: str,
    weekly_cost: Decimal,
    provider: Provider | None = None,
    description: str = "",
    available: bool = True,
) -> ResourceOption:
    """Add one option to the appraisal of a request the panel has not yet decided."""
    lock(request)
    problems: Problems = {}
    if request.decision:
        problems[NON_FIELD_ERRORS] = "The panel has already decided this request"
    if kind not in ResourceOption.Kind.values:
        problems["kind"] = "Choose the kind of option"
    if placement not in PLACEMENT_CATEGORIES:
        problems["placement"] = "Choose the placement category"
    if weekly_cost < 0:
        problems["weekly_cost"] = "The weekly cost cannot be negative"
    if provider is not None and provider.authority_id != request.child.authority_id:
        problems["provider"] = "Choose a provider from this council's list"
    refuse(problems)
    option = ResourceOption(
        request=request,
        kind=kind,
        placement=placement,
        provider=provider,
        description=description.strip(),
        weekly_cost=weekly_cost,
        available=available,
    )
    return audited_create(actor, option, note=f"Option for resource request {request.pk}")


def _approval_problems(
    request: ResourceRequest,
    meeting: PanelMeeting,
    option: ResourceOption | None,
    planned_end: dt.date | None,
) -> Problems:
    problems: Problems = {}
    if option is None:
        problems["option"] = "Choose the option the panel approved"
    elif option.request_id != request.pk:
        problems["option"] = "Choose one of this request's options"
    elif not option.available:
        problems["option"] = "That option is not available: the panel cannot approve it"
    if planned_end is None:
        problems["planned_end"] = (
            "A placement cannot be approved without an end date: enter the planned end date"
        )
    elif planned_end <= meeting.date:
        problems["planned_end"] = (
            f"The planned end date must be after the meeting on {long_date(meeting.date)}"
        )
    return problems


@transaction.atomic
def decide_resource(
    actor: User | None,
    *,
    request: ResourceRequest,
    meeting: PanelMeeting,
    decision: str,
    option: ResourceOption | None = None,
    conditions: str = "",
    planned_end: dt.date | None = None,
) -> ResourceRequest:
    """Record the resource panel's decision, once. Approval names the option and a planned end
    date after the meeting; a placement already linked to the request without a planned end gets
    that date too."""
    lock(request)
    problems: Problems = {}
    if request.decision:
        problems["decision"] = f"The panel's decision was already recorded ({request.get_decision_display()})"
    elif decision not in ResourceRequest.Decision.values:
        problems["decision"] = "Choose the panel's decision"
    problems |= _meeting_problems(
        meeting, request.child, PanelMeeting.Kind.RESOURCE, request.requested, "request"
    )
    if "meeting" not in problems:
        problems |= _decision_meeting_problems(meeting)
    approve = decision == ResourceRequest.Decision.APPROVE
    if approve:
        for field, message in _approval_problems(request, meeting, option, planned_end).items():
            problems.setdefault(field, message)
    refuse(problems)
    changes = {
        "meeting": meeting,
        "decision": decision,
        "approved_option": option if approve else None,
        "conditions": conditions.strip(),
        "planned_end": planned_end if approve else None,
        "decided_by": _by(actor),
    }
    request = audited_update(actor, request, changes, note="Panel decision")
    if approve and planned_end is not None:
        _give_planned_end(actor, request.episode, planned_end)
    return request


def _give_planned_end(actor: User | None, episode: Episode | None, planned_end: dt.date) -> None:
    """An open placement made under the approval takes its planned end date, unless it has one."""
    if episode is not None and episode.planned_end is None and episode.dec is None:
        care_actions.set_planned_end(actor, episode=episode, planned_end=planned_end)


@transaction.atomic
def link_placement(actor: User | None, *, request: ResourceRequest, episode: Episode) -> ResourceRequest:
    """Record which placement was made under an approval (giving it the approved end date if it has none)."""
    lock(request)
    problems: Problems = {}
    if request.decision != ResourceRequest.Decision.APPROVE:
        problems[NON_FIELD_ERRORS] = "Only an approved request can be linked to a placement"
    elif request.episode_id is not None:
        problems["episode"] = "This approval is already linked to a placement"
    if episode.child_id != request.child_id:
        problems["episode"] = "Choose one of the child's own placements"
    elif "episode" not in problems and episode.decom < request.requested:
        problems["episode"] = f"The placement began before the request on {long_date(request.requested)}"
    refuse(problems)
    request = audited_update(actor, request, {"episode": episode}, note="Placement made under the approval")
    if request.planned_end is not None:
        _give_planned_end(actor, episode, request.planned_end)
    return request
