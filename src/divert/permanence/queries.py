"""Reads for the permanence pages: the plans due by the second review, children placed at home
under a care order, court applications, and the adoption tracker.

Every list reads through ``.restrict(user, "view")``, so it holds only children the user may
see; "today" is a parameter so tests can fix it. A child's history (episodes, reviews, plans) is
tens of rows, so each kind is read once for every child on the page and worked out in Python.
The adoption scorecard's figures follow the definitions of the scorecard's own indicators
(``indicators/defs/adoption.py``: ``days_care_to_adopters`` is A1, ``days_order_to_match`` A2);
the thresholds are ``DIVERT["ADOPTION_THRESHOLDS"]``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from divert.care.models import AdoptionRecord, Episode, LookedAfterReview
from divert.care.queries import placement_start
from divert.core.access import get_for_user
from divert.core.calendar import add_months, add_working_days
from divert.core.clocks import LA_REVIEW_FIRST_WORKING_DAYS, LA_REVIEW_SECOND_MONTHS
from divert.core.codes import ADOPTED, ADOPTION_PLACEMENTS, FOSTER_PLACEMENTS, SHORT_BREAK_STATUSES
from divert.people.models import Child
from divert.people.queries import open_on, period_of_care_start, worker_annotations
from divert.permanence.models import CourtApplication, PermanencePlan

#: The overdue list's second section: second reviews due within this many days (the seeds' 4 weeks).
DUE_SOON_DAYS = 28
#: Legal status: full care order; placement order granted. Placement: placed with parents.
CARE_ORDER = "C2"
PLACEMENT_ORDER = "E1"
WITH_PARENTS = "P1"
#: The scorecard averages three years.
SCORECARD_YEARS = 3


def today() -> dt.date:
    return timezone.localdate()


def thresholds() -> dict[str, int]:
    """The adoption scorecard thresholds in days, by measure: {"A1": 426, "A2": 121, "A10": 426}."""
    return cast(dict[str, int], settings.DIVERT["ADOPTION_THRESHOLDS"])


def _episodes_by_child(user: Any, child_ids: Iterable[int]) -> dict[int, list[Episode]]:
    found: dict[int, list[Episode]] = defaultdict(list)
    for e in Episode.objects.restrict(user, "view").filter(child_id__in=list(child_ids)).order_by("decom"):
        found[e.child_id].append(e)
    return found


def _current_episodes(user: Any, day: dt.date) -> list[Episode]:
    """The episode open on ``day`` of every looked-after child the user may see (short breaks excluded)."""
    return list(
        Episode.objects.restrict(user, "view")
        .filter(open_on(day, "decom", "dec"))
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .select_related("child")
        .annotate(**worker_annotations(day))
    )


# --- A permanence plan by the second review ----------------------------------------------------


def second_review_due(care_start: dt.date, reviews: Iterable[dt.date]) -> dt.date:
    """When the second looked-after review of the period of care that began ``care_start`` is due.

    Three months after the first review (reg 33); while the first has not been held, three
    months after its own last day (20 working days after the child became looked after), the
    latest the second could then fall. This is the day the permanence plan is due.
    """
    held = sorted(day for day in reviews if day >= care_start)
    first = held[0] if held else add_working_days(care_start, LA_REVIEW_FIRST_WORKING_DAYS)
    return add_months(first, LA_REVIEW_SECOND_MONTHS)


@dataclass(frozen=True)
class PlanDue:
    """A looked-after child whose permanence plan is due by their second review and not yet recorded."""

    child: Child
    care_start: dt.date
    reviews_held: int
    due: dt.date
    today: dt.date
    worker: str
    team: str

    @property
    def days_overdue(self) -> int:
        """Calendar days past the second review's due date (0 on the day itself)."""
        return max((self.today - self.due).days, 0)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days


@dataclass(frozen=True)
class PlansDue:
    today: dt.date
    overdue: list[PlanDue]
    due_soon: list[PlanDue]
    looked_after: int
    with_plan: int


