"""Access-matrix rows for a child's chronology (merged by ``tests/access/rows.py``).

The roles that work cases read a chronology (social workers and managers for their team's
children, the MASH and the head of service for the authority's); partners, analysts, finance and
administrators get a 403 for every child. A child the reader may not see is the same 404 as a
missing one. Significant events are added, corrected and removed by those who may change the
child's record (not the head of service, who reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from divert.chronology.models import SignificantEvent
from divert.people.models import Child
from tests.access import DENIED, HIDDEN, OK, SIGN_IN, Page
from tests.conftest import World


def _child(world: World, who: str) -> Child:
    return {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}[who]


def _about_child(name: str, who: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": _child(world, who).pk})


def _about_event(name: str, who: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        event = SignificantEvent.objects.create(
            child=_child(world, who), date=dt.date(2024, 5, 5), title="Court hearing adjourned"
        )
        return reverse(name, kwargs={"pk": event.pk})

    return build


# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READ = {
    "ava": (OK, OK, HIDDEN, OK, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN),
    "sid": (HIDDEN, HIDDEN, OK, OK, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN),
    "eli": (HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, DENIED, HIDDEN, DENIED, DENIED, SIGN_IN),
}
WRITE = {
    "ava": (OK, OK, HIDDEN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN),
    "sid": (HIDDEN, HIDDEN, OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN),
    "eli": (HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, DENIED, HIDDEN, DENIED, DENIED, SIGN_IN),
}


def _rows() -> dict[Page, tuple[str, ...]]:
    rows: dict[Page, tuple[str, ...]] = {}
    for who in ("ava", "sid", "eli"):
        for name, expected in (
            ("chronology:child", READ),
            ("chronology:pdf", READ),
            ("chronology:add_event", WRITE),
        ):
            rows[Page(name, build=_about_child(name, who), about=who)] = expected[who]
        for name, expected in (
            ("chronology:event", READ),
            ("chronology:correct_event", WRITE),
            ("chronology:remove_event", WRITE),
        ):
            rows[Page(name, build=_about_event(name, who), about=who)] = expected[who]
    return rows


ROWS: dict[Page, tuple[str, ...]] = _rows()
