"""Reads for the carers pages: the pipeline, approvals against the target, capacity, inactive
households and the vacancies that fit a child.

Households are the council's own records, not a child's, so they are narrowed by the reader's
authority; the children placed with them are counted, never listed, here. "Today" is a
parameter so the tests can fix it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from divert.care.models import Episode
from divert.carers import rules
from divert.carers.models import FosterHousehold, StageChange
from divert.core.calendar import add_months
from divert.people.models import Child

Stage = FosterHousehold.Stage
Kind = FosterHousehold.Kind
#: Households that foster (adopters are counted apart: they do not give the council places).
FOSTERING = (Kind.MAINSTREAM, Kind.KINSHIP)


def today() -> dt.date:
    return timezone.localdate()


def households(authority_id: int) -> QuerySet[FosterHousehold]:
    return FosterHousehold.objects.filter(authority_id=authority_id)


# --- The pipeline --------------------------------------------------------------------------


@dataclass
class InStage:
    """A household in recruitment with its clock."""

    household: FosterHousehold
    since: dt.date
    days: int
    due: dt.date | None
    overdue: bool


@dataclass
class StageRow:
    stage: str
    label: str
    clock: str
    households: list[InStage] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.households)

    @property
    def overdue(self) -> int:
        return sum(1 for h in self.households if h.overdue)


def in_stage(household: FosterHousehold, on: dt.date) -> InStage:
    since = household.in_stage_since
    due = rules.due_date(household)
    return InStage(household, since, (on - since).days, due, rules.is_overdue(household, on))


def pipeline(authority_id: int, *, adopters: bool = False, on: dt.date | None = None) -> list[StageRow]:
    """Each stage before approval (adopters: up to placing) with its households, longest waiting first."""
    on = on or today()
    order = rules.ADOPTER_STAGES if adopters else rules.FOSTERING_STAGES
    shown = [
        s for s in order if s in rules.RECRUITMENT or (adopters and s in (Stage.APPROVED, Stage.MATCHED))
    ]
    kind = Q(kind=Kind.ADOPTER) if adopters else Q(kind__in=FOSTERING)
    found = households(authority_id).filter(kind, stage__in=shown)
    rows = {
        s: StageRow(
            s, Stage(s).label, str(rules.clock_for(Kind.ADOPTER if adopters else Kind.MAINSTREAM, s) or "")
        )
        for s in shown
    }
    for household in found:
        rows[household.stage].households.append(in_stage(household, on))
    for row in rows.values():
        row.households.sort(key=lambda h: (h.since, h.household.reference))
    return list(rows.values())


# --- Approvals against the target ------------------------------------------------------------


@dataclass
class MonthApprovals:
    month: dt.date
    approvals: int
    places: int
    cumulative: int
    target: float


def approvals_by_month(
    authority_id: int, *, months: int = 12, on: dt.date | None = None
) -> list[MonthApprovals]:
    """Mainstream foster households approved in each of the last ``months`` months (this one included),
    with the running total against the target spread evenly (10 a year: 0.83 a month)."""
    on = on or today()
    first = add_months(on.replace(day=1), -(months - 1))
    # mainstream only: connected persons are approved for a child already placed, not recruited
    approved = households(authority_id).filter(
        kind=Kind.MAINSTREAM, approval_date__gte=first, approval_date__lte=on
    )
    count: Counter[dt.date] = Counter()
    places: Counter[dt.date] = Counter()
    for h in approved.only("approval_date", "approved_places"):
        month = (h.approval_date or on).replace(day=1)  # never None here: filtered on the date
        count[month] += 1
        places[month] += h.approved_places
    rows, running = [], 0
    for i in range(months):
        month = add_months(first, i)
        running += count[month]
        target = round(rules.APPROVALS_A_YEAR_TARGET * (i + 1) / 12, 1)
        rows.append(MonthApprovals(month, count[month], places[month], running, target))
    return rows


# --- Capacity --------------------------------------------------------------------------------


def occupied_by_household(household_ids: Iterable[int], on: dt.date) -> Counter[int]:
    """Children living with each household on ``on``: episodes begun by then and not ended."""
    open_episodes = (
        Episode.objects.filter(carer_id__in=list(household_ids), decom__lte=on)
        .filter(Q(dec__isnull=True) | Q(dec__gt=on))
        .values_list("carer_id", "child_id")
    )
    children: dict[int, set[int]] = {}
    for carer_id, child_id in open_episodes:
        children.setdefault(carer_id, set()).add(child_id)
    return Counter({carer_id: len(kids) for carer_id, kids in children.items()})


@dataclass
class Capacity:
    label: str
    households: int = 0
    places: int = 0
    occupied: int = 0

    @property
    def vacant(self) -> int:
        return max(self.places - self.occupied, 0)

    def add(self, places: int, occupied: int) -> None:
        self.households += 1
        self.places += places
        # a household over its approval (an exemption) fills its places, no more
        self.occupied += min(occupied, places)


SKILLS = (
    ("parent_and_child", "Parent and child"),
    ("complex_needs", "Complex needs"),
    ("sibling_groups", "Sibling groups"),
)


@dataclass
class CapacityPage:
    total: Capacity
    by_age: list[Capacity]
    by_skill: list[Capacity]


def approved_fostering(authority_id: int) -> QuerySet[FosterHousehold]:
    """Households that can take a child now: approved foster carers (inactive ones are not)."""
    return households(authority_id).filter(kind__in=FOSTERING, stage=Stage.APPROVED)


def capacity(authority_id: int, *, on: dt.date | None = None) -> CapacityPage:
    """Approved places, occupied and vacant: in total, by the age range approved for, by skill."""
    on = on or today()
    found = list(approved_fostering(authority_id))
    occupied = occupied_by_household((h.pk for h in found), on)
    total = Capacity("All approved foster households")
    ages: dict[tuple[int, int], Capacity] = {}
    skills = {name: Capacity(label) for name, label in SKILLS}
    for h in found:
        n = occupied[h.pk]
        total.add(h.approved_places, n)
        key = (h.age_from, h.age_to)
        ages.setdefault(key, Capacity(f"Aged {h.age_from} to {h.age_to}")).add(h.approved_places, n)
        for name, _ in SKILLS:
            if getattr(h, name):
                skills[name].add(h.approved_places, n)
    return CapacityPage(total, [ages[k] for k in sorted(ages)], list(skills.values()))


# --- Inactive households ---------------------------------------------------------------------


@dataclass
class Idle:
    household: FosterHousehold
    last_placement_end: dt.date | None
    reason: str


def inactive(authority_id: int, *, on: dt.date | None = None) -> list[Idle]:
    """Households to review: marked inactive, or approved with no child placed for six months."""
    on = on or today()
    cutoff = add_months(on, -rules.INACTIVE_AFTER_MONTHS)
    found = list(
        households(authority_id).filter(kind__in=FOSTERING, stage__in=(Stage.APPROVED, Stage.INACTIVE))
    )
    ids = [h.pk for h in found]
    placed_now = set(occupied_by_household(ids, on))
    last_end: dict[int, dt.date] = {}
    for episode in Episode.objects.filter(carer_id__in=ids, dec__lte=on).only("carer_id", "dec"):
        carer, ended = int(episode.carer_id or 0), episode.dec or on  # never None: filtered
        last_end[carer] = max(ended, last_end.get(carer, ended))
    rows = []
    for h in found:
        last = last_end.get(h.pk)
        if h.stage == Stage.INACTIVE:
            rows.append(Idle(h, last, "Marked inactive"))
        elif h.pk in placed_now:
            continue
        elif last is not None and last <= cutoff:
            rows.append(Idle(h, last, "No child placed since the last placement ended"))
        elif last is None and h.approval_date is not None and h.approval_date <= cutoff:
            rows.append(Idle(h, None, "No child placed since approval"))
    rows.sort(key=lambda r: (r.last_placement_end or r.household.approval_date or on, r.household.reference))
    return rows


# --- Vacancies for a child -------------------------------------------------------------------


def age_on(child: Child, on: dt.date) -> int:
    born = child.date_of_birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def district(postcode: str) -> str:
    """The outward code ("PL4" of "PL4 8AA"): the nearest-first ordering is by district."""
    return postcode.strip().upper().split(" ")[0] if postcode.strip() else ""


@dataclass
class Vacancy:
    household: FosterHousehold
    vacant: int
    same_district: bool


def vacancies(
    authority_id: int,
    child: Child,
    *,
    siblings: int = 1,
    complex_needs: bool = False,
    parent_and_child: bool = False,
    on: dt.date | None = None,
) -> list[Vacancy]:
    """Approved households with room for the child (and any brothers and sisters placed with
    them) whose approval covers the child's age and needs: the child's home district first."""
    on = on or today()
    age = age_on(child, on)
    found = approved_fostering(authority_id).filter(age_from__lte=age, age_to__gte=age)
    if siblings > 1:
        found = found.filter(sibling_groups=True)
    if complex_needs:
        found = found.filter(complex_needs=True)
    if parent_and_child:
        found = found.filter(parent_and_child=True)
    found_list = list(found)
    occupied = occupied_by_household((h.pk for h in found_list), on)
    home = district(getattr(child, "home_postcode", "") or "")
    rows = []
    for h in found_list:
        vacant = h.approved_places - occupied[h.pk]
        if vacant >= siblings:
            rows.append(Vacancy(h, vacant, bool(home) and district(h.postcode) == home))
    rows.sort(
        key=lambda v: (not v.same_district, district(v.household.postcode), -v.vacant, v.household.reference)
    )
    return rows


def history(household: FosterHousehold) -> list[StageChange]:
    return list(household.stage_changes.select_related("recorded_by").order_by("date", "pk"))
