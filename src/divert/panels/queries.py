"""Reads for the panels pages: the month's entries against the cap, follow-ups, unapproved placements.

The definitions here are the programme's, and the synthetic authority is generated to the same
rules, so change them only together (``docs/panels.md`` says them in words):

* **An entry to care** is a start as the scorecard counts it (``indicators/defs/looked_after.py``,
  ``cla_starts``): an episode with reason for new episode "S", not a short break (legal status
  V3 or V4). Its date is the episode's DECOM. **An exit** is an episode that ceased with a
  reason other than X1, short breaks excluded (``cla_ceased``).
* An entry **came through the panel** when the child has a proposal decided "accommodate" at an
  edge-of-care meeting dated on or before the entry and no more than 90 days before it. Else it
  was **an emergency** when the child has an emergency proposal with ``accommodated_on`` equal
  to the entry date: "reviewed at panel" once that proposal has a meeting and a decision,
  "awaiting review" until then. Else it had **no panel**.
* **Follow-up** of a decided proposal at 3 and 12 months (``DIVERT["PANEL_FOLLOW_UP_MONTHS"]``):
  the child was accommodated within N months when they have an entry to care on or after the
  meeting date and within N calendar months of it; "not yet known" while that window is still
  open and no entry has happened.
* **A placement** starts with an episode that brings a new carer (reason for new episode S, P
  or B; short breaks excluded). It **needs resource panel approval** when it is independent
  sector (PLACE_PROVIDER PR4 or PR5) or its weekly cost is at or above
  ``DIVERT["RESOURCE_PANEL_WEEKLY_THRESHOLD"]``. It **has approval** when a request decided
  "approve" is linked to its episode or, unlinked, was approved for that child at a meeting
  within the 90 days before the placement started (the start day included).

Figures (entries, exits, how many came through the panel) are the authority's; the children
behind them are listed only as far as ``restrict`` lets the reader see them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from divert.care.models import Episode
from divert.core.access import get_for_user, panel_meetings_for, restrict
from divert.core.calendar import add_months
from divert.core.codes import INDEPENDENT_PROVIDERS, SHORT_BREAK_STATUSES, placement_category
from divert.panels.models import EdgeOfCareProposal, PanelMeeting, ResourceOption, ResourceRequest
from divert.people.models import Child

#: An entry came through the panel when the "accommodate" decision was at most this many days before it.
PANEL_WINDOW_DAYS = 90
#: An unlinked approval covers a placement that started at most this many days after the meeting.
APPROVAL_WINDOW_DAYS = 90
#: Reasons for a new episode that bring a new carer: the episodes that start a placement.
NEW_PLACEMENT_RNE = frozenset({"S", "P", "B"})
#: A year of a weekly cost, for the options appraisal.
WEEKS_A_YEAR = 52
#: How far back the index looks for placements that started without approval.
UNAPPROVED_LOOKBACK_MONTHS = 3


def today() -> dt.date:
    return timezone.localdate()


# --- Calendar months -------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return add_months(month_start(day), 1) - dt.timedelta(days=1)


def parse_month(text: str | None) -> dt.date | None:
    """``YYYY-MM`` as the first day of that month, or None when it is not one."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return None


# --- Entries and exits, as the scorecard counts them ------------------------------------------


def entries_to_care(authority_id: int, first: dt.date, last: dt.date) -> QuerySet[Episode]:
    """Episodes that started a period of care (RNE "S", short breaks excluded) between the dates."""
    return (
        Episode.objects.filter(child__authority_id=authority_id, rne="S", decom__range=(first, last))
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .order_by("decom", "pk")
    )


def exits_from_care(authority_id: int, first: dt.date, last: dt.date) -> QuerySet[Episode]:
    """Episodes that ended care (any reason but X1, short breaks excluded) between the dates."""
    return (
        Episode.objects.filter(child__authority_id=authority_id, dec__range=(first, last))
        .exclude(rec__in=["", "X1"])
        .exclude(ls__in=SHORT_BREAK_STATUSES)
    )


