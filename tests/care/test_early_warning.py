"""The early-warning lists: children who moved in the last 12 months, those one move from three, and
placements flagged at risk, each with whether a team around the child has met since the warning began.

Every chronology is on 31 March 2025: the 12 months run from 1 April 2024 (the day after the same
date a year earlier) to 31 March 2025, as the stability indicators count them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.conftest import World, make_child

from divert.care.models import Episode, PlacementRiskFlag, TeamAroundChildMeeting
from divert.care.queries import early_warning
from divert.cases.queries import Filters
from divert.core.models import AuditEvent
from divert.people.models import Allocation, Child, Professional

D = dt.date
DAY = D(2025, 3, 31)


def _child(world: World, name: str, team: str = "north") -> Child:
    """A child of the world's authority allocated to Alice (North) or Sam (South) since 2022."""
    child = make_child(world.authority, f"EW{name[:6]}", name, "Tester", D(2012, 1, 1))
    worker = Professional.objects.get(user=world.users["alice" if team == "north" else "sam"])
    Allocation.objects.create(child=child, worker=worker, team=worker.team, start=D(2022, 1, 1))
    return child


def _history(child: Child, *changes: tuple[str, str, str], start: str = "2023-01-01", ls: str = "C2") -> None:
    """Episodes from ``start``: each change is (day, RNE, PLACE); L changes the legal status only."""
    days = [start, *(day for day, _, _ in changes)]
    rnes = ["S", *(rne for _, rne, _ in changes)]
    places = ["U4", *(place for _, _, place in changes)]
    status = ls
    for i, (day, rne, place) in enumerate(zip(days, rnes, places, strict=True)):
        status = ("C1" if status == "C2" else "C2") if rne == "L" else status
        end = days[i + 1] if i + 1 < len(days) else None
        Episode.objects.create(
            child=child,
            decom=dt.date.fromisoformat(day),
            rne=rne,
            ls=status,
            cin="N1",
            place=place,
            place_provider="PR1",
            carer=None,
            dec=dt.date.fromisoformat(end) if end else None,
            rec="X1" if end else "",
        )


@pytest.fixture
def register(world: World) -> dict[str, Child]:
    """Seven children in care on 31 March 2025 (all North unless said).

    Amy: moves 1 Jun 2024 and 10 Jan 2025: 2 moves, so on "moved" and "one move from three".
    Ben: legal status only (L) 1 Jun 2024, move 1 Sep 2024: 1 move (the L is not a move).
    Cal: move on 31 Mar 2024, exactly 12 months ago: no move in the window.
    Dot: moves 1 May, 1 Aug and 1 Dec 2024: 3 moves, "moved" only (already past three placements).
    Eve: in hospital (T1) 1-10 Aug 2024 and back to the same placement: no move.
    Fay: on short breaks (V4) with a change of placement 1 Jun 2024: not in care, so on no list.
    Gus (South): a move on 31 Mar 2025, the day itself: 1 move.
    """
    found = {name: _child(world, name) for name in ("Amy", "Ben", "Cal", "Dot", "Eve", "Fay")}
    found["Gus"] = _child(world, "Gus", team="south")
    _history(found["Amy"], ("2024-06-01", "P", "U4"), ("2025-01-10", "P", "U4"))
    _history(found["Ben"], ("2024-06-01", "L", "U4"), ("2024-09-01", "P", "U4"))
    _history(found["Cal"], ("2024-03-31", "P", "U4"))
    _history(found["Dot"], ("2024-05-01", "P", "U4"), ("2024-08-01", "P", "U4"), ("2024-12-01", "P", "U4"))
    _history(found["Eve"], ("2024-08-01", "P", "T1"), ("2024-08-10", "P", "U4"))
    _history(found["Fay"], ("2024-06-01", "P", "U4"), ls="V4")
    _history(found["Gus"], ("2025-03-31", "P", "U4"))
    return found


def _names(rows) -> dict[str, int]:
    return {row.child.first_name: row.moves for row in rows}


def test_the_moved_list_counts_moves_as_the_stability_indicators_do(world: World, register) -> None:
    found = early_warning(world.users["hos"], world.authority.pk, Filters(), DAY)
    # Amy 2, Ben 1 (L not counted), Dot 3, Gus 1 (today); Cal's move a year ago to the day, Eve's
    # hospital stay and Fay's short breaks are not moves in the window.
    assert _names(found.moved) == {"Dot": 3, "Amy": 2, "Ben": 1, "Gus": 1}
    assert [row.child.first_name for row in found.moved] == ["Dot", "Amy", "Ben", "Gus"]  # most moves first


def test_one_move_from_three_is_exactly_two_moves_and_counts_from_the_second(world: World, register) -> None:
    found = early_warning(world.users["hos"], world.authority.pk, Filters(), DAY)
    # Amy has 2 moves (3 placements); Dot's 3 moves are past three, Ben's 1 is two away.
    assert _names(found.near_three) == {"Amy": 2}
    assert found.near_three[0].since == D(2025, 1, 10)
    amy = next(row for row in found.moved if row.child.first_name == "Amy")
    assert amy.since == D(2024, 6, 1)


