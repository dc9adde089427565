"""Reads for the assessment and child protection clocks page and the case forms.

Every function takes the user and reads through ``.restrict(user, action)``, so the page lists
only the children the user may see. The clocks themselves come from ``core.clocks``; "today" is
a parameter so that tests can fix it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from divert.cases.actions import review_milestones
from divert.cases.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    Conference,
    PlanReview,
    Section47,
    StrategyDiscussion,
)
from divert.core.calendar import add_months
from divert.core.clocks import assessment_due, icpc_due, is_overdue, working_days_left
from divert.frontdoor.models import Referral
from divert.people.models import Allocation, Child, Professional, Team
from divert.people.queries import worker_annotations

#: How far back the page lists strategy discussions.
RECENT_DAYS = 30


def held_on(today: dt.date) -> Q:
    """An allocation held on ``today`` (its end date is the last day held, as access reads it)."""
    return Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))


@dataclass(frozen=True)
class Filters:
    """The team or worker whose children the page shows (the child's current allocation)."""

    team: Team | None = None
    worker: Professional | None = None

    def condition(self, today: dt.date, path: str = "child") -> Q:
        held = Allocation.objects.filter(held_on(today), child=OuterRef(path))
        condition = Q()
        if self.team is not None:
            condition &= Q(Exists(held.filter(team=self.team)))
        if self.worker is not None:
            condition &= Q(Exists(held.filter(worker=self.worker)))
        return condition


@dataclass(frozen=True)
class ClockRow:
    """One running clock: what it is about, when it is due, and how long is left."""

    record: Any
    child: Child
    started: dt.date
    due: dt.date
    days_left: int
    overdue: bool
    worker: str
    team: str

    @property
    def status(self) -> tuple[str, str]:
        """The clock in words with its GOV.UK tag colour: red overdue, orange today, yellow this week."""
        if self.overdue:
            late = -self.days_left
            return (f"{_working_days(late)} overdue" if late else "Overdue", "govuk-tag--red")
        if self.days_left == 0:
            return ("Due today", "govuk-tag--orange")
        return (
            f"{_working_days(self.days_left)} left",
            "govuk-tag--yellow" if self.days_left <= 5 else "govuk-tag--grey",
        )


def _working_days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


def _clock_row(record: Any, started: dt.date, due: dt.date, today: dt.date) -> ClockRow:
    return ClockRow(
        record=record,
        child=record.child,
        started=started,
        due=due,
        days_left=working_days_left(due, today),
        overdue=is_overdue(due, today),
        worker=record.worker_name or "",
        team=record.team_name or "",
    )


def assessment_clock_start(assessment: Assessment) -> dt.date:
    """The 45 working days run from the referral, or from the start when there is none."""
    return assessment.referral.date if assessment.referral is not None else assessment.start


def assessments_in_progress(user: Any, filters: Filters, today: dt.date) -> list[ClockRow]:
    """Assessments not yet authorised, most urgent first."""
    found = (
        Assessment.objects.restrict(user, "view")
        .filter(filters.condition(today), start__lte=today, authorised__isnull=True)
        .select_related("child", "referral")
        .annotate(**worker_annotations(today))
    )
    rows = [
        _clock_row(a, assessment_clock_start(a), assessment_due(assessment_clock_start(a)), today)
        for a in found
    ]
    return sorted(rows, key=lambda row: (row.due, row.child.last_name, row.record.pk))


def _awaiting_conference() -> Q:
    """No initial conference for the child since the enquiry began, and one may still be needed."""
    held = Conference.objects.filter(
        child=OuterRef("child"), kind=Conference.Kind.INITIAL, date__gte=OuterRef("start")
    )
    return ~Q(Exists(held)) & (Q(completed__isnull=True) | Q(icpc_required=True))


def section47s_awaiting_conference(user: Any, filters: Filters, today: dt.date) -> list[ClockRow]:
    """Section 47 enquiries without their initial conference yet, most urgent first."""
    found = (
        Section47.objects.restrict(user, "view")
        .filter(_awaiting_conference(), filters.condition(today), start__lte=today)
        .select_related("child")
        .annotate(**worker_annotations(today))
    )
    rows = [_clock_row(s, s.strategy_discussion, icpc_due(s.strategy_discussion), today) for s in found]
    return sorted(rows, key=lambda row: (row.due, row.child.last_name, row.record.pk))


def recent_strategy_discussions(user: Any, filters: Filters, today: dt.date) -> QuerySet[StrategyDiscussion]:
    since = today - dt.timedelta(days=RECENT_DAYS)
    return (
        StrategyDiscussion.objects.restrict(user, "view")
        .filter(filters.condition(today), date__gte=since, date__lte=today)
        .select_related("child", "section47")
        .order_by("-date", "-pk")
    )


def referrals_waiting(user: Any, filters: Filters, today: dt.date) -> list[ClockRow]:
    """Open referrals routed to an assessment or a strategy discussion that has not begun yet."""
    found = (
        Referral.objects.restrict(user, "view")
        .filter(
            filters.condition(today),
            date__lte=today,
            closed__isnull=True,
            route__in=[Referral.Route.ASSESSMENT, Referral.Route.STRATEGY],
        )
        .exclude(Exists(Assessment.objects.filter(referral=OuterRef("pk"))))
        .exclude(Exists(StrategyDiscussion.objects.filter(referral=OuterRef("pk"))))
        .select_related("child")
        .annotate(**worker_annotations(today))
    )
    rows = [_clock_row(r, r.date, assessment_due(r.date), today) for r in found]
    return sorted(rows, key=lambda row: (row.due, row.child.last_name, row.record.pk))


@dataclass
class Clocks:
    """Everything the clocks page shows."""

    today: dt.date
    assessments: list[ClockRow]
    section47s: list[ClockRow]
    waiting: list[ClockRow]
    discussions: list[StrategyDiscussion] = field(default_factory=list)

    @property
    def overdue_assessments(self) -> int:
        return sum(row.overdue for row in self.assessments)

    @property
    def overdue_conferences(self) -> int:
        return sum(row.overdue for row in self.section47s)


def clocks(user: Any, filters: Filters, today: dt.date | None = None) -> Clocks:
    today = today or timezone.localdate()
    return Clocks(
        today=today,
        assessments=assessments_in_progress(user, filters, today),
        section47s=section47s_awaiting_conference(user, filters, today),
        waiting=referrals_waiting(user, filters, today),
        discussions=list(recent_strategy_discussions(user, filters, today)),
    )


# --- The forms ------------------------------------------------------------------------------


def open_referrals(user: Any, child: Child, today: dt.date | None = None) -> QuerySet[Referral]:
    """The child's referrals open today, newest first: what an assessment or discussion hangs from."""
    today = today or timezone.localdate()
    return (
        Referral.objects.restrict(user, "view")
        .filter(child=child, date__lte=today)
        .filter(Q(closed__isnull=True) | Q(closed__gte=today))
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class Timeliness:
    """Whether an initial conference met the 15-working-day clock, in words."""

    due: dt.date
    in_time: bool
    days_late: int

    @classmethod
    def of(cls, section47: Section47, held: dt.date) -> Timeliness:
        due = icpc_due(section47.strategy_discussion)
        late = 0 if held <= due else -working_days_left(due, held)
        return cls(due=due, in_time=held <= due, days_late=late)

    def describe(self) -> str:
        if self.in_time:
            return f"in time (due by {self.due.day} {self.due:%B %Y})"
        return f"{_working_days(self.days_late)} late (due by {self.due.day} {self.due:%B %Y})"


# --- Reviews of long-running plans ----------------------------------------------------------


def milestone_date(start: dt.date, months: int) -> dt.date:
    """The day a plan begun on ``start`` reaches ``months`` months: its review is due then."""
    return add_months(start, months)


@dataclass(frozen=True)
class PlanReviewRow:
    """An open plan past its first review milestone, with the review it needs now and the next one."""

    plan: ChildProtectionPlan | CINPlan
    child: Child
    kind: str
    milestone: int
    due: dt.date
    review: PlanReview | None
    overdue: bool
    next_milestone: int | None
    next_due: dt.date | None
    worker: str
    team: str
    months_open: int


def months_between(start: dt.date, today: dt.date) -> int:
    """Whole calendar months from ``start`` to ``today`` (the milestone rule: 31 Jan + 1 = 28 Feb)."""
    months = (today.year - start.year) * 12 + today.month - start.month
    return months - 1 if add_months(start, months) > today else months


def _plan_row(plan: Any, kind: str, today: dt.date) -> PlanReviewRow:
    """The first milestone reached without a review (else the latest reached), and the next ahead."""
    reviews = {review.milestone: review for review in plan.reviews.all()}
    reached = [m for m in review_milestones() if milestone_date(plan.start, m) <= today]
    missing = [m for m in reached if m not in reviews]
    milestone = missing[0] if missing else reached[-1]
    due = milestone_date(plan.start, milestone)
    ahead = [m for m in review_milestones() if milestone_date(plan.start, m) > today]
    return PlanReviewRow(
        plan=plan,
        child=plan.child,
        kind=kind,
        milestone=milestone,
        due=due,
        review=reviews.get(milestone),
        overdue=milestone not in reviews and due < today,
        next_milestone=ahead[0] if ahead else None,
        next_due=milestone_date(plan.start, ahead[0]) if ahead else None,
        worker=plan.worker_name or "",
        team=plan.team_name or "",
        months_open=months_between(plan.start, today),
    )


def _open_plans(model: Any, user: Any, filters: Filters, today: dt.date) -> QuerySet[Any]:
    """Open plans begun at least the first milestone ago (the child's current worker annotated)."""
    first = review_milestones()[0]
    return (
        model.objects.restrict(user, "view")
        .filter(filters.condition(today), start__lte=add_months(today, -first))
        .filter(Q(end__isnull=True) | Q(end__gt=today))
        .select_related("child")
        .prefetch_related("reviews")
        .annotate(**worker_annotations(today))
    )


def plans_for_review(user: Any, filters: Filters, today: dt.date) -> list[PlanReviewRow]:
    """Open child protection and children in need plans that have reached a review, overdue first."""
    rows = [_plan_row(p, "cp", today) for p in _open_plans(ChildProtectionPlan, user, filters, today)]
    rows += [_plan_row(p, "cin", today) for p in _open_plans(CINPlan, user, filters, today)]
    return sorted(rows, key=lambda row: (not row.overdue, row.due, row.child.last_name, row.plan.pk))


@dataclass(frozen=True)
class OutcomeCount:
    outcome: str
    label: str
    count: int


def outcome_counts(user: Any, filters: Filters, today: dt.date) -> list[OutcomeCount]:
    """Reviews recorded in the last 12 months, by outcome (every outcome listed, with its zero)."""
    counted = dict(
        PlanReview.objects.restrict(user, "view")
        .filter(filters.condition(today), date__gt=add_months(today, -12), date__lte=today)
        .values_list("outcome")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [
        OutcomeCount(value, str(label), counted.get(value, 0)) for value, label in PlanReview.Outcome.choices
    ]


@dataclass
class PlanReviews:
    """Everything the plan reviews page shows."""

    today: dt.date
    plans: list[PlanReviewRow]
    outcomes: list[OutcomeCount]

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.plans)

    @property
    def long_cin_plans(self) -> list[PlanReviewRow]:
        """Children in need plans past the first milestone: the step-down audit, longest first."""
        return sorted((row for row in self.plans if row.kind == "cin"), key=lambda row: row.plan.start)


def plan_reviews(user: Any, filters: Filters, today: dt.date | None = None) -> PlanReviews:
    today = today or timezone.localdate()
    return PlanReviews(
        today=today,
        plans=plans_for_review(user, filters, today),
        outcomes=outcome_counts(user, filters, today),
    )


def review_due_for(plan: ChildProtectionPlan | CINPlan, today: dt.date | None = None) -> int | None:
    """The milestone a plan's review form offers first: the earliest reached without a review."""
    today = today or timezone.localdate()
    done = set(plan.reviews.values_list("milestone", flat=True))
    for months in review_milestones():
        if months not in done and milestone_date(plan.start, months) <= today:
            return months
    return None