class HowEntered(StrEnum):
    THROUGH_PANEL = "through panel"
    EMERGENCY_REVIEWED = "emergency, reviewed at panel"
    EMERGENCY_AWAITING = "emergency, awaiting review"
    NO_PANEL = "no panel"

    @property
    def is_emergency(self) -> bool:
        return self in {HowEntered.EMERGENCY_REVIEWED, HowEntered.EMERGENCY_AWAITING}

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour that says at a glance whether the gate held."""
        return {
            HowEntered.THROUGH_PANEL: "govuk-tag--green",
            HowEntered.EMERGENCY_REVIEWED: "",
            HowEntered.EMERGENCY_AWAITING: "govuk-tag--orange",
            HowEntered.NO_PANEL: "govuk-tag--red",
        }[self]


def how_entered(
    entry: dt.date, proposals: Iterable[EdgeOfCareProposal]
) -> tuple[HowEntered, EdgeOfCareProposal | None]:
    """How one entry to care on ``entry`` came about, from the child's proposals (meetings loaded).

    Through the panel first: an "accommodate" decision at an edge-of-care meeting dated on or
    before the entry and at most ``PANEL_WINDOW_DAYS`` before it (the latest such meeting is
    the one shown). Then an emergency accommodated that very day. Else no panel.
    """
    proposals = list(proposals)
    earliest = entry - dt.timedelta(days=PANEL_WINDOW_DAYS)
    heard = [
        p
        for p in proposals
        if p.decision == EdgeOfCareProposal.Decision.ACCOMMODATE
        and p.meeting is not None
        and p.meeting.kind == PanelMeeting.Kind.EDGE_OF_CARE
        and earliest <= p.meeting.date <= entry
    ]
    if heard:
        return HowEntered.THROUGH_PANEL, max(heard, key=lambda p: (cast(PanelMeeting, p.meeting).date, p.pk))
    emergencies = [p for p in proposals if p.emergency and p.accommodated_on == entry]
    reviewed = [p for p in emergencies if p.meeting_id is not None and p.decision]
    if reviewed:
        return HowEntered.EMERGENCY_REVIEWED, reviewed[0]
    if emergencies:
        return HowEntered.EMERGENCY_AWAITING, emergencies[0]
    return HowEntered.NO_PANEL, None


@dataclass(frozen=True)
class Entry:
    """One child's entry to care, how it came about, and whether the reader may see the child."""

    episode: Episode
    how: HowEntered
    proposal: EdgeOfCareProposal | None
    visible: bool

    @property
    def child(self) -> Child:
        return self.episode.child

    @property
    def date(self) -> dt.date:
        return self.episode.decom

    @property
    def meeting(self) -> PanelMeeting | None:
        return self.proposal.meeting if self.proposal is not None else None


def _proposals_by_child(child_ids: Iterable[int]) -> dict[int, list[EdgeOfCareProposal]]:
    found: dict[int, list[EdgeOfCareProposal]] = defaultdict(list)
    for proposal in EdgeOfCareProposal.objects.filter(child_id__in=set(child_ids)).select_related("meeting"):
        found[proposal.child_id].append(proposal)
    return found


def visible_child_ids(user: Any, child_ids: Iterable[int]) -> set[int]:
    """Which of these children the user may see (one query), for lists of authority-wide figures."""
    return set(restrict(Child.objects.filter(pk__in=set(child_ids)), user).values_list("pk", flat=True))


def classified_entries(user: Any, authority_id: int, first: dt.date, last: dt.date) -> list[Entry]:
    """Every entry to care between the dates, each with how it came about (three queries)."""
    episodes = list(entries_to_care(authority_id, first, last).select_related("child"))
    child_ids = {e.child_id for e in episodes}
    proposals = _proposals_by_child(child_ids)
    visible = visible_child_ids(user, child_ids)
    entries = []
    for episode in episodes:
        how, proposal = how_entered(episode.decom, proposals.get(episode.child_id, []))
        entries.append(Entry(episode, how, proposal, episode.child_id in visible))
    return entries


# --- The month against the cap ----------------------------------------------------------------


def cap_and_target(authority_id: int) -> tuple[int | None, int | None]:
    """The monthly cap on entries and target for exits: the scorecard's own targets for
    ``cla_starts`` and ``cla_ceased`` (the authority's where an administrator set them, else
    ``DIVERT["MONTHLY_ENTRY_CAP"]`` and ``["MONTHLY_EXIT_TARGET"]``), so the two pages agree."""
    from divert.indicators.report import targets_for

    targets = targets_for(authority_id)

    def whole(indicator: str, setting: str) -> int | None:
        target = targets.get(indicator)
        if target is None:
            return cast(int, settings.DIVERT[setting])
        return None if target.value is None else round(target.value)

    return whole("cla_starts", "MONTHLY_ENTRY_CAP"), whole("cla_ceased", "MONTHLY_EXIT_TARGET")


