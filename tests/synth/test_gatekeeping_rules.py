"""The generated front door, early help and panels follow the rules the MASH, early help and panel
pages apply: every contact has its enquiry, early help follows the MASH's decisions, and the
panels see (nearly) every entry to care and every costly placement before it happens."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest

from divert.core.calendar import is_working_day
from divert.core.clocks import contact_decision_due, early_help_planned_end
from divert.core.codes import INDEPENDENT_PROVIDERS, placement_category
from divert.synth.authorities import choose
from divert.synth.generate import generate
from divert.synth.mash import local
from divert.synth.panels import PANELS_YEARS_BEFORE
from divert.synth.panels import threshold as threshold_of_resource_panel
from divert.synth.postcodes import load_books
from divert.synth.records import AuthorityData
from divert.synth.timeline import Window, add_years

TODAY = dt.date(2026, 11, 24)  # a Tuesday
WINDOW = Window.for_today(TODAY, 4)


def _build() -> AuthorityData:
    spec = choose(1, 8000, seed=5)[0]
    books = load_books({spec.code: (spec.areas, spec.postcodes)})
    return generate(spec, books[spec.code], 5, WINDOW)


@pytest.fixture(scope="module")
def data() -> AuthorityData:
    return _build()


def _contacts_by_enquiry(data: AuthorityData) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(data.contacts):
        assert c.enquiry is not None
        out[c.enquiry].append(i)
    return out


# --- the MASH -------------------------------------------------------------------------------
def test_every_contact_belongs_to_an_enquiry_that_names_its_child(data: AuthorityData) -> None:
    for c in data.contacts:
        assert c.enquiry is not None and c.named is not None
        enquiry, named = data.enquiries[c.enquiry], data.named_children[c.named]
        assert (enquiry.received, enquiry.source) == (c.received, c.source)
        assert named.enquiry == c.enquiry and named.child == c.child
        assert enquiry.postcode == data.children[c.child].home_postcode
        assert enquiry.referrer_name and enquiry.method and enquiry.concerns
    matched = [(n, data.children[n.child]) for n in data.named_children if n.child is not None]
    misspelt = [n for n, c in matched if (n.first_name, n.last_name) != (c.first_name, c.last_name)]
    assert 0.01 * len(matched) < len(misspelt) < 0.15 * len(matched)


def test_an_enquiry_closes_with_the_last_decision_on_its_contacts(data: AuthorityData) -> None:
    by_enquiry = _contacts_by_enquiry(data)
    for i, enquiry in enumerate(data.enquiries):
        decided = [data.contacts[c].decided for c in by_enquiry.get(i, [])]
        if not decided or any(d is None for d in decided):
            assert enquiry.closed is None
        else:
            assert enquiry.closed == max(d for d in decided if d is not None)


def test_the_level_of_need_agrees_with_the_decision(data: AuthorityData) -> None:
    levels = {
        "nfa": {"universal", "early_help"},
        "advice": {"universal", "early_help"},
        "early_help": {"early_help"},
        "referral": {"cin", "cp"},
        "": {""},
    }
    for c in data.contacts:
        assert c.need_level in levels[c.decision], c
        assert bool(c.reasons) == bool(c.decision)


def test_information_requests_come_soon_and_are_answered_before_the_decision(data: AuthorityData) -> None:
    requests = data.information_requests
    asked = {r.enquiry for r in requests}
    assert 0.33 < len(asked) / len(data.enquiries) < 0.47
    agencies = [r.agency for r in requests]
    assert agencies.count("police") > agencies.count("health") > agencies.count("probation") > 0
    for r in requests:
        enquiry = data.enquiries[r.enquiry]
        assert enquiry.received <= r.requested <= r.due
        assert local(r.due).date() == contact_decision_due(enquiry.received)
        assert (r.response == "") == (r.responded is None)
        if r.responded is None:
            assert enquiry.closed is None
        elif enquiry.closed is not None:
            assert r.requested <= r.responded <= enquiry.closed


def test_the_mash_has_work_in_hand_today(data: AuthorityData) -> None:
    waiting = [i for i, e in enumerate(data.enquiries) if e.closed is None]
    assert 10 <= len(waiting) <= 25
    received = [local(data.enquiries[i].received).date() for i in waiting]
    working = [d for d in received if is_working_day(d)]
    assert all((TODAY - d).days <= 7 for d in received)
    assert any(contact_decision_due(data.enquiries[i].received) < TODAY for i in waiting)  # overdue
    assert any(contact_decision_due(data.enquiries[i].received) == TODAY for i in waiting)  # due today
    assert working
    unmatched = {n.enquiry for n in data.named_children if n.child is None}
    assert unmatched and unmatched <= set(waiting)
    police_waiting = {
        r.enquiry for r in data.information_requests if r.agency == "police" and r.responded is None
    }
    assert unmatched <= police_waiting


# --- early help -----------------------------------------------------------------------------
def test_early_help_follows_the_front_doors_decisions(data: AuthorityData) -> None:
    episodes = data.early_help
    from_contacts = {e.contact for e in episodes if e.contact is not None}
    decided = [i for i, c in enumerate(data.contacts) if c.decision == "early_help"]
    assert len(from_contacts) > 0.95 * len(decided) and all(
        data.contacts[i].decision == "early_help" for i in from_contacts
    )
    for e in episodes:
        if e.referral is not None:
            r = data.referrals[e.referral]
            assert r.route == "early_help" or r.closure_reason == "RC9"
        assert e.locality == data.children[e.child].quadrant
        assert data.teams[data.professionals[e.lead].team].name == "Early help"


def test_an_early_help_episode_runs_its_course(data: AuthorityData) -> None:
    episodes = data.early_help
    by_child: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for e in episodes:
        by_child[e.child].append((e.start, e.end))
        assert (e.end is None) == (e.outcome == "")
        if e.assessment_completed is not None:
            assert e.start <= e.assessment_completed <= (e.end or TODAY)
        if e.intervention_start is not None:
            assert e.intervention_planned_end == early_help_planned_end(e.intervention_start)
    for spans in by_child.values():  # one episode open at a time
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end is not None and end < start
    assessed = [e.assessment_completed - e.start for e in episodes if e.assessment_completed is not None]
    assert sum(taken.days <= 28 for taken in assessed) > 0.8 * len(assessed)
    closed = [e for e in episodes if e.end is not None]
    stepped = sum(e.outcome == "stepped_up" for e in closed)
    assert 0.10 <= stepped / len(closed) <= 0.15
    assert sum(e.outcome == "needs_met" for e in closed) > 0.5 * len(closed)
    assert any(e.end is None for e in episodes)


def test_a_step_up_is_the_childs_next_enquiry(data: AuthorityData) -> None:
    linked = [(i, e.stepped_up_from) for i, e in enumerate(data.enquiries) if e.stepped_up_from is not None]
    assert linked
    by_enquiry = _contacts_by_enquiry(data)
    for enquiry, episode in linked:
        eh = data.early_help[episode]
        assert eh.outcome == "stepped_up"
        contacts = [data.contacts[c] for c in by_enquiry[enquiry]]
        assert all(c.child == eh.child and local(c.received).date() == eh.end for c in contacts)


def test_early_help_workers_are_never_a_looked_after_childs_allocation(data: AuthorityData) -> None:
    """SSDA903 reads a looked-after child's allocations as social worker episodes."""
    early_help_team = next(i for i, t in enumerate(data.teams) if t.name == "Early help")
    looked_after = {e.child for e in data.episodes}
    allocated = {a.child for a in data.allocations if a.team == early_help_team}
    assert allocated and not allocated & looked_after


