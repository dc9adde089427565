"""Matching a child as the referrer named them to the register: similar spellings, swapped dates."""

from __future__ import annotations

import datetime as dt

from divert.frontdoor.matching import Wanted, find_matches
from tests.conftest import make_child

BORN = dt.date(2015, 3, 7)


def test_katherine_smyth_finds_catherine_smith_with_the_reasons(world):
    catherine = make_child(world.authority, "C0001", "Catherine", "Smith", BORN, home_postcode="PL4 8AA")

    found = find_matches(world.users["mo"], wanted=Wanted("Katherine", "Smyth", BORN, "PL4 8AA"))

    assert [c.child for c in found] == [catherine]
    assert found[0].strength == "strong"
    assert found[0].reasons == (
        "same date of birth",
        "surname sounds the same (Smyth / Smith)",
        "first name sounds the same (Katherine / Catherine)",
        "same postcode",
    )


def test_a_date_of_birth_with_day_and_month_swapped_is_found(world):
    catherine = make_child(world.authority, "C0001", "Catherine", "Smith", BORN)

    found = find_matches(world.users["mo"], wanted=Wanted("Catherine", "Smith", dt.date(2015, 7, 3)))

    assert [c.child for c in found] == [catherine]
    assert found[0].reasons[0] == "date of birth with day and month swapped (03/07/2015 / 07/03/2015)"
    assert found[0].strength == "strong"


def test_a_name_without_a_date_of_birth_is_a_possible_match(world):
    catherine = make_child(world.authority, "C0001", "Catherine", "Smith", BORN)

    found = find_matches(world.users["mo"], wanted=Wanted("Cathy", "Smith"))

    assert [(c.child, c.strength) for c in found] == [(catherine, "possible")]


def test_a_shared_birthday_alone_is_not_a_match(world):
    make_child(world.authority, "C0001", "Catherine", "Smith", BORN)
    assert find_matches(world.users["mo"], wanted=Wanted("Oliver", "Brown", BORN)) == []


def test_the_best_match_comes_first(world):
    make_child(world.authority, "C0002", "Catherine", "Smith", dt.date(2014, 11, 30))
    best = make_child(world.authority, "C0001", "Catherine", "Smith", BORN)

    found = find_matches(world.users["mo"], wanted=Wanted("Catherine", "Smith", BORN))

    assert found[0].child == best and len(found) == 2
    assert found[1].strength == "possible"


def test_only_children_the_user_may_see_are_offered(world):
    # Alice sees only her team's children (Ava); Sid is South's; Eli is another authority's.
    found = find_matches(world.users["alice"], wanted=Wanted("Syd", "Southey", dt.date(2015, 2, 3)))
    assert found == []
    found = find_matches(world.users["mo"], wanted=Wanted("Eli", "Elsewhere", dt.date(2014, 9, 9)))
    assert found == []


def test_the_world_s_sid_is_found_from_a_misspelling(world):
    found = find_matches(world.users["mo"], wanted=Wanted("Syd", "Southy", dt.date(2015, 2, 3)))
    assert [c.child for c in found] == [world.child_south]
    assert found[0].strength == "strong"