@dataclass
class MonthFigures:
    """One month's entries and exits against the cap and target, with how the entries came in."""

    month: dt.date
    cap: int | None
    target: int | None
    entries: int = 0
    through_panel: int = 0
    emergencies: int = 0
    emergencies_awaiting: int = 0
    no_panel: int = 0
    exits: int = 0

    @property
    def over_cap(self) -> bool:
        return self.cap is not None and self.entries > self.cap

    @property
    def under_target(self) -> bool:
        return self.target is not None and self.exits < self.target

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    def count(self, how: HowEntered) -> None:
        self.entries += 1
        if how is HowEntered.THROUGH_PANEL:
            self.through_panel += 1
        elif how.is_emergency:
            self.emergencies += 1
            self.emergencies_awaiting += how is HowEntered.EMERGENCY_AWAITING
        else:
            self.no_panel += 1


def months_figures(user: Any, authority_id: int, last_month: dt.date, count: int = 12) -> list[MonthFigures]:
    """The ``count`` months up to ``last_month`` (newest first), from one read of each table."""
    first = add_months(month_start(last_month), -(count - 1))
    last = month_end(last_month)
    cap, target = cap_and_target(authority_id)
    months = {add_months(first, i): MonthFigures(add_months(first, i), cap, target) for i in range(count)}
    for entry in classified_entries(user, authority_id, first, last):
        months[month_start(entry.date)].count(entry.how)
    for dec in exits_from_care(authority_id, first, last).values_list("dec", flat=True):
        if dec is not None:
            months[month_start(dec)].exits += 1
    return sorted(months.values(), key=lambda m: m.month, reverse=True)


@dataclass
class MonthPage:
    """The entries page: one month's figures, its entering children, and the year before it."""

    figures: MonthFigures
    entries: list[Entry]
    history: list[MonthFigures]
    hidden: int
    previous: dt.date
    following: dt.date | None


def month_page(user: Any, authority_id: int, month: dt.date, on: dt.date | None = None) -> MonthPage:
    on = on or today()
    month = month_start(month)
    history = months_figures(user, authority_id, month)
    entries = classified_entries(user, authority_id, month, month_end(month))
    following = add_months(month, 1)
    return MonthPage(
        figures=history[0],
        entries=[e for e in entries if e.visible],
        history=history,
        hidden=sum(not e.visible for e in entries),
        previous=add_months(month, -1),
        following=following if following <= on else None,
    )


# --- Follow-up of a decided proposal --------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """Was the child accommodated within ``months`` calendar months of the panel's meeting?"""

    months: int
    meeting: dt.date
    until: dt.date
    entry: dt.date | None
    known: bool

    @property
    def accommodated(self) -> bool | None:
        if self.entry is not None:
            return True
        return False if self.known else None


def follow_up(meeting: dt.date, entries: Iterable[dt.date], months: int, on: dt.date) -> FollowUp:
    """The follow-up at ``months`` from the entry dates of the child's care (pure, for tests).

    An entry counts from the meeting's own day to the same day ``months`` months on; until that
    day has passed with no entry, the answer is not yet known.
    """
    until = add_months(meeting, months)
    within = sorted(day for day in entries if meeting <= day <= until)
    first = within[0] if within else None
    return FollowUp(months, meeting, until, first, known=first is not None or on > until)


def follow_ups(proposal: EdgeOfCareProposal, on: dt.date | None = None) -> list[FollowUp]:
    """The 3- and 12-month follow-ups of a decided proposal (none before the panel has decided)."""
    if not proposal.decision or proposal.meeting is None:
        return []
    on = on or today()
    entries = (
        Episode.objects.filter(child_id=proposal.child_id, rne="S")
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .values_list("decom", flat=True)
    )
    days = list(entries)
    months: Sequence[int] = settings.DIVERT["PANEL_FOLLOW_UP_MONTHS"]  # type: ignore[assignment]
    return [follow_up(proposal.meeting.date, days, n, on) for n in months]


# --- Reading proposals, requests and meetings -------------------------------------------------


