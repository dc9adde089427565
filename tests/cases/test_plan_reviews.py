"""Reviews of child protection and children in need plans at 9, 12 and 18 months, and the step-down audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.earlyhelp.builders import days_ago

from divert.cases.actions import end_cp_plan, record_plan_review, start_cin_plan, start_cp_plan
from divert.cases.models import ChildProtectionPlan, CINPlan, PlanReview
from divert.cases.queries import Filters, milestone_date, months_between, plan_reviews
from divert.core.calendar import add_months
from divert.core.models import AuditEvent

RAPID = PlanReview.Outcome.RAPID_RESOLUTION
RISK = PlanReview.Outcome.MANAGEMENT_OF_RISK
DIVERSION = PlanReview.Outcome.DE_ESCALATION


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def cp_plan(child, months_ago: int = 0, days: int = 0) -> ChildProtectionPlan:
    start = add_months(timezone.localdate(), -months_ago) - dt.timedelta(days=days)
    return start_cp_plan(None, child=child, start=start, category="NEG")


def cin_plan(child, months_ago: int = 0, days: int = 0) -> CINPlan:
    start = add_months(timezone.localdate(), -months_ago) - dt.timedelta(days=days)
    return start_cin_plan(None, child=child, start=start)


# --- Milestones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (dt.date(2025, 1, 15), 9, dt.date(2025, 10, 15)),
        (dt.date(2025, 8, 31), 9, dt.date(2026, 5, 31)),
        (dt.date(2025, 5, 31), 9, dt.date(2026, 2, 28)),  # no 31 February: the month's last day
        (dt.date(2023, 5, 31), 9, dt.date(2024, 2, 29)),  # a leap year's February
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),  # leap day, a year on
        (dt.date(2024, 2, 29), 18, dt.date(2025, 8, 29)),
        (dt.date(2023, 2, 28), 12, dt.date(2024, 2, 28)),  # not the leap day
        (dt.date(2025, 3, 31), 18, dt.date(2026, 9, 30)),
        (dt.date(2025, 12, 31), 12, dt.date(2026, 12, 31)),
    ],
)
def test_a_milestone_falls_on_the_same_day_months_on_or_the_months_last_day(start, months, due):
    assert milestone_date(start, months) == due


def test_months_open_count_whole_months_only():
    assert months_between(dt.date(2025, 5, 31), dt.date(2026, 2, 27)) == 8
    assert months_between(dt.date(2025, 5, 31), dt.date(2026, 2, 28)) == 9
    assert months_between(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 12


# --- The action -------------------------------------------------------------------------------


def test_a_review_is_recorded_with_its_outcome_and_audited(world):
    plan = cp_plan(world.child_north, months_ago=12)
    alice = world.users["alice"]

    review = record_plan_review(alice, plan=plan, milestone=12, date=days_ago(1), outcome=RISK, note=" Held ")

    assert (review.child, review.cp_plan, review.cin_plan) == (world.child_north, plan, None)
    assert (review.note, review.recorded_by) == ("Held", alice)
    assert AuditEvent.objects.filter(actor=alice, action="create", object_type="cases.planreview").exists()


def test_a_children_in_need_plan_can_be_reviewed_too(world):
    plan = cin_plan(world.child_south, months_ago=10)

    review = record_plan_review(None, plan=plan, milestone=9, date=days_ago(2), outcome=DIVERSION, note="")

    assert (review.cin_plan, review.cp_plan, review.child) == (plan, None, world.child_south)


def _refused(nothing_written, field: str, **kwargs):
    with nothing_written(PlanReview), pytest.raises(ValidationError) as refused:
        record_plan_review(
            None, **{"milestone": 12, "date": days_ago(1), "outcome": RAPID, "note": ""} | kwargs
        )
    assert field in refused.value.message_dict
    return refused.value.message_dict[field][0]


def test_a_milestone_outside_the_local_rule_is_refused(world, nothing_written):
    plan = cp_plan(world.child_north, months_ago=12)

    assert "9, 12, 18" in _refused(nothing_written, "milestone", plan=plan, milestone=6)


def test_the_local_rule_is_a_setting(world, nothing_written, settings):
    settings.DIVERT = {**settings.DIVERT, "PLAN_REVIEW_MONTHS": (6, 12)}
    plan = cp_plan(world.child_north, months_ago=12)

    assert record_plan_review(None, plan=plan, milestone=6, date=days_ago(1), outcome=RAPID).milestone == 6
    _refused(nothing_written, "milestone", plan=plan, milestone=9)


def test_a_milestone_is_reviewed_once_per_plan(world, nothing_written):
    plan = cp_plan(world.child_north, months_ago=12)
    record_plan_review(None, plan=plan, milestone=12, date=days_ago(2), outcome=RISK)

    assert "already recorded" in _refused(nothing_written, "milestone", plan=plan)


def test_the_review_date_is_within_the_plan_and_not_in_the_future(world, nothing_written):
    plan = cp_plan(world.child_north, months_ago=12)
    before = plan.start - dt.timedelta(days=1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert "before the plan began" in _refused(nothing_written, "date", plan=plan, date=before)
    assert "future" in _refused(nothing_written, "date", plan=plan, date=tomorrow)
    ended = end_cp_plan(None, plan=plan, end=days_ago(10))
    assert "after the plan ended" in _refused(nothing_written, "date", plan=ended, date=days_ago(5))


def test_an_outcome_is_required(world, nothing_written):
    plan = cp_plan(world.child_north, months_ago=12)

    assert _refused(nothing_written, "outcome", plan=plan, outcome="") == "Choose the review's outcome"


# --- The list ---------------------------------------------------------------------------------


def test_plans_reach_the_list_at_their_first_milestone(world):
    cp_plan(world.child_north, months_ago=9)  # reaches 9 months today
    cin_plan(world.child_north, months_ago=8, days=25)  # not yet
    today = timezone.localdate()

    rows = plan_reviews(world.users["hos"], Filters(), today).plans

    assert [(row.kind, row.milestone, row.due, row.overdue) for row in rows] == [("cp", 9, today, False)]
    assert rows[0].next_milestone == 12


def test_the_first_unreviewed_milestone_is_shown_and_overdue_comes_first(world):
    overdue = cp_plan(world.child_north, months_ago=13)  # 9 and 12 passed, neither reviewed
    record_plan_review(None, plan=overdue, milestone=9, date=days_ago(100), outcome=RISK)
    current = cin_plan(world.child_south, months_ago=9, days=3)
    record_plan_review(None, plan=current, milestone=9, date=days_ago(1), outcome=DIVERSION)

    rows = plan_reviews(world.users["hos"], Filters()).plans

    assert [(row.plan, row.milestone, row.overdue, row.review is None) for row in rows] == [
        (overdue, 12, True, True),
        (current, 9, False, False),
    ]
    assert rows[0].next_milestone == 18 and rows[1].next_milestone == 12


def test_a_plan_past_its_last_milestone_has_no_next_review(world):
    plan = cp_plan(world.child_north, months_ago=20)
    for months in (9, 12, 18):
        record_plan_review(None, plan=plan, milestone=months, date=days_ago(30), outcome=RISK)

    (row,) = plan_reviews(world.users["hos"], Filters()).plans

    assert (row.milestone, row.review is not None, row.overdue, row.next_milestone) == (18, True, False, None)


def test_ended_plans_are_not_listed(world):
    plan = cp_plan(world.child_north, months_ago=13)
    end_cp_plan(None, plan=plan, end=days_ago(1))

    assert plan_reviews(world.users["hos"], Filters()).plans == []


def test_long_children_in_need_plans_are_listed_for_step_down_longest_first(world):
    newer = cin_plan(world.child_north, months_ago=10)
    older = cin_plan(world.child_south, months_ago=15)
    cp_plan(world.child_north, months_ago=15)

    found = plan_reviews(world.users["hos"], Filters())

    assert [row.plan for row in found.long_cin_plans] == [older, newer]
    assert [row.months_open for row in found.long_cin_plans] == [15, 10]


def test_outcomes_of_the_last_12_months_are_counted_by_category(world):
    old = cp_plan(world.child_north, months_ago=30)
    record_plan_review(None, plan=old, milestone=9, date=add_months(old.start, 9), outcome=RAPID)  # too old
    record_plan_review(None, plan=old, milestone=18, date=days_ago(5), outcome=RISK)
    plan = cin_plan(world.child_south, months_ago=13)
    record_plan_review(None, plan=plan, milestone=9, date=days_ago(90), outcome=DIVERSION)
    record_plan_review(None, plan=plan, milestone=12, date=days_ago(3), outcome=DIVERSION)

    counts = plan_reviews(world.users["hos"], Filters()).outcomes

    assert [(c.outcome, c.count) for c in counts] == [(RAPID, 0), (RISK, 1), (DIVERSION, 2)]


def test_the_page_lists_only_the_children_the_user_may_see_and_links_step_down(client, world):
    cin_plan(world.child_north, months_ago=10)
    cin_plan(world.child_south, months_ago=10)
    cin_plan(world.child_elsewhere, months_ago=10)
    client.force_login(world.users["alice"])

    response = client.get(reverse("cases:plan_reviews"))

    page = response.content.decode()
    assert "Ava Northam" in page
    assert "Sid Southey" not in page and "Eli Elsewhere" not in page
    assert reverse("earlyhelp:step_down", kwargs={"child_pk": world.child_north.pk}) in page
    assert AuditEvent.objects.filter(actor=world.users["alice"], action="search").count() == 1


def test_the_page_can_show_one_workers_children(client, world):
    cp_plan(world.child_north, months_ago=12)
    cp_plan(world.child_south, months_ago=12)
    client.force_login(world.users["hos"])
    sam = world.child_south.allocations.get().worker

    rows = client.get(reverse("cases:plan_reviews"), {"worker": sam.pk}).context["reviews"].plans

    assert [row.child for row in rows] == [world.child_south]


def test_the_list_costs_the_same_queries_however_many_plans(client, world):
    client.force_login(world.users["hos"])
    url = reverse("cases:plan_reviews")
    cp_plan(world.child_north, months_ago=12)
    cin_plan(world.child_north, months_ago=12)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    cin_plan(world.child_south, months_ago=12)
    plan = cp_plan(world.child_south, months_ago=20)
    record_plan_review(None, plan=plan, milestone=9, date=days_ago(200), outcome=RISK)
    with CaptureQueriesContext(connection) as three:
        client.get(url)

    assert len(three) == len(one)


# --- The form ---------------------------------------------------------------------------------


def test_the_form_offers_the_milestone_due_and_records_the_review(client, world):
    plan = cp_plan(world.child_north, months_ago=12, days=2)
    client.force_login(world.users["alice"])
    url = reverse("cases:plan_review", kwargs={"kind": "cp", "pk": plan.pk})

    assert client.get(url).context["form"].initial["milestone"] == 9
    response = client.post(
        url, {"milestone": "12", **_date("date", days_ago(1)), "outcome": RISK, "note": ""}
    )

    assert response.status_code == 302
    review = PlanReview.objects.get()
    assert (review.cp_plan, review.milestone, review.recorded_by) == (plan, 12, world.users["alice"])


def test_a_refused_review_shows_the_error_beside_its_field(client, world):
    plan = cin_plan(world.child_north, months_ago=10)
    client.force_login(world.users["alice"])
    url = reverse("cases:plan_review", kwargs={"kind": "cin", "pk": plan.pk})
    record_plan_review(None, plan=plan, milestone=9, date=days_ago(3), outcome=RAPID)

    response = client.post(url, {"milestone": "9", **_date("date", days_ago(1)), "outcome": RAPID})

    assert response.status_code == 200
    assert response.context["page_title"].startswith("Error: ")
    assert "already recorded" in response.context["form"].errors["milestone"][0]
    assert PlanReview.objects.count() == 1


def test_an_unknown_kind_of_plan_is_not_found(client, world):
    plan = cp_plan(world.child_north, months_ago=10)
    client.force_login(world.users["alice"])

    assert client.get(reverse("cases:plan_review", kwargs={"kind": "xx", "pk": plan.pk})).status_code == 404