# --- strategy discussions and panels ---------------------------------------------------------
def test_every_section_47_began_at_a_strategy_discussion(data: AuthorityData) -> None:
    for s in data.section47s:
        assert s.strategy is not None
        d = data.strategy_discussions[s.strategy]
        assert (d.child, d.referral, d.date, d.decision) == (
            s.child,
            s.referral,
            s.strategy_discussion,
            "s47",
        )
    linked = {s.strategy for s in data.section47s}
    others = [d for i, d in enumerate(data.strategy_discussions) if i not in linked]
    assert others and {d.decision for d in others} == {"single_agency", "nfa"}


def _starts(data: AuthorityData) -> list[tuple[int, dt.date]]:
    first = add_years(WINDOW.start, -PANELS_YEARS_BEFORE)
    return [(e.child, e.decom) for e in data.episodes if e.rne == "S" and e.decom >= first]


def test_most_children_come_into_care_through_the_edge_of_care_panel(data: AuthorityData) -> None:
    meetings = data.panel_meetings
    starts = _starts(data)
    planned = emergencies = 0
    for child, entry in starts:
        proposals = [p for p in data.proposals if p.child == child]
        heard = [
            p
            for p in proposals
            if p.decision == "accommodate"
            and not p.emergency
            and p.meeting is not None
            and entry - dt.timedelta(days=90) <= meetings[p.meeting].date <= entry
        ]
        planned += bool(heard)
        emergency = [p for p in proposals if p.emergency and p.accommodated_on == entry]
        emergencies += bool(emergency)
        for p in emergency:
            if p.meeting is not None:
                reviewed = meetings[p.meeting].date
                assert reviewed > entry
                assert not [m for m in meetings if m.kind == "edge_of_care" and entry < m.date < reviewed]
    assert 0.68 <= planned / len(starts) <= 0.82
    assert 0.14 <= emergencies / len(starts) <= 0.26


