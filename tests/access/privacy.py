"""Access-matrix rows for need to know: restricted records, break glass and sharing (merged by
``tests/access/rows.py``), and the restricted and shared cases of a child's page.

A restricted North child ("restricted": allocated to alice's team, named to tom only) is the
break-glass page (a 403 that names no one) for those whose role reaches the child and may break
glass (alice, mo, hos), the record itself for tom, and the plain 404 for everyone else. Restricting
a record is for team managers and the head of service; managing a restriction for the head of
service and a team manager named on it; the list of restricted records for the head of service.
Sharing with partner agencies is for those who may change the child's record. A partner sees a
North child (not Ava) once it is shared with the police, but never a restricted one, shared or not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from divert.people.models import Allocation, Child, Professional, Share
from divert.privacy.models import NamedAccess, RestrictedRecord
from tests.access import DENIED, HIDDEN, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World, make_child
from tests.privacy.conftest import restricted_north_child

# The break-glass page is a 403: the record is there, and the reader may open it with a reason.
GLASS = DENIED


def _restricted(world: World) -> Child:
    return restricted_north_child(world, child_id=f"N9{Child.objects.count():03d}")


def _shared_with_police(child: Child) -> Child:
    Share.objects.create(child=child, agency="police", reason="Missing episode", start=dt.date(2024, 1, 1))
    return child


def _north_shared(world: World) -> Child:
    """A North child of alice's, shared with the police (not Ava, whom the police must never see)."""
    child = make_child(
        world.authority, f"N8{Child.objects.count():03d}", "Nia", "Sharpe", dt.date(2011, 7, 1)
    )
    worker = Professional.objects.get(user=world.users["alice"])
    Allocation.objects.create(child=child, worker=worker, team=world.north, start=dt.date(2024, 1, 1))
    return _shared_with_police(child)


def _restricted_elsewhere(world: World) -> Child:
    """Eli, of the other council, restricted and (wrongly) naming tom: his authority still decides."""
    eli = world.child_elsewhere
    RestrictedRecord.objects.create(
        child=eli, category="other", reason="Sensitive", set_by=world.users["hos"]
    )
    NamedAccess.objects.create(child=eli, user=world.users["tom"], added_by=world.users["hos"])
    return eli


CHILDREN: dict[str, Callable[[World], Child]] = {
    "ava": lambda world: world.child_north,
    "sid": lambda world: world.child_south,
    "eli": lambda world: world.child_elsewhere,
    "restricted": _restricted,
    "restricted-shared": lambda world: _shared_with_police(_restricted(world)),
    "north-shared": _north_shared,
    "eli-restricted": _restricted_elsewhere,
}


def _about(name: str, who: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": CHILDREN[who](world).pk})


def _about_share(world: World) -> str:
    return reverse("privacy:end_share", kwargs={"pk": Share.objects.get(child=world.child_south).pk})


# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
RESTRICTED_CHILD = (GLASS, OK, HIDDEN, GLASS, HIDDEN, HIDDEN, GLASS, HIDDEN, HIDDEN, SIGN_IN)
MANAGE_RESTRICTION = {
    "restricted": (DENIED, OK, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN),
    "ava": (DENIED, HIDDEN, DENIED, DENIED, DENIED, DENIED, HIDDEN, DENIED, DENIED, SIGN_IN),
    "eli-restricted": (DENIED, HIDDEN, DENIED, DENIED, DENIED, DENIED, HIDDEN, DENIED, DENIED, SIGN_IN),
}
NOT_A_GET = (NO_GET,) * 9 + (SIGN_IN,)

ROWS: dict[Page, tuple[str, ...]] = {
    Page("people:child", build=_about("people:child", "restricted"), about="restricted"): RESTRICTED_CHILD,
    Page("people:child", build=_about("people:child", "restricted-shared"), about="restricted-shared"): (
        RESTRICTED_CHILD
    ),
    Page("people:child", build=_about("people:child", "north-shared"), about="north-shared"): (
        (OK, OK, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, SIGN_IN)
    ),
    Page("privacy:break_glass", build=_about("privacy:break_glass", "restricted"), about="restricted"): (
        RESTRICTED_CHILD
    ),
    Page("privacy:break_glass", build=_about("privacy:break_glass", "ava"), about="ava"): (
        (OK, OK, HIDDEN, OK, HIDDEN, OK, OK, OK, HIDDEN, SIGN_IN)
    ),
    Page("privacy:restricted"): (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN),
    Page("privacy:restrict", build=_about("privacy:restrict", "ava"), about="ava"): (
        (DENIED, OK, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
    ),
    Page("privacy:restrict", build=_about("privacy:restrict", "sid"), about="sid"): (
        (DENIED, HIDDEN, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
    ),
    Page("privacy:restrict", build=_about("privacy:restrict", "eli"), about="eli"): (
        (DENIED, HIDDEN, DENIED, DENIED, DENIED, DENIED, HIDDEN, DENIED, DENIED, SIGN_IN)
    ),
    Page("privacy:remove_person", build=_about("privacy:remove_person", "restricted"), about="restricted"): (
        NOT_A_GET
    ),
    Page("privacy:end_share", build=_about_share, about="sid"): NOT_A_GET,
    Page("privacy:sharing", build=_about("privacy:sharing", "ava"), about="ava"): (
        (OK, OK, HIDDEN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)
    ),
    Page("privacy:sharing", build=_about("privacy:sharing", "sid"), about="sid"): (
        (HIDDEN, HIDDEN, OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)
    ),
    Page("privacy:sharing", build=_about("privacy:sharing", "eli"), about="eli"): (
        (HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)
    ),
    Page("privacy:sharing", build=_about("privacy:sharing", "restricted"), about="restricted"): (
        (HIDDEN, OK, HIDDEN, HIDDEN, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)
    ),
}
for _who, _expected in MANAGE_RESTRICTION.items():
    for _name in ("privacy:restriction", "privacy:lift"):
        ROWS[Page(_name, build=_about(_name, _who), about=_who)] = _expected
