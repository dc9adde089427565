"""The synthetic authority's reviews of long-running child protection and children in need plans.

A plan reaching 9, 12 or 18 months (``DIVERT["PLAN_REVIEW_MONTHS"]``) while still open is
reviewed around that day (however long ago: the register holds the plan) and sorted into rapid
resolution, management of risk, or de-escalation and diversion. Most milestones have their
review; about one in eight does not, so the plan reviews page has overdue rows as a real service
would. Outcomes lean towards de-escalation the longer a plan has run (a plan is not normally
kept beyond 18 months). Runs after the register is written (``load.write_authority``), from a
random stream of its own.
"""

from __future__ import annotations

import datetime as dt
import random

from divert.cases.actions import review_milestones
from divert.cases.models import ChildProtectionPlan, CINPlan, PlanReview
from divert.core.calendar import add_months
from divert.core.models import Authority
from divert.synth.timeline import Window

#: The share of milestones reached whose review was recorded.
RECORDED = 0.88
#: Outcome weights (rapid resolution, management of risk, de-escalation) by milestone.
OUTCOMES = {
    9: (0.35, 0.40, 0.25),
    12: (0.30, 0.35, 0.35),
    18: (0.25, 0.25, 0.50),
}
NOTES = {
    PlanReview.Outcome.RAPID_RESOLUTION: (
        "Plan targeted on the two outstanding concerns; decision on ending the plan at the next conference.",
        "Parents engaging with the parenting programme; step to a child in need plan within 8 weeks.",
    ),
    PlanReview.Outcome.MANAGEMENT_OF_RISK: (
        "Risk still significant; plan continues with a contingency discussed with legal.",
        "Pre-proceedings letter considered; family group conference booked.",
    ),
    PlanReview.Outcome.DE_ESCALATION: (
        "Concerns reduced; step down to early help with the locality lead professional.",
        "Family support in place; close the plan and divert to universal services with a school lead.",
    ),
}


def add_plan_reviews(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write the reviews of ``authority``'s plans at each milestone each reached while open."""
    reviews: list[PlanReview] = []
    for model, field in ((ChildProtectionPlan, "cp_plan"), (CINPlan, "cin_plan")):
        plans = model.objects.filter(child__authority=authority).only("pk", "child_id", "start", "end")
        for plan in plans.order_by("pk"):
            reviews.extend(_reviews(plan, field, window, rng))
    PlanReview.objects.bulk_create(reviews, batch_size=2000)


def _reviews(
    plan: ChildProtectionPlan | CINPlan, field: str, window: Window, rng: random.Random
) -> list[PlanReview]:
    out = []
    for months in review_milestones():
        due = add_months(plan.start, months)
        if due > window.today or (plan.end is not None and plan.end <= due):
            continue
        if rng.random() > RECORDED:
            continue
        held = min(due + dt.timedelta(days=rng.randint(-10, 14)), window.today)
        if plan.end is not None:
            held = min(held, plan.end)
        outcome = rng.choices(list(PlanReview.Outcome), weights=OUTCOMES.get(months, OUTCOMES[12]))[0]
        out.append(
            PlanReview(
                child_id=plan.child_id,
                milestone=months,
                date=max(held, plan.start),
                outcome=outcome,
                note=rng.choice(NOTES[outcome]),
                **{f"{field}_id": plan.pk},
            )
        )
    return out
