"""Access-matrix rows for the panels pages (merged by ``tests/access/rows.py``).

Panel readers (social workers, managers, the MASH, analysts, the head of service, finance) read;
partners and administrators get a 403. Items about a child the reader may not see are the
same 404 as missing ones; a child is brought to a panel by someone who may change their
record; managers and the head of service run meetings and record decisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from divert.panels.models import EdgeOfCareProposal, PanelMeeting, ResourceOption, ResourceRequest
from divert.people.models import Child
from tests.access import DENIED, HIDDEN, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World


def _child(world: World, who: str) -> Child:
    return {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}[who]


def _meeting(world: World, child: Child, kind: str, days_ago: int = 0) -> PanelMeeting:
    return PanelMeeting.objects.create(
        authority=child.authority,
        kind=kind,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        chair="Sue Chair",
    )


def _proposal(world: World, who: str) -> EdgeOfCareProposal:
    return EdgeOfCareProposal.objects.create(
        child=_child(world, who),
        proposed=timezone.localdate() - dt.timedelta(days=7),
        basis="s20",
        reasons="Parents cannot keep the child safe",
    )


def _request(world: World, who: str, *, approved: bool = False) -> ResourceRequest:
    child = _child(world, who)
    request = ResourceRequest.objects.create(
        child=child, requested=timezone.localdate() - dt.timedelta(days=7), need="A specialist home"
    )
    option = ResourceOption.objects.create(
        request=request, kind="independent", placement="Residential: independent", weekly_cost=Decimal("4200")
    )
    if approved:
        request.meeting = _meeting(world, child, PanelMeeting.Kind.RESOURCE, days_ago=1)
        request.decision = ResourceRequest.Decision.APPROVE
        request.approved_option = option
        request.planned_end = timezone.localdate() + dt.timedelta(days=180)
        request.save()
    return request


def _about_proposal(name: str, who: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": _proposal(world, who).pk})


def _about_request(name: str, who: str, approved: bool = False) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": _request(world, who, approved=approved).pk})


def _about_child(name: str, who: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"child_pk": _child(world, who).pk})


def _about_meeting(name: str, whose: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        child = world.child_north if whose == "ours" else world.child_elsewhere
        return reverse(name, kwargs={"pk": _meeting(world, child, PanelMeeting.Kind.EDGE_OF_CARE).pk})

    return build


def _page(name: str, about: str, build: Callable[[World], str]) -> Page:
    return Page(name, build=build, about=about)


# Who reads, who is refused, for pages that are not about one child.
READERS = (OK, OK, OK, OK, DENIED, OK, OK, OK, DENIED, SIGN_IN)
RUNNERS = (DENIED, OK, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
# Pages about one child's item: Ava's (North), Sid's (South), Eli's (another council).
READ_AVA = (OK, OK, HIDDEN, OK, DENIED, OK, OK, OK, DENIED, SIGN_IN)
READ_SID = (HIDDEN, HIDDEN, OK, OK, DENIED, OK, OK, OK, DENIED, SIGN_IN)
NONE_ELI = (HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, SIGN_IN)
BRING_AVA = (OK, OK, HIDDEN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)
BRING_SID = (HIDDEN, HIDDEN, OK, OK, DENIED, DENIED, DENIED, DENIED, DENIED, SIGN_IN)
DECIDE_AVA = (DENIED, OK, HIDDEN, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
DECIDE_SID = (HIDDEN, HIDDEN, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
# Options and the placement link: the child's workers (who may change the record) and the runners.
WORK_AVA = (OK, OK, HIDDEN, OK, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
WORK_SID = (HIDDEN, HIDDEN, OK, OK, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)

PER_CHILD = {"ava": 0, "sid": 1, "eli": 2}


def _rows() -> dict[Page, tuple[str, ...]]:
    rows: dict[Page, tuple[str, ...]] = {
        Page("panels:index"): READERS,
        Page("panels:entries"): READERS,
        Page("panels:entries", path="/panels/entries/?month=2025-11"): READERS,
        Page("panels:meetings"): READERS,
        Page("panels:unapproved"): READERS,
        Page("panels:meeting_new"): RUNNERS,
        _page("panels:meeting", "ours", _about_meeting("panels:meeting", "ours")): READERS,
        _page("panels:meeting", "theirs", _about_meeting("panels:meeting", "theirs")): NONE_ELI,
        _page("panels:add_to_meeting", "ours", _about_meeting("panels:add_to_meeting", "ours")): (
            (NO_GET,) * 9 + (SIGN_IN,)
        ),
    }
    per_child = {
        "read": (READ_AVA, READ_SID, NONE_ELI),
        "bring": (BRING_AVA, BRING_SID, NONE_ELI),
        "decide": (DECIDE_AVA, DECIDE_SID, NONE_ELI),
        "work": (WORK_AVA, WORK_SID, NONE_ELI),
    }
    for who, i in PER_CHILD.items():
        rows[_page("panels:propose", who, _about_child("panels:propose", who))] = per_child["bring"][i]
        rows[_page("panels:request", who, _about_child("panels:request", who))] = per_child["bring"][i]
        rows[_page("panels:proposal", who, _about_proposal("panels:proposal", who))] = per_child["read"][i]
        rows[_page("panels:decide_proposal", who, _about_proposal("panels:decide_proposal", who))] = (
            per_child["decide"][i]
        )
        rows[_page("panels:resource", who, _about_request("panels:resource", who))] = per_child["read"][i]
        rows[_page("panels:add_option", who, _about_request("panels:add_option", who))] = per_child["work"][i]
        rows[_page("panels:decide_resource", who, _about_request("panels:decide_resource", who))] = per_child[
            "decide"
        ][i]
        rows[_page("panels:link_placement", who, _about_request("panels:link_placement", who, True))] = (
            per_child["work"][i]
        )
    return rows


ROWS: dict[Page, tuple[str, ...]] = _rows()
