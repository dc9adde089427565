"""The state one authority's simulation shares: its random streams, its children and its workforce.

Each part of the simulation (care, front door, carers, workforce) draws from its own seeded
stream, so that changing how one part works does not reshuffle the others.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from divert.core.calendar import add_working_days, is_working_day
from divert.synth import names
from divert.synth.authorities import AuthoritySpec
from divert.synth.postcodes import PostcodeBook
from divert.synth.records import AllocationRec, AuthorityData, ChildRec, ProfessionalRec, TeamRec
from divert.synth.sampling import Deck, lognormal
from divert.synth.timeline import DAY, Window, add_years

LOCALITIES = ("North West", "North East", "South West", "South East")
# (name, Team.Kind value, key the simulation uses, workers per 60,000 children, job title)
TEAMS = (
    ("MASH", "mash", "mash", 7, "MASH social worker"),
    ("Assessment", "assessment", "assessment", 12, "Social worker"),
    ("Children in need", "cin", "cin", 40, "Social worker"),
    ("Children in care North", "cla", "cla_north", 12, "Social worker"),
    ("Children in care South", "cla", "cla_south", 12, "Social worker"),
    ("Leaving care", "leaving_care", "leaving_care", 10, "Personal adviser"),
    ("Fostering and adoption", "fostering", "fostering", 7, "Supervising social worker"),
    ("Early help", "early_help", "early_help", 10, "Family support worker"),
)
ROSTER_YEARS_BEFORE = 3  # allocation history starts this long before the window
ETHNICITY = {
    "WBRI": 70.0,
    "WIRI": 0.5,
    "WOTH": 4.5,
    "WIRT": 0.4,
    "WROM": 0.8,
    "MWBC": 3.0,
    "MWBA": 1.5,
    "MWAS": 1.5,
    "MOTH": 3.2,
    "AIND": 1.0,
    "APKN": 2.0,
    "ABAN": 1.0,
    "AOTH": 1.5,
    "BCRB": 1.2,
    "BAFR": 3.2,
    "BOTH": 1.0,
    "CHNE": 0.3,
    "OOTH": 2.0,
    "REFU": 0.3,
    "NOBT": 1.1,
}
UASC_ETHNICITY = {"BAFR": 30.0, "AOTH": 35.0, "OOTH": 25.0, "WOTH": 10.0}


WORKING_DAY_YEARS = 20  # the simulation starts 18 years before the window


class WorkingDays:
    """Working days between two dates, counted once so that adding them is a lookup."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self.days: list[dt.date] = []
        self.count_to: list[int] = []  # working days on or before each calendar day from ``first``
        day = first
        while day <= last:
            if is_working_day(day):
                self.days.append(day)
            self.count_to.append(len(self.days))
            day += DAY

    def add(self, start: dt.date, n: int) -> dt.date:
        offset = (start - self.first).days
        if n < 1 or offset < 0 or start > self.last:
            return add_working_days(start, n)
        target = self.count_to[offset] + n
        return self.days[target - 1] if target <= len(self.days) else add_working_days(start, n)


@dataclass(slots=True)
class Tenure:
    worker: int
    start: dt.date
    end: dt.date | None


