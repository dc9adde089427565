"""Early help: an episode for every child the front door stepped down, with its lead professional.

A contact decided "early help", a referral routed to early help and a referral closed to early
help after assessment (RC9) each start an episode in the child's locality, held by a family
support worker of the "Early help" team: an early help assessment within about four weeks, a
12-week family support intervention, then an outcome (mostly needs met). When the child is
referred to social care while the episode is open, the episode ends "stepped up" and the new
enquiry carries it (``Enquiry.stepped_up_from``). A child has one episode open at a time: a
second early help decision while one is open joins it.

The child is allocated to the lead professional for the episode, as the step-down action does,
except children who are ever looked after: SSDA903 reads a looked-after child's allocations as
social worker episodes, and a family support worker is not the child's social worker.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections import defaultdict

from divert.core.clocks import early_help_planned_end
from divert.synth.mash import local
from divert.synth.records import AuthorityData, EarlyHelpRec
from divert.synth.sampling import Deck, lognormal
from divert.synth.timeline import add_years
from divert.synth.world import World

# Outcomes other than a step-up forced by a referral while the episode is open (about 4%):
# "stepped_up" here is a family whose worries grew, referred at their next contact.
OUTCOMES = {
    "needs_met": 64.0,
    "universal": 11.0,
    "stepped_up": 9.0,
    "declined": 9.0,
    "moved": 5.0,
    "other": 2.0,
}
STEP_UP_WITHIN = dt.timedelta(days=365)
SUMMARIES = (
    "Parents struggling with routines and school attendance; child's needs otherwise met.",
    "Mother isolated with low mood; children well cared for; needs practical support.",
    "Conflict between parents affecting the children; both parents want help.",
    "Teenager's behaviour escalating at home and school; family asking for support.",
    "Debt and housing pressure; parents prioritise the children but are exhausted.",
)
INTERVENTIONS = (
    "Family support worker: weekly home visits on routines and boundaries",
    "Parenting programme (12 sessions) with the children's centre",
    "Young people's worker: weekly mentoring and school liaison",
    "Family support worker with debt advice and housing referral",
    "Domestic abuse recovery programme for mother; play sessions for the children",
)
OUTCOME_NOTES = {
    "needs_met": "Goals in the family plan achieved; family know how to seek help again.",
    "universal": "Support continues through the school and health visitor.",
    "declined": "Parents withdrew consent to early help.",
    "moved": "Family moved out of the area; information passed to their new council.",
    "other": "Support continued by the school's own family liaison worker.",
    "stepped_up": "Worries grew during early help; stepped up to children's social care.",
}


def add_early_help(data: AuthorityData, world: World, rng: random.Random) -> None:
    EarlyHelp(data, world, rng).build()


class EarlyHelp:
    def __init__(self, data: AuthorityData, world: World, rng: random.Random) -> None:
        self.data, self.world, self.rng = data, world, rng
        self.today = world.today
        self.outcomes = Deck(rng, OUTCOMES, size=100)
        self.looked_after = {e.child for e in data.episodes}
        self.care: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for e in data.episodes:
            self.care[e.child].append((e.decom, e.dec or dt.date.max))
        # The day of each contact, by child, for finding a step-up: referrals, and other contacts.
        self.referrals_by_child: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        self.contacts_by_child: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        for i, c in enumerate(data.contacts):
            day = local(c.received).date()
            if c.decision != "early_help":  # the MASH would not send a step-up back to early help
                self.contacts_by_child[c.child].append((day, i))
            if c.decision == "referral":
                self.referrals_by_child[c.child].append((day, i))
        for by_child in (self.referrals_by_child, self.contacts_by_child):
            for rows in by_child.values():
                rows.sort()

    def build(self) -> None:
        open_until: dict[int, dt.date] = {}
        for start, child, contact, referral in self._starts():
            if start <= open_until.get(child, dt.date.min) or self._in_care(child, start):
                continue
            if start >= add_years(self.data.children[child].dob, 18) or start > self.today:
                continue
            episode = self._episode(child, start, contact, referral)
            if episode is not None:
                open_until[child] = episode.end or dt.date.max

    def _starts(self) -> list[tuple[dt.date, int, int | None, int | None]]:
        """When each early help decision was made, in order: contacts, then referrals."""
        starts: list[tuple[dt.date, int, int | None, int | None]] = []
        for i, c in enumerate(self.data.contacts):
            if c.decision == "early_help" and c.decided is not None:
                starts.append((local(c.decided).date(), c.child, i, None))
        for i, r in enumerate(self.data.referrals):
            if r.route == "early_help" and r.decided is not None:
                starts.append((r.decided, r.child, None, i))
            elif r.closure_reason == "RC9" and r.closed is not None:
                starts.append((r.closed, r.child, None, i))
        starts.sort(key=lambda s: (s[1], s[0]))
        return starts

    def _in_care(self, child: int, day: dt.date) -> bool:
        return any(start <= day < end for start, end in self.care.get(child, ()))

    def _episode(
        self, child: int, start: dt.date, contact: int | None, referral: int | None
    ) -> EarlyHelpRec | None:
        rng = self.rng
        assessed = start + dt.timedelta(days=max(2, round(lognormal(rng, 16, 0.45))))
        intervention = assessed + dt.timedelta(days=rng.randint(0, 10))
        planned_end = early_help_planned_end(intervention)
        outcome = self.outcomes.deal()
        end = self._natural_end(outcome, start, planned_end)
        step_up = self._next(self.referrals_by_child, child, start, end)
        if outcome == "stepped_up" and step_up is None:
            limit = start + STEP_UP_WITHIN
            step_up = self._next(self.referrals_by_child, child, start, limit) or self._next(
                self.contacts_by_child, child, start, limit
            )
        if step_up is not None:
            end, outcome = step_up[0], "stepped_up"
        rec = EarlyHelpRec(child, contact, referral, self.data.children[child].quadrant, 0, start)
        if assessed <= min(end, self.today):
            rec.assessment_completed, rec.assessment_summary = assessed, rng.choice(SUMMARIES)
            if intervention <= min(end, self.today):
                rec.intervention, rec.intervention_start = rng.choice(INTERVENTIONS), intervention
                rec.intervention_planned_end = planned_end
        if end <= self.today:
            rec.end, rec.outcome, rec.outcome_note = end, outcome, OUTCOME_NOTES[outcome]
        worker = self.world.allocate(
            child, "early_help", start, rec.end, record=child not in self.looked_after
        )
        if worker is None:
            return None
        rec.lead = worker
        self.data.early_help.append(rec)
        if step_up is not None and rec.end is not None:
            enquiry = self.data.contacts[step_up[1]].enquiry
            if enquiry is not None:
                self.data.enquiries[enquiry].stepped_up_from = len(self.data.early_help) - 1
        return rec

    def _natural_end(self, outcome: str, start: dt.date, planned_end: dt.date) -> dt.date:
        rng = self.rng
        if outcome == "declined":
            return start + dt.timedelta(days=rng.randint(5, 40))
        if outcome == "moved":
            return start + dt.timedelta(days=rng.randint(20, 110))
        return max(start, planned_end + dt.timedelta(days=rng.randint(-14, 21)))

    def _next(
        self, by_child: dict[int, list[tuple[dt.date, int]]], child: int, start: dt.date, end: dt.date
    ) -> tuple[dt.date, int] | None:
        """The child's first contact (of ``by_child``) after ``start`` and by ``end``: (its day, index).
        A referral while the episode is open steps it up."""
        rows = by_child.get(child)
        if not rows:
            return None
        at = bisect_right(rows, (start, len(self.data.contacts)))
        if at < len(rows) and rows[at][0] <= end:
            return rows[at]
        return None
