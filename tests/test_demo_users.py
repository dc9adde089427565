"""Demo accounts exist for every role on a DEBUG installation and never open a production one."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import override_settings

from divert.core.management.commands.demo_users import DEMO_PASSWORD, DEMO_USERS
from divert.core.models import User
from divert.core.roles import Role
from divert.people.models import Professional
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
