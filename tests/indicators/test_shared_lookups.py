"""The shortcuts that make the looked-after indicators fast give the answers of the plain rules."""

from __future__ import annotations

import datetime as dt

import polars as pl

from divert.core.codes import (
    ADOPTION_PLACEMENTS,
    FOSTER_PLACEMENTS,
    RESIDENTIAL_PLACEMENTS,
    SUPPORTED_PLACEMENTS,
    placement_category,
)
from divert.indicators.periods import Frequency, periods
from divert.indicators.shared import (
    child_day,
    in_care,
    in_care_where,
    latest_on_or_before,
    placement_type,
    positions,
    shifted,
)
from tests.indicators.lac_builders import d, episode, register


def test_placement_type_gives_the_category_of_every_code_and_provider() -> None:
    known = ADOPTION_PLACEMENTS | FOSTER_PLACEMENTS | RESIDENTIAL_PLACEMENTS | SUPPORTED_PLACEMENTS
    codes = [*sorted(known), "P1", "T0", "Z9", None]
    providers = ["PR1", "PR2", "PR3", "PR4", "PR5", None]
    pairs = pl.DataFrame(
        [(code, provider) for code in codes for provider in providers],
        schema={"place": pl.Utf8, "provider": pl.Utf8},
        orient="row",
    )
    got = pairs.select(placement_type(pl.col("place"), pl.col("provider"))).to_series().to_list()
    # A missing code or provider is neither a known placement nor an independent provider.
    expected = [placement_category(code or "", provider or "") for code, provider in pairs.iter_rows()]
    assert got == expected


def test_a_shifted_date_is_the_calendar_offset_including_month_ends() -> None:
    days = pl.Series("day", [d("2024-02-29"), d("2025-01-31"), None, d("2023-08-31")])
    # 29 Feb 2024 + 1y = 28 Feb 2025 (no 29th); 31 Jan 2025 + 1y = 31 Jan 2026; missing stays missing.
    assert shifted(days, "1y").to_list() == [d("2025-02-28"), d("2026-01-31"), None, d("2024-08-31")]
    # + 3 months: 31 Jan becomes 30 April, 31 Aug becomes 30 Nov; + 6 months: 31 Aug becomes 29 Feb 2024.
    assert shifted(days, "3mo").to_list() == [d("2024-05-29"), d("2025-04-30"), None, d("2023-11-30")]
    assert shifted(days, "6mo").to_list() == [d("2024-08-29"), d("2025-07-31"), None, d("2024-02-29")]


def test_the_latest_key_on_or_before_each_day_is_found_for_each_child_only() -> None:
    keys = pl.DataFrame(
        {"child": [1, 1, 1, 2], "day": [d("2025-01-10"), d("2025-02-10"), d("2025-02-10"), d("2025-01-01")]}
    ).select(child_day(pl.col("child"), pl.col("day")))
    child = pl.Series([2, 1, 1, 1, 3])
    day = pl.Series([d("2024-12-31"), d("2025-02-10"), d("2025-02-09"), d("2025-01-09"), d("2025-06-01")])
    # Child 2 has nothing before 1 Jan; child 1 on 10 Feb takes the later of the two that day (position 2),
    # on 9 Feb the 10 Jan one (0), on 9 Jan nothing; child 3 has no keys (child 2's is not theirs).
    assert latest_on_or_before(keys.to_series(), child, day).to_list() == [None, 2, 0, None, None]
    # Strictly before: 10 Feb finds 10 Jan.
    assert latest_on_or_before(keys.to_series(), child, day, inclusive=False).to_list()[1] == 0


def test_positions_answer_queries_in_any_order() -> None:
    keys = pl.Series([10, 20, 20, 30])
    assert positions(keys, pl.Series([25, 5, 20, 30])).to_list() == [2, None, 2, 3]
    assert positions(keys, pl.Series([25, 5, 20, 30]), inclusive=False).to_list() == [2, None, 0, 2]


def test_children_in_care_narrowed_by_their_episode_are_the_same_rows_as_filtering_all() -> None:
    frames = register(
        [
            episode(1, "2025-01-01", place="U4", place_provider="PR4"),
            episode(2, "2025-02-15", "2025-03-20", rec="E11", place="K2"),
            episode(3, "2025-03-31", place="U4", place_provider="PR1"),
        ]
    )
    months = periods(Frequency.MONTH, dt.date(2025, 3, 31), 3)
    columns = ["child", "place", "place_provider"]
    everyone = in_care(frames, months, columns)
    # Child 1 on 31 Jan, 28 Feb, 31 Mar; child 2 on 28 Feb (left 20 Mar); child 3 starts on 31 Mar.
    assert sorted(everyone.select("date", "child").rows()) == [
        (d("2025-01-31"), 1),
        (d("2025-02-28"), 1),
        (d("2025-02-28"), 2),
        (d("2025-03-31"), 1),
        (d("2025-03-31"), 3),
    ]
    fostered = in_care_where(frames, months, pl.col("place") == "U4", columns)
    assert fostered.equals(everyone.filter(pl.col("place") == "U4"))
