"""The child's chronology entries from the placement review: decisions, and their plans' outcomes.

The chronology app gathers ``entries(child)`` from every domain (``divert.chronology``). Each
decision is an entry on its meeting's date; a plan adds an entry when the register shows it
achieved and when it was withdrawn. The caller has already checked that the reader may see the child.
"""

from __future__ import annotations

from django.urls import reverse

from divert.chronology.entries import Entry
from divert.people.models import Child
from divert.stepdown import queries
from divert.stepdown.models import Decision, StepDownPlan

KIND = "placement_review"


def _pounds(value: object) -> str:
    return f"£{value:,.2f}"


def _decision_entry(decision: Decision, plan: StepDownPlan | None) -> Entry:
    outcome = decision.get_outcome_display().split(":")[0]
    title = f"Placement review: {outcome.lower()}"
    if plan is not None:
        title += (
            f" ({plan.get_destination_display().lower()} by {plan.target_date.day} {plan.target_date:%B %Y})"
        )
    url = (
        reverse("stepdown:plan", args=[plan.pk])
        if plan is not None
        else reverse("stepdown:meeting", args=[decision.meeting_id])
    )
    return Entry(
        date=decision.meeting.date,
        kind=KIND,
        title=title,
        detail=f"Placement at {_pounds(decision.weekly_cost)} a week. {decision.reason}",
        url=url,
        source=f"stepdown.decision:{decision.pk}",
    )


def _plan_entries(state: queries.PlanState) -> list[Entry]:
    plan = state.plan
    url = reverse("stepdown:plan", args=[plan.pk])
    source = f"stepdown.stepdownplan:{plan.pk}"
    found = []
    if state.realised is not None and plan.withdrawn_on is None:
        found.append(
            Entry(
                date=state.realised.date,
                kind=KIND,
                title=f"Step-down achieved: {plan.get_destination_display().lower()}",
                detail=f"{state.realised.how}; {_pounds(state.realised.weekly_cost)} a week after "
                f"{_pounds(plan.weekly_cost_before)} before",
                url=url,
                source=source,
            )
        )
    if plan.withdrawn_on is not None:
        found.append(
            Entry(
                date=plan.withdrawn_on,
                kind=KIND,
                title="Step-down plan withdrawn",
                detail=plan.withdrawn_reason,
                url=url,
                source=source,
            )
        )
    return found


def entries(child: Child) -> list[Entry]:
    """Every placement review decision about ``child``, and what became of its plans."""
    decisions = list(
        child.placement_review_decisions.select_related("meeting").order_by("meeting__date", "pk")
    )
    plans = {
        p.decision_id: p for p in StepDownPlan.objects.filter(child=child).select_related("from_episode")
    }
    found = [_decision_entry(d, plans.get(d.pk)) for d in decisions]
    for state in queries.plan_states(plans.values(), queries.today()):
        found.extend(_plan_entries(state))
    return found
