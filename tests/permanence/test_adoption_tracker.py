"""The adoption tracker: each step's date and the days against the scorecard thresholds.

Ava entered care on 10 January 2024; the decision that she should be placed for adoption came
on 1 July 2024, the placement order (E1) on 15 October 2024, the match on 10 February 2025; she
moved in with her adopters on 3 March 2025 and was adopted on 30 September 2025.
Sid was adopted by his foster carers: in care 1 May 2023, moved to them 1 September 2023,
placement order 1 March 2024, matched with them 10 January 2025, placed for adoption with them
1 February 2025, adopted 1 August 2025.
"""

from __future__ import annotations

import polars as pl
import pytest

from divert.indicators.defs.adoption import _care_to_adopters, _order_to_match
from divert.indicators.extract import extract
from divert.permanence.queries import adoption_tracker
from tests.permanence.helpers import D, adoption, episodes

ON = D(2026, 1, 1)


@pytest.fixture
def ava(world):
    child = world.child_north
    episodes(
        child,
        (D(2024, 1, 10), "S", "C1", "U4"),
        (D(2024, 6, 1), "L", "C2", "U4"),
        (D(2024, 10, 15), "L", "E1", "U4"),
        (D(2025, 3, 3), "P", "E1", "A5"),
        end=(D(2025, 9, 30), "E11"),
    )
    adoption(child, D(2024, 7, 1), matched=D(2025, 2, 10), placed=D(2025, 3, 3))
    return child


@pytest.fixture
def sid(world):
    child = world.child_south
    episodes(
        child,
        (D(2023, 5, 1), "S", "C2", "U6"),
        (D(2023, 9, 1), "P", "C2", "U4"),
        (D(2024, 3, 1), "L", "E1", "U4"),
        (D(2025, 2, 1), "P", "E1", "A6"),
        end=(D(2025, 8, 1), "E12"),
    )
    adoption(child, D(2023, 12, 1), matched=D(2025, 1, 10), placed=D(2025, 2, 1), foster_care=True)
    return child


def journey_of(world, child, who="mo"):
    return next(j for j in adoption_tracker(world.users[who], ON).journeys if j.child == child)


def test_each_step_is_dated_from_the_episodes_and_the_adoption_record(world, ava):
    j = journey_of(world, ava)
    assert [(label, day) for label, day, _ in j.steps] == [
        ("Entered care", D(2024, 1, 10)),
        ("Decision", D(2024, 7, 1)),
        ("Placement order", D(2024, 10, 15)),
        ("Matched", D(2025, 2, 10)),
        ("Placed", D(2025, 3, 3)),
        ("Adoption order", D(2025, 9, 30)),
    ]
    assert j.stage == "Adopted"


def test_the_days_between_steps_are_hand_worked(world, ava):
    days = {i.label: i.days for i in journey_of(world, ava).intervals}
    assert days == {
        "Care to decision": 173,  # 21 days left of January + 29 + 31 + 30 + 31 + 30 + 1 July
        "Decision to order": 106,  # 1 July to 15 October 2024
        "Order to match (A2)": 118,  # 16 days of October + 30 + 31 + 31 + 10 February
        "Match to placed": 21,  # 10 February to 3 March 2025
        "Placed to adoption order": 211,
        "Care to placed (A1)": 418,  # 366 days to 10 January 2025 (2024 was a leap year) + 52 to 3 March
        "Care to placed, adjusted (A10)": 418,  # not a foster carer adoption: the same as A1
    }


def test_ava_is_within_the_a1_and_a2_thresholds(world, ava):
    j = journey_of(world, ava)
    assert (j.care_to_placed.threshold, j.care_to_placed.over) == (426, False)
    assert (j.order_to_match.threshold, j.order_to_match.over) == (121, False)


