"""Shared fixtures: one small authority, two teams, and a named user for every role.

Who they are (healthchecks' ``hc/test.py`` style):
- ``alice`` is a social worker in the North children-in-care team; Ava (``child_north``) is hers.
- ``tom`` manages the North team.
- ``sam`` is a social worker in the South team; Sid (``child_south``) is theirs, not Alice's.
- ``mo`` is a MASH officer and sees every child in the authority.
- ``pat`` is a police officer (partner agency); only Sid has been shared with the police.
- ``ana`` is a performance analyst, ``hos`` a head of service, ``fin`` in finance and
  commissioning: all see the whole authority, none may change a record.
- ``adam`` administers reference data and sees no child at all.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection, models
from django.test import Client

from divert.core.models import AuditEvent, Authority, User
from divert.core.roles import Role
from divert.people.models import Allocation, Child, Professional, Share, Team
from divert.signin.session import VERIFIED_SESSION_KEY

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    authority: Authority
    other_authority: Authority
    north: Team
    south: Team
    users: dict[str, User]
    child_north: Child
    child_south: Child
    child_elsewhere: Child


def make_user(
    username: str, role: str, authority: Authority, team: Team | None = None, agency: str = ""
) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name="Tester",
        role=role,
        authority=authority,
        team=team,
        agency=agency,
    )


def make_child(
    authority: Authority, child_id: str, first: str, last: str, dob: dt.date, **extra: object
) -> Child:
    return Child.objects.create(
        authority=authority,
        child_id=child_id,
        first_name=first,
        last_name=last,
        sex="F",
        date_of_birth=dob,
        **extra,
    )


def build_world() -> World:
    authority = Authority.objects.create(code="E06000026", la_number=879, name="Plymptown Council")
    other = Authority.objects.create(code="E06000031", la_number=874, name="Elsewhere Council")
    north = Team.objects.create(
        authority=authority, name="North children in care", kind=Team.Kind.CHILDREN_IN_CARE
    )
    south = Team.objects.create(
        authority=authority, name="South children in care", kind=Team.Kind.CHILDREN_IN_CARE
    )
    users = {
        "alice": make_user("alice", Role.SOCIAL_WORKER, authority, north),
        "tom": make_user("tom", Role.TEAM_MANAGER, authority, north),
        "sam": make_user("sam", Role.SOCIAL_WORKER, authority, south),
        "mo": make_user("mo", Role.MASH_OFFICER, authority),
        "pat": make_user("pat", Role.PARTNER, authority, agency="police"),
        "ana": make_user("ana", Role.ANALYST, authority),
        "hos": make_user("hos", Role.HEAD_OF_SERVICE, authority),
        "fin": make_user("fin", Role.FINANCE, authority),
        "adam": make_user("adam", Role.ADMIN, authority),
    }
    alice_worker = Professional.objects.create(name="Alice Tester", team=north, user=users["alice"])
    sam_worker = Professional.objects.create(name="Sam Tester", team=south, user=users["sam"])
    ava = make_child(authority, "N0001", "Ava", "Northam", dt.date(2012, 5, 17), home_postcode="PL4 8AA")
    sid = make_child(authority, "S0001", "Sid", "Southey", dt.date(2015, 2, 3), home_postcode="PL1 2AA")
    eli = make_child(other, "E0001", "Eli", "Elsewhere", dt.date(2014, 9, 9))
    Allocation.objects.create(child=ava, worker=alice_worker, team=north, start=dt.date(2024, 1, 1))
    Allocation.objects.create(child=sid, worker=sam_worker, team=south, start=dt.date(2024, 1, 1))
    Share.objects.create(
        child=sid, agency="police", reason="Joint section 47 enquiry", start=dt.date(2024, 1, 1)
    )
    return World(authority, other, north, south, users, ava, sid, eli)


@pytest.fixture(autouse=True)
def _test_logins_carry_a_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login`` and ``client.login`` stand for a completed sign-in, second factor included.

    Tests of other things sign in this way; the second factor's own tests (``tests/signin/``)
    sign in through the real pages instead.
    """
    original = Client._login

    def _login(self: Client, user: User, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[VERIFIED_SESSION_KEY] = "test"
        session.save()

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


NothingWritten = Callable[..., AbstractContextManager[None]]


@pytest.fixture
def nothing_written() -> NothingWritten:
    """Assert that a refused action left no new row behind, and no audit row either.

    Use it around ``pytest.raises``: ``with nothing_written(Episode), pytest.raises(ValidationError):``.
    """

    @contextmanager
    def check(*tables: type[models.Model]) -> Iterator[None]:
        watched = (*tables, AuditEvent)
        before = {table: table._default_manager.count() for table in watched}
        yield
        after = {table: table._default_manager.count() for table in watched}
        assert after == before, "a refused action must write nothing"

    return check


@pytest.fixture
def audit_rows_cleared_after(transactional_db: None) -> Iterator[None]:
    """Let a transactional test's database be emptied afterwards on SQLite.

    Use it in place of ``transactional_db``. A live-server or transactional test commits for
    real, so Django empties every table afterwards. PostgreSQL does that with TRUNCATE, which
    the audit table's row triggers do not see; SQLite uses DELETE, which its append-only
    trigger refuses. So, on SQLite only, lift the trigger for
    the clean-up, empty the audit table, and put the trigger back: the same migration's SQL.
    """
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("divert.core.migrations.0003_audit_append_only")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_DOWN:
            cursor.execute(statement)
        cursor.execute("DELETE FROM core_auditevent")
        for statement in migration.SQLITE_UP:
            cursor.execute(statement)
