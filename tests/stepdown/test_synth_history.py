"""The synthetic authority's placement reviews give every page data, and agree with the register."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.management import call_command

from divert.core.models import Authority
from divert.core.roles import Role
from divert.stepdown import queries
from divert.stepdown.models import Decision, PlacementReviewMeeting, StepDownPlan
from tests.conftest import make_user
from tests.synth.helpers import SMALL

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 23)  # the day the small authority is built up to (SMALL)


def test_the_demo_has_fortnightly_meetings_and_plans_in_every_state() -> None:
    call_command("synth", *SMALL, verbosity=0)
    authority = Authority.objects.get()
    days = list(PlacementReviewMeeting.objects.order_by("date").values_list("date", flat=True))
    assert {b - a for a, b in itertools.pairwise(days)} == {dt.timedelta(weeks=2)}
    assert not PlacementReviewMeeting.objects.get(date=days[-1]).closed  # the latest is still sitting
    assert PlacementReviewMeeting.objects.filter(closed=True).count() == len(days) - 1
    for decision in Decision.objects.select_related("episode", "meeting"):
        assert decision.episode.child_id == decision.child_id
        assert decision.episode.is_open_on(decision.meeting.date)
        assert decision.weekly_cost == decision.episode.weekly_cost
    hos = make_user("hos", Role.HEAD_OF_SERVICE, authority)
    states = queries.plan_states(StepDownPlan.objects.select_related("from_episode"), TODAY)
    assert {s.status for s in states} >= {
        queries.Status.ACHIEVED,
        queries.Status.OPEN,
        queries.Status.WITHDRAWN,
    }
    for state in states:
        assert state.plan.from_episode == state.plan.decision.episode
        assert state.plan.target_date > state.plan.decision.meeting.date
    summary = queries.savings_summary(hos, authority.pk, TODAY)
    assert summary.total.achieved > 0 and summary.total.realised_full_year > 0
    assert days[-1] <= TODAY < days[-1] + dt.timedelta(weeks=1)
