"""Every write to the placement review: meetings, decisions with their plans, fees agreed, withdrawals.

Each action runs in one transaction with its audit rows; a write that breaks a rule is refused
with a ``ValidationError`` keyed by the form's field names and writes nothing. A meeting decides
once per child. A plan's move is never typed: it is read from the register. A fee agreed with
the provider is the one outcome typed, because the register holds one weekly cost per placement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from divert.care.models import Episode
from divert.core.actions import Problems, audited_create, audited_update, lock, lock_child, refuse
from divert.core.codes import INDEPENDENT_PROVIDERS
from divert.core.models import Authority
from divert.people.models import Child, Professional
from divert.stepdown import queries
from divert.stepdown.models import Decision, Destination, PlacementReviewMeeting, StepDownPlan

if TYPE_CHECKING:
    from divert.core.models import User


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _by(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


# --- Meetings -----------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    actor: User | None,
    *,
    authority: Authority,
    date: dt.date,
    chair: str,
    attendees: str = "",
    notes: str = "",
) -> PlacementReviewMeeting:
    """Set up one placement review meeting (past, for the record, or coming up), one a day."""
    problems: Problems = {}
    if PlacementReviewMeeting.objects.filter(authority=authority, date=date).exists():
        problems["date"] = f"There is already a placement review on {long_date(date)}"
    if not chair.strip():
        problems["chair"] = "Enter the name of the chair"
    refuse(problems)
    meeting = PlacementReviewMeeting(
        authority=authority,
        date=date,
        chair=chair.strip(),
        attendees=attendees.strip(),
        notes=notes.strip(),
        created_by=_by(actor),
    )
    return audited_create(actor, meeting)


@transaction.atomic
def close_meeting(actor: User | None, meeting: PlacementReviewMeeting) -> PlacementReviewMeeting:
    """Close a meeting: its decisions stand, and no more are recorded at it."""
    lock(meeting)
    if meeting.closed:
        refuse({"meeting": "This meeting is already closed"})
    return audited_update(actor, meeting, {"closed": True}, note="Meeting closed")


# --- Decisions and plans ------------------------------------------------------------------


def _meeting_problems(meeting: PlacementReviewMeeting, child: Child) -> Problems:
    if meeting.closed:
        return {"outcome": "This meeting is closed: record the decision at the next meeting"}
    if meeting.date > timezone.localdate():
        return {"outcome": f"The meeting on {long_date(meeting.date)} has not happened yet"}
    if meeting.authority_id != child.authority_id:
        return {"outcome": "Choose a meeting of the child's own council"}
    if meeting.decisions.filter(child=child).exists():
        return {"outcome": f"This meeting has already recorded a decision for {child.first_name}"}
    return {}


def _acts_problems(meeting: PlacementReviewMeeting, acts: Professional | None) -> Problems:
    if acts is None:
        return {"acts": "Choose who acts on the decision"}
    if acts.team.authority_id != meeting.authority_id:
        return {"acts": "Choose someone from the council's own staff"}
    return {}


def _plan_problems(
    meeting: PlacementReviewMeeting,
    episode: Episode,
    outcome: str,
    destination: str,
    expected: Decimal | None,
    target_date: dt.date | None,
) -> Problems:
    """A plan needs its destination, an expected weekly cost and a target date after the meeting."""
    problems: Problems = {}
    if outcome == Decision.Outcome.STEP_DOWN and destination not in (
        set(Destination.values) - {Destination.LOWER_FEE}
    ):
        problems["destination"] = "Choose where the child is to step down to"
    if outcome == Decision.Outcome.FEE and episode.place_provider not in INDEPENDENT_PROVIDERS:
        problems["outcome"] = "Fees are negotiated with independent providers: this placement is not one"
    if expected is None:
        problems["expected_weekly_cost"] = (
            "Enter the fee sought from the provider"
            if outcome == Decision.Outcome.FEE
            else "Enter the expected weekly cost (there is no reference cost for this destination)"
        )
    elif expected < 0:
        problems["expected_weekly_cost"] = "The expected weekly cost cannot be negative"
    elif outcome == Decision.Outcome.FEE and expected >= episode.weekly_cost:
        problems["expected_weekly_cost"] = (
            f"The fee sought must be lower than the {_pounds(episode.weekly_cost)} a week paid now"
        )
    if target_date is None:
        problems["target_date"] = "Enter the target date"
    elif target_date <= meeting.date:
        problems["target_date"] = f"The target date must be after the meeting on {long_date(meeting.date)}"
    return problems


def _live_plan_problems(child: Child) -> Problems:
    """A child has one live plan at a time: keep it (decide "stay") or withdraw it first."""
    plans = StepDownPlan.objects.filter(child=child, withdrawn_on__isnull=True).select_related("from_episode")
    for state in queries.plan_states(plans, timezone.localdate()):
        if state.status in (queries.Status.OPEN, queries.Status.SLIPPED):
            plan = state.plan
            return {
                "outcome": f"{child.first_name} already has a plan ({plan.get_destination_display().lower()} "
                f"by {long_date(plan.target_date)}): decide to stay with it, or withdraw it first"
            }
    return {}


@transaction.atomic
def record_decision(
    actor: User | None,
    *,
    meeting: PlacementReviewMeeting,
    child: Child,
    outcome: str,
    reason: str,
    acts: Professional | None,
    next_review: dt.date | None = None,
    destination: str = "",
    expected_weekly_cost: Decimal | None = None,
    target_date: dt.date | None = None,
) -> Decision:
    """Record what the meeting decided for one child, and for a step-down or a fee, its plan.

    The placement reviewed, and its weekly cost, are the child's on the meeting date. A plan's
    expected weekly cost defaults to the reference unit cost of its destination (``UnitCost``).
    The fields of a plan are not used when the child stays.
    """
    lock_child(child)
    lock(meeting)
    problems = _meeting_problems(meeting, child)
    episode = queries.current_episode(child, meeting.date)
    if not problems and episode is None:
        problems["outcome"] = f"{child.first_name} was not looked after on {long_date(meeting.date)}"
    if outcome not in Decision.Outcome.values:
        problems["outcome"] = "Choose the decision: stay, step down or negotiate the fee"
    if not reason.strip():
        problems["reason"] = "Enter the reason for the decision"
    problems |= _acts_problems(meeting, acts)
    next_review = next_review or meeting.date + dt.timedelta(weeks=queries.REVIEW_CYCLE_WEEKS)
    if next_review <= meeting.date:
        problems["next_review"] = "The next review must be after this meeting"
    planned = outcome in (Decision.Outcome.STEP_DOWN, Decision.Outcome.FEE)
    if outcome == Decision.Outcome.FEE:
        destination = Destination.LOWER_FEE
    if planned and expected_weekly_cost is None and destination in Destination.values and target_date:
        expected_weekly_cost = queries.default_weekly_cost(destination, target_date)
    if planned and not problems.get("outcome"):
        problems |= _live_plan_problems(child)
    if planned and episode is not None:
        plan_problems = _plan_problems(
            meeting, episode, outcome, destination, expected_weekly_cost, target_date
        )
        problems = plan_problems | problems
    refuse(problems)
    assert episode is not None  # refused above otherwise
    decision = audited_create(
        actor,
        Decision(
            meeting=meeting,
            child=child,
            episode=episode,
            weekly_cost=episode.weekly_cost,
            outcome=outcome,
            reason=reason.strip(),
            acts=acts,
            next_review=next_review,
            decided_by=_by(actor),
        ),
    )
    if planned:
        assert expected_weekly_cost is not None and target_date is not None  # refused above otherwise
        audited_create(
            actor,
            StepDownPlan(
                child=child,
                decision=decision,
                from_episode=episode,
                destination=destination,
                weekly_cost_before=episode.weekly_cost,
                expected_weekly_cost=expected_weekly_cost,
                target_date=target_date,
                owner=acts,
            ),
        )
    return decision


@transaction.atomic
def agree_fee(
    actor: User | None, plan: StepDownPlan, *, agreed_fee: Decimal | None, agreed_on: dt.date | None
) -> StepDownPlan:
    """Record the fee agreed with the provider for a fee negotiation, and the day it applies from."""
    lock(plan)
    problems: Problems = {}
    if plan.destination != Destination.LOWER_FEE:
        problems["agreed_fee"] = "Only a fee negotiation has an agreed fee"
    elif plan.withdrawn_on is not None:
        problems["agreed_fee"] = "This plan was withdrawn"
    elif plan.agreed_fee is not None:
        problems["agreed_fee"] = "A fee has already been agreed for this plan"
    elif agreed_fee is None:
        problems["agreed_fee"] = "Enter the weekly fee agreed"
    elif agreed_fee < 0 or agreed_fee >= plan.weekly_cost_before:
        problems["agreed_fee"] = (
            f"The agreed fee must be lower than the {_pounds(plan.weekly_cost_before)} a week paid before"
        )
    meeting_date = plan.decision.meeting.date
    if agreed_on is None:
        problems["agreed_on"] = "Enter the date the new fee applies from"
    elif agreed_on > timezone.localdate():
        problems["agreed_on"] = "The date cannot be in the future"
    elif agreed_on < meeting_date:
        problems["agreed_on"] = f"The date cannot be before the meeting on {long_date(meeting_date)}"
    refuse(problems)
    return audited_update(actor, plan, {"agreed_fee": agreed_fee, "agreed_on": agreed_on}, note="Fee agreed")


@transaction.atomic
def withdraw_plan(actor: User | None, plan: StepDownPlan, *, reason: str) -> StepDownPlan:
    """Withdraw a plan that will not happen, saying why. An achieved plan cannot be withdrawn."""
    lock(plan)
    problems: Problems = {}
    if plan.withdrawn_on is not None:
        problems["reason"] = "This plan has already been withdrawn"
    elif queries.plan_state(plan).status == queries.Status.ACHIEVED:
        problems["reason"] = "This plan has been achieved and cannot be withdrawn"
    elif not reason.strip():
        problems["reason"] = "Enter why the plan is withdrawn"
    refuse(problems)
    changes = {"withdrawn_on": timezone.localdate(), "withdrawn_reason": reason.strip()}
    return audited_update(actor, plan, changes, note="Plan withdrawn")
