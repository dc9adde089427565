"""Reads for the placement review: the programme, a meeting's agenda, plans and their savings.

The definitions are the programme's (``docs/placement-review.md`` says them in words), and the
synthetic authority is generated to the same rules, so change them only together:

* **In the programme**: a child looked after today (an episode open today, short breaks V3/V4
  excluded) who is **not in a permanent placement**. Permanent means placed for adoption
  (A3-A6), or long-term fostering (U1, U4) that is not in the independent sector. Long-term
  fostering with an agency stays in the programme, because Peterborough reviewed "those children
  for whom permanence is deemed to be with agency foster carers" to negotiate the fees. Children
  placed with parents (P1) stay in: going home and leaving care is a step down.
* **Order**: independent sector (PLACE_PROVIDER PR4/PR5) first, then weekly cost, highest first,
  then child ID, so the meeting always starts with the costliest agency placements.
* **Due**: never reviewed; or the last decision's next review date has come; or the placement
  has changed since the last review; or the child has a plan that has slipped.
* **A plan's state** comes from the register (``realisation``): it is *achieved* on the first day
  after the reviewed placement began that the child is in a placement (or left care) matching
  the destination, or for a fee negotiation on the day an agreed fee applies from; *withdrawn*
  once withdrawn; *slipped* when its target date has passed with neither; otherwise *open*.

Figures are built from the plans and children the reader may see (``restrict``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from divert.care.models import Episode
from divert.care.queries import placement_start
from divert.core.access import get_for_user, may_read_placement_review
from divert.core.codes import (
    ADOPTION_PLACEMENTS,
    FOSTER_PLACEMENTS,
    INDEPENDENT_PROVIDERS,
    KINSHIP_PLACEMENTS,
    LONG_TERM_FOSTER,
    SHORT_BREAK_STATUSES,
    SUPPORTED_PLACEMENTS,
    placement_category,
)
from divert.core.models import UnitCost
from divert.people.models import Allocation, Child
from divert.people.queries import held_on
from divert.stepdown import savings
from divert.stepdown.models import Decision, Destination, PlacementReviewMeeting, StepDownPlan

#: How many children due the meeting screen puts before the panel at once, costliest first.
AGENDA_SIZE = 10
#: A decision's next review, unless the panel sets another: the programme is fortnightly, so
#: a child comes round again at the third meeting after this one.
REVIEW_CYCLE_WEEKS = 6

#: Reasons a period of care ended that count as each "leaving care" destination.
HOME_ENDINGS = frozenset({"E4A", "E4B", "E13", "E41"})
SGO_ENDINGS = frozenset({"E45", "E46", "E47", "E48"})
ADOPTED_ENDINGS = frozenset({"E11", "E12"})
NON_KINSHIP_FOSTER = FOSTER_PLACEMENTS - KINSHIP_PLACEMENTS

#: The reference unit cost (``UnitCost.placement_type``) a destination's expected cost defaults to.
#: Going home, special guardianship and adoption end the placement fee (an allowance or an
#: adoption support package may follow; the panel enters it when there is one).
UNIT_COST_TYPE = {
    Destination.IN_HOUSE_FOSTER: "in_house_foster",
    Destination.KINSHIP: "kinship",
    Destination.SUPPORTED: "supported",
}
NO_PLACEMENT_FEE = frozenset({Destination.HOME, Destination.SPECIAL_GUARDIANSHIP, Destination.ADOPTION})


def today() -> dt.date:
    return timezone.localdate()


def is_permanent(episode: Episode) -> bool:
    """Placed for adoption, or long-term fostering outside the independent sector."""
    if episode.place in ADOPTION_PLACEMENTS:
        return True
    return episode.place in LONG_TERM_FOSTER and episode.place_provider not in INDEPENDENT_PROVIDERS


def default_weekly_cost(destination: str, day: dt.date) -> Decimal | None:
    """The expected weekly cost of a destination: the reference unit cost for the financial year
    of ``day`` (or the latest year before it), nothing for leaving care, None when not known."""
    if destination in NO_PLACEMENT_FEE:
        return Decimal("0.00")
    kind = UNIT_COST_TYPE.get(Destination(destination)) if destination in Destination.values else None
    if kind is None:
        return None
    year = savings.financial_year_end(day).year
    costs = UnitCost.objects.filter(placement_type=kind).order_by("-year")
    found = costs.filter(year__lte=year).first() or costs.first()
    return found.weekly_cost if found else None


# --- Realisation: what the register says happened -----------------------------------------


@dataclass(frozen=True)
class Realised:
    """The move (or agreed fee) that achieved a plan: from when, and at what weekly cost after."""

    date: dt.date
    weekly_cost: Decimal
    how: str


def _matches(destination: str, episode: Episode) -> bool:
    place, independent = episode.place, episode.place_provider in INDEPENDENT_PROVIDERS
    return {
        Destination.IN_HOUSE_FOSTER: place in NON_KINSHIP_FOSTER and not independent,
        Destination.KINSHIP: place in KINSHIP_PLACEMENTS,
        Destination.SUPPORTED: place in SUPPORTED_PLACEMENTS,
        Destination.HOME: place == "P1",
        Destination.ADOPTION: place in ADOPTION_PLACEMENTS,
    }.get(Destination(destination), False)


def _left_care_to(destination: str, rec: str) -> bool:
    return {
        Destination.HOME: rec in HOME_ENDINGS,
        Destination.SPECIAL_GUARDIANSHIP: rec in SGO_ENDINGS,
        Destination.ADOPTION: rec in ADOPTED_ENDINGS,
    }.get(Destination(destination), False)


def realisation(plan: StepDownPlan, episodes: Sequence[Episode], on: dt.date) -> Realised | None:
    """How the plan was achieved by ``on``, from the child's episodes (in DECOM order), or None.

    A placement that matches must start after the reviewed one began; leaving care must happen
    on or after the day it began. The first of them is the move. A fee negotiation is achieved
    by its agreed fee from the day it applies.
    """
    if plan.destination == Destination.LOWER_FEE:
        if plan.agreed_fee is not None and plan.agreed_on is not None and plan.agreed_on <= on:
            return Realised(plan.agreed_on, plan.agreed_fee, "New fee agreed with the provider")
        return None
    began = plan.from_episode.decom
    for episode in episodes:
        if episode.decom > on:
            break
        if episode.decom > began and _matches(plan.destination, episode):
            label = placement_category(episode.place, episode.place_provider)
            return Realised(episode.decom, episode.weekly_cost, f"Moved: {label.lower()} ({episode.place})")
        ended = episode.dec is not None and episode.dec <= on and episode.rec
        if ended and episode.decom >= began and _left_care_to(plan.destination, episode.rec):
            return Realised(episode.dec, Decimal("0.00"), f"Left care ({episode.rec})")  # type: ignore[arg-type]
    return None


class Status(StrEnum):
    OPEN = "open"
    SLIPPED = "slipped"
    ACHIEVED = "achieved"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.OPEN: "Open",
    Status.SLIPPED: "Slipped",
    Status.ACHIEVED: "Achieved",
    Status.WITHDRAWN: "Withdrawn",
}


@dataclass(frozen=True)
class PlanState:
    """A plan with its state and savings, as at ``on``."""

    plan: StepDownPlan
    realised: Realised | None
    on: dt.date

    @property
    def status(self) -> Status:
        if self.plan.withdrawn_on is not None:
            return Status.WITHDRAWN
        if self.realised is not None:
            return Status.ACHIEVED
        if self.plan.target_date < self.on:
            return Status.SLIPPED
        return Status.OPEN

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def days_late(self) -> int:
        """Days past the target date without the move (0 unless slipped)."""
        return (self.on - self.plan.target_date).days if self.status == Status.SLIPPED else 0

    @property
    def expected_full_year(self) -> Decimal:
        return savings.full_year(self.plan.weekly_cost_before, self.plan.expected_weekly_cost)

    @property
    def expected_in_year(self) -> Decimal:
        return savings.in_year(
            self.plan.weekly_cost_before, self.plan.expected_weekly_cost, self.plan.target_date
        )

    @property
    def realised_full_year(self) -> Decimal | None:
        if self.realised is None:
            return None
        return savings.full_year(self.plan.weekly_cost_before, self.realised.weekly_cost)

    @property
    def realised_in_year(self) -> Decimal | None:
        if self.realised is None:
            return None
        return savings.in_year(self.plan.weekly_cost_before, self.realised.weekly_cost, self.realised.date)

    @property
    def realised_to_date(self) -> Decimal | None:
        if self.realised is None:
            return None
        return savings.to_date(
            self.plan.weekly_cost_before, self.realised.weekly_cost, self.realised.date, self.on
        )


def _episodes_by_child(child_ids: Iterable[int]) -> dict[int, list[Episode]]:
    found: dict[int, list[Episode]] = defaultdict(list)
    for episode in Episode.objects.filter(child_id__in=set(child_ids)).order_by("child_id", "decom"):
        found[episode.child_id].append(episode)
    return found


def plan_states(plans: Iterable[StepDownPlan], on: dt.date) -> list[PlanState]:
    """Each plan's state as at ``on``: one query for all the children's episodes."""
    plans = list(plans)
    episodes = _episodes_by_child(plan.child_id for plan in plans)
    return [PlanState(plan, realisation(plan, episodes[plan.child_id], on), on) for plan in plans]


def plans_for(user: Any, authority_id: int) -> QuerySet[StepDownPlan]:
    return (
        StepDownPlan.objects.restrict(user, "view")
        .filter(child__authority_id=authority_id)
        .select_related("child", "from_episode", "owner", "decision__meeting")
    )


def get_plan(user: Any, pk: int) -> StepDownPlan:
    return get_for_user(
        StepDownPlan.objects.select_related("child", "from_episode__provider", "owner", "decision__meeting"),
        user,
        "view",
        pk=pk,
    )


def plan_state(plan: StepDownPlan, on: dt.date | None = None) -> PlanState:
    return plan_states([plan], on or today())[0]


# --- The programme ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeRow:
    """One child in the programme: their current placement, last review, and whether they are due."""

    child: Child
    episode: Episode
    placement_began: dt.date
    last_review: dt.date | None
    next_review: dt.date | None
    reasons_due: tuple[str, ...]
    plan: PlanState | None
    worker: str
    worker_pk: int | None = None

    @property
    def independent(self) -> bool:
        return self.episode.place_provider in INDEPENDENT_PROVIDERS

    @property
    def weekly_cost(self) -> Decimal:
        return self.episode.weekly_cost

    @property
    def category(self) -> str:
        return placement_category(self.episode.place, self.episode.place_provider)

    @property
    def due(self) -> bool:
        return bool(self.reasons_due)


def sort_key(episode: Episode) -> tuple[bool, Decimal, str]:
    """Independent sector first, then the costliest, then by child ID."""
    return (episode.place_provider not in INDEPENDENT_PROVIDERS, -episode.weekly_cost, episode.child.child_id)


def _current_episodes(user: Any, authority_id: int, on: dt.date) -> list[Episode]:
    current = Allocation.objects.filter(held_on(on), child=OuterRef("child")).order_by("-start", "-pk")
    episodes = (
        Episode.objects.restrict(user, "view")
        .filter(child__authority_id=authority_id, decom__lte=on)
        .filter(Q(dec__isnull=True) | Q(dec__gt=on))
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .select_related("child", "provider")
        .annotate(
            worker_name=Subquery(current.values("worker__name")[:1]),
            worker_pk=Subquery(current.values("worker_id")[:1]),
        )
    )
    return sorted((e for e in episodes if not is_permanent(e)), key=sort_key)


def _reasons_due(
    last: Decision | None, began: dt.date, plan: PlanState | None, on: dt.date
) -> tuple[str, ...]:
    reasons = []
    if last is None:
        reasons.append("Never reviewed")
    else:
        if last.next_review <= on:
            reasons.append("Review date reached")
        if began > last.meeting.date:
            reasons.append("Placement changed since the last review")
    if plan is not None and plan.status == Status.SLIPPED:
        reasons.append("Plan slipped")
    return tuple(reasons)


def programme(user: Any, authority_id: int, on: dt.date | None = None) -> list[ProgrammeRow]:
    """Every child in the programme, in review order, each with whether they are due.

    Four queries whatever the number of children: current placements, every episode of those
    children (for when each placement began and what plans achieved), their decisions, their plans.
    """
    on = on or today()
    current = _current_episodes(user, authority_id, on)
    ids = [e.child_id for e in current]
    episodes = _episodes_by_child(ids)
    last: dict[int, Decision] = {}
    for decision in (
        Decision.objects.filter(child_id__in=ids, meeting__date__lte=on)
        .select_related("meeting")
        .order_by("child_id", "meeting__date", "pk")
    ):
        last[decision.child_id] = decision
    plans: dict[int, PlanState] = {}
    live = StepDownPlan.objects.filter(child_id__in=ids, withdrawn_on__isnull=True).select_related(
        "from_episode"
    )
    for plan in live.order_by("child_id", "target_date", "pk"):
        state = PlanState(plan, realisation(plan, episodes[plan.child_id], on), on)
        if state.status in (Status.OPEN, Status.SLIPPED):
            plans.setdefault(plan.child_id, state)
    rows = []
    for episode in current:
        began = placement_start(episodes[episode.child_id], episode)
        latest = last.get(episode.child_id)
        live_plan = plans.get(episode.child_id)
        rows.append(
            ProgrammeRow(
                child=episode.child,
                episode=episode,
                placement_began=began,
                last_review=latest.meeting.date if latest else None,
                next_review=latest.next_review if latest else None,
                reasons_due=_reasons_due(latest, began, live_plan, on),
                plan=live_plan,
                worker=getattr(episode, "worker_name", None) or "",
                worker_pk=getattr(episode, "worker_pk", None),
            )
        )
    return rows


@dataclass(frozen=True)
class ProgrammeFigures:
    children: int
    independent: int
    due: int
    weekly_spend: Decimal
    open_plans: int
    slipped: int


def figures(rows: Sequence[ProgrammeRow]) -> ProgrammeFigures:
    return ProgrammeFigures(
        children=len(rows),
        independent=sum(1 for r in rows if r.independent),
        due=sum(1 for r in rows if r.due),
        weekly_spend=sum((r.weekly_cost for r in rows), Decimal("0")),
        open_plans=sum(1 for r in rows if r.plan is not None),
        slipped=sum(1 for r in rows if r.plan is not None and r.plan.status == Status.SLIPPED),
    )


# --- Meetings -----------------------------------------------------------------------------


def meetings_for(user: Any) -> QuerySet[PlacementReviewMeeting]:
    if not may_read_placement_review(user):
        return PlacementReviewMeeting.objects.none()
    return PlacementReviewMeeting.objects.filter(authority_id=user.authority_id)


def get_meeting(user: Any, pk: int) -> PlacementReviewMeeting:
    return get_for_user(meetings_for(user), user, "view", pk=pk)


@dataclass
class Agenda:
    """A meeting's screen: decisions recorded (with their plans), then the children still due."""

    decided: list[tuple[Decision, PlanState | None]]
    due: list[ProgrammeRow]
    more_due: int
    hidden: int = 0


