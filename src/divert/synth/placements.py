"""Where children live: providers, the council's foster households, and what each placement costs.

In-house foster placements go to the council's own approved households (recruited and
leaving over the years, each with approved places); kinship placements to connected-person
households approved for that child; adoptive placements to adopter households. Agency
foster carers, children's homes and supported accommodation are providers with Ofsted URNs.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from divert.synth import names
from divert.synth.params import CHILDRENS_HOME_WEEKLY_2021, IFA_WEEKLY_2021, PRICE_INFLATION
from divert.synth.records import HouseholdRec, ProviderRec
from divert.synth.sampling import QuantileDeck, lognormal, lognormal_ppf
from divert.synth.timeline import financial_year
from divert.synth.world import World, days

NO_URN = "XXXXXXX"

# Placement categories: how the calibration groups placements, and the SSDA903 codes behind them.
FOSTER = frozenset({"in_house", "ifa", "kinship"})
PLACE_CODE = {
    "in_house": "U6",
    "ifa": "U6",
    "kinship": "U3",
    "home": "K2",
    "supported": "K3",
    "parents": "P1",
    "adoption": "A6",
    "pandc": "R3",
    "secure": "K1",
    "school": "S1",
}
PROVIDER_KIND = {
    "in_house": "in_house_fostering",
    "ifa": "ifa",
    "kinship": "in_house_fostering",
    "home": "childrens_home",
    "supported": "supported",
    "pandc": "parent_and_child",
    "secure": "secure",
    "school": "residential_school",
}
# Weekly cost in 2025 prices: (median, spread). The IFA and children's home medians sit below
# the CMA averages uprated to 2025 because the spread, the older-child uplift and (for homes)
# the tail of very costly placements lift the mean back to them.
PRICE_YEAR = 2025
_UPRATE_2021 = (1 + PRICE_INFLATION) ** (PRICE_YEAR - 2021)
COST = {
    "in_house": (615.0, 0.12),
    "ifa": (IFA_WEEKLY_2021 * _UPRATE_2021 / 1.043, 0.14),
    "kinship": (300.0, 0.10),
    "home": (CHILDRENS_HOME_WEEKLY_2021 * _UPRATE_2021 / 1.136, 0.33),
    "supported": (1_150.0, 0.30),
    "pandc": (2_800.0, 0.15),
    "secure": (8_500.0, 0.10),
    "school": (3_600.0, 0.20),
}
HOME_TAIL = (0.97, 2.4)  # the top 3% of children's home placements cost 2.4 times more (over £10k)


@dataclass(slots=True)
class _Household:
    index: int
    start: dt.date
    end: dt.date | None
    places: int
    postcode: str
    busy: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)

    def free_on(self, day: dt.date) -> int:
        taken = sum(1 for s, e in self.busy if s <= day and (e is None or e > day))
        return self.places - taken


class Placements:
    """Providers and carers for one authority, and the cost of each placement."""

    def __init__(self, world: World, first_day: dt.date, in_house_target: float) -> None:
        self.w = world
        self.rng: random.Random = world.rng_carers
        self.by_kind: dict[str, list[int]] = {}
        self._urns: set[str] = set()
        self._names: set[str] = set()
        self._mainstream: list[_Household] = []
        self._costs = {key: self._deck(key) for key in COST}
        self._build_providers()
        self._recruit(first_day, in_house_target)

    # --- providers ------------------------------------------------------------------------
    def _urn(self) -> str:
        while True:
            urn = f"SC{self.rng.randrange(10**5, 10**6)}"
            if urn not in self._urns:
                self._urns.add(urn)
                return urn

    def _unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self._names:
            candidate, n = f"{name} {n}", n + 1
        self._names.add(candidate)
        return candidate

    def _provider(self, name: str, kind: str, pr: str, in_area: float, urn: bool = True) -> None:
        """One provider; the council's own provision (PR1) is always inside the council's area
        (SSDA903 rule 1015 checks that an own-provision placement is in the authority)."""
        in_area = 1.0 if pr == "PR1" else in_area
        self.w.data.providers.append(
            ProviderRec(
                name=self._unique(name),
                kind=kind,
                place_provider=pr,
                ofsted_urn=self._urn() if urn else "",
                postcode=self.w.pick_postcode(self.rng, in_area),
            )
        )
        self.by_kind.setdefault(kind, []).append(len(self.w.data.providers) - 1)

    def _build_providers(self) -> None:
        rng, scale, place = self.rng, max(0.5, self.w.scale), names.place_word
        self._provider(f"{self.w.spec.name} Fostering Service", "in_house_fostering", "PR1", 1.0)
        for i in range(max(4, round(6 * scale))):
            suffix = rng.choice(("Fostering", "Family Placements", "Foster Care"))
            self._provider(f"{place(rng)} {suffix}", "ifa", "PR5" if i % 3 == 2 else "PR4", 0.5)
        self._provider(f"{self.w.spec.name} Children's Home", "childrens_home", "PR1", 1.0)
        for i in range(max(8, round(16 * scale))):
            suffix = rng.choice(("House", "Lodge", "View", "Cottage", "Farm"))
            self._provider(f"{place(rng)} {suffix}", "childrens_home", "PR5" if i % 8 == 7 else "PR4", 0.45)
        # Supported accommodation for 16- and 17-year-olds is commissioned in the council's own
        # area: from 2025/26 a K3 placement must be in the authority holding its URN (rule 241).
        for pr in ("PR4", "PR4", "PR5", "PR1"):
            self._provider(f"{place(rng)} Supported Living", "supported", pr, 1.0)
        self._provider(f"{place(rng)} Secure Children's Home", "secure", "PR2", 0.0)
        self._provider(f"{place(rng)} School", "residential_school", "PR4", 0.2)
        self._provider(f"{place(rng)} Family Assessment Centre", "parent_and_child", "PR4", 0.5)

    def provider(self, category: str, avoid: int | None = None) -> int:
        """A provider of the kind ``category`` needs, other than ``avoid`` (the one the child is
        leaving) when there is another: a move is to a different placement (rule 435)."""
        kind = PROVIDER_KIND[category]
        options = self.by_kind[kind]
        if category == "home":
            own = options[0]
            chosen = own if self.rng.random() < 0.12 else self.rng.choice(options[1:])
        else:
            chosen = self.rng.choice(options)
        others = [i for i in options if i != avoid]
        return self.rng.choice(others) if chosen == avoid and others else chosen

    # --- the council's own foster carers -------------------------------------------------
    def _recruit(self, first_day: dt.date, active_target: float) -> None:
        """Households enquire, are assessed, approved, and after some years deregister."""
        rng = self.rng
        tenure_years = 6.0
        approvals_a_year = active_target / tenure_years
        enquiries_a_year = approvals_a_year / 0.45
        day = first_day
        while day <= self.w.today:
            day += days(rng.expovariate(enquiries_a_year / 365))
            if day > self.w.today:
                break
            self._enquiry(day, tenure_years)

    def _enquiry(self, enquiry: dt.date, tenure_years: float) -> None:
        rng = self.rng
        approved = enquiry + days(rng.uniform(120, 240)) if rng.random() < 0.45 else None
        ends = approved + days(lognormal(rng, tenure_years * 0.8, 0.6) * 365) if approved else None
        places = rng.choices((1, 2, 3, 4), (30, 45, 20, 5))[0]
        postcode = self.w.pick_postcode(rng, 0.92)
        status, approval, deregistered = self._status(enquiry, approved, ends)
        index = self._household("FH", "mainstream", status, enquiry, approval, deregistered, places, postcode)
        if approval is not None:
            self._mainstream.append(_Household(index, approval, deregistered, places, postcode))

    def _status(
        self, enquiry: dt.date, approved: dt.date | None, ends: dt.date | None
    ) -> tuple[str, dt.date | None, dt.date | None]:
        today = self.w.today
        if approved is None:
            return ("withdrawn" if enquiry + days(90) <= today else "enquiry"), None, None
        if approved > today:
            return "assessment", None, None
        if ends is not None and ends <= today:
            return "deregistered", approved, ends
        return ("inactive" if self.rng.random() < 0.08 else "approved"), approved, None

    def _household(
        self,
        prefix: str,
        kind: str,
        status: str,
        enquiry: dt.date,
        approval: dt.date | None,
        deregistered: dt.date | None,
        places: int,
        postcode: str,
    ) -> int:
        data = self.w.data
        data.households.append(
            HouseholdRec(
                reference=f"{prefix}{len(data.households) + 1:05d}",
                name=f"{names.surname(self.rng)} household",
                kind=kind,
                status=status,
                enquiry_date=enquiry,
                approval_date=approval,
                deregistration_date=deregistered,
                approved_places=places,
                postcode=postcode,
            )
        )
        return len(data.households) - 1

    def in_house_carer(
        self, start: dt.date, end: dt.date | None, avoid: int | None = None
    ) -> tuple[int | None, str]:
        """An approved household with a free place (or the least full one) and its postcode,
        other than ``avoid`` (the household the child is leaving)."""
        active = [
            h
            for h in self._mainstream
            if h.start <= start and (h.end is None or h.end > start) and h.index != avoid
        ]
        if not active:
            return None, self.w.pick_postcode(self.rng, 0.92)
        free = [h for h in active if h.free_on(start) > 0]
        chosen = self.rng.choice(free) if free else max(active, key=lambda h: h.free_on(start))
        chosen.busy.append((start, end))
        return chosen.index, chosen.postcode

    def kinship_carer(self, start: dt.date, end: dt.date | None) -> tuple[int, str]:
        """Connected persons approved for this child (temporary approval on the day of placement)."""
        postcode = self.w.pick_postcode(self.rng, 0.75, near=0.7)
        enquiry = start - days(self.rng.uniform(0, 14))
        ended = end is not None and end <= self.w.today
        status = "deregistered" if ended else "approved"
        index = self._household("KH", "kinship", status, enquiry, start, end if ended else None, 1, postcode)
        return index, postcode

    def adopters(self, placed: dt.date) -> tuple[int, str]:
        postcode = self.w.pick_postcode(self.rng, 0.5, near=0.6)
        approval = placed - days(self.rng.uniform(60, 300))
        enquiry = approval - days(self.rng.uniform(180, 420))
        index = self._household("AH", "adopter", "approved", enquiry, approval, None, 1, postcode)
        return index, postcode

    # --- costs ----------------------------------------------------------------------------
    def _deck(self, category: str) -> QuantileDeck:
        median, sigma = COST[category]
        base = lognormal_ppf(median, sigma)
        if category == "home":
            cut, factor = HOME_TAIL
            return QuantileDeck(self.rng, lambda p: base(p) * (factor if p > cut else 1.0), size=100)
        return QuantileDeck(self.rng, base, size=40)

    def weekly_cost(self, category: str, start: dt.date, age: int) -> float:
        """The price agreed when the placement starts, in that financial year's prices."""
        if category not in COST:
            return 0.0
        price = self._costs[category].deal()
        if category in {"in_house", "ifa"} and age >= 11:
            price *= 1.06
        years = financial_year(start) - PRICE_YEAR
        return round(price * math.pow(1 + PRICE_INFLATION, years), 2)
