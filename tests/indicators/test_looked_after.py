"""Children in care: the count, the rate, entries, leavings and the net change, on hand-made registers."""

from __future__ import annotations

import pytest

from tests.indicators.lac_builders import children_in, episode, members, month_to, on, register, value


def snapshot_register():
    """Four children around 31 March 2025.

    1 left care on 31 March (not in care that day); 2 has been in care since 2024; 3 is on a
    short break (V3); 4 came into care on 31 March itself.
    """
    return register(
        [
            episode(1, "2025-01-01", "2025-03-31", rec="E4A"),
            episode(2, "2024-06-01"),
            episode(3, "2025-03-01", ls="V3"),
            episode(4, "2025-03-31"),
        ],
        population={2024: 20_000, 2025: 40_000},
    )


def test_children_in_care_on_the_date_exclude_an_episode_ending_that_day_and_short_breaks():
    # 1 ended on the date, 3 is a short break: 2 and 4 are counted.
    assert value(snapshot_register(), "cla_count", on("2025-03-31")) == 2
    assert children_in(members(snapshot_register(), "cla_count", on("2025-03-31"))) == [2, 4]


def test_a_child_whose_episode_ends_on_the_date_was_in_care_the_day_before():
    assert children_in(members(snapshot_register(), "cla_count", on("2025-03-30"))) == [1, 2]


def test_a_v4_respite_break_is_not_being_in_care():
    frames = register([episode(5, "2025-03-01", ls="V4"), episode(6, "2025-03-01")])
    assert children_in(members(frames, "cla_count", on("2025-03-31"))) == [6]


def test_an_empty_register_has_no_children_in_care():
    assert value(register(), "cla_count", on("2025-03-31")) == 0


def test_the_rate_before_july_uses_the_previous_years_mid_year_estimate():
    # 31 March 2025 uses mid-2024: 2 x 10,000 / 20,000 = 1.0.
    assert value(snapshot_register(), "cla_rate_per_10k", on("2025-03-31")) == pytest.approx(1.0)


def test_the_rate_from_july_uses_that_years_estimate():
    # 31 July 2025: 2 and 4 still in care; mid-2025: 2 x 10,000 / 40,000 = 0.5.
    assert value(snapshot_register(), "cla_rate_per_10k", on("2025-07-31")) == pytest.approx(0.5)


def test_the_children_behind_the_rate_are_the_children_in_care():
    assert children_in(members(snapshot_register(), "cla_rate_per_10k", on("2025-03-31"))) == [2, 4]


def test_the_rate_has_no_value_without_a_population_estimate():
    frames = register([episode(2, "2024-06-01")])
    assert value(frames, "cla_rate_per_10k", on("2025-03-31")) is None


def flow_register():
    """March 2025.

    7 comes into care on 3 March, goes home on 10 March, comes back on 20 March; 8 moves
    placement on 12 March (X1 then P: neither a leaving nor an entry); 9 starts a short break
    (V4) and ends it (V3 status); 10 came into care on 28 February and leaves on 31 March.
    """
    return register(
        [
            episode(7, "2025-03-03", "2025-03-10", rec="E4A"),
            episode(7, "2025-03-20"),
            episode(8, "2024-01-01", "2025-03-12"),
            episode(8, "2025-03-12", rne="P"),
            episode(9, "2025-03-05", "2025-03-07", ls="V4", rec="E8"),
            episode(10, "2025-02-28", "2025-03-31", rec="E11"),
        ]
    )


def test_a_child_entering_care_twice_in_the_period_counts_twice():
    # Entries in March: 7 (3 March), 7 (20 March); 8's P is a move, 9's V4 a short break, 10 came in February.
    assert value(flow_register(), "cla_starts", month_to("2025-03-31")) == 2
    assert children_in(members(flow_register(), "cla_starts", month_to("2025-03-31"))) == [7, 7]


def test_an_x1_ending_is_not_a_leaving_and_a_leaving_on_the_periods_last_day_counts():
    # Leavings in March: 7 (10 March, E4A), 10 (31 March, E11); 8's X1 and 9's short break are not.
    assert value(flow_register(), "cla_ceased", month_to("2025-03-31")) == 2
    assert children_in(members(flow_register(), "cla_ceased", month_to("2025-03-31"))) == [7, 10]


def test_flows_in_an_empty_register_are_zero():
    for indicator in ("cla_starts", "cla_ceased", "cla_net_change"):
        assert value(register(), indicator, month_to("2025-03-31")) == 0


def test_net_change_is_entries_minus_leavings():
    # 2 entries (7 twice) - 2 leavings (7, 10) = 0.
    assert value(flow_register(), "cla_net_change", month_to("2025-03-31")) == 0


def test_net_change_is_negative_when_more_children_leave_than_enter():
    frames = register(
        [
            episode(11, "2024-01-01", "2025-03-04", rec="E4A"),
            episode(12, "2024-05-01", "2025-03-09", rec="E13"),
        ]
    )
    # March: no entries, two leavings: 0 - 2 = -2.
    assert value(frames, "cla_net_change", month_to("2025-03-31")) == -2


def test_net_change_drill_down_labels_each_entry_and_leaving():
    rows = members(flow_register(), "cla_net_change", month_to("2025-03-31")).sort("day", "child")
    assert rows.select("child", "movement", "num").rows() == [
        (7, "Entered care", 1.0),
        (7, "Left care", -1.0),
        (7, "Entered care", 1.0),
        (10, "Left care", -1.0),
    ]
