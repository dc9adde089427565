"""Reads for the children-in-care pages: statutory clocks, placement end dates and the early warning.

Every read goes through ``.restrict(user, "view")``, so the page lists only the children the
user may see. The clocks come from ``core.clocks``; "today" is a parameter so tests can fix it.
A child's history (episodes, reviews, visits, conferences) is tens of rows, so each kind is
read once for every child on the page and the clocks are worked out in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from divert.care.models import (
    Episode,
    LookedAfterReview,
    PlacementRiskFlag,
    TeamAroundChildMeeting,
    Visit,
)
from divert.care.moves import recent_moves
from divert.cases.models import ChildProtectionPlan, Conference
from divert.cases.queries import Filters
from divert.core.access import get_for_user
from divert.core.clocks import cp_review_conference_due, la_review_due, visit_due
from divert.core.codes import INDEPENDENT_PROVIDERS, LONG_TERM_FOSTER, SHORT_BREAK_STATUSES
from divert.people.models import Child
from divert.people.queries import open_on, period_of_care_start, worker_annotations

#: A clock due within this many days is "due soon".
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class CareClock:
    """One child's running clock: when it started, the last one held, and when the next is due."""

    child: Child
    started: dt.date
    last: dt.date | None
    due: dt.date
    today: dt.date
    worker: str
    team: str

    @property
    def days_overdue(self) -> int:
        """Calendar days past the due date (0 when not overdue): these clocks run in months and weeks."""
        return max((self.today - self.due).days, 0)

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    @property
    def due_soon(self) -> bool:
        return not self.overdue and (self.due - self.today).days <= DUE_SOON_DAYS


def placement_start(episodes: list[Episode], current: Episode) -> dt.date:
    """The day the current placement began: a change of legal status only (RNE L) keeps the placement."""
    by_end = {e.dec: e for e in episodes if e.dec is not None}
    start = current
    while start.rne == "L" and start.decom in by_end and by_end[start.decom].decom < start.decom:
        start = by_end[start.decom]
    return start.decom


def _dates_by_child(rows: Any, field: str = "date") -> dict[int, list[dt.date]]:
    found: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, day in rows.values_list("child_id", field):
        found[child_id].append(day)
    return found


def _in_care_clocks(user: Any, filters: Filters, today: dt.date) -> tuple[list[CareClock], list[CareClock]]:
    """Looked-after review and visit clocks for every child looked after today."""
    current = list(
        Episode.objects.restrict(user, "view")
        .filter(open_on(today, "decom", "dec"), filters.condition(today))
        .select_related("child")
        .annotate(**worker_annotations(today))
    )
    ids = [e.child_id for e in current]
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for e in Episode.objects.restrict(user, "view").filter(child_id__in=ids).order_by("decom"):
        episodes[e.child_id].append(e)
    reviews = _dates_by_child(
        LookedAfterReview.objects.restrict(user, "view").filter(child_id__in=ids, date__lte=today)
    )
    visits = _dates_by_child(Visit.objects.restrict(user, "view").filter(child_id__in=ids, date__lte=today))
    review_rows, visit_rows = [], []
    for e in current:
        care_start = period_of_care_start(episodes[e.child_id], e)
        placed = placement_start(episodes[e.child_id], e)
        held = sorted(day for day in reviews[e.child_id] if day >= care_start)
        seen = sorted(day for day in visits[e.child_id] if day >= placed)
        common: dict[str, Any] = {
            "child": e.child,
            "today": today,
            "worker": e.worker_name or "",  # type: ignore[attr-defined]
            "team": e.team_name or "",  # type: ignore[attr-defined]
        }
        review_rows.append(
            CareClock(
                started=care_start,
                last=held[-1] if held else None,
                due=la_review_due(care_start, held),
                **common,
            )
        )
        long_term = e.place in LONG_TERM_FOSTER
        visit_rows.append(
            CareClock(
                started=placed,
                last=seen[-1] if seen else None,
                due=visit_due(placed, seen, intended_to_last=long_term),
                **common,
            )
        )
    return review_rows, visit_rows


def _cp_clocks(user: Any, filters: Filters, today: dt.date) -> list[CareClock]:
    """Review conference clocks for every child on a child protection plan today.

    The plan begins on the day of the initial conference that made it, so its start is the clock's.
    """
    plans = list(
        ChildProtectionPlan.objects.restrict(user, "view")
        .filter(open_on(today), filters.condition(today))
        .select_related("child")
        .annotate(**worker_annotations(today))
    )
    held: dict[int, list[dt.date]] = defaultdict(list)
    conferences = Conference.objects.restrict(user, "view").filter(
        plan__in=plans, kind=Conference.Kind.REVIEW, date__lte=today
    )
    for plan_id, day in conferences.values_list("plan_id", "date"):
        held[plan_id].append(day)
    rows = []
    for plan in plans:
        reviews = sorted(day for day in held[plan.pk] if day > plan.start)
        rows.append(
            CareClock(
                child=plan.child,
                started=plan.start,
                last=reviews[-1] if reviews else None,
                due=cp_review_conference_due(plan.start, reviews),
                today=today,
                worker=plan.worker_name or "",  # type: ignore[attr-defined]
                team=plan.team_name or "",  # type: ignore[attr-defined]
            )
        )
    return rows


