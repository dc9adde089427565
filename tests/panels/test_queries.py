"""The programme's definitions, on hand-made registers: entries against the cap and how each
child came in, the 3- and 12-month follow-up, and placements made without approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from divert.care.models import Provider
from divert.indicators.models import IndicatorTarget
from divert.panels import queries
from divert.panels.queries import HowEntered
from tests.conftest import World
from tests.panels.conftest import approved_request, decided, emergency, episode, meeting, proposal

D = dt.date
MARCH = D(2025, 3, 1)


def _how(world: World, user: str = "hos") -> dict[str, HowEntered]:
    entries = queries.classified_entries(world.users[user], world.authority.pk, MARCH, D(2025, 3, 31))
    return {e.child.first_name: e.how for e in entries}


# --- Calendar months ---------------------------------------------------------------------------


def test_adding_months_keeps_the_day_within_the_month() -> None:
    assert queries.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert queries.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert queries.add_months(D(2025, 11, 15), 3) == D(2026, 2, 15)
    assert queries.add_months(D(2025, 3, 1), -12) == D(2024, 3, 1)


def test_a_month_parameter_is_read_as_its_first_day_or_not_at_all() -> None:
    assert queries.parse_month("2025-03") == MARCH
    assert queries.parse_month("2025-13") is None
    assert queries.parse_month("March") is None
    assert queries.parse_month(None) is None


# --- Entries to care and how they came in ------------------------------------------------------


def test_entries_are_counted_as_the_scorecard_counts_starts(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    episode(ava, D(2025, 3, 3), dec=D(2025, 3, 10), rec="X1")
    episode(ava, D(2025, 3, 10), rne="P")  # a move, not an entry
    episode(sid, D(2025, 3, 12), ls="V3", dec=D(2025, 3, 14), rec="E8")  # a short break
    episode(sid, D(2025, 4, 1))  # next month
    episode(world.child_elsewhere, D(2025, 3, 5))  # another council's
    entries = queries.entries_to_care(world.authority.pk, MARCH, D(2025, 3, 31))
    assert [(e.child, e.decom) for e in entries] == [(ava, D(2025, 3, 3))]


def test_exits_exclude_moves_and_short_breaks(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    episode(ava, D(2025, 1, 3), dec=D(2025, 3, 10), rec="X1")
    episode(ava, D(2025, 3, 10), rne="P", dec=D(2025, 3, 20), rec="E13")
    episode(sid, D(2025, 3, 12), ls="V4", dec=D(2025, 3, 14), rec="E8")
    assert queries.exits_from_care(world.authority.pk, MARCH, D(2025, 3, 31)).count() == 1


def test_an_entry_after_an_accommodate_decision_came_through_the_panel(world: World) -> None:
    decided(world.child_north, D(2025, 2, 20))
    episode(world.child_north, D(2025, 3, 3))
    assert _how(world) == {"Ava": HowEntered.THROUGH_PANEL}


def test_the_panel_may_sit_on_the_day_of_the_entry_and_no_more_than_90_days_before(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    decided(ava, D(2025, 3, 10))
    episode(ava, D(2025, 3, 10))
    decided(sid, D(2025, 3, 20) - dt.timedelta(days=91))
    episode(sid, D(2025, 3, 20))
    assert _how(world) == {"Ava": HowEntered.THROUGH_PANEL, "Sid": HowEntered.NO_PANEL}


def test_exactly_90_days_before_still_counts(world: World) -> None:
    decided(world.child_north, D(2025, 3, 20) - dt.timedelta(days=90))
    episode(world.child_north, D(2025, 3, 20))
    assert _how(world) == {"Ava": HowEntered.THROUGH_PANEL}


def test_a_panel_after_the_entry_or_a_diversion_does_not_count(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    decided(ava, D(2025, 3, 11))
    episode(ava, D(2025, 3, 10))
    decided(sid, D(2025, 3, 1), decision="divert")
    episode(sid, D(2025, 3, 10))
    assert _how(world) == {"Ava": HowEntered.NO_PANEL, "Sid": HowEntered.NO_PANEL}


def test_an_emergency_on_the_day_of_entry_is_reviewed_or_awaiting_review(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    emergency(ava, D(2025, 3, 5), meeting=meeting(ava, D(2025, 3, 12)), decision="accommodate")
    episode(ava, D(2025, 3, 5))
    emergency(sid, D(2025, 3, 7))
    episode(sid, D(2025, 3, 7))
    assert _how(world) == {"Ava": HowEntered.EMERGENCY_REVIEWED, "Sid": HowEntered.EMERGENCY_AWAITING}


def test_an_emergency_on_another_day_is_not_this_entry(world: World) -> None:
    emergency(world.child_north, D(2025, 3, 4))
    episode(world.child_north, D(2025, 3, 5))
    assert _how(world) == {"Ava": HowEntered.NO_PANEL}


def test_an_emergency_on_an_agenda_but_not_yet_decided_is_awaiting_review(world: World) -> None:
    ava = world.child_north
    emergency(ava, D(2025, 3, 5), meeting=meeting(ava, D(2025, 3, 12)))
    episode(ava, D(2025, 3, 5))
    assert _how(world) == {"Ava": HowEntered.EMERGENCY_AWAITING}


def test_the_month_is_counted_against_the_cap_and_the_exit_target(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    decided(ava, D(2025, 3, 1))
    episode(ava, D(2025, 3, 3))
    emergency(sid, D(2025, 3, 7))
    episode(sid, D(2025, 3, 7), dec=D(2025, 3, 25), rec="E13")
    [march] = queries.months_figures(world.users["hos"], world.authority.pk, MARCH, count=1)
    assert (march.entries, march.cap, march.through_panel, march.emergencies, march.no_panel) == (
        2,
        8,
        1,
        1,
        0,
    )
    assert (march.exits, march.target, march.emergencies_awaiting) == (1, 10, 1)
    assert not march.over_cap and march.under_target


def test_the_authority_s_own_cap_is_the_scorecard_s(world: World) -> None:
    IndicatorTarget.objects.create(authority=world.authority, indicator="cla_starts", target=Decimal(1))
    for day in (3, 4):
        child = world.child_north if day == 3 else world.child_south
        episode(child, D(2025, 3, day))
    [march] = queries.months_figures(world.users["hos"], world.authority.pk, MARCH, count=1)
    assert (march.entries, march.cap, march.over_cap) == (2, 1, True)


def test_twelve_months_of_history_end_with_the_month_asked_for(world: World) -> None:
    episode(world.child_north, D(2024, 4, 2), dec=D(2024, 4, 30), rec="E13")
    episode(world.child_north, D(2025, 3, 2))
    history = queries.months_figures(world.users["hos"], world.authority.pk, MARCH)
    assert [m.month for m in history][:2] == [MARCH, D(2025, 2, 1)]
    assert history[-1].month == D(2024, 4, 1)
    assert (history[0].entries, history[-1].entries, history[-1].exits) == (1, 1, 1)


def test_the_month_lists_only_children_the_reader_may_see_but_counts_all(world: World) -> None:
    episode(world.child_north, D(2025, 3, 3))
    episode(world.child_south, D(2025, 3, 4))
    page = queries.month_page(world.users["alice"], world.authority.pk, MARCH, on=D(2025, 6, 1))
    assert [e.child.first_name for e in page.entries] == ["Ava"]
    assert (page.figures.entries, page.hidden) == (2, 1)
    assert (page.previous, page.following) == (D(2025, 2, 1), D(2025, 4, 1))


# --- Follow-up ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "on", "three", "twelve"),
    [
        ([D(2025, 3, 10)], D(2026, 6, 1), True, True),  # the meeting's own day counts
        ([D(2025, 6, 10)], D(2026, 6, 1), True, True),  # the last day of 3 months
        ([D(2025, 6, 11)], D(2026, 6, 1), False, True),
        ([D(2026, 3, 11)], D(2026, 6, 1), False, False),  # a day past 12 months
        ([D(2025, 3, 9)], D(2026, 6, 1), False, False),  # before the meeting
        ([], D(2025, 5, 1), None, None),  # both windows still open
        ([], D(2025, 7, 1), False, None),
        ([D(2025, 8, 1)], D(2025, 9, 1), False, True),  # known yes before the window closes
    ],
)
def test_follow_up_at_3_and_12_months(entries: list[dt.date], on: dt.date, three: bool, twelve: bool) -> None:
    meeting_day = D(2025, 3, 10)
    assert queries.follow_up(meeting_day, entries, 3, on).accommodated is three
    assert queries.follow_up(meeting_day, entries, 12, on).accommodated is twelve


def test_a_proposal_s_follow_ups_read_its_child_s_entries(world: World) -> None:
    diverted = decided(world.child_north, D(2025, 3, 10), decision="divert")
    episode(world.child_north, D(2025, 8, 1), dec=D(2025, 9, 1), rec="E13")
    episode(world.child_north, D(2025, 9, 10), ls="V3")  # a short break is not an entry
    three, twelve = queries.follow_ups(diverted, on=D(2025, 10, 1))
    assert (three.months, three.accommodated, three.until) == (3, False, D(2025, 6, 10))
    assert (twelve.months, twelve.accommodated, twelve.entry) == (12, True, D(2025, 8, 1))


def test_an_undecided_proposal_has_no_follow_up(world: World) -> None:
    assert queries.follow_ups(proposal(world.child_north, D(2025, 3, 10))) == []


# --- Placements without approval -----------------------------------------------------------------


@pytest.fixture
def agency(world: World) -> Provider:
    return Provider.objects.create(
        authority=world.authority, name="Hilltop House", kind="childrens_home", place_provider="PR4"
    )


def _unapproved(world: World, user: str = "hos") -> list[tuple[str, dt.date]]:
    found = queries.unapproved_placements(world.users[user], world.authority.pk, MARCH, D(2025, 3, 31))
    return [(row.episode.child.first_name, row.episode.decom) for row in found.rows]


def test_independent_or_costly_placements_need_approval(world: World, agency: Provider) -> None:
    ava, sid = world.child_north, world.child_south
    episode(ava, D(2025, 3, 3), place="K2", place_provider="PR4", provider=agency, weekly_cost=Decimal(900))
    episode(sid, D(2025, 3, 4), weekly_cost=Decimal(1000), dec=D(2025, 3, 10), rec="X1")
    episode(sid, D(2025, 3, 10), rne="L", ls="C1", weekly_cost=Decimal(1000))  # same placement
    episode(world.child_elsewhere, D(2025, 3, 4), place_provider="PR5")
    assert _unapproved(world) == [("Ava", D(2025, 3, 3)), ("Sid", D(2025, 3, 4))]


def test_cheap_in_house_placements_and_short_breaks_need_none(world: World) -> None:
    episode(world.child_north, D(2025, 3, 3), weekly_cost=Decimal("999.99"))
    episode(world.child_south, D(2025, 3, 4), ls="V3", place_provider="PR4", dec=D(2025, 3, 5), rec="E8")
    assert _unapproved(world) == []


def test_an_approval_linked_to_the_placement_covers_it(world: World) -> None:
    placement = episode(world.child_north, D(2025, 3, 3), place_provider="PR4")
    approved_request(world.child_north, D(2024, 6, 1), episode=placement)
    assert _unapproved(world) == []


def test_an_unlinked_approval_covers_a_placement_up_to_90_days_later(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    episode(ava, D(2025, 3, 3), place_provider="PR4")
    approved_request(ava, D(2025, 3, 3) - dt.timedelta(days=90))
    episode(sid, D(2025, 3, 4), place_provider="PR4")
    approved_request(sid, D(2025, 3, 4) - dt.timedelta(days=91))
    assert _unapproved(world) == [("Sid", D(2025, 3, 4))]


def test_an_approval_after_the_placement_or_declined_does_not_cover_it(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    episode(ava, D(2025, 3, 3), place_provider="PR4")
    approved_request(ava, D(2025, 3, 4))
    episode(sid, D(2025, 3, 4), place_provider="PR4")
    approved_request(sid, D(2025, 3, 1), decision="decline")
    assert _unapproved(world) == [("Ava", D(2025, 3, 3)), ("Sid", D(2025, 3, 4))]


def test_unapproved_placements_list_only_children_the_reader_may_see(world: World) -> None:
    episode(world.child_north, D(2025, 3, 3), place_provider="PR4")
    episode(world.child_south, D(2025, 3, 4), place_provider="PR4")
    found = queries.unapproved_placements(world.users["alice"], world.authority.pk, MARCH, D(2025, 3, 31))
    assert ([r.episode.child.first_name for r in found.rows], found.total, found.hidden) == (["Ava"], 2, 1)


# --- The options appraisal -----------------------------------------------------------------------


def test_options_are_costed_for_a_year_against_the_cheapest_available(world: World) -> None:
    request = approved_request(world.child_north, D(2025, 3, 1))
    request.options.create(kind="in_house", placement="In-house foster care", weekly_cost=Decimal(450))
    request.options.create(
        kind="kinship", placement="Kinship foster care", weekly_cost=Decimal(300), available=False
    )
    rows = {row.option.placement: row for row in queries.appraisal(request)}
    in_house, kinship, home = (
        rows["In-house foster care"],
        rows["Kinship foster care"],
        rows["Residential: independent"],
    )
    assert (in_house.cheapest, in_house.annual_cost, in_house.weekly_difference) == (True, 23400, 0)
    assert (kinship.cheapest, kinship.weekly_difference) == (False, -150)
    assert (home.annual_cost, home.weekly_difference, home.annual_difference) == (218400, 3750, 195000)
