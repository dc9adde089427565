"""Access-matrix rows for the children-in-care pages (merged by ``tests/access/rows.py``).

The clocks, end-date and early-warning lists are for the casework roles (a 403 for the others);
what they list is narrowed by ``restrict`` (tested in ``tests/care/``). A flag or meeting about a
child the reader may not see is the same 404 as a missing one; setting an end date, flagging a
placement and recording a meeting need ``can(user, "change", child)`` (a 403 for readers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from divert.care.models import Episode, PlacementRiskFlag, TeamAroundChildMeeting
from divert.people.models import Child
from tests.access import DENIED, HIDDEN, OK, SIGN_IN, Page
from tests.conftest import World


def _child(world: World, who: str) -> Child:
    return {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}[who]


def _placement(world: World, who: str) -> Episode:
    """The child in foster care for the last 100 days."""
    return Episode.objects.create(
        child=_child(world, who),
        decom=timezone.localdate() - dt.timedelta(days=100),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR1",
    )


def _flag(world: World, who: str) -> PlacementRiskFlag:
    episode = _placement(world, who)
    return PlacementRiskFlag.objects.create(
        child=episode.child,
        episode=episode,
        raised=timezone.localdate() - dt.timedelta(days=5),
        raised_by="foster_carer",
        reason="The carers are exhausted",
    )


def _meeting(world: World, who: str) -> TeamAroundChildMeeting:
    return TeamAroundChildMeeting.objects.create(
        child=_child(world, who),
        date=timezone.localdate() - dt.timedelta(days=3),
        reason="moved",
        attendees="Foster carer",
        agreed="Respite",
    )


BUILDERS: dict[str, Callable[[World, str], str]] = {
    "care:planned_end": lambda world, who: reverse("care:planned_end", args=[_placement(world, who).pk]),
    "care:flag_new": lambda world, who: reverse("care:flag_new", args=[_child(world, who).pk]),
    "care:meeting_new": lambda world, who: reverse("care:meeting_new", args=[_child(world, who).pk]),
    "care:flag": lambda world, who: reverse("care:flag", args=[_flag(world, who).pk]),
    "care:flag_resolve": lambda world, who: reverse("care:flag_resolve", args=[_flag(world, who).pk]),
    "care:meeting": lambda world, who: reverse("care:meeting", args=[_meeting(world, who).pk]),
}

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READERS = (OK, OK, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN)
READ = {
    "ava": (OK, OK, HIDDEN, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN),
    "sid": (HIDDEN, HIDDEN, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN),
    "eli": (HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN, HIDDEN, DENIED, DENIED, SIGN_IN),
}
CHANGE = {
    "ava": (OK, OK, HIDDEN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN),
    "sid": (HIDDEN, HIDDEN, OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN),
    "eli": (HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN, HIDDEN, DENIED, DENIED, SIGN_IN),
}
WHO_CHANGES = ("care:planned_end", "care:flag_new", "care:meeting_new", "care:flag_resolve")


def _about(name: str, who: str) -> Page:
    builder = BUILDERS[name]
    return Page(name, build=lambda world: builder(world, who), about=who)


def _rows() -> dict[Page, tuple[str, ...]]:
    rows: dict[Page, tuple[str, ...]] = {
        Page("care:index"): READERS,
        Page("care:end_dates"): READERS,
        Page("care:early_warning"): READERS,
        Page("care:early_warning", path="/care/early-warning/?team=nonsense"): READERS,
    }
    for name in BUILDERS:
        for who in ("ava", "sid", "eli"):
            rows[_about(name, who)] = (CHANGE if name in WHO_CHANGES else READ)[who]
    return rows


ROWS: dict[Page, tuple[str, ...]] = _rows()