class World:
    """One authority being simulated: shared streams, helpers and the rows built so far."""

    def __init__(self, spec: AuthoritySpec, book: PostcodeBook, seed: int, window: Window) -> None:
        self.spec = spec
        self.book = book
        self.window = window
        self.today = window.today
        self.scale = spec.children / 60_000
        self.data = AuthorityData()
        base = f"{seed}-{spec.code}"
        self.rng_people = random.Random(f"{base}-people")
        self.rng_care = random.Random(f"{base}-care")
        self.rng_fd = random.Random(f"{base}-frontdoor")
        self.rng_carers = random.Random(f"{base}-carers")
        self.rng_staff = random.Random(f"{base}-staff")
        self._ethnicity = Deck(self.rng_people, ETHNICITY, size=200)
        self.roster_start = add_years(window.start, -ROSTER_YEARS_BEFORE)
        self._calendar = WorkingDays(add_years(window.start, -WORKING_DAY_YEARS), add_years(window.today, 3))
        self.team_index: dict[str, int] = {}
        self._slots: dict[str, list[list[Tenure]]] = {}
        self._next_slot: dict[str, int] = {}
        self._build_workforce()

    # --- children -------------------------------------------------------------------------
    def new_child(self, dob: dt.date, sex: str, first_seen: dt.date, *, uasc: bool = False) -> int:
        rng = self.rng_people
        spot = rng.randrange(len(self.book.home))
        ethnicity = (
            rng.choices(list(UASC_ETHNICITY), list(UASC_ETHNICITY.values()))[0]
            if uasc
            else (self._ethnicity.deal())
        )
        child = ChildRec(
            sex=sex,
            dob=dob,
            ethnicity=ethnicity,
            first_name=names.first_name(rng, sex),
            last_name=names.surname(rng),
            home_postcode=self.book.home[spot],
            quadrant=self.book.quadrant[spot],
            first_seen=first_seen,
            last_seen=first_seen,
            uasc=uasc,
            disability=rng.random() < 0.06,
        )
        self.data.children.append(child)
        return len(self.data.children) - 1

    def touch(self, child: int, start: dt.date, until: dt.date | None) -> None:
        """The child is known to services from ``start`` to ``until`` (None: still open today)."""
        rec = self.data.children[child]
        rec.first_seen = min(rec.first_seen, start)
        rec.last_seen = max(rec.last_seen, self.today if until is None else until)

    def pick_postcode(self, rng: random.Random, in_area: float, near: float = 0.8) -> str:
        """A real postcode: in the authority with chance ``in_area``, else nearby or far away."""
        if rng.random() < in_area:
            return rng.choice(self.book.home)
        pool = self.book.near if rng.random() < near or not self.book.far else self.book.far
        return rng.choice(pool)

    def working_days(self, start: dt.date, days: int) -> dt.date:
        """``divert.core.calendar.add_working_days``, from a table built once for the simulation."""
        return self._calendar.add(start, days)

    # --- workforce ------------------------------------------------------------------------
    def _build_workforce(self) -> None:
        self.data.localities = list(LOCALITIES)
        for name, kind, key, per_60k, title in TEAMS:
            self.team_index[key] = len(self.data.teams)
            self.data.teams.append(TeamRec(name=name, kind=kind))
            self._add_worker(key, "Team manager", None, qualified=True)
            slots = max(2, round(per_60k * self.scale))
            self._slots[key] = [self._slot_tenures(key, title) for _ in range(slots)]
            self._next_slot[key] = self.rng_staff.randrange(slots)

    def _add_worker(self, key: str, title: str, end: dt.date | None, *, qualified: bool) -> int:
        rng = self.rng_staff
        self.data.professionals.append(
            ProfessionalRec(
                name=names.full_name(rng, rng.choice("MF")),
                job_title=title,
                team=self.team_index[key],
                qualified=qualified,
                sw_id=f"SW{rng.randrange(10**5, 10**6)}" if qualified else "",
                active=end is None,
            )
        )
        return len(self.data.professionals) - 1

    def _slot_tenures(self, key: str, title: str) -> list[Tenure]:
        """The workers who hold one caseload in turn, from the roster start to today."""
        rng = self.rng_staff
        qualified = key != "early_help"
        tenures: list[Tenure] = []
        start = self.roster_start
        first = True
        while start <= self.today:
            years = lognormal(rng, 3.5, 0.5) * (rng.random() if first else 1.0)
            first = False
            end: dt.date | None = start + dt.timedelta(days=max(60, int(years * 365)))
            if end is not None and end > self.today:
                end = None
            tenures.append(Tenure(self._add_worker(key, title, end, qualified=qualified), start, end))
            if end is None:
                break
            start = end
        return tenures

    def allocate(
        self, child: int, key: str, start: dt.date, end: dt.date | None, *, record: bool = True
    ) -> int | None:
        """The child's case is held in team ``key`` from ``start`` to ``end`` (None: still open).

        The case goes to the next caseload in turn; when its worker leaves, the worker who
        takes over the caseload takes over the case, so a long case has several workers.
        Returns the worker holding the case at its end (None: before the roster began);
        ``record=False`` picks the worker without recording the allocation.
        """
        if end is not None and end < self.roster_start:
            return None
        start = max(start, self.roster_start)
        if start > self.today:
            return None
        slots = self._slots[key]
        slot = slots[self._next_slot[key] % len(slots)]
        self._next_slot[key] += 1
        team = self.team_index[key]
        pieces: list[list[Any]] = []
        for tenure in slot:
            if tenure.end is not None and tenure.end <= start:
                continue
            if end is not None and tenure.start > end:
                break
            piece_start = max(start, tenure.start)
            hands_over = tenure.end is not None and (end is None or tenure.end < end)
            pieces.append([tenure.worker, piece_start, tenure.end if hands_over else end])
            if not hands_over:
                break
        pieces = _without_brief_holds(pieces)
        if record:
            for worker, piece_start, piece_end in pieces:
                self.data.allocations.append(AllocationRec(child, worker, team, piece_start, piece_end))
        return int(pieces[-1][0]) if pieces else None

    def cla_team(self, child: int) -> str:
        return "cla_north" if self.data.children[child].quadrant < 2 else "cla_south"

    def eighteenth(self, child: int) -> dt.date:
        return add_years(self.data.children[child].dob, 18)

    def clip(self, day: dt.date | None) -> dt.date | None:
        """A date, or None when it falls after today (the event has not happened yet)."""
        return None if day is None or day > self.today else day


BRIEF_HOLD = dt.timedelta(days=7)


def _without_brief_holds(pieces: list[list[Any]]) -> list[list[Any]]:
    """A case is not handed to a worker for a few days only: when the worker leaves within a
    week of the case arriving, the next worker takes it from the start; when the case closes
    within a week of a new worker arriving, the outgoing worker keeps it to the end. (SSDA903
    rule SW09STG2 flags a social worker episode of less than three days.)"""
    while len(pieces) > 1 and pieces[0][2] - pieces[0][1] < BRIEF_HOLD:
        pieces[1][1] = pieces[0][1]
        pieces.pop(0)
    last = pieces[-1] if pieces else None
    if len(pieces) > 1 and last is not None and last[2] is not None and last[2] - last[1] < BRIEF_HOLD:
        pieces[-2][2] = last[2]
        pieces.pop()
    return pieces


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=max(0, round(n)))


__all__ = ["DAY", "World", "days"]
