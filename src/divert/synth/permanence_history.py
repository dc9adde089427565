"""The synthetic authority's history of permanence and adoption.

Writes permanence plans and court applications consistent with the register already written:
a plan on the first looked-after review that recorded one (so children whose reviews recorded
none are the ones the overdue list shows, and a plan first recorded at a later review is a late
one), a changed plan where the child's route changed (a return home that became adoption), and
the applications that carried out how each period of care ended (discharge of a care order for
a child who went home from a placement with parents, special guardianship, child arrangements,
adoption orders, revocation of a placement order when adoption was given up), plus open ones for
children now placed at home or waiting for a match. The adoption steps themselves are the
register's (``AdoptionRecord`` and the episodes); nothing here changes them.

Runs after the register is written (load.write_authority), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from divert.care.models import AdoptionRecord, Episode, LookedAfterReview
from divert.core.codes import ADOPTED, ADOPTION_PLACEMENTS, SHORT_BREAK_STATUSES, SPECIAL_GUARDIANSHIP
from divert.core.models import Authority
from divert.permanence.models import CourtApplication, PermanencePlan
from divert.synth.timeline import Window

Kind = PermanencePlan.Kind
Court = CourtApplication.Kind
Outcome = CourtApplication.Outcome
HOME_EXITS = frozenset({"E4A", "E4B", "E13"})
INDEPENDENT_EXITS = frozenset({"E5", "E6", "E17"})
LONG_TERM = frozenset({"U1", "U4"})
BATCH = 2000


@dataclass
class Period:
    """One period of care: its episodes (as tuples) and the reviews held in it."""

    child: int
    dob: dt.date
    episodes: list[tuple[dt.date, dt.date | None, str, str, str, str]] = field(default_factory=list)
    reviews: list[tuple[int, dt.date, bool]] = field(default_factory=list)

    @property
    def start(self) -> dt.date:
        return self.episodes[0][0]

    @property
    def end(self) -> dt.date | None:
        return self.episodes[-1][1]

    @property
    def exit(self) -> str:
        return self.episodes[-1][5] if self.end else ""

    def ever(self, ls: str = "", places: frozenset[str] = frozenset()) -> bool:
        return any((ls and e[3] == ls) or e[4] in places for e in self.episodes)


def _periods(authority: Authority) -> list[Period]:
    """Every child's periods of care (short breaks left out), in child and date order."""
    rows = (
        Episode.objects.filter(child__authority=authority)
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .order_by("child_id", "decom")
        .values_list("child_id", "child__date_of_birth", "decom", "dec", "rne", "ls", "place", "rec")
    )
    periods: list[Period] = []
    for child, dob, decom, dec, rne, ls, place, rec in rows:
        last = periods[-1] if periods else None
        follows = last is not None and last.child == child and last.end == decom and rne != "S"
        if not follows:
            last = Period(child, dob)
            periods.append(last)
        assert last is not None
        last.episodes.append((decom, dec, rne, ls, place, rec))
    reviews: dict[int, list[tuple[int, dt.date, bool]]] = defaultdict(list)
    found = LookedAfterReview.objects.filter(child__authority=authority).order_by("child_id", "date")
    for pk, child, day, flagged in found.values_list("pk", "child_id", "date", "permanence_plan"):
        reviews[child].append((pk, day, flagged))
    for period in periods:
        period.reviews = [
            r
            for r in reviews[period.child]
            if r[1] >= period.start and (period.end is None or r[1] <= period.end)
        ]
    return periods


def _route(period: Period, record: AdoptionRecord | None, age: int) -> str:
    """The plan the period's course shows: how it ended, or where the child lives now."""
    if period.exit in ADOPTED or period.ever("E1", ADOPTION_PLACEMENTS):
        return Kind.ADOPTION
    if record is not None and record.decision >= period.start:
        return Kind.ADOPTION
    if period.exit in HOME_EXITS or (period.end is None and period.episodes[-1][4] == "P1"):
        return Kind.RETURN_HOME
    if period.exit in SPECIAL_GUARDIANSHIP:
        return Kind.SPECIAL_GUARDIANSHIP
    if period.exit == "E41":
        return Kind.CHILD_ARRANGEMENTS
    if period.exit in INDEPENDENT_EXITS or age >= 16:
        return Kind.INDEPENDENCE
    if period.episodes[-1][4] in LONG_TERM or period.episodes[-1][4].startswith("U"):
        return Kind.LONG_TERM_FOSTERING
    return Kind.OTHER


def _home_since(period: Period) -> dt.date:
    """The start of the run of placements with parents (P1) the period ends in."""
    since = period.episodes[-1][0]
    for decom, _dec, _rne, _ls, place, _rec in reversed(period.episodes):
        if place != "P1":
            break
        since = decom
    return since