def test_the_panel_diverts_about_as_many_children_as_it_accommodates(data: AuthorityData) -> None:
    decisions = [p.decision for p in data.proposals]
    assert 0.75 <= decisions.count("divert") / decisions.count("accommodate") <= 1.3
    assert all(p.package for p in data.proposals if p.decision == "divert")
    assert all(p.meeting is not None for p in data.proposals if p.decision)
    assert all(p.justification and p.accommodated_on for p in data.proposals if p.emergency)
    for i, p in enumerate(data.proposals):
        if p.decision == "defer":
            later = [q for q in data.proposals[i + 1 :] if q.child == p.child and q.decision != "defer"]
            assert later, p
    waiting = [p for p in data.proposals if p.meeting is None and not p.emergency]
    assert waiting and all(TODAY - p.proposed <= dt.timedelta(days=7) for p in waiting)
    alternatives: dict[int, int] = defaultdict(int)
    for a in data.alternatives:
        alternatives[a.proposal] += 1
    assert all(1 <= alternatives[i] <= 3 for i in range(len(data.proposals)))


def test_the_resource_panel_approves_costly_placements_before_they_start(data: AuthorityData) -> None:
    threshold = threshold_of_resource_panel()
    first = add_years(WINDOW.start, -PANELS_YEARS_BEFORE)
    costly = {
        i
        for i, e in enumerate(data.episodes)
        if e.rne in {"S", "P", "B"}
        and e.decom >= first
        and (e.place_provider in INDEPENDENT_PROVIDERS or e.weekly_cost >= threshold)
    }
    approved = [r for r in data.resource_requests if r.decision == "approve"]
    assert {r.episode for r in approved} <= costly
    assert 0.88 <= len(approved) / len(costly) <= 0.97
    options: dict[int, list[int]] = defaultdict(list)
    for n, o in enumerate(data.resource_options):
        options[o.request].append(n)
    requests = {id(r): i for i, r in enumerate(data.resource_requests)}
    for r in approved:
        assert r.episode is not None and r.meeting is not None and r.planned_end is not None
        e = data.episodes[r.episode]
        held = data.panel_meetings[r.meeting].date
        assert e.decom - dt.timedelta(days=90) <= held <= e.decom and r.requested <= held
        assert r.planned_end >= e.decom and e.planned_end is not None
        option = data.resource_options[r.approved_option or 0]
        assert r.approved_option in options[requests[id(r)]]
        assert (option.placement, option.weekly_cost) == (
            placement_category(e.place, e.place_provider),
            e.weekly_cost,
        )
        assert 2 <= len(options[requests[id(r)]]) <= 3
    assert any(r.decision == "decline" for r in data.resource_requests)
    assert any(r.decision == "" and r.meeting is None for r in data.resource_requests)
    dates = sorted(m.date for m in data.panel_meetings if m.kind == "resource")
    assert {(b - a).days for a, b in itertools.pairwise(dates)} == {14}


def test_the_same_seed_gives_the_same_records(data: AuthorityData) -> None:
    again = _build()
    for name in (
        "enquiries",
        "named_children",
        "household_members",
        "information_requests",
        "strategy_discussions",
        "early_help",
        "panel_meetings",
        "proposals",
        "alternatives",
        "resource_requests",
        "resource_options",
        "allocations",
    ):
        assert getattr(again, name) == getattr(data, name), name