def proposals_for(user: Any) -> QuerySet[EdgeOfCareProposal]:
    return EdgeOfCareProposal.objects.restrict(user).select_related("child", "meeting")


def requests_for(user: Any) -> QuerySet[ResourceRequest]:
    return ResourceRequest.objects.restrict(user).select_related("child", "meeting", "approved_option")


def get_proposal(user: Any, pk: int, action: str = "view") -> EdgeOfCareProposal:
    return get_for_user(
        EdgeOfCareProposal.objects.select_related("child", "meeting", "proposed_by", "decided_by"),
        user,
        action,  # type: ignore[arg-type]
        pk=pk,
    )


def get_request(user: Any, pk: int, action: str = "view") -> ResourceRequest:
    return get_for_user(
        ResourceRequest.objects.select_related(
            "child", "meeting", "approved_option", "approved_option__provider", "episode", "requested_by"
        ),
        user,
        action,  # type: ignore[arg-type]
        pk=pk,
    )


def get_meeting(user: Any, pk: int) -> PanelMeeting:
    return get_for_user(panel_meetings_for(user), user, pk=pk)


def meetings_to_choose(
    user: Any, kind: str, *, upcoming: bool | None = None, on: dt.date | None = None
) -> QuerySet[PanelMeeting]:
    """The user's authority's meetings of one kind: coming up (today on), already sat, or all."""
    on = on or today()
    meetings = panel_meetings_for(user).filter(kind=kind)
    if upcoming is True:
        return meetings.filter(date__gte=on).order_by("date", "pk")
    if upcoming is False:
        return meetings.filter(date__lte=on)
    return meetings


@dataclass
class Agenda:
    """A meeting's items that the reader may see, and how many more there are about others."""

    proposals: list[EdgeOfCareProposal]
    requests: list[ResourceRequest]
    hidden: int
    waiting: list[EdgeOfCareProposal | ResourceRequest] = field(default_factory=list)


def agenda(user: Any, meeting: PanelMeeting, on: dt.date | None = None) -> Agenda:
    """The items heard at ``meeting`` and, for a meeting still to sit, the items waiting for a panel."""
    on = on or today()
    proposals = list(proposals_for(user).filter(meeting=meeting).prefetch_related("alternatives"))
    requests = list(requests_for(user).filter(meeting=meeting).prefetch_related("options"))
    total = meeting.edge_of_care_items.count() + meeting.resource_items.count()
    waiting: list[EdgeOfCareProposal | ResourceRequest] = []
    if meeting.date >= on:
        if meeting.kind == PanelMeeting.Kind.EDGE_OF_CARE:
            waiting = list(
                proposals_for(user).filter(decision="", meeting__isnull=True, proposed__lte=meeting.date)
            )
        else:
            waiting = list(
                requests_for(user).filter(decision="", meeting__isnull=True, requested__lte=meeting.date)
            )
    return Agenda(proposals, requests, total - len(proposals) - len(requests), waiting)


# --- The options appraisal --------------------------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    option: ResourceOption
    annual_cost: Decimal
    weekly_difference: Decimal | None
    annual_difference: Decimal | None
    cheapest: bool


def appraisal(request: ResourceRequest) -> list[OptionRow]:
    """Each option with its annual cost (52 weeks) and how much more it costs than the cheapest
    option that can actually be had now (no difference when none is available)."""
    options = list(request.options.select_related("provider"))
    available = [o.weekly_cost for o in options if o.available]
    floor = min(available) if available else None
    return [
        OptionRow(
            option=o,
            annual_cost=o.weekly_cost * WEEKS_A_YEAR,
            weekly_difference=None if floor is None else o.weekly_cost - floor,
            annual_difference=None if floor is None else (o.weekly_cost - floor) * WEEKS_A_YEAR,
            cheapest=o.available and o.weekly_cost == floor,
        )
        for o in options
    ]


# --- Placements that need the resource panel ---------------------------------------------------


def threshold() -> Decimal:
    return Decimal(cast(int, settings.DIVERT["RESOURCE_PANEL_WEEKLY_THRESHOLD"]))


def needs_approval(place_provider: str, weekly_cost: Decimal) -> bool:
    """Independent sector, or at or above the weekly threshold: the resource panel must agree first."""
    return place_provider in INDEPENDENT_PROVIDERS or weekly_cost >= threshold()


