"""Gatekeeping: strategy discussions, the weekly edge-of-care panel and the fortnightly resource panel.

Every section 47 enquiry begins at a strategy discussion held that day; some discussions about
referrals going to assessment decide no enquiry is needed. About three entries to care in four
come through the edge-of-care panel first (a proposal decided "accommodate" at a meeting in the
90 days before), about one in five are emergencies reviewed at the next meeting, and the rest
(remands, a few others) never came to panel. The panel diverts about as many children as it
accommodates: children on plans who stay at home with a support package, and some children who
come into care later. A placement with an independent provider or costing at least
``DIVERT["RESOURCE_PANEL_WEEKLY_THRESHOLD"]`` a week is approved by the resource panel in the
90 days before it starts, with the options it appraised, except about one in fourteen (the
"unapproved" list). Today, a few proposals and requests wait for the next meeting.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import cast

from django.conf import settings

from divert.core.codes import INDEPENDENT_PROVIDERS, placement_category
from divert.synth import names
from divert.synth.params import PRICE_INFLATION
from divert.synth.placements import COST, PRICE_YEAR
from divert.synth.records import (
    AlternativeRec,
    AuthorityData,
    EpisodeRec,
    MeetingRec,
    ProposalRec,
    ResourceOptionRec,
    ResourceRequestRec,
    StrategyRec,
)
from divert.synth.sampling import Deck
from divert.synth.timeline import Window, add_years, financial_year

DAY = dt.timedelta(days=1)
NO_S47_SHARE = 0.12  # of referrals going to assessment without an enquiry: a discussion decided none
ENTRY_ROUTES = {"panel": 0.75, "emergency": 0.20, "none": 0.05}
EARLIER_DIVERSION_SHARE = 0.15  # of children coming into care: diverted by the panel before
DEFER_SHARE = 0.10
REQUEST_SHARE = 0.93
PANELS_YEARS_BEFORE = 1  # the panels sat from a year before the window (when the front door begins)
CONDITIONS = "Review at 12 weeks against the care plan's outcomes; step down at the planned end."
BASIS = {
    "V2": "s20",
    "C1": "proceedings",
    "C2": "proceedings",
    "E1": "proceedings",
    "L1": "police",
    "L2": "police",
}
STRATEGY_REASONS = {
    "s47": "Reasonable cause to suspect the child is suffering, or likely to suffer, significant harm.",
    "single_agency": "Concerns do not meet the section 47 threshold; the assessment continues.",
    "nfa": "Explanation accepted by all agencies; no further action on the strategy question.",
}
PROPOSAL_REASONS = (
    "Parents unable to keep the child safe despite a child protection plan.",
    "Family relationships broken down; young person refusing to return home.",
    "Neglect persisting after a year of support; no safe family alternative.",
    "Parent's mental health crisis; no other carer available.",
    "Young person at risk of exploitation; home cannot keep them safe.",
)
JUSTIFICATIONS = (
    "Child found alone at night by police; no family member could be reached.",
    "Parent arrested; police protection used and the child placed the same evening.",
    "Young person presented as homeless out of hours; accommodated the same night.",
    "Hospital would not discharge the baby home; emergency placement needed.",
)
PACKAGES = (
    "Intensive family support 3 times a week for 12 weeks; review at panel in 3 months.",
    "Family group conference within 2 weeks; kinship support plan with respite weekends.",
    "Edge-of-care team for 16 weeks; CAMHS appointment expedited; school wrap-around.",
    "Wrap-around package: mentoring, evening outreach and a parenting programme.",
)
ALTERNATIVE_KINDS = ("fgc", "intensive", "wrap_around", "family_support", "family_friends", "specialist")
ALTERNATIVE_STATUS = {"tried": 55.0, "considered": 25.0, "not_suitable": 20.0}
NEEDS = (
    "A foster family able to manage behaviour that challenges, near the child's school.",
    "A children's home with therapeutic support after repeated breakdowns.",
    "Supported accommodation with staff on site for a 16-year-old.",
    "A placement keeping the brothers together.",
    "A parent-and-child placement for a residential assessment ordered by the court.",
)
OPTION_TEXT = {
    "in_house": "The council's own carers",
    "kinship": "Connected person assessment (viability completed)",
    "independent": "Independent provider",
}
CATEGORY_KIND = {"Kinship foster care": "kinship"}
# What an alternative to each approved category would cost (placements.COST keys), and whether
# the council usually has one to offer.
ALTERNATIVES = {
    "independent": (("in_house", "In-house foster care", False), ("kinship", "Kinship foster care", False)),
    "in_house": (("ifa", "Independent foster care", True),),
    "kinship": (("in_house", "In-house foster care", False),),
}


def threshold() -> float:
    return float(cast(int, settings.DIVERT["RESOURCE_PANEL_WEEKLY_THRESHOLD"]))


def price(key: str, day: dt.date) -> float:
    """A typical weekly price for a kind of placement in the financial year of ``day``."""
    median = COST[key][0]
    return round(median * math.pow(1 + PRICE_INFLATION, financial_year(day) - PRICE_YEAR), 2)


def add_panels(data: AuthorityData, window: Window, rng: random.Random) -> None:
    Panels(data, window, rng).build()


def weekly(first: dt.date, last: dt.date, weekday: int, step: int) -> list[dt.date]:
    """Meeting days from ``first`` to ``last`` on ``weekday``, every ``step`` weeks."""
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    out = []
    while day <= last:
        out.append(day)
        day += dt.timedelta(weeks=step)
    return out


class Meetings:
    """One panel's meetings, found by date."""

    def __init__(
        self, data: AuthorityData, kind: str, days: list[dt.date], chairs: list[str], attendees: str
    ) -> None:
        self.days = days
        self.index: list[int] = []
        for n, day in enumerate(days):
            chair = chairs[(n // 26) % len(chairs)]
            data.panel_meetings.append(MeetingRec(kind, day, chair, attendees))
            self.index.append(len(data.panel_meetings) - 1)

    def on_or_before(self, day: dt.date) -> int | None:
        at = bisect_right(self.days, day) - 1
        return at if at >= 0 else None

    def after(self, day: dt.date) -> int | None:
        at = bisect_right(self.days, day)
        return at if at < len(self.days) else None

    def on_or_after(self, day: dt.date) -> int | None:
        at = bisect_left(self.days, day)
        return at if at < len(self.days) else None


class Panels:
    def __init__(self, data: AuthorityData, window: Window, rng: random.Random) -> None:
        self.data, self.window, self.rng, self.today = data, window, rng, window.today
        self.first_day = add_years(window.start, -PANELS_YEARS_BEFORE)
        self.by_child: dict[int, list[int]] = defaultdict(list)
        for i, e in enumerate(data.episodes):
            self.by_child[e.child].append(i)
        for rows in self.by_child.values():
            rows.sort(key=lambda i: data.episodes[i].decom)
        team_of = {i: t.name for i, t in enumerate(data.teams)}
        self.managers = {team_of[p.team]: p.name for p in data.professionals if p.job_title == "Team manager"}
        self.service_managers = [names.full_name(rng) for _ in range(3)]
        self.statuses = Deck(rng, ALTERNATIVE_STATUS, size=20)

    def build(self) -> None:
        self._strategy_discussions()
        self._edge_of_care()
        self._resource_panel()

    # --- strategy discussions -------------------------------------------------------------
    def _strategy_discussions(self) -> None:
        data, rng = self.data, self.rng
        chair = self.managers.get("Assessment", "Assessment team manager")
        for s in data.section47s:
            s.strategy = self._discussion(s.child, s.referral, s.strategy_discussion, chair, "s47")
        with_s47 = {s.referral for s in data.section47s}
        for i, r in enumerate(data.referrals):
            if r.route != "assessment" or i in with_s47 or r.decided is None or rng.random() >= NO_S47_SHARE:
                continue
            day = min(r.decided + dt.timedelta(days=rng.randint(0, 5)), self.today)
            if r.closed is not None:
                day = min(day, r.closed)
            decision = "single_agency" if rng.random() < 0.8 else "nfa"
            self._discussion(r.child, i, day, chair, decision)

    def _discussion(self, child: int, referral: int | None, day: dt.date, chair: str, decision: str) -> int:
        rng = self.rng
        attendees = (
            f"DS {names.full_name(rng)} (police)\n"
            f"{names.full_name(rng)}, safeguarding nurse (health)\n"
            f"{names.full_name(rng)}, social worker (children's social care)"
        )
        self.data.strategy_discussions.append(
            StrategyRec(child, referral, day, chair, attendees, decision, STRATEGY_REASONS[decision])
        )
        return len(self.data.strategy_discussions) - 1

    # --- edge of care ---------------------------------------------------------------------
    def _entries(self) -> list[tuple[int, int, dt.date | None]]:
        """Each start of care: (child, its first episode, the day the period ended or None)."""
        out = []
        for child, rows in self.by_child.items():
            for n, i in enumerate(rows):
                if self.data.episodes[i].rne != "S":
                    continue
                ended: dt.date | None = None
                for j in rows[n:]:
                    e = self.data.episodes[j]
                    if e.rec != "X1":
                        ended = e.dec
                        break
                out.append((child, i, ended))
        out.sort(key=lambda t: (self.data.episodes[t[1]].decom, t[0]))
        return out

    def _attendees(self) -> str:
        m = self.managers
        return "\n".join(
            [
                f"{self.service_managers[0]}, service manager",
                f"{m.get('Children in need', '')}, team manager (children in need)",
                f"{m.get('Children in care North', '')}, team manager (children in care)",
                f"{m.get('Early help', '')}, early help manager",
                f"{names.full_name(self.rng)}, edge-of-care team",
            ]
        )

    def _edge_of_care(self) -> None:
        entries = [t for t in self._entries() if self.data.episodes[t[1]].decom >= self.first_day]
        days = weekly(self.first_day - dt.timedelta(days=91), self.today, 1, 1)
        self.eoc = Meetings(self.data, "edge_of_care", days, self.service_managers, self._attendees())
        routes = self._entry_routes(entries)
        accommodated = 0
        for (child, episode, ended), route in zip(entries, routes, strict=True):
            e = self.data.episodes[episode]
            if route == "panel" and not self._through_panel(child, e):
                route = "emergency"
            if route == "emergency":
                self._emergency(child, e, ended)
            if route != "none":
                accommodated += 1
                if self.rng.random() < EARLIER_DIVERSION_SHARE:
                    self._earlier_diversion(child, e.decom)
        self._diversions(accommodated)
        self._awaiting_proposals()

    def _entry_routes(self, entries: list[tuple[int, int, dt.date | None]]) -> list[str]:
        """Remands never come to panel; police protection and unaccompanied children arrive as
        emergencies; the rest are dealt so that the shares overall hit ``ENTRY_ROUTES``."""
        data = self.data
        forced: list[str | None] = []
        for child, episode, _ in entries:
            ls = data.episodes[episode].ls
            forced.append(
                "none"
                if ls == "J1"
                else "emergency"
                if ls in {"L1", "L2"} or data.children[child].uasc
                else None
            )
        n = len(entries)
        weights = {
            route: max(0.0, share * n - sum(1 for f in forced if f == route))
            for route, share in ENTRY_ROUTES.items()
        }
        deck = Deck(self.rng, weights if sum(weights.values()) else {"panel": 1.0}, size=100)
        return [f if f is not None else deck.deal() for f in forced]

    def _proposal(
        self, child: int, proposed: dt.date, basis: str, meeting: int | None, decision: str
    ) -> ProposalRec:
        rng = self.rng
        rec = ProposalRec(
            child,
            proposed,
            basis,
            rng.choice(PROPOSAL_REASONS),
            None if meeting is None else self.eoc.index[meeting],
            decision,
        )
        if decision == "divert":
            rec.package = rng.choice(PACKAGES)
        if decision == "defer":
            rec.decision_note = "Deferred for a family group conference and an updated assessment."
        elif decision == "accommodate":
            rec.decision_note = (
                "No safe alternative at home or with family; care plan to be reviewed at 12 weeks."
            )
        self.data.proposals.append(rec)
        self._alternatives(len(self.data.proposals) - 1)
        return rec

    def _alternatives(self, proposal: int) -> None:
        rng = self.rng
        for kind in rng.sample(ALTERNATIVE_KINDS, rng.randint(1, 3)):
            status = self.statuses.deal()
            note = "Tried for 6 weeks without lasting change." if status == "tried" else ""
            self.data.alternatives.append(AlternativeRec(proposal, kind, status, note))

    def _through_panel(self, child: int, e: EpisodeRec) -> bool:
        """A proposal decided "accommodate" at a meeting on or before the entry, within 90 days
        and not before the child was born; sometimes deferred at an earlier meeting first."""
        rng, dob = self.rng, self.data.children[child].dob
        meeting = self.eoc.on_or_before(e.decom - dt.timedelta(days=rng.randint(0, 40)))
        if meeting is None or self.eoc.days[meeting] < max(dob, e.decom - dt.timedelta(days=90)):
            meeting = self.eoc.on_or_before(e.decom)
            if meeting is None or self.eoc.days[meeting] < max(dob, e.decom - dt.timedelta(days=90)):
                return False
        held = self.eoc.days[meeting]
        basis = BASIS.get(e.ls, "s20")
        if meeting >= 2 and rng.random() < DEFER_SHARE:
            earlier = meeting - rng.randint(1, 2)
            proposed = self.eoc.days[earlier] - dt.timedelta(days=rng.randint(1, 6))
            if proposed >= dob:
                self._proposal(child, proposed, basis, earlier, "defer")
        proposed = max(dob, held - dt.timedelta(days=rng.randint(1, 8)))
        self._proposal(child, proposed, basis, meeting, "accommodate")
        return True

    def _emergency(self, child: int, e: EpisodeRec, ended: dt.date | None) -> None:
        """Accommodated before a panel could sit, reviewed at the next meeting: care continues,
        or (occasionally) the panel diverts a child who has already gone home."""
        meeting = self.eoc.after(e.decom)
        if meeting is not None and self.eoc.days[meeting] > self.today:
            meeting = None
        decision = ""
        if meeting is not None:
            home = ended is not None and ended <= self.eoc.days[meeting]
            decision = "divert" if home else "accommodate"
        rec = self._proposal(child, e.decom, BASIS.get(e.ls, "s20"), meeting, decision)
        rec.emergency, rec.accommodated_on = True, e.decom
        rec.justification = self.rng.choice(JUSTIFICATIONS)

    def _earlier_diversion(self, child: int, entry: dt.date) -> None:
        """The panel diverted the child months before care began."""
        rng, kid = self.rng, self.data.children[child]
        meeting = self.eoc.on_or_before(entry - dt.timedelta(days=rng.randint(120, 540)))
        if meeting is None or self.eoc.days[meeting] < max(kid.first_seen, kid.dob + dt.timedelta(days=60)):
            return
        proposed = self.eoc.days[meeting] - dt.timedelta(days=rng.randint(1, 6))
        self._proposal(child, proposed, "s20", meeting, "divert")

    def _plans_at_home(self) -> list[tuple[int, dt.date, dt.date | None]]:
        """Children never looked after, on a child protection or children-in-need plan:
        (child, start, end)."""
        looked_after = set(self.by_child)
        plans = [(p.child, p.start, p.end) for p in self.data.cp_plans if p.child not in looked_after]
        plans += [(p.child, p.start, p.end) for p in self.data.cin_plans if p.child not in looked_after]
        return plans

    def _diversions(self, accommodated: int) -> None:
        """Children on plans at home diverted by the panel: with the earlier diversions of children
        who came into care later, about as many as the panel accommodated."""
        rng = self.rng
        already = sum(1 for p in self.data.proposals if p.decision == "divert")
        plans = self._plans_at_home()
        rng.shuffle(plans)
        wanted, seen = max(0, accommodated - already), set()
        for child, start, end in plans:
            if wanted <= 0:
                break
            if child in seen:
                continue
            last = min(end or self.today, self.today - dt.timedelta(days=7))
            proposed = start + dt.timedelta(days=rng.randint(20, 150))
            meeting = self.eoc.on_or_after(proposed + DAY)
            if proposed > last or meeting is None or self.eoc.days[meeting] > self.today:
                continue
            seen.add(child)
            if meeting >= 1 and rng.random() < DEFER_SHARE:
                self._proposal(child, proposed, "s20", meeting, "defer")
                proposed, meeting = self.eoc.days[meeting] + DAY, meeting + 1
                if meeting >= len(self.eoc.days) or self.eoc.days[meeting] > self.today:
                    continue
            self._proposal(child, proposed, "s20" if rng.random() < 0.6 else "proceedings", meeting, "divert")
            wanted -= 1

    def _awaiting_proposals(self) -> None:
        """Proposals made this week for children on open plans, to be heard at the next meeting."""
        rng = self.rng
        open_plans = [child for child, _, end in self._plans_at_home() if end is None]
        for child in rng.sample(open_plans, min(3, len(open_plans))):
            proposed = self.today - dt.timedelta(days=rng.randint(0, 5))
            self._proposal(child, max(proposed, self.data.children[child].dob), "s20", None, "")

    # --- resource panel -------------------------------------------------------------------
    def _placements(self) -> list[list[int]]:
        """Each placement as its run of episodes: a new carer (RNE S, P, B) and what follows with
        the same carer (L, T, U)."""
        out: list[list[int]] = []
        for rows in self.by_child.values():
            runs: list[list[int]] = []
            for i in rows:
                if self.data.episodes[i].rne in {"S", "P", "B"} or not runs:
                    runs.append([i])
                else:
                    runs[-1].append(i)
            out += runs
        out.sort(key=lambda run: (self.data.episodes[run[0]].decom, self.data.episodes[run[0]].child))
        return out

    def _resource_panel(self) -> None:
        data, rng = self.data, self.rng
        limit = threshold()
        placements = [
            run
            for run in self._placements()
            if data.episodes[run[0]].decom >= self.first_day
            and (
                data.episodes[run[0]].place_provider in INDEPENDENT_PROVIDERS
                or data.episodes[run[0]].weekly_cost >= limit
            )
        ]
        days = weekly(self.first_day - dt.timedelta(days=91), self.today, 3, 2)
        attendees = "\n".join(
            [
                f"{self.service_managers[1]}, service manager (chair)",
                f"{names.full_name(rng)}, commissioning manager",
                f"{names.full_name(rng)}, finance business partner",
                f"{self.managers.get('Fostering and adoption', '')}, team manager (fostering)",
            ]
        )
        self.rp = Meetings(data, "resource", days, self.service_managers[1:], attendees)
        deck = Deck(rng, {"request": REQUEST_SHARE, "none": 1 - REQUEST_SHARE}, size=100)
        for run in placements:
            if deck.deal() == "request":
                self._request(run)
        self._awaiting_requests()

    def _request(self, run: list[int]) -> None:
        rng, data = self.rng, self.data
        e = data.episodes[run[0]]
        dob = data.children[e.child].dob
        meeting = self.rp.on_or_before(e.decom - dt.timedelta(days=rng.randint(0, 20)))
        if meeting is None or self.rp.days[meeting] < dob:
            meeting = self.rp.on_or_before(e.decom)
            if meeting is None or self.rp.days[meeting] < dob:
                return
        held = self.rp.days[meeting]
        draw = rng.random()
        if meeting >= 1 and draw < 0.07:
            self._earlier_request(e, meeting - 1, "decline" if draw < 0.04 else "defer")
        planned_end = e.planned_end or min(add_years(dob, 18), e.decom + dt.timedelta(days=182))
        planned_end = max(planned_end, e.decom)
        requested = max(dob, held - dt.timedelta(days=rng.randint(2, 9)))
        data.resource_requests.append(
            ResourceRequestRec(
                e.child,
                requested,
                rng.choice(NEEDS),
                self.rp.index[meeting],
                "approve",
                None,
                CONDITIONS,
                planned_end,
                run[0],
            )
        )
        request = len(data.resource_requests) - 1
        data.resource_requests[request].approved_option = self._options(request, e)
        for i in run:
            if data.episodes[i].planned_end is None:
                data.episodes[i].planned_end = planned_end

    def _options(self, request: int, e: EpisodeRec) -> int:
        """The options appraised; returns the one approved (the placement that was made)."""
        data, rng = self.data, self.rng
        category = placement_category(e.place, e.place_provider)
        kind = (
            "independent"
            if e.place_provider in INDEPENDENT_PROVIDERS
            else CATEGORY_KIND.get(category, "in_house")
        )
        provider = data.providers[e.provider].name if e.provider is not None else ""
        data.resource_options.append(
            ResourceOptionRec(
                request, kind, category, e.provider, provider or OPTION_TEXT[kind], e.weekly_cost
            )
        )
        chosen = len(data.resource_options) - 1
        alternatives = ALTERNATIVES[kind]
        for key, other, available in rng.sample(alternatives, rng.randint(1, len(alternatives))):
            other_kind = "independent" if key == "ifa" else key
            cost = max(price(key, e.decom), 0.0) * rng.uniform(0.95, 1.15)
            note = OPTION_TEXT[other_kind] + ("" if available else ": none available")
            data.resource_options.append(
                ResourceOptionRec(request, other_kind, other, None, note, round(cost, 2), available)
            )
        return chosen

    def _earlier_request(self, e: EpisodeRec, meeting: int, decision: str) -> None:
        """A request the panel declined or deferred before the one it approved."""
        rng, data = self.rng, self.data
        held = self.rp.days[meeting]
        if held < data.children[e.child].dob:
            return
        note = "Declined: explore in-house carers first." if decision == "decline" else "Deferred for costs."
        data.resource_requests.append(
            ResourceRequestRec(
                e.child,
                held - dt.timedelta(days=rng.randint(2, 9)),
                rng.choice(NEEDS),
                self.rp.index[meeting],
                decision,
                None,
                note,
                None,
                None,
            )
        )
        request = len(data.resource_requests) - 1
        cost = price("home", e.decom) * rng.uniform(1.0, 1.6)
        data.resource_options.append(
            ResourceOptionRec(
                request,
                "independent",
                "Residential: independent",
                None,
                "Independent provider",
                round(cost, 2),
            )
        )

    def _awaiting_requests(self) -> None:
        """Requests made in the last fortnight for children in care, for the next meeting."""
        rng, data = self.rng, self.data
        in_care = sorted({e.child for e in data.episodes if e.dec is None})
        for child in rng.sample(in_care, min(3, len(in_care))):
            requested = self.today - dt.timedelta(days=rng.randint(0, 9))
            data.resource_requests.append(
                ResourceRequestRec(child, requested, rng.choice(NEEDS), None, "", None, "", None, None)
            )
            request = len(data.resource_requests) - 1
            data.resource_options.append(
                ResourceOptionRec(
                    request,
                    "independent",
                    "Independent foster care",
                    None,
                    "Independent provider",
                    price("ifa", requested),
                )
            )
            data.resource_options.append(
                ResourceOptionRec(
                    request,
                    "in_house",
                    "In-house foster care",
                    None,
                    OPTION_TEXT["in_house"],
                    price("in_house", requested),
                )
            )
