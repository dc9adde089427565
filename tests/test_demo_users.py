"""Demo accounts exist for every role on a DEBUG installation and never open a production one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import override_settings

from divert.cases.models import ChildProtectionPlan
from divert.core.management.commands.demo_users import DEMO_PASSWORD, DEMO_USERS
from divert.core.models import User
from divert.core.roles import Role
from divert.people.models import Child, Professional, Share
from tests.conftest import World


@override_settings(DEBUG=True, DIVERT_ALLOW_DEMO_USERS=True)
def test_demo_users_cover_every_role_and_can_sign_in(world: World) -> None:
    Team = type(world.north)
    Team.objects.create(authority=world.authority, name="Children in care North", kind="cla")
    Team.objects.create(authority=world.authority, name="MASH", kind="mash")
    call_command("demo_users", verbosity=0)
    roles = set(User.objects.filter(is_demo=True).values_list("role", flat=True))
    assert roles == set(Role.values)
    for username, *_ in DEMO_USERS:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


@override_settings(DEBUG=True, DIVERT_ALLOW_DEMO_USERS=True)
def test_the_police_demo_user_sees_children_on_protection_plans(world: World) -> None:
    ChildProtectionPlan.objects.create(child=world.child_north, start=dt.date(2025, 1, 6), category="NEG")
    call_command("demo_users", verbosity=0)
    officer = User.objects.get(username="police.officer")
    visible = set(Child.objects.restrict(officer, "view"))
    assert world.child_north in visible
    assert Share.objects.get(child=world.child_north, agency="police").shared_by.username == "mash.officer"


@override_settings(DEBUG=True, DIVERT_ALLOW_DEMO_USERS=True)
def test_demo_users_is_idempotent(world: World) -> None:
    world.north.name = "Children in care North"
    world.north.save()
    call_command("demo_users", verbosity=0)
    call_command("demo_users", verbosity=0)
    assert User.objects.filter(is_demo=True).count() == len(DEMO_USERS)
    assert Professional.objects.filter(user__username="social.worker").count() == 1


@override_settings(DEBUG=True, DIVERT_ALLOW_DEMO_USERS=False)
def test_demo_users_are_refused_when_demo_accounts_are_not_allowed(world: World) -> None:
    with override_settings(DIVERT_ALLOW_DEMO_USERS=True):
        call_command("demo_users", verbosity=0)
    assert authenticate(username="social.worker", password=DEMO_PASSWORD) is None
    # A real account still signs in.
    assert authenticate(username="alice", password="correct-horse-battery-staple") is not None


@override_settings(DEBUG=False)
def test_demo_users_command_refuses_a_production_installation(world: World) -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_users", verbosity=0)


@override_settings(DEBUG=True, DIVERT_ALLOW_DEMO_USERS=True)
def test_the_demo_restricts_two_north_records_and_leaves_a_break_glass_alert(world: World) -> None:
    """The demo social worker meets the break-glass page; the head of service has an alert to review."""
    from divert.core.access import can, may_break_glass
    from divert.people.models import Allocation
    from divert.privacy.models import AccessAlert, RestrictedRecord
    from tests.conftest import make_child

    north = type(world.north).objects.create(
        authority=world.authority, name="Children in care North", kind="cla"
    )
    # The demo social worker takes over the busiest worker's cases; the other worker's are restricted.
    busiest = Professional.objects.create(name="Busiest worker", team=north)
    other = Professional.objects.create(name="Other worker", team=north)
    for number, worker in enumerate((busiest, busiest, busiest, other, other)):
        child = make_child(world.authority, f"D000{number}", "Dee", f"Demo{number}", dt.date(2014, 1, 1))
        Allocation.objects.create(child=child, worker=worker, team=north, start=dt.date(2024, 1, 1))
    call_command("demo_users", verbosity=0)
    restricted = [record.child for record in RestrictedRecord.objects.order_by("child_id")]
    social_worker = User.objects.get(username="social.worker")
    assert len(restricted) == 2
    assert not can(social_worker, "view", restricted[0]) and may_break_glass(social_worker, restricted[0])
    assert can(User.objects.get(username="team.manager"), "view", restricted[1])
    alert = AccessAlert.objects.get()
    assert (alert.kind, alert.user.username, alert.acknowledged_at) == ("break_glass", "mash.officer", None)
    call_command("demo_users", verbosity=0)
    assert RestrictedRecord.objects.count() == 2  # run again: nothing more restricted