def agenda(user: Any, meeting: PlacementReviewMeeting, on: dt.date | None = None) -> Agenda:
    """The decisions this meeting recorded, and the first ``AGENDA_SIZE`` children due not yet heard."""
    on = on or today()
    decisions = list(
        Decision.objects.restrict(user, "view")
        .filter(meeting=meeting)
        .select_related("child", "episode", "acts")
        .order_by("pk")
    )
    hidden = Decision.objects.filter(meeting=meeting).count() - len(decisions)
    plans = StepDownPlan.objects.filter(decision__in=decisions).select_related("from_episode")
    states = {state.plan.decision_id: state for state in plan_states(plans, on)}
    decided = [(d, states.get(d.pk)) for d in decisions]
    heard = set(Decision.objects.filter(meeting=meeting).values_list("child_id", flat=True))
    due = [] if meeting.closed else [r for r in programme(user, meeting.authority_id, on) if r.due]
    waiting = [r for r in due if r.child.pk not in heard]
    return Agenda(decided, waiting[:AGENDA_SIZE], max(len(waiting) - AGENDA_SIZE, 0), hidden)


def current_episode(child: Child, on: dt.date) -> Episode | None:
    """The child's placement open on ``on`` (short breaks aside), or None when not looked after."""
    return (
        Episode.objects.filter(child=child, decom__lte=on)
        .filter(Q(dec__isnull=True) | Q(dec__gt=on))
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .select_related("provider")
        .order_by("-decom")
        .first()
    )


