"""Every write about a child's case: assessments, plans, section 47 enquiries and conferences.

Each action runs in one transaction with its audit rows (through ``divert.core.actions``) and
refuses anything that breaks a rule with a ``ValidationError`` keyed by the field to correct.
Where one action starts another (an initial conference that makes a plan), both rows and both
audit rows commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from divert.care.rules import describe_period, long_date
from divert.cases.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    Conference,
    PlanReview,
    Section47,
    StrategyDiscussion,
)
from divert.core.actions import (
    Problems,
    audited_create,
    audited_update,
    day_problems,
    lock,
    lock_child,
    not_future,
    refuse,
    renamed,
)
from divert.frontdoor.models import Referral
from divert.people.models import Child

if TYPE_CHECKING:
    from divert.core.models import User


def _end_problems(field: str, start: dt.date, end: dt.date, already: dt.date | None, what: str) -> Problems:
    """Ending something once, on or after it began, and not in the future."""
    if already is not None:
        return {field: f"This {what} already ended on {long_date(already)}"}
    if end < start:
        return {field: f"The {what} cannot end before it started on {long_date(start)}"}
    if end > timezone.localdate():
        return {field: "The date cannot be in the future"}
    return {}


def _referral_problems(child: Child, referral: Referral | None, day: dt.date, field: str) -> Problems:
    """Work hangs from a referral of the same child that was open on the day."""
    if referral is None:
        return {}
    if referral.child_id != child.pk:
        return {"referral": "That referral is about a different child"}
    if day < referral.date:
        return {field: f"The date cannot be before the referral on {long_date(referral.date)}"}
    if referral.closed is not None and day > referral.closed:
        return {field: f"That referral closed on {long_date(referral.closed)}"}
    return {}


def _overlap_problems(existing: models.QuerySet[Any], start: dt.date, field: str, what: str) -> Problems:
    """An open-ended period from ``start`` may not overlap another of the same kind for the child."""
    clash = existing.filter(models.Q(end__isnull=True) | models.Q(end__gt=start)).order_by("start").first()
    if clash is None:
        return {}
    return {field: f"This would overlap the {what} {describe_period(clash.start, clash.end)}"}


# Assessments


@transaction.atomic
def start_assessment(
    actor: User | None, *, child: Child, start: dt.date, referral: Referral | None = None, factors: str = ""
) -> Assessment:
    """Begin a children and families assessment (due within 45 working days of the referral)."""
    lock_child(child)
    problems = day_problems(child, "start", start) | _referral_problems(child, referral, start, "start")
    in_progress = child.assessments.filter(authorised__isnull=True).first()
    if in_progress is not None:
        problems.setdefault(
            "start",
            f"{child.first_name} already has an assessment in progress from {long_date(in_progress.start)}",
        )
    refuse(problems)
    return audited_create(actor, Assessment(child=child, referral=referral, start=start, factors=factors))


@transaction.atomic
def authorise_assessment(
    actor: User | None, *, assessment: Assessment, authorised: dt.date, factors: str | None = None
) -> Assessment:
    """The manager signs the assessment off: the date that stops the 45-working-day clock."""
    lock(assessment)
    if assessment.authorised is not None:
        refuse(
            {"authorised": f"This assessment was already authorised on {long_date(assessment.authorised)}"}
        )
    if authorised < assessment.start:
        refuse(
            {
                "authorised": "An assessment cannot be authorised before it started on "
                f"{long_date(assessment.start)}"
            }
        )
    if authorised > timezone.localdate():
        refuse({"authorised": "The date cannot be in the future"})
    changes: dict[str, object] = {"authorised": authorised}
    if factors is not None:
        changes["factors"] = factors
    return audited_update(actor, assessment, changes)


# Children in need plans


@transaction.atomic
def start_cin_plan(
    actor: User | None, *, child: Child, start: dt.date, referral: Referral | None = None
) -> CINPlan:
    """A child in need plan begins; a child has one at a time."""
    lock_child(child)
    problems = (
        day_problems(child, "start", start)
        | _referral_problems(child, referral, start, "start")
        | _overlap_problems(child.cin_plans.all(), start, "start", "child in need plan")
    )
    refuse(problems)
    return audited_create(actor, CINPlan(child=child, referral=referral, start=start))


@transaction.atomic
def end_cin_plan(actor: User | None, *, plan: CINPlan, end: dt.date) -> CINPlan:
    lock(plan)
    refuse(_end_problems("end", plan.start, end, plan.end, "plan"))
    return audited_update(actor, plan, {"end": end})


# Section 47 enquiries


@transaction.atomic
def record_section47(
    actor: User | None,
    *,
    child: Child,
    strategy_discussion: dt.date,
    start: dt.date,
    icpc_required: bool = False,
    completed: dt.date | None = None,
    referral: Referral | None = None,
    strategy: StrategyDiscussion | None = None,
) -> Section47:
    """A section 47 enquiry begun from a strategy discussion (``strategy``, when it is recorded)."""
    problems = (
        day_problems(child, "strategy_discussion", strategy_discussion)
        | day_problems(child, "start", start)
        | _referral_problems(child, referral, strategy_discussion, "strategy_discussion")
    )
    if start < strategy_discussion:
        problems.setdefault("start", "The enquiry cannot start before the strategy discussion")
    if completed is not None:
        problems |= _end_problems("completed", start, completed, None, "enquiry")
    refuse(problems)
    enquiry = Section47(
        child=child,
        referral=referral,
        strategy_discussion=strategy_discussion,
        start=start,
        icpc_required=icpc_required,
        completed=completed,
        strategy=strategy,
    )
    return audited_create(actor, enquiry)


# Strategy discussions


def _decision_problems(child: Child, decision: str, reasons: str) -> Problems:
    if decision not in StrategyDiscussion.Decision.values:
        return {"decision": "Choose what the strategy discussion decided"}
    if decision == StrategyDiscussion.Decision.NO_FURTHER_ACTION and not reasons.strip():
        return {"reasons": "Say why no further action is needed"}
    if decision == StrategyDiscussion.Decision.SECTION_47:
        open_enquiry = child.section47s.filter(completed__isnull=True).order_by("-start").first()
        if open_enquiry is not None:
            return {
                "decision": f"{child.first_name} already has a section 47 enquiry open since "
                f"{long_date(open_enquiry.start)}"
            }
    return {}


@transaction.atomic
def record_strategy_discussion(
    actor: User | None,
    *,
    child: Child,
    referral: Referral | None = None,
    date: dt.date,
    chair: str,
    attendees: str,
    decision: str,
    reasons: str,
) -> StrategyDiscussion:
    """A strategy discussion and its decision; a decision to begin a section 47 enquiry records it too.

    The enquiry starts on the day of the discussion and is linked to it, so the 15-working-day
    clock to the initial child protection conference (``core.clocks.icpc_due``) runs from here.
    Both rows and their audit rows commit together or not at all.
    """
    lock_child(child)
    refuse(
        day_problems(child, "date", date)
        | _referral_problems(child, referral, date, "date")
        | _decision_problems(child, decision, reasons)
    )
    discussion = audited_create(
        actor,
        StrategyDiscussion(
            child=child,
            referral=referral,
            date=date,
            chair=chair.strip(),
            attendees=attendees.strip(),
            decision=decision,
            reasons=reasons.strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
    )
    if decision == StrategyDiscussion.Decision.SECTION_47:
        record_section47(
            actor, child=child, strategy_discussion=date, start=date, referral=referral, strategy=discussion
        )
    return discussion


@transaction.atomic
def complete_section47(
    actor: User | None, *, section47: Section47, completed: dt.date, icpc_required: bool
) -> Section47:
    """The enquiry's outcome: whether an initial child protection conference is needed."""
    lock(section47)
    refuse(_end_problems("completed", section47.start, completed, section47.completed, "enquiry"))
    return audited_update(actor, section47, {"completed": completed, "icpc_required": icpc_required})