def _pressing(rows: list[CareClock]) -> list[CareClock]:
    """Overdue and due-soon clocks, most overdue first (then soonest due), then by name."""
    kept = [row for row in rows if row.overdue or row.due_soon]
    return sorted(kept, key=lambda row: (row.due, row.child.last_name, row.child.first_name, row.child.pk))


@dataclass(frozen=True)
class TeamWorkerOverdue:
    team: str
    worker: str
    reviews: int
    visits: int
    conferences: int

    @property
    def total(self) -> int:
        return self.reviews + self.visits + self.conferences


@dataclass
class CareClocks:
    """Everything the children-in-care clocks page shows."""

    today: dt.date
    reviews: list[CareClock]
    visits: list[CareClock]
    conferences: list[CareClock]

    @staticmethod
    def _count(rows: list[CareClock], overdue: bool) -> int:
        return sum(row.overdue if overdue else row.due_soon for row in rows)

    @property
    def counts(self) -> list[tuple[str, str, int, int]]:
        """(anchor, label, overdue, due soon) for each clock, for the figures at the top."""
        return [
            (
                "reviews",
                "Looked-after reviews",
                self._count(self.reviews, True),
                self._count(self.reviews, False),
            ),
            ("visits", "Visits", self._count(self.visits, True), self._count(self.visits, False)),
            (
                "conferences",
                "Review conferences",
                self._count(self.conferences, True),
                self._count(self.conferences, False),
            ),
        ]

    @property
    def by_team_and_worker(self) -> list[TeamWorkerOverdue]:
        """Overdue clocks per team and worker, most overdue first."""
        tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for index, rows in enumerate((self.reviews, self.visits, self.conferences)):
            for row in rows:
                if row.overdue:
                    tally[(row.team, row.worker)][index] += 1
        found = [TeamWorkerOverdue(team, worker, *counts) for (team, worker), counts in tally.items()]
        return sorted(found, key=lambda row: (-row.total, row.team, row.worker))


def care_clocks(user: Any, filters: Filters, today: dt.date | None = None) -> CareClocks:
    today = today or timezone.localdate()
    reviews, visits = _in_care_clocks(user, filters, today)
    return CareClocks(
        today=today,
        reviews=_pressing(reviews),
        visits=_pressing(visits),
        conferences=_pressing(_cp_clocks(user, filters, today)),
    )


# --- Placement end dates ---------------------------------------------------------------------

#: Placements whose planned end falls within this many days are "ending soon" (the seeds' 4 weeks).
ENDING_SOON_DAYS = 28


@dataclass(frozen=True)
class EndDates:
    """Current placements without a planned end, ending soon, and the independent sector's contracts."""

    without_end: list[Episode]
    ending_soon: list[Episode]
    independent: list[Episode]

    @property
    def child_ids(self) -> set[int]:
        return {e.child_id for e in [*self.without_end, *self.ending_soon, *self.independent]}


def writable_children(user: Any, child_ids: Any) -> set[int]:
    """Which of these children the user may change, in one query (for the rows' "Change" links)."""
    found = Child.objects.restrict(user, "change").filter(pk__in=list(child_ids))
    return set(found.values_list("pk", flat=True))


def end_dates(user: Any, today: dt.date | None = None) -> EndDates:
    """The current placements of the children the user may see, in the three lists the seeds ask for.

    Peterborough: "Realistic end dates must be set for all children being accommodated" and
    "end dates should be communicated to external providers and contracts signed for that
    period". A current placement is an episode open today that is not a short break.
    """
    today = today or timezone.localdate()
    current = list(
        Episode.objects.restrict(user, "view")
        .filter(open_on(today, "decom", "dec"))
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .select_related("child", "provider")
        .annotate(**worker_annotations(today))
        .order_by("-weekly_cost", "child__last_name", "child__first_name", "pk")
    )
    soon = today + dt.timedelta(days=ENDING_SOON_DAYS)
    return EndDates(
        without_end=[e for e in current if e.planned_end is None],
        ending_soon=sorted(
            (e for e in current if e.planned_end is not None and e.planned_end <= soon),
            key=lambda e: (e.planned_end, e.pk),
        ),
        independent=[e for e in current if e.place_provider in INDEPENDENT_PROVIDERS],
    )


# --- Early warning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningRow:
    """One child on an early-warning list: why, since when, and whether the team has met since.

    ``since`` is the day the warning began: the first move in the 12 months (the child joined the
    "moved" list), the second (one move away from three), or the day the flag was raised. A
    team-around-the-child meeting on or after that day is ``meeting``; ``None`` means none yet.
    """

    child: Child
    episode: Episode | None
    moves: int
    since: dt.date
    worker: str
    team: str
    meeting: dt.date | None
    may_change: bool
    flag: PlacementRiskFlag | None = None