# --- Savings ------------------------------------------------------------------------------


@dataclass
class Totals:
    plans: int = 0
    achieved: int = 0
    expected_full_year: Decimal = Decimal("0.00")
    realised_full_year: Decimal = Decimal("0.00")
    realised_to_date: Decimal = Decimal("0.00")

    def add(self, state: PlanState) -> None:
        self.plans += 1
        self.expected_full_year += state.expected_full_year
        if state.realised is not None:
            self.achieved += 1
            self.realised_full_year += state.realised_full_year or Decimal("0")
            self.realised_to_date += state.realised_to_date or Decimal("0")


@dataclass
class Savings:
    """Expected against realised, overall, by destination and by month; and the plans that slipped.

    Withdrawn plans are left out of every total. By month, a plan's expected saving counts in the
    month of its target date and its realised saving in the month it was achieved.
    """

    total: Totals
    by_destination: list[tuple[str, Totals]]
    by_month: list[tuple[dt.date, Decimal, Decimal]]
    slipped: list[PlanState]
    states: list[PlanState]


def savings_summary(user: Any, authority_id: int, on: dt.date | None = None) -> Savings:
    on = on or today()
    states = [s for s in plan_states(plans_for(user, authority_id), on) if s.status != Status.WITHDRAWN]
    total = Totals()
    by_destination: dict[str, Totals] = {value: Totals() for value in Destination.values}
    expected_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    realised_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    for state in states:
        total.add(state)
        by_destination[state.plan.destination].add(state)
        expected_month[state.plan.target_date.replace(day=1)] += state.expected_full_year
        if state.realised is not None:
            realised_month[state.realised.date.replace(day=1)] += state.realised_full_year or Decimal("0")
    months = sorted(set(expected_month) | set(realised_month))
    slipped = sorted((s for s in states if s.status == Status.SLIPPED), key=lambda s: -s.days_late)
    labels = dict(Destination.choices)
    return Savings(
        total=total,
        by_destination=[(labels[key], t) for key, t in by_destination.items() if t.plans],
        by_month=[(m, expected_month[m], realised_month[m]) for m in months],
        slipped=slipped,
        states=states,
    )