# Child protection plans


@transaction.atomic
def start_cp_plan(
    actor: User | None, *, child: Child, start: dt.date, category: str, referral: Referral | None = None
) -> ChildProtectionPlan:
    """A child protection plan begins. A child never has two plans at once."""
    lock_child(child)
    problems = (
        day_problems(child, "start", start)
        | _referral_problems(child, referral, start, "start")
        | _overlap_problems(child.cp_plans.all(), start, "start", "child protection plan")
    )
    if not category:
        problems["category"] = "Choose the category of abuse or neglect"
    refuse(problems)
    return audited_create(
        actor, ChildProtectionPlan(child=child, referral=referral, start=start, category=category)
    )


@transaction.atomic
def end_cp_plan(actor: User | None, *, plan: ChildProtectionPlan, end: dt.date) -> ChildProtectionPlan:
    lock(plan)
    refuse(_end_problems("end", plan.start, end, plan.end, "plan"))
    return audited_update(actor, plan, {"end": end})


# Conferences


def _initial_plan(
    actor: User | None, child: Child, date: dt.date, category: str, section47: Section47 | None
) -> ChildProtectionPlan:
    """The plan an initial conference makes, starting on the day of the conference."""
    referral = section47.referral if section47 is not None else None
    try:
        return start_cp_plan(actor, child=child, start=date, category=category, referral=referral)
    except ValidationError as error:
        raise renamed(error, {"start": "date"}) from error