def test_a_foster_carer_adoption_is_timed_from_moving_in_with_the_carers_for_a10(world, sid):
    j = journey_of(world, sid)
    assert (j.care_to_placed.days, j.care_to_placed.over) == (642, True)  # 1 May 2023 to 1 February 2025
    assert (j.care_to_placed_adjusted.days, j.care_to_placed_adjusted.over) == (123, False)  # to 1 Sep 2023
    assert (j.order_to_match.days, j.order_to_match.over) == (315, True)  # 1 March 2024 to 10 January 2025


def test_the_councils_three_year_averages_against_the_thresholds(world, ava, sid):
    averages = {
        a.measure: (a.children, a.days, a.threshold, a.over)
        for a in adoption_tracker(world.users["alice"], ON).averages
    }
    assert averages == {
        "A1": (2, 530, 426, True),  # (418 + 642) / 2
        "A2": (2, 217, 121, True),  # (118 + 315) / 2 = 216.5, rounded half up
        "A10": (2, 271, 426, False),  # (418 + 123) / 2 = 270.5
    }


def test_the_averages_are_the_whole_councils_but_the_list_is_the_users(world, ava, sid):
    tracker = adoption_tracker(world.users["alice"], ON)
    assert [j.child for j in tracker.journeys] == [ava]
    assert tracker.averages[0].children == 2


def test_the_averages_leave_out_adoptions_before_the_three_years(world, ava, sid):
    # Three years to 1 October 2028 begin on 2 October 2025: both adoptions were before.
    averages = adoption_tracker(world.users["mo"], D(2028, 10, 1)).averages
    assert [(a.children, a.days, a.over) for a in averages] == [(0, None, None)] * 3


def test_the_thresholds_come_from_the_setting(settings, world, ava):
    settings.DIVERT = {**settings.DIVERT, "ADOPTION_THRESHOLDS": {"A1": 400, "A2": 100, "A10": 400}}
    j = journey_of(world, ava)
    assert (j.care_to_placed.over, j.order_to_match.over) == (True, True)


def test_a_child_waiting_for_a_match_shows_the_days_so_far(world):
    ava = world.child_north
    episodes(ava, (D(2025, 1, 6), "S", "C2", "U4"), (D(2025, 7, 1), "L", "E1", "U4"))
    adoption(ava, D(2025, 5, 1))

    tracker = adoption_tracker(world.users["alice"], ON)

    [j] = tracker.in_progress
    assert j.stage == "Placement order"
    a2 = j.order_to_match
    assert (a2.days, a2.running, a2.over) == (184, True, True)  # 1 July 2025 to 1 January 2026
    assert j.care_to_placed.running and j.care_to_placed.days == 360


def test_a_match_without_a_placement_order_is_timed_from_the_decision(world):
    ava = world.child_north
    episodes(ava, (D(2025, 1, 6), "S", "V2", "U4"))
    adoption(ava, D(2025, 3, 1), matched=D(2025, 5, 1))
    j = journey_of(world, ava)
    assert j.placement_order is None
    assert j.order_to_match.days == 61  # 1 March to 1 May


def test_a_placement_order_without_an_adoption_record_is_tracked(world):
    episodes(world.child_north, (D(2025, 1, 6), "S", "C2", "U4"), (D(2025, 7, 1), "L", "E1", "U4"))
    j = journey_of(world, world.child_north)
    assert (j.decision, j.placement_order) == (None, D(2025, 7, 1))


def test_the_averages_agree_with_the_scorecards_own_indicators(world, ava, sid):
    """A1 and A2 here are the scorecard's ``days_care_to_adopters`` and ``days_order_to_match``."""
    tracker = adoption_tracker(world.users["hos"], ON)
    frames = extract(world.authority.pk)
    period = pl.DataFrame({"start": [tracker.since], "date": [ON]})
    a1, a2 = (fn(frames, period).get_column("days") for fn in (_care_to_adopters, _order_to_match))
    assert (a1.sum(), a1.len()) == (418 + 642, 2)
    assert (a2.sum(), a2.len()) == (118 + 315, 2)
