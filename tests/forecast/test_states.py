"""The forecast's states: which category a placement is, which age band a child is in, and what
the register said on a past date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from divert.forecast import history, states
from tests.indicators.lac_builders import episode, register


@pytest.mark.parametrize(
    ("place", "provider", "category"),
    [
        ("U4", "PR1", "in_house_foster"),
        ("U6", "PR2", "in_house_foster"),  # another council's carer: public provision, not bought in
        ("U5", "PR4", "independent_foster"),
        ("U6", "PR5", "independent_foster"),
        ("U1", "PR4", "kinship"),  # family and friends whoever supports them
        ("U3", "PR1", "kinship"),
        ("K2", "PR1", "residential_in_house"),
        ("R1", "PR3", "residential_in_house"),
        ("K2", "PR4", "residential_independent"),
        ("S1", "PR5", "residential_independent"),
        ("K1", "PR4", "residential_independent"),
        ("K3", "PR4", "supported"),
        ("H5", "PR1", "supported"),
        ("P1", "PR0", "placed_with_parents"),
        ("A5", "PR1", "adoption"),
        ("A3", "PR4", "adoption"),
        ("R5", "PR3", "other"),
        ("T0", "PR1", "other"),
        (None, None, "other"),
    ],
)
def test_a_placement_falls_in_one_category(place, provider, category):
    frame = pl.DataFrame(
        {"place": [place], "provider": [provider]}, schema={"place": pl.Utf8, "provider": pl.Utf8}
    )
    got = frame.select(states.category(pl.col("place"), pl.col("provider"))).item()
    assert got == category
    index = frame.select(states.category_index(pl.col("place"), pl.col("provider"))).item()
    assert states.CATEGORY_KEYS[index] == category


def test_the_age_band_changes_on_the_birthday_itself():
    dob = dt.date(2012, 6, 15)
    days = [dt.date(2022, 6, 14), dt.date(2022, 6, 15), dt.date(2028, 6, 14), dt.date(2028, 6, 15)]
    frame = pl.DataFrame({"dob": [dob] * 4, "day": days})
    age = states.age_on(pl.col("dob"), pl.col("day"))
    got = frame.select(age.alias("age"), states.band(age).alias("band"))
    assert got["age"].to_list() == [9, 10, 15, 16]
    assert got["band"].to_list() == ["5_to_9", "10_to_15", "10_to_15", "16_to_17"]


def test_numpy_ages_agree_with_polars_including_a_leap_day_birthday():
    # Born 29 February 2008: 18 on 1 March 2026 (not on 28 February).
    days = np.array([(dt.date(2008, 2, 29) - dt.date(1970, 1, 1)).days])
    year, md = states.split_days(days)
    assert (year[0], md[0]) == (2008, 229)
    assert states.ages(year, md, dt.date(2026, 2, 28))[0] == 17
    assert states.ages(year, md, dt.date(2026, 3, 1))[0] == 18
    assert list(states.bands(np.array([0, 1, 4, 5, 9, 10, 15, 16, 17]))) == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_as_at_drops_later_starts_and_reopens_later_endings():
    frames = register(
        [
            episode(1, "2024-01-01", "2024-06-01", rec="E4A"),  # ended before the origin: stays ended
            episode(2, "2024-01-01", "2025-03-01", rec="E4A"),  # ended after: open as then known
            episode(3, "2025-02-01"),  # started after: unknown then
            episode(4, "2024-01-01", ls="V3"),  # a short break is not care
        ]
    )
    known = history.as_at(history.care_episodes(frames), dt.date(2024, 12, 31))
    assert known["child"].to_list() == [1, 2]
    assert known["until"].to_list() == [dt.date(2024, 6, 1), history.FAR_FUTURE]


def test_a_snapshot_counts_a_child_in_care_from_the_start_day_until_the_day_before_the_end():
    frames = register([episode(1, "2024-01-31", "2024-03-31", rec="E4A")])
    episodes = history.care_episodes(frames)
    dates = [dt.date(2024, 1, 30), dt.date(2024, 1, 31), dt.date(2024, 3, 30), dt.date(2024, 3, 31)]
    snaps = history.snapshots(episodes, dates)
    assert snaps["k"].to_list() == [1, 2]