def _initial_problems(child: Child, date: dt.date, section47: Section47 | None) -> Problems:
    if section47 is None:
        return {}
    if section47.child_id != child.pk:
        return {"section47": "That section 47 enquiry is about a different child"}
    if date < section47.start:
        return {"date": f"The conference cannot be before the enquiry began on {long_date(section47.start)}"}
    earlier = section47.conference_set.filter(kind=Conference.Kind.INITIAL).first()
    if earlier is not None:
        return {"date": f"The initial conference for this enquiry was held on {long_date(earlier.date)}"}
    return {}


def _record_initial(
    actor: User | None,
    child: Child,
    date: dt.date,
    plan_made: bool,
    category: str,
    section47: Section47 | None,
) -> Conference:
    refuse(day_problems(child, "date", date) | _initial_problems(child, date, section47))
    plan = _initial_plan(actor, child, date, category, section47) if plan_made else None
    conference = Conference(
        child=child,
        kind=Conference.Kind.INITIAL,
        date=date,
        plan_made=plan_made,
        section47=section47,
        plan=plan,
    )
    return audited_create(actor, conference)


def _record_review(actor: User | None, child: Child, date: dt.date, plan_continues: bool) -> Conference:
    """A review conference keeps the open plan going, or ends it on the day of the conference."""
    plan = child.cp_plans.filter(end__isnull=True).first()
    if plan is None:
        raise ValidationError(
            {
                "kind": "A review conference needs an open child protection plan, "
                f"and {child.first_name} has none"
            }
        )
    problems = day_problems(child, "date", date)
    if date < plan.start:
        problems.setdefault("date", f"The review cannot be before the plan began on {long_date(plan.start)}")
    refuse(problems)
    if not plan_continues:
        end_cp_plan(actor, plan=plan, end=date)
    conference = Conference(
        child=child, kind=Conference.Kind.REVIEW, date=date, plan_made=plan_continues, plan=plan
    )
    return audited_create(actor, conference)


@transaction.atomic
def record_conference(
    actor: User | None,
    *,
    child: Child,
    kind: str,
    date: dt.date,
    plan_made: bool = False,
    category: str = "",
    section47: Section47 | None = None,
) -> Conference:
    """Record a child protection conference and what it decided, in one transaction.

    An initial conference that makes a plan starts it (in ``category``) on the day; a review
    conference needs the child's open plan, and ends it that day unless the plan continues.
    """
    lock_child(child)
    if kind == Conference.Kind.INITIAL:
        return _record_initial(actor, child, date, plan_made, category, section47)
    if kind == Conference.Kind.REVIEW:
        return _record_review(actor, child, date, plan_made)
    raise ValidationError({"kind": "Choose an initial or a review conference"})


# Reviews of long-running plans


def review_milestones() -> tuple[int, ...]:
    """The months into a plan at which it is reviewed: a local rule, ``DIVERT["PLAN_REVIEW_MONTHS"]``."""
    months: tuple[int, ...] = settings.DIVERT["PLAN_REVIEW_MONTHS"]  # type: ignore[assignment]  # a tuple
    return tuple(sorted(months))


def _review_problems(
    plan: ChildProtectionPlan | CINPlan, milestone: int, date: dt.date, outcome: str
) -> Problems:
    problems: Problems = {}
    if milestone not in review_milestones():
        months = ", ".join(str(m) for m in review_milestones())
        problems["milestone"] = f"Choose a review at {months} months"
    elif plan.reviews.filter(milestone=milestone).exists():
        problems["milestone"] = f"The {milestone}-month review of this plan is already recorded"
    if date < plan.start:
        problems["date"] = f"The review cannot be before the plan began on {long_date(plan.start)}"
    elif plan.end is not None and date > plan.end:
        problems["date"] = f"The review cannot be after the plan ended on {long_date(plan.end)}"
    else:
        problems |= not_future("date", date)
    if outcome not in PlanReview.Outcome.values:
        problems["outcome"] = "Choose the review's outcome"
    return problems


@transaction.atomic
def record_plan_review(
    actor: User | None,
    *,
    plan: ChildProtectionPlan | CINPlan,
    milestone: int,
    date: dt.date,
    outcome: str,
    note: str = "",
) -> PlanReview:
    """Record a plan's review at a milestone and sort the case into one of the three outcomes.

    Once per plan and milestone (the plan's row is locked so two cannot both pass the check),
    on a day within the plan's span and not in the future.
    """
    lock(plan)
    refuse(_review_problems(plan, milestone, date, outcome))
    review = PlanReview(
        child_id=plan.child_id,
        milestone=milestone,
        date=date,
        outcome=outcome,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if isinstance(plan, ChildProtectionPlan):
        review.cp_plan = plan
    else:
        review.cin_plan = plan
    return audited_create(actor, review)
