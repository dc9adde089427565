"""Periods of care: who comes into care, on what legal footing, where they live, how they leave.

Each month the number of entries is steered towards the target number in care (a council
that manages its entries and exits, as the seeds' programmes did). Each entry gets an age
band from a deck in the national proportions and a planned way out (adoption, special
guardianship, home, staying to 18 ...), which fixes its legal timeline: emergency
protection, an interim care order until the final hearing, then a care, placement or
special guardianship order, or accommodation under section 20. Placements follow: planned
moves (to kinship carers, adopters, parents, supported accommodation at 16+) and
unplanned breakdowns at a rate set by the child's stability. The timeline is then cut
into SSDA903 episodes, one for every change of legal status or placement.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from divert.core.ages import age_on
from divert.synth import params
from divert.synth.care_extras import after_care
from divert.synth.frontdoor import FrontDoor
from divert.synth.placements import FOSTER, NO_URN, PLACE_CODE, Placements
from divert.synth.records import EpisodeRec
from divert.synth.sampling import Deck, QuantileDeck, lognormal, lognormal_ppf, poisson
from divert.synth.timeline import DAY, add_years, month_starts
from divert.synth.world import World, days

BANDS = ("under 1", "1-4", "5-9", "10-15", "16+")
BAND_YEARS = {"under 1": (0, 1), "1-4": (1, 5), "5-9": (5, 10), "10-15": (10, 16), "16+": (16, 18)}
WARM_UP_YEARS = 18  # a child in care at the window's start may have come in up to 18 years before
INITIAL = {
    "under 1": {"in_house": 43, "ifa": 22, "kinship": 21, "pandc": 14},
    "1-4": {"in_house": 43, "ifa": 33, "kinship": 21, "home": 2, "school": 1},
    "5-9": {"in_house": 39, "ifa": 34, "kinship": 16, "home": 8, "school": 3},
    "10-15": {"in_house": 28, "ifa": 26, "kinship": 11, "home": 29, "secure": 1, "school": 5},
    "16+": {"in_house": 11, "ifa": 15, "kinship": 5, "home": 19, "supported": 50},
}
AFTER_BREAKDOWN = {
    "young": {"in_house": 44, "ifa": 44, "home": 5, "kinship": 5, "school": 2},
    "teen": {"in_house": 27, "ifa": 31, "home": 36, "kinship": 4, "school": 2},
    "older": {"supported": 50, "ifa": 15, "home": 25, "in_house": 10},
}
UNPLANNED_REASONS = {
    "CREQB": 8.0,
    "CREQO": 6.0,
    "CHILD": 3.0,
    "OTHER": 22.0,
    "ALLEG": 1.0,
    "STAND": 1.0,
    "CLOSE": 1.5,
    "APPRR": 0.5,
    "LAREQ": 1.5,
    "CUSTOD": 0.5,
    "CARPL": 6.0,
}
KIND_HAZARD = {"kinship": 0.6, "home": 1.3, "supported": 1.2, "parents": 0.3, "adoption": 0.0}
IN_HOUSE = params.PLACEMENT_MIX["in_house_foster"] / (
    params.PLACEMENT_MIX["in_house_foster"] + params.PLACEMENT_MIX["ifa"]
)
HOME_SHARE = params.PLACEMENT_MIX["childrens_home"]
KINSHIP_SHARE = params.PLACEMENT_MIX["kinship"]
FOSTER_AGENCIES = frozenset({"in_house", "ifa"})
SINGLE_PROVIDER = frozenset({"secure", "school", "pandc"})  # one provider of each in the authority
SCHOOL_AGE = 4
CRIMINAL_RESPONSIBILITY = 10
NEED = {"N1": 62.0, "N2": 3.0, "N3": 3.0, "N4": 8.0, "N5": 15.0, "N6": 3.0, "N7": 0.3, "N8": 5.7}


@dataclass(slots=True)
class Spell:
    """One placement: a carer or provider, from ``start`` until the next spell."""

    start: dt.date
    category: str
    place: str
    new_carer: bool
    reason: str = ""
    provider: int | None = None
    carer: int | None = None
    pl_post: str = ""
    urn: str = NO_URN
    cost: float = 0.0
    planned_end: dt.date | None = None
    local: tuple[dt.date, str] | None = None


@dataclass
class Period:
    """One period of care being planned."""

    child: int
    start: dt.date
    band: str
    route: str
    court: bool
    stability: str
    uasc: bool = False
    emergency: str = ""
    remand: bool = False
    need: str = "N1"
    legal: list[tuple[dt.date, str]] = field(default_factory=list)
    exit: dt.date | None = None
    exit_code: str = ""
    final_hearing: dt.date | None = None
    placed_for_adoption: dt.date | None = None
    matched: dt.date | None = None
    planned: list[tuple[dt.date, str]] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)


class Care:
    """The care simulation for one authority."""

    def __init__(self, world: World, frontdoor: FrontDoor) -> None:
        self.w = world
        self.fd = frontdoor
        self.rng: random.Random = world.rng_care
        self.first_day = add_years(world.window.start, -WARM_UP_YEARS)
        self.target = world.spec.target_in_care
        in_house_children = self.target * params.PLACEMENT_MIX["in_house_foster"]
        self.places = Placements(world, add_years(self.first_day, -8), in_house_children / 1.45)
        rng = self.rng
        self.ages = Deck(rng, params.AGE_AT_ENTRY, size=100)
        self.routes = {band: Deck(rng, params.ROUTES[band], size=100) for band in BANDS}
        self.reasons = Deck(rng, UNPLANNED_REASONS, size=100)
        self.needs = Deck(rng, NEED, size=100)
        self.at_home = QuantileDeck(rng, lognormal_ppf(415, 0.5), size=20)
        self._decks: dict[str, Deck[str]] = {}
        self._days: dict[str, int] = {}  # care days in the window placed so far, by category

    def _pick(self, key: str, weights: Mapping[str, float]) -> str:
        """A choice dealt from a deck kept per ``key``, so each kind of choice hits its shares."""
        deck = self._decks.get(key)
        if deck is None:
            deck = self._decks[key] = Deck(self.rng, weights, size=40)
        return deck.deal()

    def _chance(self, key: str, p: float) -> bool:
        return self._pick(key, {"yes": p, "no": 1 - p}) == "yes"

    # --- the monthly flow -----------------------------------------------------------------
    def simulate(self) -> None:
        open_until: list[dt.date] = []
        monthly = self.target * params.TURNOVER / 12
        for month in month_starts(self.first_day, self.w.today):
            while open_until and open_until[0] <= month:
                heapq.heappop(open_until)
            gap = (self.target - len(open_until)) / max(1, self.target)
            expected = monthly * min(3.0, max(0.2, 1 + params.STOCK_GAIN * gap))
            for _ in range(poisson(self.rng, expected)):
                start = month + days(self.rng.randrange(28))
                if start > self.w.today:
                    continue
                period = self.enter(start)
                heapq.heappush(open_until, period.exit or dt.date.max)

    def enter(self, start: dt.date) -> Period:
        band = self.ages.deal()
        uasc = self._chance(f"uasc {band}", params.UASC_SHARE.get(band, 0.0))
        child = self._child(start, band, uasc)
        route = self.routes[band].deal()
        period = Period(
            child=child,
            start=start,
            band=band,
            route=route,
            court=False,
            stability=self._pick(f"stability {band} {route}", params.STABILITY),
            uasc=uasc,
            need="N8" if uasc else self.needs.deal(),
        )
        self._legal(period)
        self._placements(period)
        referral = self.fd.care_history(
            child, period.start, band, period.emergency, period.route, period.need
        )
        episodes = self._episodes(period)
        after_care(self, period, episodes, referral)
        return period

    def _child(self, start: dt.date, band: str, uasc: bool) -> int:
        rng = self.rng
        low, high = BAND_YEARS[band]
        youngest = add_years(start, -low)
        oldest = add_years(start, -high) + days(20 if band == "16+" else 1)
        if band == "under 1" and rng.random() < 0.35:
            dob = start - days(rng.randrange(0, 7))
        else:
            dob = oldest + days(rng.randrange(max(1, (youngest - oldest).days + 1)))
        sex = "M" if rng.random() < (0.93 if uasc else 0.55) else "F"
        child = self.w.new_child(dob, sex, start, uasc=uasc)
        if uasc:
            eighteen = self.w.eighteenth(child)
            self.w.data.children[child].uasc_ceased = eighteen if eighteen <= self.w.today else None
        return child

    # --- legal timeline and exit ----------------------------------------------------------
    def _legal(self, p: Period) -> None:
        rng = self.rng
        court_share = params.COURT_SHARE[p.band] * (0.3 if p.uasc else 1)
        p.court = p.route == "adoption" or self._chance(f"court {p.band} {p.route} {p.uasc}", court_share)
        p.remand = (
            not p.uasc and p.band in {"10-15", "16+"} and p.route == "other" and self._chance("remand", 0.3)
        )
        t = p.start
        if not p.remand and not p.uasc and self._chance("emergency", 0.11):
            p.emergency = self._pick("emergency order", {"L1": 0.7, "L2": 0.3})
            p.legal.append((t, p.emergency))
            t += days(rng.randint(1, 3) if p.emergency == "L1" else rng.randint(3, 8))
        if p.remand:
            self._remand(p, t)
        elif p.court:
            self._court(p, t)
        else:
            self._accommodated(p, t)
        self._cap_at_eighteen(p)

    def _remand(self, p: Period, t: dt.date) -> None:
        p.legal.append((t, "J1"))
        p.exit = t + days(max(3, lognormal(self.rng, 40, 0.6)))
        p.exit_code = self._pick("remand end", {"E9": 0.2, "E14": 0.8})

    def _court(self, p: Period, t: dt.date) -> None:
        rng = self.rng
        p.legal.append((t, "C1"))
        hearing = t + days(lognormal(rng, 270, 0.25))
        p.final_hearing = hearing
        route = p.route
        if route == "adoption":
            p.legal.append((hearing, "E1"))
            p.matched = hearing + days(lognormal(rng, 140, 0.5))
            p.placed_for_adoption = p.matched + days(rng.randint(10, 40))
            p.exit = p.placed_for_adoption + days(max(75, lognormal(rng, 190, 0.35)))
            p.exit_code = self._pick("adopted", {"E12": 0.6, "E11": 0.4})
            p.planned.append((p.placed_for_adoption, "to_adopters"))
        elif route == "sgo":
            p.exit = hearing
            if self._chance("sgo after care order", 0.35):
                p.legal.append((hearing, "C2"))
                p.exit = hearing + days(rng.randint(60, 300))
            p.exit_code = "SGO"
        elif route == "home":
            if self._chance("placed with parents", 0.75):
                p.legal.append((hearing, "C2"))
                p.planned.append((hearing, "to_parents"))
                p.exit = hearing + days(self.at_home.deal())
            else:
                p.exit = hearing
            p.exit_code = self._pick("home after court", {"E4A": 0.88, "E13": 0.12})
        elif route == "cao":
            p.exit, p.exit_code = hearing, "E41"
        elif route == "long":
            p.legal.append((hearing, "C2"))
        else:
            p.legal.append((hearing, "C2"))
            p.exit = hearing + days(lognormal(rng, 200, 0.8))
            p.exit_code = self._pick("other after court", {"E3": 40, "E8": 50, "E16": 8, "E2": 2})

    def _accommodated(self, p: Period, t: dt.date) -> None:
        rng = self.rng
        p.legal.append((t, "V2"))
        route = p.route
        if route == "home":
            p.exit = t + days(max(2, min(1100, lognormal(rng, 150, 1.1))))
            p.exit_code = self._pick("home", {"E4A": 72, "E4B": 12, "E13": 16})
        elif route == "long":
            if not p.uasc and self._chance("proceedings issued", 0.2):
                issued = t + days(rng.randint(60, 270))
                p.legal.append((issued, "C1"))
                p.final_hearing = issued + days(lognormal(rng, 270, 0.25))
                p.legal.append((p.final_hearing, "C2"))
        elif route == "sgo":
            issued = t + days(rng.randint(30, 120))
            p.legal.append((issued, "C1"))
            p.final_hearing = p.exit = issued + days(lognormal(rng, 270, 0.25))
            p.exit_code = "SGO"
        elif route == "cao":
            p.exit, p.exit_code = t + days(lognormal(rng, 300, 0.5)), "E41"
        else:
            p.exit = t + days(max(2, lognormal(rng, 150, 0.9)))
            other = (
                {"E15": 30, "E8": 40, "E16": 10, "E3": 20}
                if p.uasc
                else {"E3": 35, "E8": 50, "E16": 5, "E2": 1}
            )
            if not p.uasc and p.band in {"10-15", "16+"}:
                other["E9"] = 9
            p.exit_code = self._pick(f"other {p.uasc} {p.band in {'10-15', '16+'}}", other)

    def _cap_at_eighteen(self, p: Period) -> None:
        """Care ends on the 18th birthday at the latest; legal changes after the end are dropped."""
        eighteen = self.w.eighteenth(p.child)
        if p.exit is None or p.exit >= eighteen:
            p.exit, p.exit_code = eighteen, "AT18"
        p.legal = [(d, ls) for d, ls in p.legal if d < p.exit]
        p.planned = [(d, kind) for d, kind in p.planned if d < p.exit]

    # --- placements -----------------------------------------------------------------------
    def _age(self, p: Period, day: dt.date) -> int:
        return age_on(self.w.data.children[p.child].dob, day)

    def _placements(self, p: Period) -> None:
        rng = self.rng
        first = self._first_category(p)
        spell = self._spell(p, p.start, first, new_carer=True)
        if (
            first not in {"kinship", "pandc", "secure"}
            and p.route != "home"
            and self._chance("short first", 0.3)
        ):
            spell.local = (p.start + days(rng.randint(3, 60)), "short")
        p.spells.append(spell)
        self._plan_moves(p)
        limit = min(p.exit or dt.date.max, self.w.today + DAY)
        planned = sorted(p.planned)
        while True:
            current = p.spells[-1]
            event = self._next_event(p, current, planned, limit)
            if event is None:
                break
            day, kind = event
            nxt = self._move(p, current, day, kind)
            if nxt is not None:
                p.spells.append(nxt)
        self._settle_exit_code(p)
        self._balance_fostering(p)
        for spell in p.spells:
            self._assign(p, spell)

    def _balance_fostering(self, p: Period) -> None:
        """Children's home or foster carers, in-house or agency: the running mix kept on target.

        A council places with its own carers when it has room and commissions an agency when
        it has not, and uses children's homes for older children when foster carers cannot be
        found. Choosing for each placement (in the window) whichever keeps the running shares
        of care days nearest their targets does the same, and stops a few long placements from
        swinging the mix.
        """
        window, days_so_far = self.w.window, self._days
        for group in _carer_groups(p.spells):
            end = self._spell_end(p, group[-1]) or self.w.today
            length = max(0, (min(end, window.end) - max(group[0].start, window.start)).days)
            category = group[0].category
            if length and all(s.category in {"in_house", "ifa", "home", "kinship"} for s in group):
                single = len(group) == 1
                older = single and self._age(p, group[0].start) >= 11 and category != "kinship"
                family = single and p.route not in {"sgo", "adoption"} and category != "home"
                category = self._balanced(category, length, may_be_home=older, may_be_kinship=family)
                for spell in group:
                    if spell.category != category:
                        spell.place = (
                            spell.place
                            if {spell.category, category} <= FOSTER_AGENCIES
                            else (PLACE_CODE[category])
                        )
                    spell.category = category
            days_so_far[category] = days_so_far.get(category, 0) + length

    def _below(self, category: str, target: float, length: int) -> bool:
        """Whether placing ``length`` more days in ``category`` keeps it nearer its target share."""
        days_so_far = self._days
        return days_so_far.get(category, 0) < target * (sum(days_so_far.values()) + length) - length / 2

    def _balanced(self, category: str, length: int, *, may_be_home: bool, may_be_kinship: bool) -> str:
        if category == "kinship" and not may_be_kinship:
            return category
        if may_be_home and self._below("home", HOME_SHARE, length):
            return "home"
        if may_be_kinship and self._below("kinship", KINSHIP_SHARE, length):
            return "kinship"
        if category in {"home", "kinship"} and not (may_be_home or may_be_kinship):
            return category
        days_so_far = self._days
        own, agency = days_so_far.get("in_house", 0), days_so_far.get("ifa", 0)
        share_if_own = (own + length) / (own + agency + length)
        share_if_agency = own / (own + agency + length)
        return "in_house" if abs(share_if_own - IN_HOUSE) <= abs(share_if_agency - IN_HOUSE) else "ifa"

    def _first_category(self, p: Period) -> str:
        if p.uasc:
            older = p.band == "16+"
            return self._pick(
                f"uasc {older}",
                {"supported": 65, "ifa": 25, "in_house": 10} if older else {"ifa": 60, "in_house": 40},
            )
        if p.remand:
            return self._pick("remand placement", {"ifa": 50, "home": 50})
        if p.route == "sgo" and self._chance("sgo kinship first", 0.45):
            return "kinship"
        category = self._pick(f"initial {p.band} {p.route}", INITIAL[p.band])
        if category == "supported" and self._age(p, p.start) < 16:
            category = "ifa"
        return category

    def _plan_moves(self, p: Period) -> None:
        rng = self.rng
        eighteen = self.w.eighteenth(p.child)
        if p.route == "sgo" and self._chance("to kinship", 0.75):
            p.planned.append((p.start + days(rng.randint(30, 150)), "to_kinship"))
        if p.route in {"long", "home", "other"} and self._chance(f"step down {p.route}", 0.46):
            p.planned.append((add_years(eighteen, -2) + days(rng.randint(180, 620)), "step_down"))
        p.planned = [(d, kind) for d, kind in p.planned if p.exit is None or d < p.exit]

    def _hazard(self, p: Period, spell: Spell) -> float:
        age = self._age(p, spell.start)
        age_factor = 1.0 if age < 10 else 1.3 if age < 16 else 1.1
        return params.MOVES_PER_YEAR[p.stability] * age_factor * KIND_HAZARD.get(spell.category, 1.0)

    def _next_event(
        self, p: Period, current: Spell, planned: list[tuple[dt.date, str]], limit: dt.date
    ) -> tuple[dt.date, str] | None:
        """The next planned move, end of a short placement, or breakdown, whichever comes first.

        A planned move never gets lost: if a breakdown got there first, it happens the day after.
        """
        after = current.start + DAY
        candidates: list[tuple[dt.date, int, str]] = []
        if planned:
            candidates.append((max(planned[0][0], after), 0, planned[0][1]))
        if current.local is not None and current.local[0] >= after:
            candidates.append((current.local[0], 1, current.local[1]))
        hazard = self._hazard(p, current)
        if hazard > 0:
            wait = min(30_000.0, 1 + self.rng.expovariate(hazard / 365))
            candidates.append((current.start + days(wait), 2, "breakdown"))
        candidates = [c for c in candidates if c[0] < limit]
        if not candidates:
            return None
        day, priority, kind = min(candidates)
        if priority == 0:
            planned.pop(0)
        return day, kind

    def _move(self, p: Period, current: Spell, day: dt.date, kind: str) -> Spell | None:
        age = self._age(p, day)
        if kind == "longterm":
            place = "U4" if current.place in {"U6", "U5"} else "U1"
            return Spell(day, current.category, place, new_carer=False, reason="PLACE")
        if kind == "to_adopters":
            if current.place == "U5":
                return Spell(day, "adoption", "A5", new_carer=False, reason="PLACE")
            return self._spell(p, day, "adoption", new_carer=True, reason="CARPL")
        if kind == "to_parents":
            return self._spell(p, day, "parents", new_carer=True, reason="CARPL")
        if kind == "to_kinship":
            return None if current.category == "kinship" else self._spell(p, day, "kinship", True, "CARPL")
        if kind == "step_down":
            if age < 16 or current.category in {"supported", "parents", "adoption"}:
                return None
            return self._spell(p, day, "supported", new_carer=True, reason="CARPL")
        if kind == "short":
            return self._spell(p, day, _elsewhere(current, self._after_short(p, age)), True, "CARPL")
        category = _elsewhere(current, self._after_breakdown(age))
        reason = self.reasons.deal()
        if reason == "CUSTOD" and self._age(p, current.start) < CRIMINAL_RESPONSIBILITY:
            reason = "OTHER"  # no child under 10 is taken into custody (rule 234)
        return self._spell(p, day, category, new_carer=True, reason=reason)

    def _after_short(self, p: Period, age: int) -> str:
        category = self._pick(f"initial {p.band} {p.route}", INITIAL[p.band])
        return "ifa" if category == "pandc" or (category == "supported" and age < 16) else category

    def _after_breakdown(self, age: int) -> str:
        group = "young" if age < 10 else "teen" if age < 16 else "older"
        return self._pick(f"breakdown {group}", AFTER_BREAKDOWN[group])

    def _spell(
        self, p: Period, day: dt.date, category: str, new_carer: bool = True, reason: str = ""
    ) -> Spell:
        rng = self.rng
        if category == "school" and self._age(p, day) < SCHOOL_AGE:
            category = "ifa"  # a residential school takes children of school age (rule 373)
        place = PLACE_CODE[category]
        if (
            category in {"in_house", "ifa"}
            and p.route == "adoption"
            and day == p.start
            and self._chance("ffa", 0.25)
        ):
            place = "U5"  # fostering for adoption
        spell = Spell(day, category, place, new_carer, reason)
        if category in FOSTER and p.route == "long" and self._chance("long-term match", 0.8):
            hearing = p.final_hearing
            at_hearing = hearing is not None and day < hearing and self._chance("matched at hearing", 0.5)
            spell.local = (
                (hearing, "longterm")
                if at_hearing and hearing
                else (day + days(rng.randint(180, 540)), "longterm")
            )
        elif category == "pandc":
            spell.local = (day + days(rng.randint(56, 112)), "short")
        elif category == "secure":
            spell.local = (day + days(rng.randint(90, 180)), "short")
        return spell

    def _settle_exit_code(self, p: Period) -> None:
        """Exit codes that depend on where the child was living when care ended."""
        last = p.spells[-1]
        if p.exit_code == "SGO":
            if last.category == "kinship":
                p.exit_code = "E45"
            elif last.category in {"in_house", "ifa"} and self._chance("sgo to foster carers", 0.5):
                p.exit_code = "E46"
            else:
                p.exit_code = self._pick("sgo to others", {"E47": 0.7, "E48": 0.3})
        elif p.exit_code == "AT18":
            disabled = self.w.data.children[p.child].disability
            if disabled and self._chance("adult social care", 0.3):
                p.exit_code = "E7"
            elif last.category in FOSTER:
                p.exit_code = self._pick("18 foster", {"E17": 45, "E5": 25, "E8": 20, "E6": 10})
            elif last.category == "supported":
                p.exit_code = self._pick("18 supported", {"E5": 60, "E6": 20, "E8": 20})
            else:
                p.exit_code = self._pick("18 other", {"E5": 50, "E8": 35, "E6": 15})

    def _spell_end(self, p: Period, spell: Spell) -> dt.date | None:
        later = [s.start for s in p.spells if s.start > spell.start]
        end = min(later) if later else p.exit
        return end if end is not None and end <= self.w.today else None

    def _assign(self, p: Period, spell: Spell) -> None:
        """Carer or provider, postcode, URN, price and planned end for one placement."""
        end = self._spell_end(p, spell)
        previous = [s for s in p.spells if s.start < spell.start]
        if not spell.new_carer and previous:
            before = previous[-1]
            spell.provider, spell.carer, spell.pl_post, spell.urn = (
                before.provider,
                before.carer,
                before.pl_post,
                before.urn,
            )
            spell.cost = before.cost if spell.category != "adoption" else 0.0
        else:
            self._new_carer(p, spell, end, previous[-1] if previous else None)
        spell.planned_end = self._planned_end(p, spell)

    def _new_carer(self, p: Period, spell: Spell, end: dt.date | None, before: Spell | None) -> None:
        """A new carer or provider, never the one the child is leaving (``before``)."""
        places, data = self.places, self.w.data
        home = data.children[p.child].home_postcode
        category = spell.category
        age = self._age(p, spell.start)
        left_carer = before.carer if before is not None else None
        left_provider = before.provider if before is not None else None
        if category == "in_house":
            spell.carer, spell.pl_post = places.in_house_carer(spell.start, end, avoid=left_carer)
            spell.provider = places.provider(category)
        elif category == "kinship":
            spell.carer, spell.pl_post = places.kinship_carer(spell.start, end)
            spell.provider = places.provider(category)
        elif category == "adoption":
            spell.carer, spell.pl_post = places.adopters(spell.start)
        elif category == "parents":
            spell.pl_post = home
        else:
            spell.provider = places.provider(category, avoid=left_provider)
            in_area = 0.6 if category == "ifa" else 0.0
            provider_postcode = data.providers[spell.provider].postcode
            spell.pl_post = (
                self.w.pick_postcode(self.rng, in_area) if category == "ifa" else provider_postcode
            )
        if spell.provider is not None:
            spell.urn = data.providers[spell.provider].ofsted_urn or NO_URN
        spell.cost = places.weekly_cost(category, spell.start, age)

    def _planned_end(self, p: Period, spell: Spell) -> dt.date | None:
        rng = self.rng
        if rng.random() < 0.12:
            return None
        eighteen = self.w.eighteenth(p.child)
        if spell.place in {"U1", "U4", "K3"} or (p.route == "long" and spell.category != "secure"):
            return eighteen
        if spell.category == "parents" and p.exit is not None:
            return p.exit
        if spell.category == "adoption":
            return spell.start + days(rng.randint(90, 270))
        return min(eighteen, spell.start + days(rng.choice((56, 91, 182, 182, 365))))

    # --- episodes -------------------------------------------------------------------------
    def _episodes(self, p: Period) -> list[EpisodeRec]:
        """Cut the period into episodes at each change of legal status or placement."""
        today = self.w.today
        home = self.w.data.children[p.child].home_postcode
        changes = sorted({d for d, _ in p.legal} | {s.start for s in p.spells})
        changes = [d for d in changes if d <= today]
        episodes: list[EpisodeRec] = []
        prev_ls, prev_spell = "", None
        for i, day in enumerate(changes):
            ls = [status for d, status in p.legal if d <= day][-1]
            spell = [s for s in p.spells if s.start <= day][-1]
            rne = "S" if i == 0 else self._rne(ls != prev_ls, spell is not prev_spell, spell.new_carer)
            if episodes and spell is not prev_spell:
                episodes[-1].reason_place_change = spell.reason or "CARPL"
            episodes.append(
                EpisodeRec(
                    child=p.child,
                    decom=day,
                    rne=rne,
                    ls=ls,
                    cin=p.need,
                    place=spell.place,
                    place_provider=self._provider_code(spell),
                    dec=None,
                    rec="",
                    reason_place_change="",
                    home_post=home,
                    pl_post=spell.pl_post or home,
                    urn=spell.urn,
                    provider=spell.provider,
                    carer=spell.carer,
                    weekly_cost=spell.cost,
                    planned_end=spell.planned_end,
                )
            )
            if i > 0:
                episodes[-2].dec, episodes[-2].rec = day, "X1"
            prev_ls, prev_spell = ls, spell
        if p.exit is not None and p.exit <= today and episodes:
            episodes[-1].dec, episodes[-1].rec = p.exit, p.exit_code
        self.w.data.episodes.extend(episodes)
        return episodes

    @staticmethod
    def _rne(legal_changed: bool, placement_changed: bool, new_carer: bool) -> str:
        if legal_changed and placement_changed:
            return "B" if new_carer else "U"
        if placement_changed:
            return "P" if new_carer else "T"
        return "L"

    def _provider_code(self, spell: Spell) -> str:
        if spell.category == "parents":
            return "PR0"
        if spell.category == "adoption":
            return "PR1"
        if spell.provider is None:
            return "PR1"
        return self.w.data.providers[spell.provider].place_provider


def _elsewhere(current: Spell, category: str) -> str:
    """A move from the authority's only provider of a kind cannot be to that kind again (the
    secure unit, the residential school, the assessment centre): an agency foster placement."""
    return "ifa" if category == current.category and category in SINGLE_PROVIDER else category


def _carer_groups(spells: list[Spell]) -> list[list[Spell]]:
    """Spells with the same carer (a placement whose type changed, RNE T or U) grouped together."""
    groups: list[list[Spell]] = []
    for spell in spells:
        if spell.new_carer or not groups:
            groups.append([spell])
        else:
            groups[-1].append(spell)
    return groups
