"""Builders for the programme's tests: a work stream, an action, a risk, a savings line, and a
step-down plan achieved by a new fee (so the placements line has a realised saving)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from divert.care.models import Episode
from divert.core.models import Authority
from divert.people.models import Child
from divert.programme.models import Action, Risk, RiskScore, SavingsLine, WorkStream
from divert.stepdown.models import Decision, PlacementReviewMeeting, StepDownPlan


def stream(authority: Authority, name: str = "Placement improvement", order: int = 0) -> WorkStream:
    found, _ = WorkStream.objects.get_or_create(
        authority=authority, name=name, defaults={"lead": "Anne Osborne", "order": order}
    )
    return found


def action(
    authority: Authority, what: str, due: dt.date, status: str = "not_started", **extra: object
) -> Action:
    done_on = extra.pop("done_on", due if status == "done" else None)
    return Action.objects.create(
        stream=extra.pop("stream", None) or stream(authority),  # type: ignore[misc]
        what=what,
        due=due,
        owner=extra.pop("owner", "Anne Osborne"),  # type: ignore[misc]
        status=status,
        done_on=done_on,
        **extra,
    )


def risk(authority: Authority, title: str, p: int, i: int, on: dt.date | None = None) -> Risk:
    found = Risk.objects.create(
        authority=authority, title=title, probability=p, impact=i, owner="Dave Simpkins"
    )
    RiskScore.objects.create(
        risk=found,
        date=on or timezone.localdate() - dt.timedelta(days=90),
        probability=p,
        impact=i,
        note="PID",
    )
    return found


def line(authority: Authority, area: str, year: int, target: str, **extra: object) -> SavingsLine:
    return SavingsLine.objects.create(
        authority=authority, area=area, year=year, target_k=Decimal(target), **extra
    )


def fee_plan(child: Child, before: str, fee: str, agreed_on: dt.date) -> StepDownPlan:
    """A plan achieved by a lower fee from ``agreed_on``: its realised full-year saving is
    (before - fee) x 52 weeks."""
    episode = Episode.objects.create(
        child=child,
        decom=agreed_on - dt.timedelta(days=300),
        rne="S",
        ls="C2",
        cin="N1",
        place="K2",
        place_provider="PR4",
        weekly_cost=Decimal(before),
    )
    meeting, _ = PlacementReviewMeeting.objects.get_or_create(
        authority=child.authority, date=agreed_on - dt.timedelta(days=30), defaults={"chair": "Sue Chair"}
    )
    decision = Decision.objects.create(
        meeting=meeting,
        child=child,
        episode=episode,
        weekly_cost=episode.weekly_cost,
        outcome="fee",
        reason="Negotiate the fee",
        next_review=agreed_on + dt.timedelta(days=35),
    )
    return StepDownPlan.objects.create(
        child=child,
        decision=decision,
        from_episode=episode,
        destination="lower_fee",
        weekly_cost_before=Decimal(before),
        expected_weekly_cost=Decimal(fee),
        target_date=agreed_on,
        agreed_fee=Decimal(fee),
        agreed_on=agreed_on,
    )
