"""The generated register holds what a council's would, so its SSDA903 returns pass the DfE rules.

Each test names the DfE rule that caught the generator making something up by accident; the
full check (the demo authority through the validator) is tests/returns/test_demo_returns_valid.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

import pytest

from divert.core.ages import age_on
from divert.synth.authorities import choose
from divert.synth.generate import generate
from divert.synth.postcodes import UNKNOWN_TO_VALIDATOR, PostcodeBook, districts, load_books
from divert.synth.records import AuthorityData, EpisodeRec
from divert.synth.timeline import Window

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def authority() -> tuple[AuthorityData, PostcodeBook]:
    spec = choose(1, 8000, seed=5)[0]
    book = load_books({spec.code: (spec.areas, spec.postcodes)})[spec.code]
    return generate(spec, book, 5, Window.for_today(TODAY, 4)), book


def _by_child(episodes: list[EpisodeRec]) -> dict[int, list[EpisodeRec]]:
    by_child: dict[int, list[EpisodeRec]] = defaultdict(list)
    for e in episodes:
        by_child[e.child].append(e)
    return by_child


def test_the_councils_own_provision_is_inside_its_area(authority: tuple[AuthorityData, PostcodeBook]) -> None:
    """Rule 1015: an own-provision (PR1) placement other than foster care is in the authority;
    rule 241 (2025/26): supported accommodation with a URN is in the authority."""
    data, book = authority
    home = set(book.home)
    own = [p for p in data.providers if p.place_provider == "PR1"]
    assert own and all(p.postcode in home for p in own)
    supported = [p for p in data.providers if p.kind == "supported"]
    assert supported and all(p.postcode in home for p in supported)
    for e in data.episodes:
        if e.place_provider == "PR1" and e.place in {"K2", "K3"}:
            assert e.pl_post in home, e


def test_a_change_of_placement_is_to_a_different_placement(
    authority: tuple[AuthorityData, PostcodeBook],
) -> None:
    """Rule 435: RNE P or T means something about the placement changed."""
    data, _ = authority
    moves = 0
    for eps in _by_child(data.episodes).values():
        for before, after in pairwise(sorted(eps, key=lambda e: e.decom)):
            if after.rne in {"P", "T"}:
                moves += 1
                same = (after.place, after.place_provider, after.pl_post, after.urn) == (
                    before.place,
                    before.place_provider,
                    before.pl_post,
                    before.urn,
                )
                assert not same, after
    assert moves > 500


def test_only_children_of_school_age_are_placed_in_a_school(
    authority: tuple[AuthorityData, PostcodeBook],
) -> None:
    """Rule 373: a child placed in a residential school (S1) is at least four."""
    data, _ = authority
    schools = [e for e in data.episodes if e.place == "S1"]
    assert schools
    assert all(age_on(data.children[e.child].dob, e.decom) >= 4 for e in schools)


def test_missing_spells_never_overlap_and_end_within_the_placement_and_the_year(
    authority: tuple[AuthorityData, PostcodeBook],
) -> None:
    """Rules 574, 575, 577: one spell at a time, each over before the placement it started in
    (or care) ended, and none left open across a 31 March."""
    data, _ = authority
    episodes = _by_child(data.episodes)
    spells: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for m in data.missing:
        spells[m.child].append((m.start, m.end))
    assert sum(len(s) for s in spells.values()) > 50
    for child, held in spells.items():
        held.sort()
        for (_, end), (start, _) in pairwise(held):
            assert end is not None and end <= start, (child, held)
        for start, end in held:
            episode = max((e for e in episodes[child] if e.decom <= start), key=lambda e: e.decom)
            march = dt.date(start.year if start.month <= 3 else start.year + 1, 3, 31)
            assert end is None or end <= march, (child, start, end)
            assert end is not None or episode.dec is None, (child, start, episode)
            ended = episodes[child][-1].dec
            assert end is None or ended is None or end < ended, (child, start, end, ended)


def test_a_care_leaver_is_not_staying_put_at_seventeen(authority: tuple[AuthorityData, PostcodeBook]) -> None:
    """Rule 3001: staying put with former foster carers (Z1, Z2) begins at 18."""
    data, _ = authority
    at_17 = [
        c for c in data.leaver_contacts if age_on(data.children[c.child].dob, c.date + dt.timedelta(60)) == 17
    ]
    assert at_17
    assert not [c for c in at_17 if c.accommodation in {"Z1", "Z2"}]


def test_placement_postcodes_are_in_districts_the_validator_knows(
    authority: tuple[AuthorityData, PostcodeBook],
) -> None:
    """Rule 169: the validator maps postcodes to authorities with the 2021 district list."""
    data, _ = authority
    found = districts({e.pl_post for e in data.episodes})
    assert found
    assert not {p: d for p, d in found.items() if d in UNKNOWN_TO_VALIDATOR}


def test_a_looked_after_child_always_has_a_worker_held_for_more_than_a_few_days(
    authority: tuple[AuthorityData, PostcodeBook],
) -> None:
    """SW09STG2, SW10STG2, SW11a/bSTG2: from the day care begins to the day it ends one
    allocation follows another with no gap, and none lasts under a week unless care did."""
    data, _ = authority
    cla_teams = {i for i, t in enumerate(data.teams) if t.kind == "cla"}
    allocations = defaultdict(list)
    for a in data.allocations:
        if a.team in cla_teams:
            allocations[a.child].append(a)
    roster_start = min(a.start for a in data.allocations)
    checked = 0
    for child, eps in _by_child(data.episodes).items():
        eps.sort(key=lambda e: e.decom)
        start, end = max(eps[0].decom, roster_start), eps[-1].dec
        if end is not None and end <= start:
            continue
        held = sorted(allocations[child], key=lambda a: a.start)
        assert held[0].start == start and held[-1].end == end, child
        for before, after in pairwise(held):
            assert before.end == after.start, child
        if end is None or (end - start).days >= 7:
            assert all(a.end is None or (a.end - a.start).days >= 7 for a in held), child
        checked += 1
    assert checked > 100


def test_no_child_under_ten_leaves_a_placement_for_custody(
    authority: tuple[AuthorityData, PostcodeBook],
) -> None:
    """Rule 234 (2025/26): the age of criminal responsibility is ten."""
    data, _ = authority
    custody = [e for e in data.episodes if e.reason_place_change == "CUSTOD"]
    assert custody
    assert all(age_on(data.children[e.child].dob, e.decom) >= 10 for e in custody)
