"""The scorecard pages' reads: words for figures and changes, periods shown, and the rows behind a figure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from divert.indicators import catalogue, queries
from divert.indicators.periods import Frequency
from tests.conftest import World
from tests.indicators.scorecard_world import AS_AT, more_north_children_in_care, put_world_in_care


def test_a_rise_in_children_entering_care_reads_as_up_and_worse() -> None:
    change = queries.describe_change(catalogue.get("cla_starts"), 4.0)
    assert change == queries.Change("up 4", "↑", "worse")


def test_a_rise_in_children_leaving_care_reads_as_up_and_better() -> None:
    change = queries.describe_change(catalogue.get("cla_ceased"), 3.0)
    assert change == queries.Change("up 3", "↑", "better")


def test_a_fall_in_the_rate_per_10k_is_shown_to_one_decimal_place() -> None:
    change = queries.describe_change(catalogue.get("cla_rate_per_10k"), -0.6687)
    assert change == queries.Change("down 0.7", "↓", "better")


def test_a_change_that_rounds_to_nothing_is_no_change_and_no_verdict() -> None:
    change = queries.describe_change(catalogue.get("cla_count"), 0.2)
    assert change == queries.Change("no change", "→", "")


def test_the_period_is_named_as_a_reader_says_it() -> None:
    assert queries.period_text(Frequency.MONTH, dt.date(2026, 11, 24)) == "month to 24 November 2026"
    assert queries.period_text(Frequency.WEEK, dt.date(2026, 11, 24)) == "week to 24 November 2026"
    assert queries.period_text(Frequency.DAY, dt.date(2026, 11, 24)) == "24 November 2026"
    assert queries.period_name(Frequency.MONTH, dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == "October 2026"


def test_a_span_of_months_gives_that_many_months_or_the_weeks_in_them(world: World) -> None:
    frames = queries.report.frames_for(world.authority.pk)
    assert queries.series_periods(frames, Frequency.MONTH, AS_AT, 24).height == 24
    # 12 months back from Monday 31 March 2025 is 1 April 2024 (a Monday) to 31 March 2025: the
    # weeks starting 1 April 2024 ... 31 March 2025, which is 52 weeks plus the week of the 31st = 53.
    assert queries.series_periods(frames, Frequency.WEEK, AS_AT, 12).height == 53


def test_a_partner_agency_user_may_not_read_the_scorecard(world: World) -> None:
    with pytest.raises(PermissionDenied):
        queries.scorecard_for(world.users["pat"], AS_AT)


def test_the_scorecard_holds_every_indicator_in_the_catalogue_once(world: World) -> None:
    card = queries.scorecard_for(world.users["ana"], AS_AT)
    shown = [c.indicator.id for _, cards in card.sections for c in cards]
    assert shown == [ind.id for ind in catalogue.indicators()]


def test_the_children_behind_a_figure_are_only_those_the_reader_may_see(world: World) -> None:
    put_world_in_care(world)
    alice = queries.members_for(world.users["alice"], catalogue.get("cla_count"), AS_AT)
    # Ava (North) and Sid (South) are both in care; Alice works in the North team.
    assert (alice.total, alice.visible) == (2, 1)
    assert [row.name for row in alice.rows] == ["Ava Northam"]
    analyst = queries.members_for(world.users["ana"], catalogue.get("cla_count"), AS_AT)
    assert (analyst.total, analyst.visible) == (2, 2)


def test_the_rows_behind_a_figure_are_listed_by_name_fifty_a_page(world: World) -> None:
    put_world_in_care(world)
    more_north_children_in_care(world, 3)
    found = queries.members_for(world.users["ana"], catalogue.get("cla_count"), AS_AT)
    # Surnames: Norbury x3 (Nell0, Nell1, Nell2), Northam (Ava), Southey (Sid).
    assert [r.name for r in found.rows] == [
        "Nell0 Norbury",
        "Nell1 Norbury",
        "Nell2 Norbury",
        "Ava Northam",
        "Sid Southey",
    ]
    assert found.page.paginator.per_page == 50


def test_a_breakdown_value_narrows_the_rows_behind_the_figure(world: World) -> None:
    put_world_in_care(world)
    found = queries.members_for(
        world.users["ana"], catalogue.get("cla_count"), AS_AT, narrowing={"team": "South children in care"}
    )
    assert [r.name for r in found.rows] == ["Sid Southey"]
    assert found.total == 1


def test_children_with_no_team_are_found_by_not_recorded(world: World) -> None:
    put_world_in_care(world)
    world.child_south.allocations.all().delete()
    found = queries.members_for(
        world.users["ana"], catalogue.get("cla_count"), AS_AT, narrowing={"team": "Not recorded"}
    )
    assert [r.name for r in found.rows] == ["Sid Southey"]


def test_daily_figures_go_back_a_year_at_most(world: World) -> None:
    page = queries.indicator_page_for(
        world.users["ana"], catalogue.get("cla_count"), AS_AT, Frequency.DAY, None
    )
    # 1 April 2024 to 31 March 2025 is 365 days (no 29 February in that span).
    assert page.capped
    assert len(page.series) == 365
