"""Foster households, caseloads and qualified allocation, worked by hand."""

from __future__ import annotations

import polars as pl

from divert.indicators import catalogue, compute
from divert.indicators.frames import Frames
from tests.indicators.fd_builders import (
    allocation,
    children,
    episode,
    household,
    members,
    month,
    plan,
    referral,
    register,
    value,
)

MARCH = month("2025-03-31")


def _households() -> Frames:
    return register(
        households=[
            household(1, "2024-01-01"),  # approved, a child placed on the date: active
            household(2, "2024-06-01", "2025-03-31"),  # deregistered on the date: not approved
            household(3, "2025-03-31"),  # approved on the date, no child: inactive
            household(4, "2024-01-01", kind="kinship"),  # connected person: not counted
            household(5, "2025-03-10"),  # its only child left on the date: inactive
            household(6, None),  # still in assessment
        ],
        episodes=[
            episode(11, "2024-05-01", carer=1),
            episode(12, "2024-05-01", carer=4),
            episode(13, "2025-03-10", "2025-03-31", rec="E4A", carer=5),
        ],
    )


def test_approved_foster_households_are_mainstream_households_approved_and_not_deregistered() -> None:
    frames = _households()
    assert value(frames, "foster_households_approved", MARCH) == 3
    assert members(frames, "foster_households_approved", MARCH)["household"].to_list() == [1, 3, 5]


def test_active_households_have_a_child_placed_on_the_date_and_the_rest_are_inactive() -> None:
    frames = _households()
    assert value(frames, "foster_households_active", MARCH) == 1
    active = members(frames, "foster_households_active", MARCH)
    assert active["household"].to_list() == [1]
    assert active["children_placed"].to_list() == [1]
    assert value(frames, "foster_households_inactive", MARCH) == 2
    assert members(frames, "foster_households_inactive", MARCH)["name"].to_list() == [
        "Household 3",
        "Household 5",
    ]


def test_approvals_count_mainstream_households_approved_in_the_month() -> None:
    frames = _households()
    assert value(frames, "foster_approvals", MARCH) == 2
    assert members(frames, "foster_approvals", MARCH)["household"].to_list() == [3, 5]


def _caseloads() -> Frames:
    return register(
        allocations=[
            allocation(1, 10, "2025-01-01"),
            allocation(2, 10, "2025-02-01"),
            allocation(3, 10, "2025-01-01", "2025-03-31"),  # its last day is the date: still held
            allocation(4, 11, "2025-01-01", team="South"),
            allocation(5, 12, "2025-01-01", "2025-03-30"),  # ended the day before
        ]
    )


def test_caseload_is_allocations_open_on_the_date_per_worker_holding_one() -> None:
    frames = _caseloads()
    # 4 allocations held by workers 10 and 11: 4 / 2 = 2.0.
    assert value(frames, "caseload_per_worker", MARCH) == 2.0
    assert children(frames, "caseload_per_worker", MARCH) == [1, 2, 3, 4]


def test_caseload_by_team_divides_each_team_by_its_own_workers() -> None:
    frames = _caseloads()
    split = compute.breakdown(frames, catalogue.get("caseload_per_worker"), MARCH, "team")
    assert dict(split.select("team", "value").iter_rows()) == {"North": 3.0, "South": 1.0}


def test_open_cases_allocated_to_a_qualified_worker() -> None:
    frames = register(
        episodes=[episode(1, "2024-01-01")],
        cp_plans=[plan(2, "2025-01-01")],
        referrals=[
            referral(1, "2023-12-01", id=1),  # in care and in need: one child, shown as in care
            referral(3, "2025-02-01", id=3),
            referral(4, "2025-02-01", id=4),
            referral(5, "2025-01-01", "2025-03-01", id=5),  # case closed: not in the figure
            referral(6, "2025-01-01", id=6),
        ],
        allocations=[
            allocation(1, 10, "2024-01-01"),
            allocation(2, 20, "2025-01-01", qualified=False),
            allocation(4, 20, "2025-02-01", qualified=False),
            allocation(4, 10, "2025-02-01"),
            allocation(5, 10, "2025-01-01"),
            allocation(6, 10, "2025-01-01", "2025-03-30"),  # qualified worker left the day before
        ],
    )
    # Open cases: 1, 2, 3, 4, 6 = 5; with a qualified worker: 1, 4 = 2; 40%.
    assert value(frames, "allocated_qualified_pct", MARCH) == 40.0
    assert children(frames, "allocated_qualified_pct", MARCH) == [1, 4]
    cases = members(frames, "allocated_qualified_pct", MARCH, denominator=True)
    assert cases["child"].to_list() == [1, 2, 3, 4, 6]
    assert cases["case"].to_list() == [
        "In care",
        "Child protection plan",
        "Child in need",
        "Child in need",
        "Child in need",
    ]
    gap = cases.filter(pl.col("num") == 0)["child"].to_list()
    assert gap == [2, 3, 6]


def test_an_empty_register_gives_no_households_and_no_caseload() -> None:
    frames = Frames()
    for indicator in ("foster_households_approved", "foster_households_active", "foster_approvals"):
        assert value(frames, indicator, MARCH) == 0
    assert value(frames, "caseload_per_worker", MARCH) is None
    assert value(frames, "allocated_qualified_pct", MARCH) is None
