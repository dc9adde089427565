"""Access-matrix rows for Permanence and adoption (merged by ``tests/access/rows.py``).

The casework roles (social workers, managers, the MASH, the analyst, the head of service) read
the permanence pages; partners, finance and administrators get a 403. A child (or an application
about a child) the reader may not see is the same 404 as a missing one; recording a plan or an
application needs a role that may change the child's record. What each list holds is narrowed by
``restrict`` (tested in ``tests/permanence/test_pages.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from divert.people.models import Child
from divert.permanence.models import CourtApplication
from tests.access import DENIED, HIDDEN, OK, SIGN_IN, Page
from tests.conftest import World


def _child(world: World, who: str) -> Child:
    return {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}[who]


def _about_child(name: str, who: str, key: str = "child_pk") -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={key: _child(world, who).pk})


def _about_application(who: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        made = CourtApplication.objects.create(
            child=_child(world, who), kind="sgo", applied=timezone.localdate() - dt.timedelta(days=30)
        )
        return reverse("permanence:application", kwargs={"pk": made.pk})

    return build


# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READERS = (OK, OK, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN)
READ_AVA = (OK, OK, HIDDEN, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN)
READ_SID = (HIDDEN, HIDDEN, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN)
NONE_ELI = (HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN, HIDDEN, DENIED, DENIED, SIGN_IN)
WRITE_AVA = (OK, OK, HIDDEN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)
WRITE_SID = (HIDDEN, HIDDEN, OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)

PER_CHILD = {"ava": (READ_AVA, WRITE_AVA), "sid": (READ_SID, WRITE_SID), "eli": (NONE_ELI, NONE_ELI)}


def _rows() -> dict[Page, tuple[str, ...]]:
    rows: dict[Page, tuple[str, ...]] = {
        Page("permanence:index"): READERS,
        Page("permanence:overdue"): READERS,
        Page("permanence:at_home"): READERS,
        Page("permanence:applications"): READERS,
        Page("permanence:applications", path="/permanence/court-applications/?kind=discharge"): READERS,
        Page("permanence:tracker"): READERS,
    }
    for who, (read, write) in PER_CHILD.items():
        rows[Page("permanence:child", build=_about_child("permanence:child", who, "pk"), about=who)] = read
        rows[Page("permanence:application", build=_about_application(who), about=who)] = read
        for name in ("permanence:plan_new", "permanence:application_new"):
            rows[Page(name, build=_about_child(name, who), about=who)] = write
    return rows


ROWS: dict[Page, tuple[str, ...]] = _rows()