def placement_starts(authority_id: int, first: dt.date, last: dt.date) -> QuerySet[Episode]:
    """Episodes that started a placement with a new carer (RNE S, P or B) between the dates."""
    return (
        Episode.objects.filter(
            child__authority_id=authority_id, rne__in=NEW_PLACEMENT_RNE, decom__range=(first, last)
        )
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .order_by("decom", "pk")
    )


def has_approval(episode: Episode, approvals: Iterable[ResourceRequest]) -> bool:
    """Approved for this placement: a request linked to the episode, or an unlinked approval
    for the child at a meeting in the ``APPROVAL_WINDOW_DAYS`` days up to the start."""
    earliest = episode.decom - dt.timedelta(days=APPROVAL_WINDOW_DAYS)
    for request in approvals:
        if request.decision != ResourceRequest.Decision.APPROVE:
            continue
        if request.episode_id == episode.pk:
            return True
        if (
            request.episode_id is None
            and request.child_id == episode.child_id
            and request.meeting is not None
            and earliest <= request.meeting.date <= episode.decom
        ):
            return True
    return False


@dataclass(frozen=True)
class UnapprovedRow:
    episode: Episode

    @property
    def category(self) -> str:
        return placement_category(self.episode.place, self.episode.place_provider)


@dataclass(frozen=True)
class Unapproved:
    """Placements that needed approval and had none: the rows the reader may see, and the total."""

    rows: list[UnapprovedRow]
    total: int
    first: dt.date
    last: dt.date

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def unapproved_placements(user: Any, authority_id: int, first: dt.date, last: dt.date) -> Unapproved:
    """Placements started between the dates that needed the resource panel and have no approval."""
    needing = placement_starts(authority_id, first, last).filter(
        Q(place_provider__in=INDEPENDENT_PROVIDERS) | Q(weekly_cost__gte=threshold())
    )
    episodes = list(needing.select_related("child", "provider"))
    approvals: dict[int, list[ResourceRequest]] = defaultdict(list)
    for request in ResourceRequest.objects.filter(
        decision=ResourceRequest.Decision.APPROVE, child_id__in={e.child_id for e in episodes}
    ).select_related("meeting"):
        approvals[request.child_id].append(request)
    missing = [e for e in episodes if not has_approval(e, approvals[e.child_id])]
    visible = visible_child_ids(user, {e.child_id for e in missing})
    rows = [UnapprovedRow(e) for e in missing if e.child_id in visible]
    return Unapproved(rows, len(missing), first, last)


def default_unapproved_period(on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The index's look-back: from the start of the month ``UNAPPROVED_LOOKBACK_MONTHS - 1`` ago."""
    on = on or today()
    return add_months(month_start(on), -(UNAPPROVED_LOOKBACK_MONTHS - 1)), on


def placements_to_link(request: ResourceRequest) -> QuerySet[Episode]:
    """The child's placements that an approval could be for: those that started since the request."""
    return (
        Episode.objects.filter(
            child_id=request.child_id, rne__in=NEW_PLACEMENT_RNE, decom__gte=request.requested
        )
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .order_by("decom")
    )


# --- The index ---------------------------------------------------------------------------------


@dataclass
class Overview:
    figures: MonthFigures
    upcoming: list[PanelMeeting]
    recent: list[PanelMeeting]
    awaiting_panel: list[EdgeOfCareProposal]
    emergencies: list[EdgeOfCareProposal]
    requests: list[ResourceRequest]
    unapproved: Unapproved


def overview(user: Any, authority_id: int, on: dt.date | None = None) -> Overview:
    """The month at a glance for the panels index."""
    on = on or today()
    meetings = panel_meetings_for(user)
    undecided = proposals_for(user).filter(decision="").order_by("proposed", "pk")
    first, last = default_unapproved_period(on)
    return Overview(
        figures=months_figures(user, authority_id, on, count=1)[0],
        upcoming=list(meetings.filter(date__gte=on).order_by("date", "pk")[:5]),
        recent=list(meetings.filter(date__lt=on).order_by("-date", "-pk")[:5]),
        awaiting_panel=list(undecided.filter(emergency=False)),
        emergencies=list(undecided.filter(emergency=True)),
        requests=list(requests_for(user).filter(decision="").order_by("requested", "pk")),
        unapproved=unapproved_placements(user, authority_id, first, last),
    )
