"""The synthetic significant events: for children social care worked with, in their lifetime, by age."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from divert.care.models import Episode
from divert.chronology.models import SignificantEvent
from divert.synth.chronology_history import EVENTS, add_significant_events
from divert.synth.timeline import Window
from tests.conftest import World, make_child

pytestmark = pytest.mark.django_db

WINDOW = Window(start=dt.date(2016, 4, 1), end=dt.date(2025, 3, 31), today=dt.date(2025, 6, 30))


def _in_care(world: World, count: int) -> None:
    for i in range(count):
        child = make_child(
            world.authority, f"C{i:04d}", "Cara", f"Care{i}", dt.date(2010, 1, 1) + dt.timedelta(days=97 * i)
        )
        Episode.objects.create(child=child, decom=dt.date(2020, 1, 1), rne="S", ls="C2", cin="N1", place="U4")


def _written() -> list[tuple[int, dt.date, str]]:
    return list(
        SignificantEvent.objects.order_by("child_id", "date", "title").values_list(
            "child_id", "date", "title"
        )
    )


def test_events_are_written_for_a_share_of_children_in_care_within_their_lives(world: World) -> None:
    _in_care(world, 60)
    add_significant_events(world.authority, WINDOW, random.Random(7))
    events = list(SignificantEvent.objects.select_related("child"))
    with_events = {e.child_id for e in events}
    assert 10 <= len(with_events) <= 40  # about 40% of 60 children
    assert world.child_north.pk not in with_events  # not in care, not on a plan
    ages = {title: (young, old) for _, title, _, young, old in EVENTS}
    for event in events:
        assert max(event.child.date_of_birth, WINDOW.start) <= event.date <= WINDOW.today
        young, old = ages[event.title]
        assert young <= (event.date - event.child.date_of_birth).days // 365 <= old


def test_the_same_seed_writes_the_same_events(world: World) -> None:
    _in_care(world, 20)
    add_significant_events(world.authority, WINDOW, random.Random(7))
    first = _written()
    SignificantEvent.objects.all().delete()
    add_significant_events(world.authority, WINDOW, random.Random(7))
    assert _written() == first
