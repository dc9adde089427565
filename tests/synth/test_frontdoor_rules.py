"""The generated front door keeps the order of a real case file, as the CIN census rules check it.

Each test names the DfE rule (``csc-validator-be-cin``) a regression would break.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from divert.synth.authorities import choose
from divert.synth.generate import generate
from divert.synth.postcodes import load_books
from divert.synth.records import AssessmentRec, AuthorityData
from divert.synth.timeline import Window

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def data() -> AuthorityData:
    spec = choose(1, 8000, seed=5)[0]
    books = load_books({spec.code: (spec.areas, spec.postcodes)})
    return generate(spec, books[spec.code], 5, Window.for_today(TODAY, 4))


def _assessments_by_referral(data: AuthorityData) -> dict[int, list[AssessmentRec]]:
    grouped: dict[int, list[AssessmentRec]] = defaultdict(list)
    for a in data.assessments:
        grouped[a.referral].append(a)
    return grouped


def test_a_referral_closes_only_after_everything_recorded_on_it_has_ended(data: AuthorityData) -> None:
    """Rules 8565 and 8867: no assessment, enquiry or plan outlives its closed referral."""
    ends: dict[int, list[dt.date | None]] = defaultdict(list)
    for a in data.assessments:
        ends[a.referral].append(a.authorised)
    for s in data.section47s:
        ends[s.referral] += [s.start, s.completed]
    for plan in data.cin_plans:
        ends[plan.referral] += [plan.start, plan.end]
    for cp in data.cp_plans:
        ends[cp.referral] += [cp.start, cp.end]
    late = [
        (i, r.closed, ends[i])
        for i, r in enumerate(data.referrals)
        if r.closed is not None and any(e is None or e > r.closed for e in ends[i])
    ]
    assert data.referrals and late == []


def test_closed_after_assessment_means_nothing_but_an_assessment(data: AuthorityData) -> None:
    """Rules 2990 and 8825Q: RC8 / RC9 only on a referral with an assessment and no section 47 or plan."""
    beyond = {s.referral for s in data.section47s} | {p.referral for p in data.cin_plans}
    beyond |= {p.referral for p in data.cp_plans}
    assessed = {a.referral for a in data.assessments if a.authorised is not None}
    after = [i for i, r in enumerate(data.referrals) if r.closure_reason in {"RC8", "RC9"}]
    assert after, "some cases close after assessment"
    assert [i for i in after if i in beyond or i not in assessed] == []


def test_only_an_assessment_followed_by_closure_after_assessment_finds_no_factors(
    data: AuthorityData,
) -> None:
    """Rule 8873Q: factor 21 (no factors identified) goes with RC8 or RC9, and stands alone."""
    none_found = [a for a in data.assessments if "21" in a.factors.split(",")]
    assert none_found, "some assessments find no factors"
    assert {a.factors for a in none_found} == {"21"}
    assert {data.referrals[a.referral].closure_reason for a in none_found} <= {"RC8", "RC9"}


def test_an_enquiry_concludes_by_its_conference_and_its_assessment_after_it(data: AuthorityData) -> None:
    """Rules 2991Q and 8868: an enquiry in a census year has its assessment there, and its
    conference date (or "not required") with it."""
    conferences = {
        c.section47: c.date for c in data.conferences if c.kind == "initial" and c.section47 is not None
    }
    assessments = _assessments_by_referral(data)
    problems = []
    for i, s in enumerate(data.section47s):
        held = conferences.get(i)
        if held is None and s.icpc_required and data.referrals[s.referral].closed is not None:
            problems.append((i, "closed, conference required but never held"))
        if held is not None and s.completed is not None and s.completed > held:
            problems.append((i, "completed after its conference"))
        concluded = held or s.completed
        for a in assessments[s.referral]:
            if a.start > s.start or (
                a.authorised is not None and (concluded is None or a.authorised < concluded)
            ):
                problems.append((i, f"assessment {a.start}-{a.authorised} vs enquiry {s.start}-{concluded}"))
        if not assessments[s.referral]:
            problems.append((i, "no assessment"))
    assert data.section47s and problems == []
