"""Reads for the programme: actions due and overdue, the risk register and its heat map, the
savings plan rolled up by area and year, and the monthly report that combines them.

Every read is of the reader's own authority (``authority_id``); no child is named here, so the
placement review's realised savings are read across the whole authority, whoever is reading,
and the programme board sees one figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone

from divert.programme.models import ZERO, Action, Risk, SavingsLine, WorkStream, rating
from divert.stepdown.models import StepDownPlan
from divert.stepdown.queries import plan_states

#: An action is "due" when its date falls within this many days from today (and it is not done).
DUE_WINDOW_DAYS = 28
#: The risks the index and the monthly report show.
TOP_RISKS = 5
TENTH = Decimal("0.1")


def today() -> dt.date:
    return timezone.localdate()


def thousands(pounds: Decimal) -> Decimal:
    """Pounds as £000 to one decimal place, half up (£15,600 -> 15.6)."""
    return (pounds / 1000).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- Work streams and actions -------------------------------------------------------------------


def streams(authority_id: int) -> QuerySet[WorkStream]:
    return WorkStream.objects.filter(authority_id=authority_id)


def actions(authority_id: int) -> QuerySet[Action]:
    return Action.objects.filter(stream__authority_id=authority_id).select_related("stream")


def get_stream(authority_id: int, pk: int) -> WorkStream:
    return WorkStream.objects.get(authority_id=authority_id, pk=pk)


def get_action(authority_id: int, pk: int) -> Action:
    return actions(authority_id).get(pk=pk)


def overdue_first(rows: list[Action], on: dt.date) -> list[Action]:
    """Overdue actions first (the longest overdue at the top), then the rest by due date; done last."""
    return sorted(
        rows,
        key=lambda a: (a.status == Action.Status.DONE, not a.is_overdue(on), a.due, a.pk),
    )


def filtered_actions(
    authority_id: int,
    *,
    stream: int | None = None,
    owner: str = "",
    status: str = "",
    on: dt.date | None = None,
) -> list[Action]:
    on = on or today()
    found = actions(authority_id)
    if stream:
        found = found.filter(stream_id=stream)
    if owner:
        found = found.filter(owner__icontains=owner)
    if status:
        found = found.filter(status=status)
    return overdue_first(list(found), on)


@dataclass
class Due:
    """The actions the board chases: those overdue and those due within ``DUE_WINDOW_DAYS``."""

    overdue: list[Action]
    due_soon: list[Action]


def due(rows: list[Action], on: dt.date) -> Due:
    open_rows = [a for a in rows if a.status != Action.Status.DONE]
    horizon = on + dt.timedelta(days=DUE_WINDOW_DAYS)
    return Due(
        overdue=sorted((a for a in open_rows if a.due < on), key=lambda a: (a.due, a.pk)),
        due_soon=sorted((a for a in open_rows if on <= a.due <= horizon), key=lambda a: (a.due, a.pk)),
    )


@dataclass
class StreamProgress:
    stream: WorkStream
    counts: dict[str, int]
    overdue: int
    due_soon: int
    actions: list[Action] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def progress(authority_id: int, on: dt.date | None = None) -> list[StreamProgress]:
    """Each work stream with its actions counted by status, overdue and due soon (two queries)."""
    on = on or today()
    by_stream: dict[int, list[Action]] = defaultdict(list)
    for action in actions(authority_id):
        by_stream[action.stream_id].append(action)
    result = []
    for stream in streams(authority_id):
        rows = by_stream[stream.pk]
        counts = {value: 0 for value in Action.Status.values}
        for a in rows:
            counts[a.status] += 1
        d = due(rows, on)
        result.append(
            StreamProgress(stream, counts, len(d.overdue), len(d.due_soon), overdue_first(rows, on))
        )
    return result


# --- Risks --------------------------------------------------------------------------------------


def risks(authority_id: int) -> QuerySet[Risk]:
    return Risk.objects.filter(authority_id=authority_id).prefetch_related("scores")


def get_risk(authority_id: int, pk: int) -> Risk:
    return risks(authority_id).get(pk=pk)


def register(authority_id: int) -> list[Risk]:
    """Open risks by score, highest first (ties by impact, then title); closed risks after them."""
    return sorted(
        risks(authority_id),
        key=lambda r: (r.status != Risk.Status.OPEN, -r.score, -r.impact, r.title),
    )


def top_risks(authority_id: int, n: int = TOP_RISKS) -> list[Risk]:
    return [r for r in register(authority_id) if r.status == Risk.Status.OPEN][:n]


@dataclass
class HeatCell:
    probability: int
    impact: int
    risks: list[Risk]

    @property
    def score(self) -> int:
        return self.probability * self.impact

    @property
    def rating(self) -> str:
        return rating(self.score)


def heat_map(rows: list[Risk]) -> list[list[HeatCell]]:
    """The 5x5 grid of open risks: rows are probability 5 (certain) down to 1, columns impact 1 to 5."""
    cells: dict[tuple[int, int], list[Risk]] = defaultdict(list)
    for r in rows:
        if r.status == Risk.Status.OPEN:
            cells[(r.probability, r.impact)].append(r)
    return [[HeatCell(p, i, cells[(p, i)]) for i in range(1, 6)] for p in range(5, 0, -1)]


# --- Savings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementAchieved:
    """What the placement review realised in one financial year, in £000, and the latest date."""

    achieved_k: Decimal
    achieved_on: dt.date | None
    plans: int


def placement_savings_k(authority_id: int, year: int, on: dt.date) -> PlacementAchieved:
    """The placements line's achieved saving for financial ``year``, from the register.

    The full-year effect (the placement review's own figure, ``stepdown.savings.full_year``) of
    every step-down plan, not withdrawn, that the register shows achieved on a day within the
    financial year and not after ``on``: summed, then shown in £000.
    """
    start, end = dt.date(year, 4, 1), min(dt.date(year + 1, 3, 31), on)
    if end < start:
        return PlacementAchieved(ZERO, None, 0)
    plans = StepDownPlan.objects.filter(child__authority_id=authority_id, withdrawn_on__isnull=True)
    total, latest, count = Decimal("0"), None, 0
    for state in plan_states(plans.select_related("from_episode"), on):
        r = state.realised
        if r is None or not (start <= r.date <= end):
            continue
        total += state.realised_full_year or Decimal("0")
        latest = max(latest, r.date) if latest else r.date
        count += 1
    return PlacementAchieved(thousands(total), latest, count)


@dataclass
class LineView:
    """A savings line as shown: its forecast status and its achieved figure, never one for the other."""

    line: SavingsLine
    achieved_k: Decimal | None
    achieved_on: dt.date | None
    from_register: bool


@dataclass
class YearTotals:
    year: int
    label: str
    lines: list[LineView]
    target_k: Decimal = ZERO
    fte: Decimal = ZERO
    achieved_k: Decimal = ZERO
    #: Targets (£000) by forecast status, "" meaning not yet rated.
    target_by_status: dict[str, Decimal] = field(default_factory=dict)

    @property
    def still_to_achieve_k(self) -> Decimal:
        return max(self.target_k - self.achieved_k, ZERO)


@dataclass
class AreaTotals:
    area: str
    label: str
    target_k: Decimal = ZERO
    achieved_k: Decimal = ZERO


@dataclass
class SavingsPlan:
    years: list[YearTotals]
    areas: list[AreaTotals]
    target_k: Decimal
    achieved_k: Decimal


def savings_plan(authority_id: int, on: dt.date | None = None) -> SavingsPlan:
    """The plan by year and by area: targets, forecast statuses, and achieved, kept apart.

    A line's achieved figure counts only when recorded (or, for placements, realised by the
    register); a green forecast adds nothing to "achieved".
    """
    on = on or today()
    lines = list(SavingsLine.objects.filter(authority_id=authority_id).order_by("year", "area"))
    order = {value: n for n, value in enumerate(SavingsLine.Area.values)}
    lines.sort(key=lambda line: (line.year, order.get(line.area, 99)))
    years: dict[int, YearTotals] = {}
    areas: dict[str, AreaTotals] = {
        value: AreaTotals(value, str(label)) for value, label in SavingsLine.Area.choices
    }
    for line in lines:
        if line.from_register:
            found = placement_savings_k(authority_id, line.year, on)
            view = LineView(line, found.achieved_k if found.plans else None, found.achieved_on, True)
        else:
            view = LineView(line, line.achieved_k, line.achieved_on, False)
        y = years.setdefault(line.year, YearTotals(line.year, line.year_label, []))
        y.lines.append(view)
        y.target_k += line.target_k
        y.fte += line.fte or ZERO
        y.achieved_k += view.achieved_k or ZERO
        y.target_by_status[line.on_track] = y.target_by_status.get(line.on_track, ZERO) + line.target_k
        a = areas[line.area]
        a.target_k += line.target_k
        a.achieved_k += view.achieved_k or ZERO
    return SavingsPlan(
        years=list(years.values()),
        areas=[a for a in areas.values() if a.target_k or a.achieved_k],
        target_k=sum((y.target_k for y in years.values()), ZERO),
        achieved_k=sum((y.achieved_k for y in years.values()), ZERO),
    )


def get_line(authority_id: int, pk: int) -> SavingsLine:
    return SavingsLine.objects.get(authority_id=authority_id, pk=pk)


# --- The monthly report -------------------------------------------------------------------------


@dataclass
class Report:
    """The monthly programme report: progress, barriers, actions due, top risks and the savings plan."""

    on: dt.date
    month_start: dt.date
    progress: list[StreamProgress]
    done_this_month: list[Action]
    barriers: list[Action]
    due: Due
    risks: list[Risk]
    savings: SavingsPlan


def report(authority_id: int, on: dt.date | None = None) -> Report:
    on = on or today()
    month_start = on.replace(day=1)
    rows = list(actions(authority_id))
    return Report(
        on=on,
        month_start=month_start,
        progress=progress(authority_id, on),
        done_this_month=sorted(
            (a for a in rows if a.done_on is not None and month_start <= a.done_on <= on),
            key=lambda a: (a.done_on, a.pk),
        ),
        barriers=[a for a in overdue_first(rows, on) if a.status == Action.Status.BLOCKED],
        due=due(rows, on),
        risks=top_risks(authority_id),
        savings=savings_plan(authority_id, on),
    )
