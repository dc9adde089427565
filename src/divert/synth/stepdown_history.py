"""The synthetic authority's history of placement reviews and step-down plans.

Writes placement review meetings, decisions and step-down plans (with moves that happened
and plans that slipped). Runs after the register is written (load.write_authority), inside
its transaction, from a random stream of its own so the rest of the authority is untouched.

The meetings sit fortnightly (Wednesdays) over the last six months, and each works through the
children due in the programme's own order (``divert.stepdown.queries``), so the pages show the
history they would have made. A plan is made to the destination a child *actually* moved to
later in the register where there is one (so it is achieved, on time or late, and its saving
flows in from the register), otherwise to a likely destination that has not happened (open or
slipped); some slipped plans are withdrawn when they next come up, and some agency fees are
negotiated down. The latest meeting is left open, half-way through its list.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from divert.care.models import Episode
from divert.care.queries import placement_start
from divert.core.codes import INDEPENDENT_PROVIDERS, RESIDENTIAL_PLACEMENTS, SHORT_BREAK_STATUSES
from divert.core.models import Authority, UnitCost
from divert.people.models import Allocation, Child, Professional, Team
from divert.stepdown import savings
from divert.stepdown.models import Decision, Destination, PlacementReviewMeeting, StepDownPlan
from divert.stepdown.queries import (
    REVIEW_CYCLE_WEEKS,
    UNIT_COST_TYPE,
    Status,
    _left_care_to,
    _matches,
    is_permanent,
    realisation,
)
from divert.synth.timeline import Window

MEETINGS = 13  # six months of fortnightly meetings
PER_MEETING = 20  # children heard at a meeting
LAST_MEETING_HEARD = 5  # the latest meeting is still open, part-way through its list
WEDNESDAY = 2
STEADY_WEEKLY_COST = Decimal("1000")  # a settled placement below this comes round less often
LOOK_AHEAD = dt.timedelta(weeks=26)  # a move this soon after a review was planned at it
MOVES = tuple(d for d in Destination.values if d != Destination.LOWER_FEE)

REASONS = {
    "stay": (
        "Settled and making progress; a move now would disrupt school.",
        "Needs are being met; placement stable. Review the cost at the next meeting.",
        "Care proceedings under way: the child cannot be moved until the final hearing.",
        "The step-down plan continues; progress reported by the social worker.",
    ),
    "step_down": (
        "Ready for a family placement; matching to start now.",
        "Behaviour settled over six months; the provider agrees a step-down.",
        "Family assessed as able to care with support.",
        "Approaching 16: plan a move to supported accommodation with a pathway plan.",
    ),
    "fee": (
        "Long-term placement with the agency; negotiate the fee under the framework.",
        "Needs have reduced since placement; the package should be re-priced.",
    ),
}
WITHDRAWN = (
    "The child asked to stay and the placement is meeting their needs.",
    "No in-house carer available who can meet the child's needs.",
    "Family assessment was negative.",
    "Court directed that the child remain in placement.",
)


@dataclass
class _Plan:
    destination: str
    before: Decimal
    target: dt.date
    from_episode: Episode
    decision: int  # index into the decisions list
    withdrawn: dt.date | None = None
    reason: str = ""
    fee: Decimal | None = None
    fee_on: dt.date | None = None


@dataclass
class _Child:
    pk: int
    code: str
    born: dt.date
    episodes: list[Episode]
    last_review: dt.date | None = None
    next_review: dt.date | None = None
    plan: _Plan | None = None

    def current(self, day: dt.date) -> Episode | None:
        for e in reversed(self.episodes):
            if e.decom <= day and (e.dec is None or e.dec > day) and e.ls not in SHORT_BREAK_STATUSES:
                return e
        return None


def _meeting_days(today: dt.date) -> list[dt.date]:
    last = today - dt.timedelta(days=(today.weekday() - WEDNESDAY) % 7)
    return [last - dt.timedelta(weeks=2 * k) for k in range(MEETINGS - 1, -1, -1)]


def _children(authority: Authority, since: dt.date, today: dt.date) -> list[_Child]:
    """Every child with a placement open at some point from ``since`` to ``today``, with their episodes."""
    in_window = Episode.objects.filter(child__authority=authority, decom__lte=today).filter(
        Q(dec__isnull=True) | Q(dec__gt=since)
    )
    ids = set(in_window.values_list("child_id", flat=True))
    episodes: dict[int, list[Episode]] = defaultdict(list)
    fields = ("child_id", "decom", "dec", "rec", "rne", "ls", "place", "place_provider", "weekly_cost")
    for e in Episode.objects.filter(child_id__in=ids).only(*fields).order_by("child_id", "decom"):
        episodes[e.child_id].append(e)
    people = Child.objects.filter(pk__in=ids).values_list("pk", "child_id", "date_of_birth")
    return [_Child(pk, code, born, episodes[pk]) for pk, code, born in people]


class _History:
    def __init__(self, authority: Authority, window: Window, rng: random.Random) -> None:
        self.authority, self.today, self.rng = authority, window.today, rng
        self.days = _meeting_days(window.today)
        self.children = _children(authority, self.days[0], window.today)
        self.costs = {
            (k, y): c for k, y, c in UnitCost.objects.values_list("placement_type", "year", "weekly_cost")
        }
        self.allocations: dict[int, list[tuple[dt.date, dt.date | None, int]]] = defaultdict(list)
        for child, start, end, worker in Allocation.objects.filter(
            child_id__in=[c.pk for c in self.children]
        ).values_list("child_id", "start", "end", "worker_id"):
            self.allocations[child].append((start, end, worker))
        acting = Professional.objects.filter(
            team__authority=authority, team__kind=Team.Kind.CHILDREN_IN_CARE, active=True
        )
        self.workers: list[int | None] = [*acting.values_list("pk", flat=True)] or [None]
        managers = list(
            Professional.objects.filter(team__authority=authority, job_title="Team manager").values_list(
                "name", flat=True
            )
        )
        self.chairs = managers or ["Service manager, children in care"]
        self.attendees = "\n".join(f"{name}, team manager" for name in managers[:3]) + (
            "\nCommissioning officer, placements" if managers else ""
        )
        self.decisions: list[Decision] = []
        self.plans: list[_Plan] = []
        self.fee_asked: set[int] = set()  # one fee negotiation per placement

    # --- the programme as at a meeting ----------------------------------------------------

    def _due(self, day: dt.date) -> list[tuple[_Child, Episode]]:
        found = []
        for child in self.children:
            episode = child.current(day)
            if episode is None or is_permanent(episode):
                continue
            began = placement_start(child.episodes, episode)
            slipped = child.plan is not None and self._status(child.plan, child, day) == Status.SLIPPED
            due = (
                child.last_review is None
                or (child.next_review is not None and child.next_review <= day)
                or began > child.last_review
                or slipped
            )
            if due:
                found.append((child, episode))
        independent = INDEPENDENT_PROVIDERS
        found.sort(key=lambda ce: (ce[1].place_provider not in independent, -ce[1].weekly_cost, ce[0].code))
        return found

    def _status(self, plan: _Plan, child: _Child, day: dt.date) -> Status:
        if plan.withdrawn is not None and plan.withdrawn <= day:
            return Status.WITHDRAWN
        if self._realised(plan, child, day) is not None:
            return Status.ACHIEVED
        return Status.SLIPPED if plan.target < day else Status.OPEN

    def _realised(self, plan: _Plan, child: _Child, day: dt.date) -> object:
        stand_in = StepDownPlan(
            destination=plan.destination,
            from_episode=plan.from_episode,
            agreed_fee=plan.fee,
            agreed_on=plan.fee_on,
        )
        return realisation(stand_in, child.episodes, day)

    # --- one decision ---------------------------------------------------------------------

    def _worker(self, child: _Child, day: dt.date) -> int | None:
        for start, end, worker in sorted(self.allocations[child.pk], key=lambda a: a[0], reverse=True):
            if start <= day and (end is None or end >= day):
                return worker
        return self.rng.choice(self.workers)

    def _unit_cost(self, destination: str, day: dt.date) -> Decimal:
        kind = UNIT_COST_TYPE.get(Destination(destination))
        if kind is None:
            return Decimal("0.00")
        year = savings.financial_year_end(day).year
        years = sorted(y for k, y in self.costs if k == kind and y <= year) or sorted(
            y for k, y in self.costs if k == kind
        )
        return self.costs[(kind, years[-1])] if years else Decimal("0.00")

    def _actual_move(self, child: _Child, episode: Episode, day: dt.date) -> tuple[str, dt.date] | None:
        """The destination and date of the child's first step down in the register after ``day``."""
        horizon = min(day + LOOK_AHEAD, self.today)
        for later in child.episodes:
            if later.decom > day and later.decom <= horizon and later.weekly_cost < episode.weekly_cost:
                for destination in MOVES:
                    if _matches(destination, later) and later.decom > episode.decom:
                        return destination, later.decom
            if later.dec is not None and day < later.dec <= horizon and later.decom >= episode.decom:
                for destination in MOVES:
                    if _left_care_to(destination, later.rec):
                        return destination, later.dec
        return None

    def _likely_destination(self, child: _Child, episode: Episode, day: dt.date) -> str | None:
        age = (day - child.born).days // 365
        if episode.place in RESIDENTIAL_PLACEMENTS and age >= 16:
            return Destination.SUPPORTED
        if episode.place in RESIDENTIAL_PLACEMENTS or episode.place.startswith("U"):
            return self.rng.choice(
                [Destination.IN_HOUSE_FOSTER, Destination.IN_HOUSE_FOSTER, Destination.KINSHIP]
            )
        return None

    def _decide(self, meeting: int, day: dt.date, child: _Child, episode: Episode) -> None:
        outcome, plan = "stay", None
        if child.plan is not None:
            status = self._status(child.plan, child, day)
            if status == Status.SLIPPED and self.rng.random() < 0.35:
                child.plan.withdrawn, child.plan.reason = day, self.rng.choice(WITHDRAWN)
                child.plan = None
            elif status not in (Status.OPEN, Status.SLIPPED):
                child.plan = None
        if child.plan is None:
            outcome, plan = self._new_plan(day, child, episode)
        index = len(self.decisions)
        self.decisions.append(
            Decision(
                meeting_id=meeting,
                child_id=child.pk,
                episode=episode,
                weekly_cost=episode.weekly_cost,
                outcome=outcome,
                reason=self.rng.choice(REASONS[outcome]),
                acts_id=self._worker(child, day),
                next_review=day + self._cycle(outcome, episode),
            )
        )
        if plan is not None:
            plan.decision = index
            self.plans.append(plan)
            child.plan = plan
        child.last_review, child.next_review = day, self.decisions[-1].next_review

    @staticmethod
    def _cycle(outcome: str, episode: Episode) -> dt.timedelta:
        """Six weeks for a plan or a costly placement; a settled, modest one comes round in twelve."""
        settled = outcome == "stay" and episode.weekly_cost < STEADY_WEEKLY_COST
        return dt.timedelta(weeks=2 * REVIEW_CYCLE_WEEKS if settled else REVIEW_CYCLE_WEEKS)

    def _new_plan(self, day: dt.date, child: _Child, episode: Episode) -> tuple[str, _Plan | None]:
        cost, rng = episode.weekly_cost, self.rng
        move = self._actual_move(child, episode, day)
        if move is not None and rng.random() < 0.85:
            destination, moved = move
            target = max(moved + dt.timedelta(days=rng.randint(-21, 28)), day + dt.timedelta(weeks=2))
            return "step_down", _Plan(destination, cost, target, episode, 0)
        independent = episode.place_provider in INDEPENDENT_PROVIDERS
        likely = self._likely_destination(child, episode, day) if independent else None
        if likely is not None and rng.random() < 0.3 and self._unit_cost(likely, day) < cost:
            target = day + dt.timedelta(weeks=rng.randint(6, 20))
            return "step_down", _Plan(likely, cost, target, episode, 0)
        if independent and cost > 0 and episode.pk not in self.fee_asked and rng.random() < 0.15:
            self.fee_asked.add(episode.pk)
            plan = _Plan(Destination.LOWER_FEE, cost, day + dt.timedelta(weeks=rng.randint(4, 8)), episode, 0)
            agreed_on = day + dt.timedelta(weeks=rng.randint(2, 8))
            if rng.random() < 0.6 and agreed_on <= self.today:
                plan.fee = (cost * Decimal(str(round(rng.uniform(0.88, 0.96), 3)))).quantize(Decimal("0.01"))
                plan.fee_on = agreed_on
            return "fee", plan
        return "stay", None

    # --- writing --------------------------------------------------------------------------

    def build(self) -> None:
        meetings = PlacementReviewMeeting.objects.bulk_create(
            PlacementReviewMeeting(
                authority=self.authority,
                date=day,
                chair=self.rng.choice(self.chairs),
                attendees=self.attendees,
                closed=day != self.days[-1],
            )
            for day in self.days
        )
        for meeting in meetings:
            heard = LAST_MEETING_HEARD if meeting.date == self.days[-1] else PER_MEETING
            for child, episode in self._due(meeting.date)[:heard]:
                self._decide(meeting.pk, meeting.date, child, episode)
        Decision.objects.bulk_create(self.decisions)
        StepDownPlan.objects.bulk_create(self._plan_rows())

    def _plan_rows(self) -> list[StepDownPlan]:
        rows = []
        for plan in self.plans:
            decision = self.decisions[plan.decision]
            expected = (
                (plan.before * Decimal("0.92")).quantize(Decimal("0.01"))
                if plan.destination == Destination.LOWER_FEE
                else self._unit_cost(plan.destination, plan.target)
            )
            rows.append(
                StepDownPlan(
                    child_id=decision.child_id,
                    decision_id=decision.pk,
                    from_episode=plan.from_episode,
                    destination=plan.destination,
                    weekly_cost_before=plan.before,
                    expected_weekly_cost=expected,
                    target_date=plan.target,
                    owner_id=decision.acts_id,
                    agreed_fee=plan.fee,
                    agreed_on=plan.fee_on,
                    withdrawn_on=plan.withdrawn,
                    withdrawn_reason=plan.reason,
                )
            )
        return rows


def add_placement_reviews(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write six months of fortnightly placement reviews, their decisions and step-down plans.

    Any the authority already has are replaced (a meeting is not a register row, so a flush of
    the register leaves the meetings behind once their decisions have gone).
    """
    StepDownPlan.objects.filter(child__authority=authority).delete()
    Decision.objects.filter(meeting__authority=authority).delete()
    PlacementReviewMeeting.objects.filter(authority=authority).delete()
    _History(authority, window, rng).build()
