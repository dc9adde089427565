"""Reads for the children-in-care statutory clocks page.

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

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from divert.care.models import Episode, LookedAfterReview, Visit
from divert.cases.models import ChildProtectionPlan, Conference
from divert.cases.queries import Filters
from divert.core.clocks import cp_review_conference_due, la_review_due, visit_due
from divert.core.codes import INDEPENDENT_PROVIDERS, LONG_TERM_FOSTER, SHORT_BREAK_STATUSES
from divert.people.models import Allocation, Child
from divert.people.queries import held_on, open_on, period_of_care_start

#: A clock due within this many days is "due soon".
DUE_SOON_DAYS = 14


def _worker_annotations(today: dt.date) -> dict[str, Any]:
    """The child's current worker and team, one subquery each, so a list costs one query."""
    current = Allocation.objects.filter(held_on(today), child=OuterRef("child")).order_by("-start", "-pk")
    return {
        "worker_name": Subquery(current.values("worker__name")[:1]),
        "team_name": Subquery(current.values("team__name")[:1]),
    }


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
        .annotate(**_worker_annotations(today))
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
        .annotate(**_worker_annotations(today))
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
        .annotate(**_worker_annotations(today))
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