def plans_due(user: Any, on: dt.date | None = None) -> PlansDue:
    """Looked-after children with no permanence plan in this period of care whose second review is
    due (today or past: ``overdue``) or due within 4 weeks (``due_soon``).

    A plan counts when one is recorded here agreed since the period of care began, or when a
    looked-after review in the period recorded that a plan was in place (the SSDA903 review
    record that the scorecard's "permanence plan by the second review" counts), so the list and
    the indicator agree.
    """
    day = on or today()
    current = _current_episodes(user, day)
    ids = [e.child_id for e in current]
    episodes = _episodes_by_child(user, ids)
    reviews: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    rows = LookedAfterReview.objects.restrict(user, "view").filter(child_id__in=ids, date__lte=day)
    for child_id, review_date, flagged in rows.values_list("child_id", "date", "permanence_plan"):
        reviews[child_id].append((review_date, flagged))
    plans: dict[int, list[dt.date]] = defaultdict(list)
    agreed = PermanencePlan.objects.restrict(user, "view").filter(child_id__in=ids, agreed__lte=day)
    for child_id, when in agreed.values_list("child_id", "agreed"):
        plans[child_id].append(when)
    overdue, soon, with_plan = [], [], 0
    for e in current:
        start = period_of_care_start(episodes[e.child_id], e)
        held = [(d, flag) for d, flag in reviews[e.child_id] if d >= start]
        if any(flag for _, flag in held) or any(when >= start for when in plans[e.child_id]):
            with_plan += 1
            continue
        row = PlanDue(
            child=e.child,
            care_start=start,
            reviews_held=len(held),
            due=second_review_due(start, [d for d, _ in held]),
            today=day,
            worker=e.worker_name or "",  # type: ignore[attr-defined]
            team=e.team_name or "",  # type: ignore[attr-defined]
        )
        if day >= row.due:
            overdue.append(row)
        elif row.days_left <= DUE_SOON_DAYS:
            soon.append(row)
    order = lambda row: (row.due, row.child.last_name, row.child.first_name, row.child.pk)  # noqa: E731
    return PlansDue(day, sorted(overdue, key=order), sorted(soon, key=order), len(current), with_plan)


# --- Placed with parents under a care order ----------------------------------------------------


@dataclass(frozen=True)
class AtHome:
    """A child placed with parents (P1) under a full care order (C2): a candidate for discharge."""

    child: Child
    episode: Episode
    home_since: dt.date
    today: dt.date
    worker: str
    team: str
    plan: PermanencePlan | None
    discharge: CourtApplication | None

    @property
    def days_at_home(self) -> int:
        return (self.today - self.home_since).days


def placed_with_parents(user: Any, on: dt.date | None = None) -> list[AtHome]:
    """Children placed with parents under a care order today, longest at home first.

    "Each of the children currently placed at home will be considered for coming out of the
    care system" (Peterborough). Each shows their current permanence plan and their latest
    application to discharge the care order, if any.
    """
    day = on or today()
    current = [e for e in _current_episodes(user, day) if e.ls == CARE_ORDER and e.place == WITH_PARENTS]
    ids = [e.child_id for e in current]
    episodes = _episodes_by_child(user, ids)
    plans = _latest_by_child(PermanencePlan.objects.restrict(user, "view").filter(child_id__in=ids))
    discharges = _latest_by_child(
        CourtApplication.objects.restrict(user, "view").filter(
            child_id__in=ids, kind=CourtApplication.Kind.DISCHARGE
        )
    )
    rows = [
        AtHome(
            child=e.child,
            episode=e,
            home_since=placement_start(episodes[e.child_id], e),
            today=day,
            worker=e.worker_name or "",  # type: ignore[attr-defined]
            team=e.team_name or "",  # type: ignore[attr-defined]
            plan=plans.get(e.child_id),
            discharge=discharges.get(e.child_id),
        )
        for e in current
    ]
    return sorted(rows, key=lambda row: (row.home_since, row.child.last_name, row.child.pk))


