"""``divert.core.access.restrict``: which children (and their records) each role may see or change.

One table of roles against children, asserted for ``Child`` itself and for a child-linked model
(``Episode``), then the edges: ended allocations and shares, other agencies, inactive users.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from divert.care.models import Episode, Provider
from divert.core.access import can, get_for_user, restrict
from divert.core.models import User
from divert.core.roles import Role
from divert.people.models import Allocation, Child, Professional, Share

AVA, SID, ELI = "N0001", "S0001", "E0001"
BOTH = {AVA, SID}

CAN_VIEW = {
    "alice": {AVA},
    "tom": {AVA},
    "sam": {SID},
    "mo": BOTH,
    "pat": {SID},
    "ana": BOTH,
    "hos": BOTH,
    "fin": BOTH,
    "adam": set(),
}
CAN_CHANGE = {
    "alice": {AVA},
    "tom": {AVA},
    "sam": {SID},
    "mo": BOTH,
    "pat": set(),
    "ana": set(),
    "hos": set(),
    "fin": set(),
    "adam": set(),
}
TABLE = [(user, "view", ids) for user, ids in CAN_VIEW.items()] + [
    (user, "change", ids) for user, ids in CAN_CHANGE.items()
]


def today() -> dt.date:
    return timezone.localdate()


def visible_children(user, action="view") -> set[str]:
    return set(restrict(Child.objects.all(), user, action).values_list("child_id", flat=True))


def visible_episodes(user, action="view") -> set[str]:
    return set(restrict(Episode.objects.all(), user, action).values_list("child__child_id", flat=True))


@pytest.fixture
def episodes(world):
    """One open episode for each of Ava, Sid and Eli (Eli is in another council)."""
    for child in (world.child_north, world.child_south, world.child_elsewhere):
        Episode.objects.create(child=child, decom=dt.date(2024, 2, 1), rne="S", ls="C2", cin="N1", place="U4")


@pytest.mark.parametrize(("username", "action", "expected"), TABLE)
def test_each_role_sees_exactly_its_children(world, username, action, expected):
    assert visible_children(world.users[username], action) == expected


@pytest.mark.parametrize(("username", "action", "expected"), TABLE)
def test_each_role_sees_exactly_the_episodes_of_its_children(world, episodes, username, action, expected):
    assert visible_episodes(world.users[username], action) == expected


def test_the_queryset_method_and_the_function_agree(world, episodes):
    alice = world.users["alice"]
    assert list(Episode.objects.restrict(alice, "view")) == list(
        restrict(Episode.objects.all(), alice, "view")
    )


@pytest.mark.parametrize("username", ["ana", "hos", "fin", "pat"])
def test_roles_that_only_read_may_not_change_any_child(world, username):
    user = world.users[username]
    assert visible_children(user, "view")
    assert not can(user, "change", world.child_south)
    assert visible_children(user, "change") == set()


# Team scope follows the current allocation only


def test_a_social_worker_cannot_see_another_teams_child(world):
    with pytest.raises(Http404):
        get_for_user(Child.objects.all(), world.users["alice"], pk=world.child_south.pk)


def test_an_ended_allocation_gives_the_team_no_access(world):
    Allocation.objects.filter(child=world.child_north).update(end=today() - dt.timedelta(days=1))
    assert visible_children(world.users["alice"]) == set()
    assert visible_children(world.users["tom"]) == set()


def test_an_allocation_ending_today_still_gives_access_today(world):
    Allocation.objects.filter(child=world.child_north).update(end=today())
    assert visible_children(world.users["alice"]) == {AVA}


def test_an_allocation_that_has_not_started_gives_no_access_yet(world):
    Allocation.objects.filter(child=world.child_north).update(start=today() + dt.timedelta(days=1))
    assert visible_children(world.users["alice"]) == set()


def test_a_child_moved_to_another_team_leaves_the_old_team(world):
    """Ava's North allocation ended and South holds her now: the conditions must apply to one allocation."""
    ava = world.child_north
    Allocation.objects.filter(child=ava).update(end=today() - dt.timedelta(days=1))
    sam_worker = Professional.objects.get(name="Sam Tester")
    Allocation.objects.create(child=ava, worker=sam_worker, team=world.south, start=today())

    assert visible_children(world.users["alice"]) == set()
    assert visible_children(world.users["sam"]) == BOTH


def test_two_allocations_to_one_team_do_not_duplicate_the_child(world, episodes):
    worker = Professional.objects.get(name="Alice Tester")
    Allocation.objects.create(
        child=world.child_north, worker=worker, team=world.north, start=dt.date(2024, 2, 1)
    )
    assert restrict(Child.objects.all(), world.users["alice"]).count() == 1
    assert restrict(Episode.objects.all(), world.users["alice"]).count() == 1


# Partners see only what was shared with their agency, while the share lasts


def test_a_partner_sees_only_children_shared_with_their_agency(world):
    nurse = User.objects.create_user(
        "nina", role=Role.PARTNER, authority=world.authority, agency="health", password="unused-password-1"
    )
    assert visible_children(nurse) == set()
    assert visible_children(world.users["pat"]) == {SID}


def test_an_ended_share_gives_the_partner_no_access(world):
    Share.objects.filter(child=world.child_south).update(end=today() - dt.timedelta(days=1))
    assert visible_children(world.users["pat"]) == set()


def test_a_share_ending_today_still_gives_access_today(world):
    Share.objects.filter(child=world.child_south).update(end=today())
    assert visible_children(world.users["pat"]) == {SID}


def test_a_share_that_has_not_started_gives_no_access_yet(world):
    Share.objects.filter(child=world.child_south).update(start=today() + dt.timedelta(days=1))
    assert visible_children(world.users["pat"]) == set()


def test_an_ended_share_with_another_agency_does_not_combine_with_a_current_one(world):
    """An ended police share and a current health share: the police officer sees nothing."""
    Share.objects.filter(child=world.child_south).update(end=today() - dt.timedelta(days=1))
    Share.objects.create(child=world.child_south, agency="health", reason="Health assessment", start=today())
    assert visible_children(world.users["pat"]) == set()


# Nobody else


@pytest.mark.parametrize("username", list(CAN_VIEW))
def test_an_inactive_user_sees_nothing(world, episodes, username):
    user = world.users[username]
    user.is_active = False
    user.save()
    assert visible_children(user) == set()
    assert visible_episodes(user) == set()


def test_an_anonymous_visitor_sees_nothing(world, episodes):
    assert visible_children(AnonymousUser()) == set()
    assert visible_episodes(AnonymousUser()) == set()


def test_a_missing_child_and_a_forbidden_child_give_the_same_404(world):
    pat = world.users["pat"]
    with pytest.raises(Http404) as forbidden:
        get_for_user(Child.objects.all(), pat, pk=world.child_north.pk)
    with pytest.raises(Http404) as missing:
        get_for_user(Child.objects.all(), pat, pk=999_999)
    assert str(forbidden.value) == str(missing.value)
    assert get_for_user(Child.objects.all(), pat, pk=world.child_south.pk) == world.child_south


def test_records_not_about_a_child_are_not_narrowed(world):
    Provider.objects.create(
        authority=world.authority, name="Hilltop", kind="childrens_home", place_provider="PR4"
    )
    assert restrict(Provider.objects.all(), world.users["adam"]).count() == 1
