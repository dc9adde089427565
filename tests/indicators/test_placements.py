"""Placements and cost on 31 March 2025: agency and residential care, in-house share, spend, end dates."""

from __future__ import annotations

import pytest

from divert.indicators import compute
from divert.indicators.catalogue import get
from tests.indicators.lac_builders import children_in, d, episode, members, on, register

DAY = on("2025-03-31")


def placed_register():
    """Nine children; all but 8 in care on 31 March 2025.

    1 agency foster (U6 PR4) £800, planned end 30 June
    2 kinship foster through a voluntary agency (U3 PR5) £500, planned end 30 June
    3 in-house foster (U6 PR1) £400, no planned end
    4 private children's home (K2 PR4) £4,000, planned end 30 September
    5 council children's home (K2 PR1) £3,000, planned end 30 September
    6 long-term in-house foster (U4 PR1) £450, no planned end (meant to last to 18)
    7 placed for adoption (A5 PR1) £0, no planned end
    8 agency foster (U6 PR4) until 31 March: not in care on the date
    9 placed with parents (P1 PR0), no cost recorded, no planned end
    """
    return register(
        [
            episode(
                1,
                "2024-01-01",
                place="U6",
                place_provider="PR4",
                provider="Agency A",
                weekly_cost=800,
                planned_end="2025-06-30",
            ),
            episode(
                2,
                "2024-01-01",
                place="U3",
                place_provider="PR5",
                provider="Agency B",
                weekly_cost=500,
                planned_end="2025-06-30",
            ),
            episode(3, "2024-01-01", place="U6", place_provider="PR1", provider="Council", weekly_cost=400),
            episode(
                4,
                "2024-01-01",
                place="K2",
                place_provider="PR4",
                provider="Home Ltd",
                weekly_cost=4000,
                planned_end="2025-09-30",
            ),
            episode(
                5,
                "2024-01-01",
                place="K2",
                place_provider="PR1",
                provider="Council",
                weekly_cost=3000,
                planned_end="2025-09-30",
            ),
            episode(6, "2024-01-01", place="U4", place_provider="PR1", provider="Council", weekly_cost=450),
            episode(7, "2024-01-01", place="A5", place_provider="PR1", provider="Council", weekly_cost=0),
            episode(
                8, "2024-01-01", "2025-03-31", rec="E4A", place="U6", place_provider="PR4", weekly_cost=900
            ),
            episode(9, "2024-01-01", place="P1", place_provider="PR0"),
        ]
    )


def test_agency_fostering_counts_foster_placements_with_private_or_voluntary_providers():
    # 1 (U6 PR4) and 2 (U3 PR5, kinship through an agency); 8's placement ended on the date.
    assert children_in(members(placed_register(), "agency_fostering", DAY)) == [1, 2]


def test_agency_fostering_is_read_from_the_placement_open_on_the_date():
    frames = register(
        [
            episode(10, "2024-01-01", "2025-03-15", place="U6", place_provider="PR4"),
            episode(10, "2025-03-15", rne="P", place="U6", place_provider="PR1"),
        ]
    )
    # Agency foster care until 15 March, then in-house.
    assert children_in(members(frames, "agency_fostering", on("2025-03-14"))) == [10]
    assert children_in(members(frames, "agency_fostering", on("2025-03-15"))) == []


def test_agency_residential_counts_childrens_homes_run_by_private_or_voluntary_providers():
    assert children_in(members(placed_register(), "agency_residential", DAY)) == [4]


def test_residential_care_counts_homes_whoever_runs_them():
    assert children_in(members(placed_register(), "residential_count", DAY)) == [4, 5]


def test_the_in_house_share_is_foster_children_not_placed_through_an_agency():
    # Foster children 1, 2, 3, 6; not PR4/PR5: 3 and 6. 2 / 4 = 50%.
    frames = placed_register()
    series = compute.series(frames, get("inhouse_foster_share_pct"), DAY)
    assert series.select("num", "den", "value").row(0) == (2.0, 4.0, 50.0)
    assert children_in(members(frames, "inhouse_foster_share_pct", DAY)) == [3, 6]
    assert children_in(members(frames, "inhouse_foster_share_pct", DAY, denominator=True)) == [1, 2, 3, 6]


