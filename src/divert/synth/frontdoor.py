"""The front door: contacts, referrals and what follows them, up to child protection plans.

Two streams feed it. Children coming into care get a history that leads there (a child
protection plan, a children-in-need plan, or a quick or emergency referral). Every other
referral is a case of its own: decided on within a working day mostly, then closed, sent
to early help, assessed (within 45 working days mostly), planned for as a child in need,
or taken to a strategy discussion, section 47 enquiry and initial conference. A closed
case may come back: about 22% of referrals are within 12 months of the child's last one.
Contacts that never become referrals make up the rest of the front door's work.

The register keeps the order a real case file has, which the CIN census rules check: a section 47
enquiry is carried out through the child's assessment, so the assessment is authorised only once
the enquiry has concluded (at its initial conference, when one is held); a referral closes only
after everything recorded on it has ended; and "closed after assessment" (RC8, RC9) is the reason
only for a case that had nothing but its assessment, the one kind of case whose assessment may
find no factors (21).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from divert.synth import params
from divert.synth.records import (
    AssessmentRec,
    ConferenceRec,
    ContactRec,
    CPPlanRec,
    PlanRec,
    ReferralRec,
    Section47Rec,
)
from divert.synth.sampling import Deck, QuantileDeck, lognormal, lognormal_ppf, poisson, weighted
from divert.synth.timeline import add_years, month_starts
from divert.synth.world import World, days

LONDON = ZoneInfo("Europe/London")
NO_FACTORS = "21"  # the assessment found nothing: the case closes after it (RC8 or RC9)
NO_FACTORS_SHARE = 0.16  # of assessments followed by no further action or early help
AFTER_ASSESSMENT_ONLY = frozenset({"RC8", "RC9"})
FACTORS = (
    "1B",
    "2B",
    "3A",
    "3B",
    "3C",
    "4A",
    "4B",
    "5B",
    "6A",
    "6B",
    "7A",
    "8B",
    "9A",
    "10A",
    "13A",
    "14A",
    "18B",
    "19B",
    "20",
    "22A",
    "23A",
    "24A",
)
CONCERNS = (
    "Worries about home conditions and supervision.",
    "Injury noticed at school; explanation unclear.",
    "Domestic abuse incident attended by police.",
    "Parent's mental health has deteriorated.",
    "Young person missing overnight.",
    "Concerns about substance misuse in the household.",
    "Child disclosed worries to a teacher.",
    "Family under acute stress after losing their home.",
    "Health visitor concerned about the baby's weight.",
    "Anonymous call about children left alone.",
)
NEED = {"N1": 52.0, "N2": 6.0, "N3": 5.0, "N4": 10.0, "N5": 16.0, "N6": 5.0, "N7": 1.0, "N8": 2.0, "N9": 3.0}
AGE_YEARS = {"unborn-0": (0, 1), "1-4": (1, 5), "5-9": (5, 10), "10-15": (10, 16), "16-17": (16, 18)}
CONTACT_DECISIONS = {"nfa": 45.0, "advice": 30.0, "early_help": 25.0}
CARE_PATH = {  # how a child's history leads into care, by age band at entry
    "under 1": {"cp": 45, "cin": 15, "quick": 40},
    "1-4": {"cp": 45, "cin": 20, "quick": 35},
    "5-9": {"cp": 40, "cin": 22, "quick": 38},
    "10-15": {"cp": 25, "cin": 22, "quick": 53},
    "16+": {"cp": 5, "cin": 15, "quick": 80},
}


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """A local clock time in UTC, so that adding minutes never goes back across a clock change.

    (A time in the spring-forward gap, such as 01:30 on the last Sunday of March, is read
    with the offset before the change.)
    """
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(dt.UTC)


def _assessment_days(p: float) -> float:
    """Working days to complete an assessment: median 30, about 85% within 45."""
    return lognormal_ppf(30.0, 0.38)(p)


def _conference_days(p: float) -> float:
    """Working days from strategy discussion to initial conference: about 80% within 15."""
    return lognormal_ppf(11.5, 0.32)(p)


class FrontDoor:
    """Contacts and referrals, and the assessments, plans and enquiries that follow."""

    def __init__(self, world: World) -> None:
        self.w = world
        rng: random.Random = world.rng_fd
        self.rng = rng
        self.sources = Deck(rng, params.REFERRAL_SOURCES, size=200)
        self.ages = Deck(rng, params.REFERRAL_AGE, size=100)
        self.routes = Deck(rng, params.ROUTE_AT_DECISION, size=100)
        self.after = Deck(rng, params.AFTER_ASSESSMENT, size=100)
        self.categories = Deck(rng, params.CP_CATEGORIES, size=100)
        self.needs = Deck(rng, NEED, size=100)
        self.assessment_days = QuantileDeck(rng, _assessment_days, size=40)
        self.conference_days = QuantileDeck(rng, _conference_days, size=20)
        self.care_paths = {band: Deck(rng, weights, size=20) for band, weights in CARE_PATH.items()}
        # What is recorded on each referral, so that it closes only after all of it (see close_referral).
        self._busy_until: dict[int, dt.date] = {}
        self._running: set[int] = set()  # referrals with something still open today
        self._beyond_assessment: set[int] = set()  # referrals with a section 47 or a plan
        self._assessment_of: dict[int, int] = {}  # referral -> index of its assessment

    # --- the stream of referrals not leading to care --------------------------------------
    def simulate(self) -> None:
        w = self.w
        first = add_years(w.window.start, -1)
        monthly = w.spec.children * params.REFERRALS_PER_10K / 10_000 / 12
        for month in month_starts(first, w.today):
            for _ in range(poisson(self.rng, monthly * params.NEW_REFERRAL_SHARE)):
                self._new_case(month + days(self.rng.randrange(28)))
            for _ in range(poisson(self.rng, monthly * params.CONTACTS_PER_REFERRAL)):
                self._contact_only(month + days(self.rng.randrange(28)))

    def _new_child(self, day: dt.date) -> int:
        low, high = AGE_YEARS[self.ages.deal()]
        youngest, oldest = add_years(day, -low), add_years(day, -high) + days(60 if high == 18 else 1)
        dob = oldest + days(self.rng.randrange(max(1, (youngest - oldest).days + 1)))
        return self.w.new_child(dob, "M" if self.rng.random() < 0.52 else "F", day)

    def _new_case(self, day: dt.date) -> None:
        if day > self.w.today:
            return
        child = self._new_child(day)
        previous, re_referral = day, False
        while True:
            closed = self._case(child, day, re_referral)
            nxt = self._next_referral(child, previous, closed)
            if nxt is None:
                return
            re_referral = nxt <= add_years(day, 1)
            previous = day = nxt

    def _next_referral(self, child: int, referred: dt.date, closed: dt.date | None) -> dt.date | None:
        """When (if ever) the child is referred again after a case closes."""
        if closed is None:
            return None
        rng, w = self.rng, self.w
        draw = rng.random()
        earliest, within_year = closed + days(7), add_years(referred, 1)
        if draw < params.RE_REFERRAL_P and earliest < within_year:
            nxt = earliest + days(rng.randrange((within_year - earliest).days))
        elif draw < params.RE_REFERRAL_P + params.LATER_REFERRAL_P:
            nxt = max(earliest, within_year) + days(rng.randint(30, 900))
        else:
            return None
        if nxt > w.today or nxt >= w.eighteenth(child) - days(60):
            return None
        return nxt

    def _contact_only(self, day: dt.date) -> None:
        w, rng = self.w, self.rng
        if day > w.today:
            return
        child = None
        if rng.random() < 0.5 and w.data.children:
            candidate = rng.randrange(len(w.data.children))
            if w.data.children[candidate].dob <= day < w.eighteenth(candidate) - days(1):
                child = candidate
        if child is None:
            child = self._new_child(day)
        self._contact(child, day, self.sources.deal(), weighted(rng, CONTACT_DECISIONS))
        w.touch(child, day, day)

    # --- building blocks ------------------------------------------------------------------
    def _contact(self, child: int, day: dt.date, source: str, decision: str) -> tuple[int, dt.date]:
        """A contact received on ``day`` and decided on, mostly within hours; returns the decision day."""
        rng = self.rng
        hour = rng.randint(8, 17) if rng.random() < 0.85 else rng.randrange(24)
        received = _at(day, hour, rng.randrange(60))
        draw = rng.random()
        if draw < 0.85:
            decided = received + dt.timedelta(minutes=rng.randint(20, 300))
        else:
            later = self.w.working_days(day, 1 if draw < 0.97 else rng.randint(2, 4))
            next_day = _at(later, rng.randint(9, 16), rng.randrange(60))
            decided = max(received + dt.timedelta(minutes=20), next_day)
        contacts = self.w.data.contacts
        contacts.append(ContactRec(child, received, source, rng.choice(CONCERNS), decision, decided))
        return len(contacts) - 1, decided.astimezone(LONDON).date()

    def _referral(
        self, child: int, day: dt.date, route: str, need: str, re_referral: bool, source: str | None = None
    ) -> tuple[int, dt.date]:
        source = source or self.sources.deal()
        contact, decided = self._contact(child, day, source, "referral")
        refs = self.w.data.referrals
        refs.append(ReferralRec(child, contact, day, source, need, route, max(day, decided), re_referral))
        return len(refs) - 1, max(day, decided)

    def _record(self, referral: int, end: dt.date | None, *, beyond_assessment: bool = False) -> None:
        """Something recorded on ``referral`` ends on ``end`` (None: still open today)."""
        if end is None:
            self._running.add(referral)
        else:
            self._busy_until[referral] = max(end, self._busy_until.get(referral, end))
        if beyond_assessment:
            self._beyond_assessment.add(referral)

    def close_referral(self, referral: int, day: dt.date, reason: str) -> dt.date | None:
        """Close the referral on ``day``, or later if something recorded on it ends later; returns
        the closing day, or None when something on it is still open today (the case stays open).

        A case that went beyond its assessment (a section 47 enquiry, a plan) was not "closed after
        assessment": RC8 and RC9 become RC7 (CIN census rule 2990).
        """
        ref = self.w.data.referrals[referral]
        day = max(day, ref.date, self._busy_until.get(referral, day))
        if referral in self._running or day > self.w.today:
            return None
        if reason in AFTER_ASSESSMENT_ONLY and referral in self._beyond_assessment:
            reason = "RC7"
        ref.closed, ref.closure_reason = day, reason
        return day

    def _assessment(self, child: int, referral: int, start: dt.date) -> dt.date | None:
        w, rng = self.w, self.rng
        authorised = w.working_days(start, max(1, round(self.assessment_days.deal())))
        authorised = min(authorised, w.eighteenth(child))
        factors = ",".join(sorted(rng.sample(FACTORS, rng.randint(1, 3))))
        done = w.clip(authorised)
        w.data.assessments.append(AssessmentRec(child, referral, start, done, factors))
        self._assessment_of[referral] = len(w.data.assessments) - 1
        w.allocate(child, "assessment", start, done)
        self._record(referral, done)
        return done

    def _conclude_assessment(self, referral: int, concluded: dt.date | None) -> dt.date | None:
        """The referral's assessment, through which a section 47 enquiry was carried out, is
        authorised no earlier than the enquiry concluded (None: not yet); returns its date."""
        rec = self.w.data.assessments[self._assessment_of[referral]]
        if rec.authorised is not None:
            rec.authorised = None if concluded is None else max(rec.authorised, concluded)
        self._record(referral, rec.authorised)
        return rec.authorised

    def _no_factors(self, referral: int) -> None:
        """Some assessments that end in no further action or early help found no factors at all."""
        if self.rng.random() < NO_FACTORS_SHARE:
            self.w.data.assessments[self._assessment_of[referral]].factors = NO_FACTORS

    def _cin_plan(
        self, child: int, referral: int, start: dt.date, median: float | None = None
    ) -> dt.date | None:
        w, rng = self.w, self.rng
        if median is None:
            long_term = rng.random() < params.CIN_PLAN_LONG_SHARE
            median = params.CIN_PLAN_MEDIAN_DAYS[1 if long_term else 0]
        end = min(start + days(max(30, lognormal(rng, median, 0.5))), w.eighteenth(child))
        done = w.clip(end)
        w.data.cin_plans.append(PlanRec(child, referral, start, done))
        w.allocate(child, "cin", start, done)
        self._record(referral, done, beyond_assessment=True)
        return done

    def _section47(
        self, child: int, referral: int, day: dt.date, *, conference: bool
    ) -> tuple[int, dt.date | None]:
        w, rng = self.w, self.rng
        completed = w.clip(w.working_days(day, rng.randint(5, 15)))
        w.data.section47s.append(Section47Rec(child, referral, day, day, conference, completed))
        if conference:  # it concludes by its conference: see _concluded_by_conference
            self._beyond_assessment.add(referral)
        else:
            self._record(referral, completed, beyond_assessment=True)
        return len(w.data.section47s) - 1, completed

    def _concluded_by_conference(self, s47: int, icpc: dt.date) -> dt.date | None:
        """An enquiry that leads to an initial conference has concluded by the conference.
        Returns the conference day (None: still to come), after which the assessment the
        enquiry was carried out through is authorised."""
        rec, w = self.w.data.section47s[s47], self.w
        if icpc > w.today:
            self._record(rec.referral, None)
            return None
        rec.completed = icpc if rec.completed is None else min(rec.completed, icpc)
        self._record(rec.referral, icpc)
        return icpc

    def _not_conferenced(self, s47: int) -> None:
        """The child came into care before the conference, which was then not needed."""
        rec = self.w.data.section47s[s47]
        rec.icpc_required = False
        self._record(rec.referral, rec.completed)

    def _cp_plan(
        self, child: int, referral: int, s47: int, conference: dt.date, until: dt.date | None
    ) -> dt.date | None:
        """A plan from the initial conference, reviewed at 3 months then 6-monthly, ended at a review.

        ``until`` ends the plan early (the child came into care that day).
        """
        w, rng = self.w, self.rng
        plans = w.data.cp_plans
        plans.append(CPPlanRec(child, referral, conference, self.categories.deal(), None))
        plan = len(plans) - 1
        w.data.conferences.append(ConferenceRec(child, s47, plan, "initial", conference, True))
        ends = conference + days(max(40, lognormal(rng, params.CP_PLAN_MEDIAN_DAYS, 0.55)))
        stop = min(until or dt.date.max, w.eighteenth(child))
        review = conference + days(rng.randint(70, 92))
        while review < stop and review <= w.today:
            final = review >= ends
            w.data.conferences.append(ConferenceRec(child, None, plan, "review", review, not final))
            if final:
                plans[plan].end = review
                break
            review += days(rng.randint(150, 182))
        else:
            plans[plan].end = stop if stop <= w.today else None
        self._record(referral, plans[plan].end, beyond_assessment=True)
        return plans[plan].end

    # --- one referral and what follows ----------------------------------------------------
    def _case(self, child: int, day: dt.date, re_referral: bool) -> dt.date | None:
        """One referral; returns the day its CIN episode closed, or None if still open."""
        route = self.routes.deal()
        need = "N9" if route == "nfa" else self.needs.deal()
        referral, decided = self._referral(child, day, route, need, re_referral)
        if route in {"nfa", "early_help"}:
            return self._close(child, referral, day, decided, "RC7")
        if route == "strategy":
            self._assessment(child, referral, decided)
            return self._after_strategy(child, referral, day, decided)
        assessed = self._assessment(child, referral, decided)
        if assessed is None:
            return self._open(child, day)
        outcome = self.after.deal()
        if outcome in {"nfa", "early_help"}:
            self._no_factors(referral)
            return self._close(child, referral, day, assessed, "RC8" if outcome == "nfa" else "RC9")
        if outcome == "strategy":
            # Concerns found in the course of the assessment: the strategy discussion is held
            # before it is finished, and the enquiry is carried out through it.
            return self._after_strategy(child, referral, day, decided + (assessed - decided) * 2 // 3)
        return self._plan_then_close(child, referral, day, assessed)

    def _after_strategy(self, child: int, referral: int, referred: dt.date, day: dt.date) -> dt.date | None:
        """A strategy discussion on ``day`` and its section 47 enquiry, carried out through the
        referral's assessment; what follows starts once that assessment is authorised."""
        w, rng = self.w, self.rng
        conference = rng.random() < params.ICPC_SHARE
        s47, completed = self._section47(child, referral, day, conference=conference)
        if not conference:
            assessed = self._conclude_assessment(referral, completed)
            if assessed is None:
                return self._open(child, referred)
            if rng.random() < 0.45:
                return self._plan_then_close(child, referral, referred, assessed)
            return self._close(child, referral, referred, assessed, "RC7")
        icpc = w.working_days(day, max(1, round(self.conference_days.deal())))
        assessed = self._conclude_assessment(referral, self._concluded_by_conference(s47, icpc))
        if icpc > w.today:
            return self._open(child, referred)
        if rng.random() >= params.CP_PLAN_SHARE or icpc >= w.eighteenth(child):
            w.data.conferences.append(ConferenceRec(child, s47, None, "initial", icpc, False))
            if assessed is None:
                return self._open(child, referred)
            if rng.random() < 0.6:
                return self._plan_then_close(child, referral, referred, assessed)
            return self._close(child, referral, referred, assessed, "RC7")
        ended = self._cp_plan(child, referral, s47, icpc, None)
        w.allocate(child, "cin", icpc, ended)
        if ended is None:
            return self._open(child, referred)
        if rng.random() < params.STEP_DOWN_SHARE and ended < w.eighteenth(child):
            return self._plan_then_close(child, referral, referred, ended, median=150.0)
        return self._close(child, referral, referred, ended, "RC7")

    def _plan_then_close(
        self, child: int, referral: int, referred: dt.date, start: dt.date, median: float | None = None
    ) -> dt.date | None:
        if start >= self.w.eighteenth(child):
            return self._close(child, referral, referred, start, "RC7")
        ended = self._cin_plan(child, referral, start, median)
        if ended is None:
            return self._open(child, referred)
        return self._close(child, referral, referred, ended, "RC7")

    def _close(
        self, child: int, referral: int, referred: dt.date, day: dt.date, reason: str
    ) -> dt.date | None:
        closed = self.close_referral(referral, day, reason)
        if closed is None:
            return self._open(child, referred)
        self.w.touch(child, referred, closed)
        return closed

    def _open(self, child: int, referred: dt.date) -> dt.date | None:
        """The case is still open today (so there is no closing day to return)."""
        self.w.touch(child, referred, None)
        return None

    # --- histories of children coming into care -------------------------------------------
    def care_history(
        self, child: int, start: dt.date, band: str, emergency: str, route: str, need: str
    ) -> int:
        """The referral (and plans before it) that led to care beginning on ``start``; it stays open."""
        w, rng = self.w, self.rng
        dob = w.data.children[child].dob
        uasc = w.data.children[child].uasc
        if emergency or uasc or (start - dob).days < 14:
            source = "6" if emergency == "L1" else "5C" if uasc else None
            referral, decided = self._referral(
                child, start, "strategy" if emergency else "assessment", need, False, source
            )
            enquiry = self._section47(child, referral, start, conference=False) if emergency else None
            self._assessment(child, referral, start)
            if enquiry is not None:
                self._conclude_assessment(referral, enquiry[1])
            w.touch(child, start, None)
            return referral
        path = self.care_paths[band].deal()
        lead = {"cp": rng.randint(120, 420), "cin": rng.randint(60, 360), "quick": rng.randint(0, 40)}[path]
        day = max(dob, start - days(lead))
        route_at_door = "strategy" if path == "cp" else "assessment"
        referral, decided = self._referral(child, day, route_at_door, need, False)
        decided = min(decided, start)
        assessed = self._assessment(child, referral, decided)
        if path == "cp":
            self._history_cp(child, referral, decided, start)
        elif path == "cin" and assessed is not None and assessed < start:
            w.data.cin_plans.append(PlanRec(child, referral, assessed, start))
            w.allocate(child, "cin", assessed, start)
            self._record(referral, start, beyond_assessment=True)
        w.touch(child, day, None)
        return referral

    def _history_cp(self, child: int, referral: int, day: dt.date, start: dt.date) -> None:
        w = self.w
        s47, completed = self._section47(child, referral, day, conference=True)
        icpc = w.working_days(day, max(1, round(self.conference_days.deal())))
        if icpc >= start:
            self._not_conferenced(s47)
            self._conclude_assessment(referral, completed)
            return
        self._conclude_assessment(referral, self._concluded_by_conference(s47, icpc))
        w.allocate(child, "cin", icpc, start)
        self._cp_plan(child, referral, s47, icpc, start)

    def plan_after_care(self, child: int, referral: int, ended: dt.date) -> dt.date | None:
        """A children-in-need plan for a child who has gone home; returns when the case closes."""
        if ended >= self.w.eighteenth(child):
            return ended
        return self._cin_plan(child, referral, ended, median=160.0)
