"""Reads about children for the people pages: search, the child summary, the team caseload.

Every function takes the user and reads through ``.restrict(user, action)`` (or
``get_for_user``), so a page can only ever show children the user may see. "Today" is a
parameter so that tests and as-at views can fix it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from divert.care.models import Episode, LookedAfterReview, Visit
from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan
from divert.core.access import child_filter, get_for_user
from divert.core.codes import (
    INDEPENDENT_PROVIDERS,
    SHORT_BREAK_STATUSES,
    LegalStatus,
    Placement,
    PlaceProvider,
)
from divert.core.roles import CHILD_WRITERS, Role
from divert.frontdoor.models import Referral
from divert.people.models import Allocation, Child, FamilyMember

PAGE_SIZE = 25


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def open_on(today: dt.date, start: str = "start", end: str = "end") -> Q:
    """A period open on ``today``: begun, and not yet ended (an end date is the first day off)."""
    return Q(**{f"{start}__lte": today}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": today}))


def held_on(today: dt.date) -> Q:
    """An allocation held on ``today``: its end date is the last day held, as access reads it."""
    return Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))


def worker_annotations(today: dt.date, child: str = "child") -> dict[str, Any]:
    """The child's current worker and team as ``worker_name`` and ``team_name``: one subquery each.

    ``child`` is the path from the listed model to the child's key ("child" for a record about a
    child, "pk" for ``Child`` itself), so every list of children shows who holds the case for
    one query whatever its length.
    """
    current = Allocation.objects.filter(held_on(today), child=OuterRef(child)).order_by("-start", "-pk")
    return {
        "worker_name": Subquery(current.values("worker__name")[:1]),
        "team_name": Subquery(current.values("team__name")[:1]),
    }


def may_search(user: Any) -> bool:
    """Whether the user's role reaches any child at all (administrators' does not)."""
    return child_filter(user, "view") is not None


def may_add_child(user: Any) -> bool:
    """Social workers, team managers and the MASH add children, in their own authority."""
    return bool(getattr(user, "is_authenticated", False) and user.role in CHILD_WRITERS and user.authority_id)


# --- Find a child ------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchCriteria:
    name: str = ""
    date_of_birth: dt.date | None = None
    child_id: str = ""

    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.child_id.strip())

    def describe(self) -> str:
        """The criteria as one line for the audit trail (never the results)."""
        parts = [
            f"name={self.name.strip()!r}" if self.name.strip() else "",
            f"date_of_birth={self.date_of_birth:%Y-%m-%d}" if self.date_of_birth else "",
            f"child_id={self.child_id.strip()!r}" if self.child_id.strip() else "",
        ]
        return "Find a child: " + ", ".join(p for p in parts if p)


def _criteria_filter(criteria: SearchCriteria) -> Q:
    condition = Q()
    for term in criteria.name.split():
        condition &= Q(first_name__icontains=term) | Q(last_name__icontains=term)
    if criteria.date_of_birth:
        condition &= Q(date_of_birth=criteria.date_of_birth)
    if criteria.child_id.strip():
        condition &= Q(child_id__iexact=criteria.child_id.strip())
    return condition


def _status_annotations(today: dt.date) -> dict[str, Any]:
    """One correlated subquery per status, so a page of results costs one query, not one per child.

    The outer queryset is already restricted, so these only ever read the rows of children
    the user may see.
    """
    child = OuterRef("pk")
    current_episode = Episode.objects.filter(open_on(today, "decom", "dec"), child=child).order_by("-decom")
    current_allocation = Allocation.objects.filter(held_on(today), child=child).order_by("-start", "-pk")
    return {
        "current_ls": Subquery(current_episode.values("ls")[:1]),
        "on_cp_plan": Exists(ChildProtectionPlan.objects.filter(open_on(today), child=child)),
        "on_cin_plan": Exists(CINPlan.objects.filter(open_on(today), child=child)),
        "in_assessment": Exists(
            Assessment.objects.filter(child=child, start__lte=today, authorised__isnull=True)
        ),
        "open_referral": Exists(Referral.objects.filter(open_on(today, "date", "closed"), child=child)),
        "worker_name": Subquery(current_allocation.values("worker__name")[:1]),
        "team_name": Subquery(current_allocation.values("team__name")[:1]),
    }


def search_children(user: Any, criteria: SearchCriteria, today: dt.date | None = None) -> QuerySet[Child]:
    """Children the user may see who match every criterion given, with their status."""
    today = _today(today)
    return (
        Child.objects.restrict(user, "view")
        .filter(_criteria_filter(criteria))
        .annotate(**_status_annotations(today))
        .order_by("last_name", "first_name", "date_of_birth", "pk")
    )


# The GOV.UK tag colour for each status, the same on every page.
STATUS_TAGS = {
    "In care": "govuk-tag--purple",
    "Short breaks": "govuk-tag--green",
    "Child protection plan": "govuk-tag--red",
    "Child in need plan": "govuk-tag--yellow",
    "Assessment in progress": "govuk-tag--teal",
    "Open referral": "",
    "No open involvement": "govuk-tag--grey",
}


def tags(labels: list[str]) -> list[tuple[str, str]]:
    """Each status with its tag colour; a child with none is shown as having no open involvement."""
    return [(label, STATUS_TAGS[label]) for label in labels or ["No open involvement"]]


def status_labels(row: Any) -> list[str]:
    """What is happening for a child now, most intensive first, from the search annotations."""
    labels = []
    if row.current_ls:
        labels.append("Short breaks" if row.current_ls in SHORT_BREAK_STATUSES else "In care")
    labels += [
        label
        for flag, label in (
            (row.on_cp_plan, "Child protection plan"),
            (row.on_cin_plan, "Child in need plan"),
            (row.in_assessment, "Assessment in progress"),
            (row.open_referral, "Open referral"),
        )
        if flag
    ]
    return labels


@dataclass(frozen=True)
class ResultRow:
    child: Child
    age: int
    statuses: list[tuple[str, str]]
    worker: str
    team: str


def result_rows(children: Iterable[Child], today: dt.date | None = None) -> list[ResultRow]:
    today = _today(today)
    return [
        ResultRow(c, c.age_on(today), tags(status_labels(c)), c.worker_name or "", c.team_name or "")  # type: ignore[attr-defined]
        for c in children
    ]


# --- The child summary -------------------------------------------------------------------


OWNERSHIP = {
    "PR0": "With parents",
    "PR1": "In-house (the council's own)",
    "PR2": "Another local authority",
    "PR3": "Other public provision",
    "PR4": "Independent sector (private)",
    "PR5": "Independent sector (voluntary)",
}


@dataclass(frozen=True)
class CarePeriod:
    """The child's current episode of care and the start of this period of care."""

    episode: Episode
    period_start: dt.date

    @property
    def legal_status(self) -> str:
        return LegalStatus(self.episode.ls).label

    @property
    def placement(self) -> str:
        return Placement(self.episode.place).label

    @property
    def provider_type(self) -> str:
        code = self.episode.place_provider
        return PlaceProvider(code).label if code else "Not recorded"

    @property
    def independent(self) -> bool:
        return self.episode.place_provider in INDEPENDENT_PROVIDERS

    @property
    def ownership(self) -> str:
        """In-house or independent: the distinction the programme's savings turn on."""
        return OWNERSHIP.get(self.episode.place_provider, "Not recorded")

    @property
    def weekly_cost(self) -> Decimal:
        return self.episode.weekly_cost


