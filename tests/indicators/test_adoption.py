"""Adoptions, special guardianship and the adoption scorecard's timeliness, worked by hand."""

from __future__ import annotations

from divert.indicators.frames import Frames
from tests.indicators.fd_builders import adoption, d, episode, members, month, register, value

MARCH = month("2025-03-31")


def _leavers() -> Frames:
    return register(
        episodes=[
            # Child 1: in care from 1 Jan 2023, placement order and adoptive placement 1 Feb 2024, adopted.
            episode(1, "2023-01-01", "2024-02-01"),
            episode(1, "2024-02-01", "2025-03-15", rne="U", ls="E1", place="A5", rec="E11"),
            # Child 2: special guardianship order in March.
            episode(2, "2022-05-01", "2025-03-20", rec="E45"),
            # Child 3: adopted on 1 April, the next month.
            episode(3, "2022-05-01", "2025-04-01", rec="E12"),
            # Child 5: left care in 2022, came back on 1 June 2023, placed for adoption 1 Jan 2024.
            episode(5, "2022-01-01", "2022-06-01", rec="E4A"),
            episode(5, "2023-06-01", "2024-01-01"),
            episode(5, "2024-01-01", "2025-03-25", rne="P", place="A5", rec="E11"),
            # Child 6: adopted, but neither an adoptive placement nor a placed date is recorded.
            episode(6, "2023-01-01", "2025-03-28", rec="E11"),
        ],
        adoptions=[adoption(1, "2023-10-01", "2024-01-20", "2024-02-10")],
    )


def test_adoptions_and_special_guardianship_orders_count_children_leaving_care_by_that_route() -> None:
    frames = _leavers()
    assert value(frames, "adoptions", MARCH) == 3  # children 1, 5 and 6
    assert value(frames, "sgos", MARCH) == 1
    rows = members(frames, "adoptions", MARCH)
    assert rows["child"].to_list() == [1, 5, 6]
    assert rows["rec"].to_list() == ["E11", "E11", "E11"]
    assert members(frames, "sgos", MARCH)["child"].to_list() == [2]


def test_days_to_adopters_run_from_the_start_of_the_period_of_care_the_child_was_adopted_in() -> None:
    frames = _leavers()
    # Child 1: 1 Jan 2023 to placed 10 Feb 2024 = 365 + 40 = 405 days (the placed date beats the A5 episode).
    # Child 5: 1 Jun 2023 (not the earlier period of care) to the A5 placement 1 Jan 2024 = 214 days.
    # Child 6 has no date with adopters and is left out: (405 + 214) / 2 = 309.5.
    assert value(frames, "days_care_to_adopters", MARCH) == 309.5
    rows = members(frames, "days_care_to_adopters", MARCH)
    assert rows["child"].to_list() == [1, 5]
    assert rows["days"].to_list() == [405, 214]
    assert rows["entered_care"].to_list() == [d("2023-01-01"), d("2023-06-01")]


def test_days_from_order_to_match_use_the_placement_order_or_else_the_decision() -> None:
    frames = register(
        episodes=[
            episode(1, "2023-01-01", "2024-02-01"),
            episode(1, "2024-02-01", rne="L", ls="E1"),
        ],
        adoptions=[
            # Placement order 1 Feb 2024 to match 1 May 2024: 29 + 31 + 30 = 90 days (2024 is a leap year).
            adoption(1, "2023-10-01", "2024-05-01"),
            # No placement order held: from the decision, 1 April to 20 May = 49 days.
            adoption(7, "2024-04-01", "2024-05-20"),
            adoption(8, "2024-04-01", "2024-06-01"),  # matched in June
        ],
    )
    may = month("2024-05-31")
    assert value(frames, "days_order_to_match", may) == (90 + 49) / 2
    rows = members(frames, "days_order_to_match", may)
    assert rows["child"].to_list() == [1, 7]
    assert rows["authority_from"].to_list() == ["Placement order", "Decision to place"]
    assert rows["days"].to_list() == [90, 49]


def test_an_empty_register_gives_no_adoptions_and_no_averages() -> None:
    frames = Frames()
    assert value(frames, "adoptions", MARCH) == 0
    assert value(frames, "sgos", MARCH) == 0
    assert value(frames, "days_care_to_adopters", MARCH) is None
    assert value(frames, "days_order_to_match", MARCH) is None
