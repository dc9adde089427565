"""The generated OC2 outcomes, previous permanence and young mothers keep the DfE's rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from divert.core.ages import age_on
from divert.synth.authorities import choose
from divert.synth.generate import generate
from divert.synth.health import continuously_looked_after
from divert.synth.postcodes import load_books
from divert.synth.records import AuthorityData, EpisodeRec
from divert.synth.timeline import Window, add_years, financial_year

TODAY = dt.date(2025, 11, 23)


@pytest.fixture(scope="module")
def data() -> AuthorityData:
    spec = choose(1, 8000, seed=3)[0]
    books = load_books({spec.code: (spec.areas, spec.postcodes)})
    return generate(spec, books[spec.code], 3, Window.for_today(TODAY, 5))


def _by_child(data: AuthorityData) -> dict[int, list[EpisodeRec]]:
    out: dict[int, list[EpisodeRec]] = defaultdict(list)
    for e in data.episodes:
        out[e.child].append(e)
    return out


def _broken(data: AuthorityData) -> list[str]:
    """Every way the OC2 rows break the rules that decide who is asked what (by DfE rule)."""
    episodes = _by_child(data)
    broken = []
    for h in data.health_outcomes:
        dob = data.children[h.child].dob
        start, end = dt.date(h.year - 1, 4, 1), dt.date(h.year, 3, 31)
        four, ten, five, seventeen = (add_years(dob, n) for n in (4, 10, 5, 17))
        checks = {
            "190 not looked after all year": continuously_looked_after(episodes[h.child], h.year),
            "197a score and reason": h.sdq_score is None or not h.sdq_reason,
            "186 SDQ missing": not (four <= start and seventeen > end)
            or h.sdq_score is not None
            or h.sdq_reason,
            "188/189 SDQ outside ages": not (four > end or seventeen < start)
            or (h.sdq_score, h.sdq_reason) == (None, ""),
            "157 SDQ1 at SDQ age": not (four <= start and add_years(dob, 16) >= end)
            or h.sdq_reason != "SDQ1",
            "542/543 conviction from 10": (h.convicted is not None) == (ten <= end),
            "545/546 health check under 5": (h.health_check is not None) == (five > end),
            "193 intervention without misuse": h.substance_misuse
            or (h.intervention_received, h.intervention_offered) == (None, None),
            "192 misuse without received": not h.substance_misuse or h.intervention_received is not None,
            "158/159 offered": (h.intervention_offered is None) == (h.intervention_received is not False),
        }
        broken += [f"{rule}: child {h.child} in {h.year}" for rule, kept in checks.items() if not kept]
    return broken


def test_every_child_looked_after_all_year_has_one_oc2_row_and_no_one_else_has(data: AuthorityData) -> None:
    episodes = _by_child(data)
    leavers = {(c.child, financial_year(c.date)) for c in data.leaver_contacts}
    rows = {(h.child, h.year) for h in data.health_outcomes}
    assert len(rows) == len(data.health_outcomes), "one row per child per year"
    for year in (2023, 2024, 2025):
        expected = {
            (child, year)
            for child, held in episodes.items()
            if continuously_looked_after(held, year) and (child, year) not in leavers
        }
        assert expected and {r for r in rows if r[1] == year} == expected


def test_generated_oc2_rows_keep_the_dfe_consistency_rules(data: AuthorityData) -> None:
    assert data.health_outcomes
    assert _broken(data) == []


def test_oc2_rates_are_those_of_children_looked_after_for_a_year_in_england(data: AuthorityData) -> None:
    rows = data.health_outcomes
    assessed = sum(h.health_assessment for h in rows) / len(rows)
    scored = [h.sdq_score for h in rows if h.sdq_score is not None]
    assert 0.8 < assessed < 0.97
    assert scored and 10 < sum(scored) / len(scored) < 18
    assert any(h.substance_misuse for h in rows) and any(h.sdq_reason for h in rows)


def test_every_child_starting_care_has_previous_permanence_mostly_none(data: AuthorityData) -> None:
    held = {p.child: p for p in data.previous_permanence}
    starters = {e.child for e in data.episodes if e.rne == "S" and e.decom >= dt.date(2020, 4, 1)}
    assert starters and starters <= set(held)
    options = [p.option for p in data.previous_permanence]
    assert options.count("Z1") / len(options) > 0.85
    firsts = {child: min(e.decom for e in held_eps) for child, held_eps in _by_child(data).items()}
    for p in data.previous_permanence:
        if p.option == "Z1":
            assert (p.la_code, p.date) == ("", None)
        else:  # DfE rules 630, 632: an authority and a date before the child's first episode
            assert p.la_code and p.date is not None and p.date > data.children[p.child].dob
            own = data.children[p.child].child_id[:3]  # an order from this authority's own care
            assert p.date < firsts[p.child] or p.la_code == own


def test_young_mothers_are_looked_after_girls_whose_baby_came_at_14_to_17(data: AuthorityData) -> None:
    mothers = [c for c in data.children if c.first_child_born is not None]
    assert mothers
    assert all(c.sex == "F" and 14 <= age_on(c.dob, c.first_child_born) <= 17 for c in mothers)  # type: ignore[arg-type]