def test_weekly_spend_adds_the_cost_of_every_placement_open_on_the_date():
    # 800 + 500 + 400 + 4,000 + 3,000 + 450 + 0 + 0 (9: no cost recorded) = 9,150; 8 has left.
    series = compute.series(placed_register(), get("weekly_placement_spend"), DAY)
    assert series["value"].to_list() == [9150.0]
    assert children_in(members(placed_register(), "weekly_placement_spend", DAY)) == [1, 2, 3, 4, 5, 6]


def test_weekly_spend_breaks_down_by_provider():
    rows = compute.breakdown(placed_register(), get("weekly_placement_spend"), DAY, "provider")
    # Council: 400 + 3,000 + 450 + 0 = 3,850; 9 (placed with parents) has no provider, at £0.
    assert dict(rows.select("provider", "value").rows()) == {
        "Agency A": 800.0,
        "Agency B": 500.0,
        "Council": 3850.0,
        "Home Ltd": 4000.0,
        "Not recorded": 0.0,
    }


def test_average_weekly_cost_is_spend_per_child_in_care():
    # 9,150 / 8 children = 1,143.75.
    frames = placed_register()
    assert compute.series(frames, get("avg_weekly_cost"), DAY)["value"].to_list() == [pytest.approx(1143.75)]
    assert children_in(members(frames, "avg_weekly_cost", DAY, denominator=True)) == [1, 2, 3, 4, 5, 6, 7, 9]


def test_average_weekly_cost_by_placement_type_is_the_unit_cost():
    rows = compute.breakdown(placed_register(), get("avg_weekly_cost"), DAY, "placement_type")
    # In-house foster: 3 and 6, (400 + 450) / 2 = 425; each other type has one child.
    assert dict(rows.select("placement_type", "value").rows()) == {
        "In-house foster care": 425.0,
        "Independent foster care": 800.0,
        "Kinship foster care": 500.0,
        "Residential: independent": 4000.0,
        "Residential: in-house": 3000.0,
        "Placed for adoption": 0.0,
        "Placed with parents": 0.0,
    }


def test_no_planned_end_leaves_out_adoptive_and_long_term_foster_placements():
    # No planned end: 3, 6, 7, 9; 6 (U4 long-term) and 7 (A5 placed for adoption) are meant to be permanent.
    rows = members(placed_register(), "no_planned_end", DAY)
    assert children_in(rows) == [3, 9]
    # On the list with how long each has been in the placement: 1 Jan 2024 to 31 Mar 2025 = 455 days.
    assert rows["days_in_placement"].to_list() == [455, 455]


def test_the_planned_end_is_the_current_episodes():
    frames = register(
        [
            episode(11, "2024-01-01", "2025-02-01", planned_end="2025-06-30"),
            episode(11, "2025-02-01", rne="L", ls="C2"),
        ]
    )
    # A change of legal status opened a new episode with no planned end recorded.
    assert children_in(members(frames, "no_planned_end", DAY)) == [11]
    assert children_in(members(frames, "no_planned_end", on("2025-01-31"))) == []


@pytest.mark.parametrize(
    "indicator",
    [
        "agency_fostering",
        "agency_residential",
        "residential_count",
        "weekly_placement_spend",
        "no_planned_end",
    ],
)
def test_counts_in_an_empty_register_are_zero(indicator):
    assert compute.series(register(), get(indicator), DAY)["value"].to_list() == [0.0]


@pytest.mark.parametrize("indicator", ["inhouse_foster_share_pct", "avg_weekly_cost"])
def test_ratios_in_an_empty_register_have_no_value(indicator):
    assert compute.series(register(), get(indicator), DAY)["value"].to_list() == [None]


def test_placement_columns_are_in_the_drill_down():
    row = members(placed_register(), "agency_residential", DAY).row(0, named=True)
    assert row["placement_type"] == "Residential: independent"
    assert row["provider"] == "Home Ltd"
    assert row["weekly_cost"] == 4000.0
    assert row["planned_end"] == d("2025-09-30")