def test_a_move_a_year_and_a_day_ago_drops_off_the_list_the_next_day(world: World, register) -> None:
    # On 30 March 2025 the window opens 31 March 2024: Cal's move is inside it, Gus's not yet made.
    found = early_warning(world.users["hos"], world.authority.pk, Filters(), D(2025, 3, 30))
    assert _names(found.moved) == {"Dot": 3, "Amy": 2, "Ben": 1, "Cal": 1}


def test_a_meeting_counts_only_if_held_since_the_warning_began(world: World, register) -> None:
    amy = register["Amy"]
    TeamAroundChildMeeting.objects.create(
        child=amy, date=D(2024, 5, 20), reason="moved", attendees="Carer", agreed="Support"
    )
    TeamAroundChildMeeting.objects.create(
        child=amy, date=D(2024, 7, 1), reason="moved", attendees="Carer", agreed="Support"
    )
    found = early_warning(world.users["hos"], world.authority.pk, Filters(), DAY)
    # The 1 July meeting follows the first move (1 June) but not the second (10 January): held for
    # the "moved" list, not yet for "one move from three". The 20 May one was before either.
    assert next(row for row in found.moved if row.child == amy).meeting == D(2024, 7, 1)
    assert found.near_three[0].meeting is None
    assert [count[2:] for count in found.counts] == [(4, 3), (1, 1), (0, 0)]


def test_open_flags_are_listed_with_their_meeting_and_resolved_ones_are_not(world: World, register) -> None:
    ben, eve = register["Ben"], register["Eve"]
    current = Episode.objects.get(child=ben, dec__isnull=True)
    flag = PlacementRiskFlag.objects.create(
        child=ben, episode=current, raised=D(2025, 3, 1), raised_by="foster_carer", reason="Carer struggling"
    )
    PlacementRiskFlag.objects.create(
        child=eve,
        episode=Episode.objects.get(child=eve, dec__isnull=True),
        raised=D(2024, 10, 1),
        raised_by="social_worker",
        reason="Worry",
        resolved=D(2024, 11, 1),
        outcome="stabilised",
    )
    TeamAroundChildMeeting.objects.create(
        child=ben, date=D(2025, 3, 8), reason="at_risk", flag=flag, attendees="Carer", agreed="Respite"
    )
    found = early_warning(world.users["hos"], world.authority.pk, Filters(), DAY)
    assert [(row.child, row.flag, row.since, row.meeting, row.moves) for row in found.at_risk] == [
        (ben, flag, D(2025, 3, 1), D(2025, 3, 8), 1)
    ]


def test_the_lists_are_narrowed_to_the_children_the_user_may_see_and_the_team_chosen(
    world: World, register
) -> None:
    # Sam (South) sees only Gus; the head of service filtering to North sees all but Gus.
    found = early_warning(world.users["sam"], world.authority.pk, Filters(), DAY)
    assert _names(found.moved) == {"Gus": 1}
    found = early_warning(world.users["hos"], world.authority.pk, Filters(team=world.north), DAY)
    assert _names(found.moved) == {"Dot": 3, "Amy": 2, "Ben": 1}
    worker = Professional.objects.get(user=world.users["sam"])
    found = early_warning(world.users["hos"], world.authority.pk, Filters(worker=worker), DAY)
    assert _names(found.moved) == {"Gus": 1}


def test_only_those_who_may_change_the_record_get_the_record_a_meeting_link(world: World, register) -> None:
    found = early_warning(world.users["alice"], world.authority.pk, Filters(), DAY)
    assert all(row.may_change for row in found.moved)
    found = early_warning(world.users["ana"], world.authority.pk, Filters(), DAY)
    assert not any(row.may_change for row in found.moved)


def test_the_page_lists_and_links_and_is_audited_in_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    today = timezone.localdate()
    for name in ("Ivy", "Jon", "Kit", "Lou"):
        # In care 400 days; moved 100 and 50 days ago: on "moved" and "one move from three".
        days = [(today - dt.timedelta(days=n)).isoformat() for n in (400, 100, 50)]
        _history(_child(world, name), (days[1], "P", "U4"), (days[2], "P", "U4"), start=days[0])
    client.force_login(world.users["tom"])
    with django_assert_max_num_queries(16):  # the same for four children as for forty
        page = client.get(reverse("care:early_warning")).content.decode()
    assert page.count(">Lou Tester</a>") == 2  # on two lists
    assert page.count("Record a meeting<span") == 8
    assert AuditEvent.objects.filter(actor=world.users["tom"], note="Early warning").exists()
    page = client.get(reverse("care:early_warning"), {"team": "nonsense"}).content.decode()
    assert "Select a team from the list" in page


def test_the_index_page_links_to_the_early_warning_and_end_dates(client: Client, world: World) -> None:
    client.force_login(world.users["alice"])
    page = client.get(reverse("care:index")).content.decode()
    assert reverse("care:early_warning") in page and reverse("care:end_dates") in page
