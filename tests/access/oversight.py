"""Access-matrix rows for the audit trail's pages (merged by ``tests/access/rows.py``).

Only the audit readers open them: a team manager (tom) for the children he may view and the
members of his team; the head of service (hos) for every child and person of the authority,
restricted children included. Everyone else gets a 403, whatever the record. A child, person or
alert outside the reader's reach is the same 404 as a missing one. A child's history is exported
for a subject access request by the head of service only (a 403 for tom on his own team's child).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from divert.core.models import User
from divert.core.roles import Role
from divert.people.models import Child
from divert.privacy.models import RestrictedRecord
from tests.access import DENIED, HIDDEN, OK, SIGN_IN, Page
from tests.conftest import World, make_user
from tests.oversight.conftest import alert


def _row(tom: str, hos: str) -> tuple[str, ...]:
    # Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
    return (DENIED, tom, DENIED, DENIED, DENIED, DENIED, hos, DENIED, DENIED, SIGN_IN)


def _child(world: World, who: str) -> Child:
    if who == "sid-restricted":
        RestrictedRecord.objects.create(
            child=world.child_south,
            category="adopted",
            reason="Placed for adoption",
            set_by=world.users["hos"],
        )
        return world.child_south
    return {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}[who]


def _person(world: World, who: str) -> User:
    if who == "theirs":
        return make_user("ella", Role.SOCIAL_WORKER, world.other_authority)
    return world.users[who]


def _about_child(name: str, who: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[_child(world, who).pk])


def _about_person(name: str, who: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[_person(world, who).pk])


def _about_alert(who: str) -> Callable[[World], str]:
    return lambda world: reverse("oversight:acknowledge", args=[alert(_person(world, who)).pk])


CHILD = {
    "ava": _row(OK, OK),
    "sid": _row(HIDDEN, OK),
    "sid-restricted": _row(HIDDEN, OK),
    "eli": _row(HIDDEN, HIDDEN),
}
CHILD_EXPORT = {
    "ava": _row(DENIED, OK),
    "sid": _row(HIDDEN, OK),
    "sid-restricted": _row(HIDDEN, OK),
    "eli": _row(HIDDEN, HIDDEN),
}
PERSON = {"alice": _row(OK, OK), "sam": _row(HIDDEN, OK), "theirs": _row(HIDDEN, HIDDEN)}


def _rows() -> dict[Page, tuple[str, ...]]:
    rows: dict[Page, tuple[str, ...]] = {Page("oversight:alerts"): _row(OK, OK)}
    for who in CHILD:
        rows[Page("oversight:child", build=_about_child("oversight:child", who), about=who)] = CHILD[who]
        for name in ("oversight:child_csv", "oversight:child_pdf"):
            rows[Page(name, build=_about_child(name, who), about=who)] = CHILD_EXPORT[who]
    for who, expected in PERSON.items():
        for name in ("oversight:person", "oversight:person_csv"):
            rows[Page(name, build=_about_person(name, who), about=who)] = expected
        rows[Page("oversight:acknowledge", build=_about_alert(who), about=who)] = expected
    return rows


ROWS: dict[Page, tuple[str, ...]] = _rows()
