"""The generator's building blocks: decks that hit their shares, identifiers, dates and postcodes."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from divert.synth.authorities import choose
from divert.synth.frontdoor import FrontDoor
from divert.synth.generate import UPN_LETTERS, of_school_age, upn
from divert.synth.names import full_name
from divert.synth.postcodes import PostcodeBook, known_postcodes, normalise
from divert.synth.sampling import Deck, QuantileDeck, lognormal_ppf
from divert.synth.timeline import Window, latest_31_march_before
from divert.synth.world import World


def test_a_deck_deals_its_exact_shares_in_every_full_block() -> None:
    deck = Deck(random.Random(1), {"a": 0.15, "b": 0.29, "c": 0.56}, size=100)
    assert Counter(deck.deal() for _ in range(300)) == {"a": 45, "b": 87, "c": 168}


def test_a_quantile_deck_has_the_mean_of_its_distribution() -> None:
    deck = QuantileDeck(random.Random(1), lognormal_ppf(100.0, 0.3), size=50)
    mean = sum(deck.deal() for _ in range(500)) / 500
    assert 102 < mean < 106  # a log-normal's mean is its median times exp(sigma^2 / 2), 104.6


def test_a_upn_has_thirteen_characters_and_a_valid_check_letter() -> None:
    value = upn(879, 1234, 2015)
    assert len(value) == 13 and value[1:4] == "879"
    total = sum(int(d) * w for d, w in zip(value[1:], range(2, 14), strict=True))
    assert value[0] == UPN_LETTERS[total % 23]


def test_the_window_ends_at_the_last_31_march_before_today() -> None:
    assert latest_31_march_before(dt.date(2025, 11, 23)) == dt.date(2025, 3, 31)
    assert latest_31_march_before(dt.date(2025, 3, 31)) == dt.date(2024, 3, 31)
    window = Window.for_today(dt.date(2025, 11, 23), 10)
    assert (window.start, window.end, window.years) == (dt.date(2015, 4, 1), dt.date(2025, 3, 31), 10)


def test_postcodes_are_normalised_and_checked_against_the_ons_data() -> None:
    assert normalise("PA102AA") == "PA10 2AA" and normalise("pl4 8aa") == "PL4 8AA"
    assert known_postcodes(["PL4 8AA", "ZZ9 9ZZ"]) == {"PL4 8AA"}


def test_names_are_invented_from_syllables() -> None:
    rng = random.Random(5)
    names = {full_name(rng, "F") for _ in range(50)}
    assert len(names) > 40 and all(len(n.split()) == 2 for n in names)


def test_a_contact_is_never_decided_before_it_was_received_even_across_a_clock_change() -> None:
    spec = choose(1, 5000, seed=1)[0]
    book = PostcodeBook(home=["PL4 8AA"], quadrant=[0], near=["PL1 2AA"], far=["EX1 1AA"])
    world = World(spec, book, 1, Window.for_today(dt.date(2025, 11, 23), 3))
    frontdoor = FrontDoor(world)
    child = world.new_child(dt.date(2015, 1, 1), "F", dt.date(2025, 3, 30))
    for day in (dt.date(2025, 3, 30), dt.date(2024, 10, 27)) * 400:  # spring forward, fall back
        frontdoor._contact(child, day, "6", "nfa")
    assert all(c.decided > c.received for c in world.data.contacts)


def test_a_child_of_school_age_has_a_upn_and_a_younger_child_un1() -> None:
    today = dt.date(2025, 11, 23)
    assert of_school_age(dt.date(2021, 8, 31), today)  # 4 on 31 August 2025
    assert not of_school_age(dt.date(2021, 9, 1), today)
    assert not of_school_age(dt.date(2021, 8, 31), dt.date(2025, 8, 30))  # the August before is 2024
