"""The synthetic authority's reviews of long-running plans fill the plan reviews page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from divert.cases.models import PlanReview
from divert.cases.queries import Filters, plan_reviews
from divert.core.calendar import add_months
from divert.core.models import Authority
from divert.core.roles import Role
from tests.conftest import make_user
from tests.synth.helpers import SMALL

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 23)


def test_reviews_follow_their_plans_milestones_and_leave_some_overdue() -> None:
    call_command("synth", *SMALL, verbosity=0)
    reviews = list(PlanReview.objects.select_related("cp_plan", "cin_plan"))
    assert reviews
    for review in reviews:
        plan = review.plan
        reached = add_months(plan.start, review.milestone)
        assert review.milestone in (9, 12, 18)
        assert reached <= TODAY, "no review of a milestone still ahead"
        assert plan.end is None or plan.end > reached, "no review of a plan that had already ended"
        assert plan.start <= review.date <= TODAY
        assert abs((review.date - reached).days) <= 14
    assert {r.outcome for r in reviews} == set(PlanReview.Outcome)
    hos = make_user("hos", Role.HEAD_OF_SERVICE, Authority.objects.get())
    found = plan_reviews(hos, Filters(), TODAY)
    assert found.overdue, "a few milestones have no review yet"
    assert any(row.review is not None for row in found.plans), "most reached milestones have their review"
