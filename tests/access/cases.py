"""Access-matrix rows for the assessment and child protection clocks (merged by ``tests/access/rows.py``).

The clocks page is for the casework roles (a 403 for the others); its forms are about one child
and need a role that may change the child (404 when the child is not visible, 403 for a reader).
Records are built about Ava (North), Sid (South) and Eli (another authority).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from divert.cases.actions import start_cin_plan, start_cp_plan
from tests.access import DENIED, HIDDEN, OK, SIGN_IN, Page
from tests.conftest import World
from tests.earlyhelp import builders
from tests.earlyhelp.builders import days_ago

CHILDREN = {"ava": "child_north", "sid": "child_south", "eli": "child_elsewhere"}


def _child_form(name: str, who: str) -> Page:
    def build(world: World) -> str:
        child = getattr(world, CHILDREN[who])
        builders.referral(world, child)
        return reverse(name, kwargs={"child_pk": child.pk})

    return Page(name, build=build, about=who)


def _record_form(name: str, who: str, make: Callable[..., object]) -> Page:
    def build(world: World) -> str:
        record = make(world, getattr(world, CHILDREN[who]))
        return reverse(name, kwargs={"pk": record.pk})  # type: ignore[attr-defined]

    return Page(name, build=build, about=who)


def _plan_review_form(kind: str, who: str) -> Page:
    """The review form of a child protection (``cp``) or children in need (``cin``) plan a year old."""

    def build(world: World) -> str:
        child = getattr(world, CHILDREN[who])
        if kind == "cp":
            plan: object = start_cp_plan(None, child=child, start=days_ago(400), category="NEG")
        else:
            plan = start_cin_plan(None, child=child, start=days_ago(400))
        return reverse("cases:plan_review", kwargs={"kind": kind, "pk": plan.pk})  # type: ignore[attr-defined]

    return Page("cases:plan_review", build=build, about=f"{who}-{kind}")


# fmt: off
# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
EDIT_AVA = (OK,       OK,       HIDDEN,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN)
EDIT_SID = (HIDDEN,   HIDDEN,   OK,       OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN)
NOBODY   = (HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   HIDDEN,   HIDDEN,   DENIED,   DENIED,   SIGN_IN)
# fmt: on
BY_CHILD = {"ava": EDIT_AVA, "sid": EDIT_SID, "eli": NOBODY}

ROWS: dict[Page, tuple[str, ...]] = {
    Page("cases:index"): (OK, OK, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN),
    Page("cases:plan_reviews"): (OK, OK, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN),
}
for _who, _row in BY_CHILD.items():
    ROWS |= {
        _child_form("cases:strategy", _who): _row,
        _child_form("cases:assessment_start", _who): _row,
        _record_form("cases:assessment_complete", _who, builders.assessment): _row,
        _record_form("cases:conference", _who, builders.section47): _row,
        _plan_review_form("cp", _who): _row,
        _plan_review_form("cin", _who): _row,
    }
