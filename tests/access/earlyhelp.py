"""Access-matrix rows for the early help pages (merged by ``tests/access/rows.py``).

The index is for the casework roles (a 403 for the others). An episode is about a child: read
by whoever may see the child (a 404 otherwise, the same as a missing one); its forms need a role
that may change the child (a 403 for a reader). Episodes are built about Ava (North), Sid (South)
and Eli (another authority).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from tests.access import DENIED, HIDDEN, OK, SIGN_IN, Page
from tests.conftest import World
from tests.earlyhelp import builders

CHILDREN = {"ava": "child_north", "sid": "child_south", "eli": "child_elsewhere"}


def _episode_page(name: str, who: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        found = builders.episode(world, getattr(world, CHILDREN[who]))
        return reverse(name, kwargs={"pk": found.pk})

    return build


def _page(name: str, who: str) -> Page:
    return Page(name, build=_episode_page(name, who), about=who)


def _step_down(who: str) -> Page:
    def build(world: World) -> str:
        child = getattr(world, CHILDREN[who])
        builders.referral(world, child)
        return reverse("earlyhelp:step_down", kwargs={"child_pk": child.pk})

    return Page("earlyhelp:step_down", build=build, about=who)


# fmt: off
# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
SEE_AVA  = (OK,       OK,       HIDDEN,   OK,       DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN)
SEE_SID  = (HIDDEN,   HIDDEN,   OK,       OK,       DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN)
EDIT_AVA = (OK,       OK,       HIDDEN,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN)
EDIT_SID = (HIDDEN,   HIDDEN,   OK,       OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN)
NOBODY   = (HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   HIDDEN,   HIDDEN,   DENIED,   DENIED,   SIGN_IN)
# fmt: on

ROWS: dict[Page, tuple[str, ...]] = {
    Page("earlyhelp:index"): (OK, OK, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN),
    _page("earlyhelp:episode", "ava"): SEE_AVA,
    _page("earlyhelp:episode", "sid"): SEE_SID,
    _page("earlyhelp:episode", "eli"): NOBODY,
    _step_down("ava"): EDIT_AVA,
    _step_down("sid"): EDIT_SID,
    _step_down("eli"): NOBODY,
}
for _name in ("earlyhelp:assessment", "earlyhelp:intervention", "earlyhelp:close", "earlyhelp:step_up"):
    ROWS |= {
        _page(_name, "ava"): EDIT_AVA,
        _page(_name, "sid"): EDIT_SID,
        _page(_name, "eli"): NOBODY,
    }