def _latest_by_child(queryset: QuerySet[Any]) -> dict[int, Any]:
    """The newest row per child of a queryset ordered newest first within each child (the models' order)."""
    found: dict[int, Any] = {}
    for row in queryset:
        found.setdefault(row.child_id, row)
    return found


# --- Court applications ------------------------------------------------------------------------


@dataclass(frozen=True)
class Applications:
    open: list[CourtApplication]
    decided: list[CourtApplication]
    kind: str


#: Decided applications are listed for this many days after their outcome.
DECIDED_DAYS = 365


def applications(user: Any, kind: str = "", on: dt.date | None = None) -> Applications:
    """Open applications (next hearing first, unlisted last) and those decided in the last year."""
    day = on or today()
    found = (
        CourtApplication.objects.restrict(user, "view")
        .select_related("child")
        .annotate(**worker_annotations(day))
    )
    if kind in CourtApplication.Kind.values:
        found = found.filter(kind=kind)
    else:
        kind = ""
    still_open = sorted(
        found.filter(outcome=""),
        key=lambda a: (a.hearing is None, a.hearing or a.applied, a.applied, a.pk),
    )
    since = day - dt.timedelta(days=DECIDED_DAYS)
    decided = list(found.exclude(outcome="").filter(outcome_date__gt=since).order_by("-outcome_date", "-pk"))
    return Applications(still_open, decided, kind)


def get_application(user: Any, pk: int) -> CourtApplication:
    return get_for_user(CourtApplication.objects.select_related("child"), user, "view", pk=pk)


# --- The adoption tracker ----------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """Days between two steps; ``running`` when the later step has not happened and it counts to today."""

    label: str
    days: int | None
    threshold: int | None = None
    measure: str = ""
    running: bool = False

    @property
    def over(self) -> bool | None:
        """Whether the days are over the scorecard threshold (None when there is none or no days)."""
        if self.threshold is None or self.days is None:
            return None
        return self.days > self.threshold


@dataclass(frozen=True)
class AdoptionJourney:
    """One child's adoption steps, as SSDA903 records them, with the days between them."""

    child: Child
    entered_care: dt.date | None
    decision: dt.date | None
    placement_order: dt.date | None
    matched: dt.date | None
    placed: dt.date | None
    adopted: dt.date | None
    moved_in_adjusted: dt.date | None
    foster_carer_adoption: bool
    ceased: str
    today: dt.date
    worker: str = ""
    team: str = ""

    @property
    def stage(self) -> str:
        if self.adopted:
            return "Adopted"
        if self.ceased:
            return "Plan ended"
        if self.placed:
            return "Placed for adoption"
        if self.matched:
            return "Matched"
        if self.placement_order:
            return "Placement order"
        return "Should be placed for adoption"

    @property
    def authority_to_place(self) -> dt.date | None:
        """A2 times the match from the placement order, or without one from the decision."""
        return self.placement_order or self.decision

    def _between(self, label: str, start: dt.date | None, end: dt.date | None, measure: str = "") -> Interval:
        threshold = thresholds().get(measure) if measure else None
        if start is None:
            return Interval(label, None, threshold, measure)
        if end is None:
            if self.adopted or self.ceased:
                return Interval(label, None, threshold, measure)
            return Interval(label, (self.today - start).days, threshold, measure, running=True)
        return Interval(label, (end - start).days, threshold, measure)

    @property
    def care_to_placed(self) -> Interval:
        """A1: entering care to moving in with the adoptive family."""
        return self._between("Care to placed (A1)", self.entered_care, self.placed, "A1")

    @property
    def care_to_placed_adjusted(self) -> Interval:
        """A10: as A1, but from the day a child adopted by their foster carers moved in with them."""
        moved_in = self.moved_in_adjusted if self.placed else None
        return self._between("Care to placed, adjusted (A10)", self.entered_care, moved_in, "A10")

    @property
    def order_to_match(self) -> Interval:
        """A2: court authority to place (placement order, or the decision without one) to the match."""
        return self._between("Order to match (A2)", self.authority_to_place, self.matched, "A2")

    @property
    def steps(self) -> list[tuple[str, dt.date | None, Interval | None]]:
        """(step, date, days since the step before) for the tracker's columns, in order."""
        between = self.intervals
        return [
            ("Entered care", self.entered_care, None),
            ("Decision", self.decision, between[0]),
            ("Placement order", self.placement_order, between[1]),
            ("Matched", self.matched, between[2]),
            ("Placed", self.placed, between[3]),
            ("Adoption order", self.adopted, between[4]),
        ]

    @property
    def intervals(self) -> list[Interval]:
        return [
            self._between("Care to decision", self.entered_care, self.decision),
            self._between("Decision to order", self.decision, self.placement_order),
            self.order_to_match,
            self._between("Match to placed", self.matched, self.placed),
            self._between("Placed to adoption order", self.placed, self.adopted),
            self.care_to_placed,
            self.care_to_placed_adjusted,
        ]