def _age(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class _Writer:
    def __init__(self, window: Window, rng: random.Random) -> None:
        self.window, self.rng = window, rng
        self.plans: list[PermanencePlan] = []
        self.applications: list[CourtApplication] = []

    def days(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(low, high))

    def plan(self, period: Period, record: AdoptionRecord | None) -> None:
        """The plan on the first review that recorded one; an adoption may follow a plan to go home."""
        flagged = [(pk, day) for pk, day, flag in period.reviews if flag]
        if not flagged:
            return
        review, agreed = flagged[0]
        route = _route(period, record, _age(period.dob, agreed))
        decided = record.decision if record is not None and record.decision >= period.start else None
        if route == Kind.ADOPTION and decided is not None and decided > agreed and self.rng.random() < 0.6:
            self.plans.append(
                PermanencePlan(child_id=period.child, agreed=agreed, plan=Kind.RETURN_HOME, review_id=review)
            )
            note = "Return home ruled out: the agency decision maker decided on adoption."
            self.plans.append(PermanencePlan(child_id=period.child, agreed=decided, plan=route, notes=note))
            return
        self.plans.append(PermanencePlan(child_id=period.child, agreed=agreed, plan=route, review_id=review))

    def apply(
        self, child: int, kind: str, applied: dt.date, decided: dt.date | None, outcome: str = Outcome.GRANTED
    ) -> None:
        today = self.window.today
        if applied > today:
            return
        if decided is not None and decided <= today:
            self.applications.append(
                CourtApplication(
                    child_id=child,
                    kind=kind,
                    applied=applied,
                    hearing=decided,
                    outcome=outcome,
                    outcome_date=decided,
                )
            )
            return
        hearing = today + self.days(3, 70) if self.rng.random() < 0.8 else None
        self.applications.append(
            CourtApplication(child_id=child, kind=kind, applied=applied, hearing=hearing)
        )

    def court(self, period: Period, record: AdoptionRecord | None) -> None:
        """The applications behind how the period ended, and open ones for where it stands now."""
        last = period.episodes[-1]
        end = period.end
        if end is not None:
            self._ended(period, end, record)
            return
        if last[3] == "C2" and last[4] == "P1" and self.rng.random() < 0.4:
            self.apply(
                period.child,
                Court.DISCHARGE,
                max(_home_since(period), self.window.today - self.days(20, 200)),
                None,
            )
        elif last[4] in ADOPTION_PLACEMENTS and self.rng.random() < 0.5:
            placed = (record.placed if record and record.placed else None) or last[0]
            self.apply(period.child, Court.ADOPTION, placed + self.days(70, 120), None)
        elif last[3] == "E1" and record is not None and record.matched is None and self.rng.random() < 0.5:
            self.apply(period.child, Court.REVOCATION, self.window.today - self.days(10, 120), None)

    def revocation_withdrawn(self, period: Period, record: AdoptionRecord | None) -> None:
        """A long wait for a match: the council applied to revoke the placement order, then a match
        was found and the application withdrawn."""
        orders = [e[0] for e in period.episodes if e[3] == "E1"]
        if not orders or record is None or record.matched is None or record.matched < orders[0]:
            return
        if (record.matched - orders[0]).days > 300 and self.rng.random() < 0.5:
            applied = orders[0] + self.days(250, 290)
            self.apply(period.child, Court.REVOCATION, applied, record.matched, outcome=Outcome.WITHDRAWN)

    def _ended(self, period: Period, end: dt.date, record: AdoptionRecord | None) -> None:
        start, child, rng = period.start, period.child, self.rng
        kind = {
            **dict.fromkeys(ADOPTED, Court.ADOPTION),
            **dict.fromkeys(SPECIAL_GUARDIANSHIP, Court.SPECIAL_GUARDIANSHIP),
            "E41": Court.CHILD_ARRANGEMENTS,
        }.get(period.exit)
        if kind == Court.ADOPTION:
            placed = (record.placed if record and record.placed else None) or end - self.days(90, 200)
            self.apply(child, kind, max(start, min(end, placed + self.days(70, 120))), end)
        elif kind is not None:
            self.apply(child, kind, max(start, end - self.days(60, 180)), end)
        elif period.exit in HOME_EXITS and period.episodes[-1][3] == "C2" and period.episodes[-1][4] == "P1":
            self.apply(child, Court.DISCHARGE, max(period.episodes[-1][0], end - self.days(40, 150)), end)
        if kind != Court.ADOPTION and period.ever("E1") and rng.random() < 0.8:
            applied = max(start, end - self.days(90, 200))
            self.apply(child, Court.REVOCATION, applied, max(applied, end - self.days(0, 30)))


def add_permanence(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write permanence plans and court applications for ``authority``'s children."""
    records = {r.child_id: r for r in AdoptionRecord.objects.filter(child__authority=authority)}
    writer = _Writer(window, rng)
    for period in _periods(authority):
        record = records.get(period.child)
        writer.plan(period, record)
        writer.court(period, record)
        writer.revocation_withdrawn(period, record)
    PermanencePlan.objects.bulk_create(writer.plans, batch_size=BATCH)
    CourtApplication.objects.bulk_create(writer.applications, batch_size=BATCH)