@dataclass(frozen=True)
class HistoryEvent:
    date: dt.date
    label: str
    detail: str = ""


@dataclass
class ChildSummary:
    child: Child
    today: dt.date
    family: list[FamilyMember] = field(default_factory=list)
    allocation: Allocation | None = None
    referral: Referral | None = None
    assessment: Assessment | None = None
    cin_plan: CINPlan | None = None
    cp_plan: ChildProtectionPlan | None = None
    care: CarePeriod | None = None
    latest_review: LookedAfterReview | None = None
    latest_visit: Visit | None = None
    history: list[HistoryEvent] = field(default_factory=list)

    @property
    def age(self) -> int:
        return self.child.age_on(self.today)

    @property
    def cp_months(self) -> int | None:
        return whole_months(self.cp_plan.start, self.today) if self.cp_plan else None

    @property
    def status_tags(self) -> list[tuple[str, str]]:
        episode_ls = self.care.episode.ls if self.care else ""
        labels = [
            "Short breaks" if episode_ls in SHORT_BREAK_STATUSES else "In care" if self.care else "",
            "Child protection plan" if self.cp_plan else "",
            "Child in need plan" if self.cin_plan else "",
            "Assessment in progress" if self.assessment else "",
            "Open referral" if self.referral else "",
        ]
        return tags([label for label in labels if label])