def _period_episodes(episodes: list[Episode], anchor: Episode) -> list[Episode]:
    """The episodes of the period of care ``anchor`` belongs to: from the one that began it, each
    following on the day the last ceased, until a new start (RNE S) or a gap."""
    start = period_of_care_start(episodes, anchor)
    period: list[Episode] = []
    for e in episodes:
        if not period:
            if e.decom == start:
                period.append(e)
            continue
        if e.rne == "S" or e.decom != period[-1].dec:
            break
        period.append(e)
    return period


def _anchor(episodes: list[Episode], record: AdoptionRecord | None) -> Episode | None:
    """The episode whose period of care the adoption belongs to: the one that ended in adoption,
    else the one open on the decision, else the first under a placement order, else the latest."""
    adopted = [e for e in episodes if e.rec in ADOPTED]
    if adopted:
        return adopted[-1]
    if record is not None:
        open_then = [e for e in episodes if e.is_open_on(record.decision)]
        if open_then:
            return open_then[0]
    ordered = [e for e in episodes if e.ls == PLACEMENT_ORDER]
    if ordered:
        return ordered[0]
    return episodes[-1] if episodes else None


def _order_run_starts(period: list[Episode]) -> list[dt.date]:
    starts, previous = [], ""
    for e in period:
        if e.ls == PLACEMENT_ORDER and previous != PLACEMENT_ORDER:
            starts.append(e.decom)
        previous = e.ls
    return starts


def _foster_move_in(period: list[Episode], placed: dt.date) -> dt.date:
    """For A10: the day a child adopted by their foster carers moved in with them — the start of
    the foster placement that ran up to the adoptive placement (or ``placed`` if there was none)."""
    before = [e for e in period if e.dec == placed and e.place in FOSTER_PLACEMENTS]
    return placement_start(period, before[-1]) if before else placed


def journey(
    child: Child, episodes: list[Episode], record: AdoptionRecord | None, day: dt.date, **extra: Any
) -> AdoptionJourney:
    """One child's adoption steps from their SSDA903 record and episodes."""
    anchor = _anchor(episodes, record)
    period = _period_episodes(episodes, anchor) if anchor else []
    entered = period[0].decom if period else None
    matched = record.matched if record else None
    orders = _order_run_starts(period)
    before_match = [d for d in orders if matched is None or d <= matched]
    order = (before_match[-1] if matched else before_match[0]) if before_match else None
    adoptive = [e.decom for e in period if e.place in ADOPTION_PLACEMENTS]
    placed = (record.placed if record else None) or (adoptive[0] if adoptive else None)
    adopted = next((e.dec for e in period if e.rec in ADOPTED), None)
    ended = record.placed_ceased if record else None
    reason = record.reason_placed_ceased if record else ""
    if adopted is None and ended is not None and reason in ADOPTED:
        adopted = ended  # the PlacedAdoption record says adopted, the episodes are not (yet) closed
    foster = bool(record and record.foster_care)
    ceased = (reason or "ended") if ended is not None and adopted is None else ""
    return AdoptionJourney(
        child=child,
        entered_care=entered,
        decision=record.decision if record else None,
        placement_order=order,
        matched=matched,
        placed=placed,
        adopted=adopted,
        moved_in_adjusted=_foster_move_in(period, placed) if foster and placed else placed,
        foster_carer_adoption=foster,
        ceased=ceased,
        today=day,
        **extra,
    )


