"""Access-matrix rows for Placement review and step-down (merged by ``tests/access/rows.py``).

Placement review readers (social workers, team managers, analysts, the head of service, finance)
read; the MASH, partners and administrators get a 403. A plan about a child the reader may not
see is the same 404 as a missing one; team managers and the head of service hold the meetings,
record decisions, agree fees and withdraw plans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from divert.care.models import Episode
from divert.people.models import Child
from divert.stepdown.models import Decision, PlacementReviewMeeting, StepDownPlan
from tests.access import DENIED, HIDDEN, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READERS = (OK, OK, OK, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
RUNNERS = (DENIED, OK, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
POST_ONLY = (NO_GET,) * 9 + (SIGN_IN,)
# Pages about one child's plan: Ava's (North), Sid's (South), Eli's (another council).
READ_AVA = (OK, OK, HIDDEN, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
READ_SID = (HIDDEN, HIDDEN, OK, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
NONE_ELI = (HIDDEN, HIDDEN, HIDDEN, DENIED, DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, SIGN_IN)
CHANGE_AVA = RUNNERS
CHANGE_SID = (DENIED, HIDDEN, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED, SIGN_IN)
CHANGE_ELI = (DENIED, HIDDEN, DENIED, DENIED, DENIED, DENIED, HIDDEN, DENIED, DENIED, SIGN_IN)


def _child(world: World, who: str) -> Child:
    return {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}[who]


def _meeting(child: Child) -> PlacementReviewMeeting:
    meeting, _ = PlacementReviewMeeting.objects.get_or_create(
        authority=child.authority,
        date=timezone.localdate() - dt.timedelta(days=7),
        defaults={"chair": "Sue Chair"},
    )
    return meeting


def _plan(world: World, who: str, destination: str = "in_house_foster") -> StepDownPlan:
    """A plan to step the child down from an agency children's home, made a week ago."""
    child = _child(world, who)
    episode = Episode.objects.create(
        child=child,
        decom=timezone.localdate() - dt.timedelta(days=100),
        rne="S",
        ls="C2",
        cin="N1",
        place="K2",
        place_provider="PR4",
        weekly_cost=Decimal("4200"),
    )
    decision = Decision.objects.create(
        meeting=_meeting(child),
        child=child,
        episode=episode,
        weekly_cost=episode.weekly_cost,
        outcome="fee" if destination == "lower_fee" else "step_down",
        reason="Ready to move on",
        next_review=timezone.localdate() + dt.timedelta(days=35),
    )
    return StepDownPlan.objects.create(
        child=child,
        decision=decision,
        from_episode=episode,
        destination=destination,
        weekly_cost_before=episode.weekly_cost,
        expected_weekly_cost=Decimal("3900") if destination == "lower_fee" else Decimal("650"),
        target_date=timezone.localdate() + dt.timedelta(days=60),
    )


def _about_plan(name: str, who: str, destination: str = "in_house_foster") -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": _plan(world, who, destination).pk})


def _about_meeting(name: str, whose: str, **extra: int) -> Callable[[World], str]:
    def build(world: World) -> str:
        child = world.child_north if whose == "ours" else world.child_elsewhere
        kwargs = {"pk": _meeting(child).pk} | ({"child_pk": child.pk} if extra else {})
        return reverse(name, kwargs=kwargs)

    return build


def _page(name: str, about: str, build: Callable[[World], str]) -> Page:
    return Page(name, build=build, about=about)


def _rows() -> dict[Page, tuple[str, ...]]:
    rows: dict[Page, tuple[str, ...]] = {
        Page("stepdown:index"): READERS,
        Page("stepdown:index", path="/placement-review/?show=due"): READERS,
        Page("stepdown:meetings"): READERS,
        Page("stepdown:meeting_new"): RUNNERS,
        Page("stepdown:savings"): READERS,
        Page("stepdown:savings_csv"): READERS,
        _page("stepdown:meeting", "ours", _about_meeting("stepdown:meeting", "ours")): READERS,
        _page("stepdown:meeting", "theirs", _about_meeting("stepdown:meeting", "theirs")): NONE_ELI,
        _page("stepdown:decide", "ours", _about_meeting("stepdown:decide", "ours", child=1)): POST_ONLY,
        _page("stepdown:close", "ours", _about_meeting("stepdown:close", "ours")): POST_ONLY,
    }
    read = {"ava": READ_AVA, "sid": READ_SID, "eli": NONE_ELI}
    change = {"ava": CHANGE_AVA, "sid": CHANGE_SID, "eli": CHANGE_ELI}
    for who in ("ava", "sid", "eli"):
        rows[_page("stepdown:plan", who, _about_plan("stepdown:plan", who))] = read[who]
        rows[_page("stepdown:agree_fee", who, _about_plan("stepdown:agree_fee", who, "lower_fee"))] = change[
            who
        ]
        rows[_page("stepdown:withdraw", who, _about_plan("stepdown:withdraw", who))] = change[who]
    return rows


# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
ROWS: dict[Page, tuple[str, ...]] = _rows()