def whole_months(start: dt.date, today: dt.date) -> int:
    """Whole calendar months from ``start`` to ``today`` (a plan begun on 31 January is one
    month old on 28 February only once February's last day has come)."""
    months = (today.year - start.year) * 12 + today.month - start.month
    if today.day < start.day and not _is_last_day(today):
        months -= 1
    return max(months, 0)


def _is_last_day(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def period_of_care_start(episodes: list[Episode], current: Episode) -> dt.date:
    """DECOM of the period of care that ``current`` belongs to.

    Walk back through episodes that follow on the same day (the earlier one ceasing on the
    day the next began) until one that did not follow another: that one began the period.
    """
    by_end = {e.dec: e for e in episodes if e.dec is not None}
    start = current
    while start.rne != "S" and start.decom in by_end and by_end[start.decom].decom < start.decom:
        start = by_end[start.decom]
    return start.decom


def _episode_events(episodes: Iterable[Episode]) -> list[HistoryEvent]:
    events = []
    for e in episodes:
        label = "Started to be looked after" if e.rne == "S" else e.get_rne_display()
        events.append(HistoryEvent(e.decom, label, f"{e.get_ls_display()}; {e.get_place_display()}"))
        if e.dec and e.rec != "X1":
            events.append(HistoryEvent(e.dec, "Ceased to be looked after", e.get_rec_display()))
    return events


def _plan_events(plans: Iterable[CINPlan | ChildProtectionPlan], name: str) -> list[HistoryEvent]:
    events = []
    for plan in plans:
        category = plan.get_category_display() if isinstance(plan, ChildProtectionPlan) else ""
        events.append(HistoryEvent(plan.start, f"{name} started", category))
        if plan.end:
            events.append(HistoryEvent(plan.end, f"{name} ended"))
    return events


def _referral_events(referrals: Iterable[Referral]) -> list[HistoryEvent]:
    events = []
    for r in referrals:
        events.append(HistoryEvent(r.date, "Referral received", r.get_source_display()))
        if r.closed:
            events.append(HistoryEvent(r.closed, "Referral closed", r.get_closure_reason_display()))
    return events


def recent_history(summary_rows: dict[str, list[Any]], today: dt.date, limit: int = 10) -> list[HistoryEvent]:
    """The last ``limit`` dated events up to today, newest first."""
    events = (
        _episode_events(summary_rows["episodes"])
        + _referral_events(summary_rows["referrals"])
        + _plan_events(summary_rows["cin_plans"], "Child in need plan")
        + _plan_events(summary_rows["cp_plans"], "Child protection plan")
        + [HistoryEvent(r.date, "Looked-after review") for r in summary_rows["reviews"]]
    )
    past = [e for e in events if e.date <= today]
    return sorted(past, key=lambda e: e.date, reverse=True)[:limit]


def _first(rows: Iterable[Any], condition: Any) -> Any:
    return next((row for row in rows if condition(row)), None)


def _is_open(start: dt.date, end: dt.date | None, today: dt.date) -> bool:
    return start <= today and (end is None or end > today)


def _rows_for(user: Any, child: Child) -> dict[str, list[Any]]:
    """All of one child's dated records the summary needs, one restricted query per kind.

    A child's lifetime with the council is tens of rows of each kind, so reading them all
    and choosing in Python is cheaper and clearer than a query for each question.
    """

    def mine(model: Any) -> Any:
        return model.objects.restrict(user, "view").filter(child=child)

    return {
        "episodes": list(mine(Episode).select_related("provider").order_by("decom")),
        "referrals": list(mine(Referral).order_by("-date")),
        "assessments": list(mine(Assessment).order_by("-start")),
        "cin_plans": list(mine(CINPlan).order_by("-start")),
        "cp_plans": list(mine(ChildProtectionPlan).order_by("-start")),
        "reviews": list(mine(LookedAfterReview).order_by("-date")),
    }


def _current_care(episodes: list[Episode], today: dt.date) -> CarePeriod | None:
    current = _first(reversed(episodes), lambda e: e.is_open_on(today))
    return CarePeriod(current, period_of_care_start(episodes, current)) if current else None


def child_summary(user: Any, pk: Any, today: dt.date | None = None) -> ChildSummary:
    """Everything the child summary page shows; a child the user may not see is a 404."""
    today = _today(today)
    child = get_for_user(Child.objects.select_related("locality"), user, "view", pk=pk)
    rows = _rows_for(user, child)
    return ChildSummary(
        child=child,
        today=today,
        family=list(FamilyMember.objects.restrict(user, "view").filter(child=child)),
        allocation=current_allocation(user, child, today),
        referral=_first(rows["referrals"], lambda r: _is_open(r.date, r.closed, today)),
        assessment=_first(rows["assessments"], lambda a: a.start <= today and a.authorised is None),
        cin_plan=_first(rows["cin_plans"], lambda p: _is_open(p.start, p.end, today)),
        cp_plan=_first(rows["cp_plans"], lambda p: _is_open(p.start, p.end, today)),
        care=_current_care(rows["episodes"], today),
        latest_review=_first(rows["reviews"], lambda r: r.date <= today),
        latest_visit=latest_visit(user, child, today),
        history=recent_history(rows, today),
    )


def latest_visit(user: Any, child: Child, today: dt.date) -> Visit | None:
    visits = Visit.objects.restrict(user, "view").filter(child=child, date__lte=today)
    return visits.order_by("-date", "-pk").first()


def current_allocation(user: Any, child: Child, today: dt.date | None = None) -> Allocation | None:
    today = _today(today)
    held = Allocation.objects.restrict(user, "view").filter(held_on(today), child=child)
    return held.select_related("worker", "team").order_by("-start", "-pk").first()


# --- Home page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeRow:
    child: Child
    worker: str = ""
    since: dt.date | None = None


@dataclass(frozen=True)
class HomeList:
    """The children a role's home page lists, with a heading that says whose they are."""

    title: str
    rows: list[HomeRow]
    empty: str
    shows_worker: bool = False


def team_caseload(user: Any, today: dt.date | None = None) -> list[HomeRow]:
    """The children currently allocated to the user's team, with their worker."""
    today = _today(today)
    held = Allocation.objects.restrict(user, "view").filter(held_on(today), team_id=user.team_id)
    ordered = held.select_related("child", "worker").order_by("child__last_name", "child__first_name", "pk")
    return [HomeRow(a.child, a.worker.name, a.start) for a in ordered]


def own_caseload(user: Any, today: dt.date | None = None) -> list[HomeRow]:
    """The children currently allocated to the user themselves (their professional record)."""
    today = _today(today)
    held = Allocation.objects.restrict(user, "view").filter(held_on(today), worker__user_id=user.pk)
    ordered = held.select_related("child", "worker").order_by("child__last_name", "child__first_name", "pk")
    return [HomeRow(a.child, a.worker.name, a.start) for a in ordered]


def home_list(user: Any, today: dt.date | None = None) -> HomeList | None:
    """What a role sees first: a social worker's own cases, a manager's team caseload, or the
    children shared with an agency."""
    role = getattr(user, "role", None)
    if role == Role.SOCIAL_WORKER and user.team_id:
        return HomeList(
            "Your caseload",
            own_caseload(user, today),
            "No children are allocated to you at the moment. Your team's children are in Find a child.",
        )
    if role == Role.TEAM_MANAGER and user.team_id:
        return HomeList(
            f"{user.team.name}: current caseload",
            team_caseload(user, today),
            "No children are allocated to your team at the moment.",
            shows_worker=True,
        )
    if role == Role.PARTNER:
        shared = Child.objects.restrict(user, "view").order_by("last_name", "first_name", "pk")[:100]
        return HomeList(
            f"Children shared with {user.get_agency_display().lower()}",
            [HomeRow(child) for child in shared],
            "No children's records are shared with your agency at the moment.",
        )
    return None