def _journeys(user: Any, children: QuerySet[Child], day: dt.date) -> list[AdoptionJourney]:
    """The journey of every child in ``children`` who has an adoption decision or a placement order.

    ``user`` None reads the council's whole register for its averages (``children`` is then
    already narrowed to one authority, and no child is shown); otherwise every read is restricted.
    """

    def readable(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if user is None else queryset.restrict(user, "view")  # type: ignore[attr-defined]

    # The two small sets of children first, then one lookup by key: an OR of a join and a
    # subquery made PostgreSQL scan every child of the authority (0.8 s on the demo).
    ordered = readable(Episode.objects.filter(ls=PLACEMENT_ORDER, child__in=children))
    wanted = set(ordered.values_list("child_id", flat=True))
    adopting = readable(AdoptionRecord.objects.filter(child__in=children))
    wanted |= set(adopting.values_list("child_id", flat=True))
    found = children.filter(pk__in=wanted)
    if user is not None:
        found = found.annotate(**worker_annotations(day, child="pk"))
    kids = list(found)
    ids = [c.pk for c in kids]
    records = {r.child_id: r for r in readable(AdoptionRecord.objects.filter(child_id__in=ids))}
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for e in readable(Episode.objects.filter(child_id__in=ids)).order_by("decom"):
        episodes[e.child_id].append(e)
    return [
        journey(
            c,
            episodes[c.pk],
            records.get(c.pk),
            day,
            worker=getattr(c, "worker_name", "") or "",
            team=getattr(c, "team_name", "") or "",
        )
        for c in kids
    ]


@dataclass(frozen=True)
class Average:
    """A scorecard measure averaged over the children who reached its end step in three years."""

    measure: str
    label: str
    children: int
    days: int | None
    threshold: int

    @property
    def over(self) -> bool | None:
        return None if self.days is None else self.days > self.threshold


def _mean(values: list[int]) -> int | None:
    """The mean in whole days, rounded half up (as the scorecard prints whole days)."""
    return int(sum(values) / len(values) + 0.5) if values else None


def averages(journeys: list[AdoptionJourney], day: dt.date) -> list[Average]:
    """A1 and A10 over children adopted, A2 over children matched, in the three years to ``day``."""
    since = add_months(day, -12 * SCORECARD_YEARS)
    adopted = [j for j in journeys if j.adopted and since < j.adopted <= day]
    matched = [j for j in journeys if j.matched and since < j.matched <= day]
    a1 = [j.care_to_placed.days for j in adopted if j.care_to_placed.days is not None]
    a10 = [j.care_to_placed_adjusted.days for j in adopted if j.care_to_placed_adjusted.days is not None]
    a2 = [j.order_to_match.days for j in matched if j.order_to_match.days is not None]
    limits = thresholds()
    return [
        Average(
            "A1", "Entering care to moving in with the adoptive family", len(a1), _mean(a1), limits["A1"]
        ),
        Average("A2", "Placement order to match", len(a2), _mean(a2), limits["A2"]),
        Average(
            "A10",
            "Entering care to moving in, adjusted for foster carer adoptions",
            len(a10),
            _mean(a10),
            limits["A10"],
        ),
    ]


@dataclass
class Tracker:
    """The adoption tracker: children in progress (longest since the decision first), those adopted
    and those whose adoption plan ended in the scorecard's three years, and the council's averages."""

    today: dt.date
    journeys: list[AdoptionJourney]
    averages: list[Average]

    @property
    def since(self) -> dt.date:
        """The first day of the scorecard's three years (they end today)."""
        return add_months(self.today, -12 * SCORECARD_YEARS) + dt.timedelta(days=1)

    @property
    def in_progress(self) -> list[AdoptionJourney]:
        found = [j for j in self.journeys if not j.adopted and not j.ceased]
        return sorted(found, key=lambda j: (j.decision or j.placement_order or dt.date.max, j.child.pk))

    @property
    def adopted(self) -> list[AdoptionJourney]:
        found = [j for j in self.journeys if j.adopted and j.adopted >= self.since]
        return sorted(found, key=lambda j: (j.adopted, j.child.pk), reverse=True)

    @property
    def ended(self) -> list[AdoptionJourney]:
        found = [j for j in self.journeys if j.ceased and not j.adopted]
        return sorted(found, key=lambda j: (j.decision or dt.date.min, j.child.pk), reverse=True)


def adoption_tracker(user: Any, on: dt.date | None = None) -> Tracker:
    """Every child the user may see with an adoption decision or a placement order, with each step.

    The averages are the whole council's (every child of the user's authority, as the scorecard
    counts them), so a social worker sees the same figures as the head of service; only the
    list of children is narrowed to those the user may see.
    """
    day = on or today()
    mine = _journeys(user, Child.objects.restrict(user, "view"), day)
    council = _journeys(None, Child.objects.filter(authority_id=user.authority_id), day)
    return Tracker(day, mine, averages(council, day))


# --- One child, and the overview ---------------------------------------------------------------


@dataclass(frozen=True)
class ChildPermanence:
    """A child's permanence record: plans (newest first; the first is current), applications, adoption."""

    child: Child
    plans: list[PermanencePlan]
    applications: list[CourtApplication]
    adoption: AdoptionJourney | None
    looked_after: bool

    @property
    def current_plan(self) -> PermanencePlan | None:
        return self.plans[0] if self.plans else None


def get_child(user: Any, pk: int) -> Child:
    return get_for_user(Child.objects.all(), user, "view", pk=pk)


def child_permanence(user: Any, child: Child, on: dt.date | None = None) -> ChildPermanence:
    day = on or today()
    plans = list(PermanencePlan.objects.restrict(user, "view").filter(child=child).select_related("review"))
    applied = list(CourtApplication.objects.restrict(user, "view").filter(child=child))
    episodes = list(Episode.objects.restrict(user, "view").filter(child=child).order_by("decom"))
    record = AdoptionRecord.objects.restrict(user, "view").filter(child=child).first()
    ordered = any(e.ls == PLACEMENT_ORDER for e in episodes)
    adoption = journey(child, episodes, record, day) if record is not None or ordered else None
    looked_after = any(e.is_open_on(day) and e.ls not in SHORT_BREAK_STATUSES for e in episodes)
    return ChildPermanence(child, plans, applied, adoption, looked_after)


def reviews_to_choose(user: Any, child: Child) -> QuerySet[LookedAfterReview]:
    """The child's looked-after reviews, newest first, for "agreed at which review"."""
    return LookedAfterReview.objects.restrict(user, "view").filter(child=child).order_by("-date")


@dataclass(frozen=True)
class Overview:
    plans: PlansDue
    at_home: list[AtHome]
    applications: Applications
    tracker: Tracker

    @property
    def hearings_soon(self) -> int:
        """Open applications with a hearing in the next 4 weeks (today included)."""
        end = self.plans.today + dt.timedelta(days=DUE_SOON_DAYS)
        return sum(1 for a in self.applications.open if a.hearing and self.plans.today <= a.hearing <= end)

    @property
    def at_home_without_discharge(self) -> int:
        return sum(1 for row in self.at_home if row.discharge is None or row.discharge.outcome)


def overview(user: Any, on: dt.date | None = None) -> Overview:
    day = on or today()
    return Overview(
        plans_due(user, day),
        placed_with_parents(user, day),
        applications(user, on=day),
        adoption_tracker(user, day),
    )
