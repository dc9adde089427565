"""The cached register: the scorecard sees every committed change, and reading never throws it away.

These tests turn the per-process cache on (the test settings keep it off) and clear it around
each test. A change made inside ``django_capture_on_commit_callbacks(execute=True)`` runs its
commit-time work as a committed transaction would: that is where the register version rises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import transaction

from divert.care.models import Episode
from divert.core import audit
from divert.core.actions import audited_create, audited_update
from divert.core.models import AuditEvent
from divert.indicators import cache
from divert.indicators.report import frames_for
from divert.people.models import Child
from tests.conftest import World

Commit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
AS_AT = dt.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def cache_on(settings: Any) -> Iterator[None]:
    settings.DIVERT_FRAMES_CACHE = 4
    cache.clear()
    yield
    cache.clear()


def _into_care(world: World, user: str = "alice") -> Episode:
    return audited_create(
        world.users[user],
        Episode(child=world.child_north, decom=dt.date(2026, 1, 5), rne="S", ls="C2", cin="N1", place="U1"),
    )


def _cla_count(world: World) -> float | None:
    [row] = cache.scorecard(world.authority.pk, AS_AT, only=["cla_count"])
    return row.value


def test_a_change_through_an_action_reaches_the_next_scorecard(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    assert _cla_count(world) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _into_care(world)
    assert _cla_count(world) == 1  # Ava, in care since 5 Jan 2026, on 31 Mar 2026


def test_the_next_scorecard_reads_the_changed_register_not_the_cached_one(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    before = frames_for(world.authority.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _into_care(world)
    after = frames_for(world.authority.pk)
    assert after is not before
    assert (before.episodes.height, after.episodes.height) == (0, 1)


def test_an_edit_to_a_child_moves_the_register_version_once_committed(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    version = audit.register_version()
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        audited_update(world.users["alice"], world.child_north, {"uasc": True})
        assert audit.register_version() == version  # not before the commit
    for callback in waiting:
        callback()
    assert audit.register_version() == version + 1


def test_viewing_a_child_keeps_the_cached_register(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    before = frames_for(world.authority.pk)
    with django_capture_on_commit_callbacks(execute=True):
        audit.record_view(world.users["alice"], world.child_north, note="Child summary")
        audit.record(world.users["alice"], AuditEvent.Action.SEARCH, object_type="people.child")
        audit.record(world.users["alice"], AuditEvent.Action.LOGIN, world.users["alice"])
    assert frames_for(world.authority.pk) is before


def test_a_change_the_figures_never_read_keeps_the_cached_register(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    """A significant event or a programme risk moves no figure: every process keeps its register."""
    before = frames_for(world.authority.pk)
    version = audit.register_version()
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(
            world.users["alice"], AuditEvent.Action.CREATE, object_type="chronology.significantevent"
        )
        audit.record(world.users["hos"], AuditEvent.Action.UPDATE, object_type="programme.risk")
    assert audit.register_version() == version
    assert frames_for(world.authority.pk) is before


def test_a_change_to_an_app_the_figures_read_moves_the_version(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    version = audit.register_version()
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(world.users["alice"], AuditEvent.Action.UPDATE, object_type="people.share")
        audit.record(world.users["ana"], AuditEvent.Action.CREATE, object_type="returns.returnjob")
    assert audit.register_version() == version + 2


def test_the_same_scorecard_asked_twice_is_computed_once(world: World) -> None:
    first = cache.scorecard(world.authority.pk, AS_AT, only=["cla_count"])
    assert cache.scorecard(world.authority.pk, AS_AT, only=["cla_count"]) is first
    assert cache.scorecard(world.authority.pk, AS_AT - dt.timedelta(days=31), only=["cla_count"]) is not first


def test_a_change_rolled_back_leaves_the_version_alone(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    version = audit.register_version()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _into_care(world)
        raise RuntimeError("the import failed")
    assert audit.register_version() == version


def test_a_bulk_load_moves_the_register_version(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    version = audit.register_version()
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(None, AuditEvent.Action.LOAD, object_type="returns.ssda903", note="SSDA903 import")
    assert audit.register_version() == version + 1


def test_each_authority_has_its_own_cached_register(world: World) -> None:
    ours, theirs = frames_for(world.authority.pk), frames_for(world.other_authority.pk)
    assert (ours.children.height, theirs.children.height) == (2, 1)  # Ava and Sid; Eli
    assert frames_for(world.authority.pk) is ours


def test_the_least_recently_used_register_leaves_a_full_cache(world: World, settings: Any) -> None:
    settings.DIVERT_FRAMES_CACHE = 1
    ours = frames_for(world.authority.pk)
    frames_for(world.other_authority.pk)
    assert frames_for(world.authority.pk) is not ours


def test_a_register_older_than_the_maximum_age_is_read_again(world: World, settings: Any) -> None:
    ours = frames_for(world.authority.pk)
    settings.DIVERT_FRAMES_MAX_AGE = 0
    assert frames_for(world.authority.pk) is not ours


def test_with_the_cache_off_every_request_reads_the_register(world: World, settings: Any) -> None:
    settings.DIVERT_FRAMES_CACHE = 0
    ours = frames_for(world.authority.pk)
    Child.objects.filter(pk=world.child_south.pk).update(uasc=True)  # not audited: seen only without cache
    again = frames_for(world.authority.pk)
    assert again is not ours
    assert again.children.filter(uasc=True).height == 1


def test_the_frames_say_when_the_register_was_read(world: World) -> None:
    frames = frames_for(world.authority.pk)
    assert isinstance(frames.extracted_at, dt.datetime)  # type: ignore[attr-defined]


def test_a_value_worked_out_from_the_register_is_worked_out_again_after_a_change(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    builds: list[int] = []

    def episodes(frames: Any) -> int:
        builds.append(1)
        return int(frames.episodes.height)

    assert cache.derived(world.authority.pk, "episodes", episodes) == 0
    assert cache.derived(world.authority.pk, "episodes", episodes) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _into_care(world)
    assert cache.derived(world.authority.pk, "episodes", episodes) == 1
    assert len(builds) == 2  # once before the change, once after: not on the second ask