@dataclass
class EarlyWarning:
    """The three early-warning lists of the children the user may see."""

    today: dt.date
    moved: list[WarningRow]
    near_three: list[WarningRow]
    at_risk: list[WarningRow]

    @property
    def counts(self) -> list[tuple[str, str, int, int]]:
        """(anchor, label, children, of whom without a meeting since) for the figures at the top."""
        return [
            (anchor, label, len(rows), sum(row.meeting is None for row in rows))
            for anchor, label, rows in (
                ("moved", "Moved in the last 12 months", self.moved),
                ("near-three", "One move away from three", self.near_three),
                ("at-risk", "Placements flagged at risk", self.at_risk),
            )
        ]


def _meeting_since(held: list[dt.date], since: dt.date) -> dt.date | None:
    """The latest meeting on or after ``since``, if any."""
    after = [day for day in held if day >= since]
    return max(after) if after else None


def _name_order(row: WarningRow) -> tuple[Any, ...]:
    return (row.child.last_name, row.child.first_name, row.child.pk)


def early_warning(
    user: Any, authority_id: int, filters: Filters, today: dt.date | None = None
) -> EarlyWarning:
    """Children with moves in the last 12 months, those one move from three, and open at-risk flags.

    Peterborough: "A list of all children who have already had one placement move or more should
    be identified ... so that the team manager can be vigilant", and placements at risk of
    breaking down met by a team around the child. Moves are counted by ``care.moves`` (the
    stability indicators' own count); every list is narrowed by ``restrict`` and the filter.
    """
    today = today or timezone.localdate()
    current = {
        e.child_id: e
        for e in Episode.objects.restrict(user, "view")
        .filter(open_on(today, "decom", "dec"), filters.condition(today))
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .select_related("child", "provider")
        .annotate(**worker_annotations(today))
    }
    flags = list(
        PlacementRiskFlag.objects.restrict(user, "view")
        .filter(filters.condition(today), resolved__isnull=True, raised__lte=today)
        .select_related("child", "episode", "episode__provider")
        .annotate(**worker_annotations(today))
    )
    moves = recent_moves(user, authority_id, current, today)
    ids = set(moves) | {flag.child_id for flag in flags}
    held = _dates_by_child(
        TeamAroundChildMeeting.objects.restrict(user, "view").filter(child_id__in=ids, date__lte=today)
    )
    writable = writable_children(user, ids)

    def row(child_id: int, since: dt.date, flag: PlacementRiskFlag | None = None) -> WarningRow:
        source: Any = flag if flag is not None else current[child_id]
        return WarningRow(
            child=source.child,
            episode=current.get(child_id, flag.episode if flag is not None else None),
            moves=len(moves.get(child_id, [])),
            since=since,
            worker=source.worker_name or "",
            team=source.team_name or "",
            meeting=_meeting_since(held[child_id], since),
            may_change=child_id in writable,
            flag=flag,
        )

    moved = [row(child_id, days[0]) for child_id, days in moves.items()]
    near = [row(child_id, days[1]) for child_id, days in moves.items() if len(days) == 2]
    at_risk = [row(flag.child_id, flag.raised, flag) for flag in flags]
    return EarlyWarning(
        today=today,
        moved=sorted(moved, key=lambda r: (-r.moves, r.meeting is not None, *_name_order(r))),
        near_three=sorted(near, key=lambda r: (r.meeting is not None, *_name_order(r))),
        at_risk=sorted(at_risk, key=lambda r: (r.meeting is not None, r.since, *_name_order(r))),
    )


def child_flags(user: Any, child: Child) -> list[PlacementRiskFlag]:
    """The child's at-risk flags, open ones first, for choosing what a meeting answers."""
    found = PlacementRiskFlag.objects.restrict(user, "view").filter(child=child).select_related("episode")
    return sorted(found, key=lambda flag: (not flag.is_open, -flag.raised.toordinal(), -flag.pk))


def get_flag(user: Any, pk: int) -> PlacementRiskFlag:
    """One flag the user may see (the same 404 as a missing one), with its meetings."""
    queryset = PlacementRiskFlag.objects.select_related(
        "child", "episode", "episode__provider", "recorded_by"
    )
    return get_for_user(queryset, user, "view", pk=pk)


def get_meeting(user: Any, pk: int) -> TeamAroundChildMeeting:
    """One team-around-the-child meeting the user may see (the same 404 as a missing one)."""
    queryset = TeamAroundChildMeeting.objects.select_related("child", "flag", "recorded_by")
    return get_for_user(queryset, user, "view", pk=pk)


def current_placement(child: Child, today: dt.date | None = None) -> Episode | None:
    """The child's placement today (a short break is not a placement), for the flag form."""
    today = today or timezone.localdate()
    return (
        Episode.objects.filter(open_on(today, "decom", "dec"), child=child)
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .select_related("provider")
        .first()
    )
