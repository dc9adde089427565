"""The children-in-care statutory clocks page: who is listed, in what order, and the counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from divert.care.models import Episode, LookedAfterReview, Visit
from divert.cases.models import ChildProtectionPlan, Conference
from divert.core.calendar import add_months
from divert.core.clocks import cp_review_conference_due, la_review_due
from divert.core.models import AuditEvent
from divert.people.models import Child


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def in_care(child: Child, since: dt.date, place: str = "U4") -> Episode:
    return Episode.objects.create(child=child, decom=since, rne="S", ls="C2", cin="N1", place=place)


def page(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("care:index"), query)
    assert response.status_code == 200
    return response


def test_the_page_lists_only_the_children_the_user_may_see(client, world):
    for child in (world.child_north, world.child_south, world.child_elsewhere):
        in_care(child, days_ago(100))

    alice = page(client, world.users["alice"])
    mo = page(client, world.users["mo"])

    assert [row.child for row in alice.context["clocks"].reviews] == [world.child_north]
    assert {row.child for row in mo.context["clocks"].reviews} == {world.child_north, world.child_south}
    assert "Ava Northam" in alice.content.decode()
    assert "Sid Southey" not in alice.content.decode()
    assert AuditEvent.objects.filter(actor=world.users["alice"], action="search").count() == 1


def test_most_overdue_first_with_due_date_days_overdue_worker_and_counts(client, world):
    in_care(world.child_north, days_ago(60))
    in_care(world.child_south, days_ago(200))

    clocks = page(client, world.users["mo"]).context["clocks"]

    assert [row.child for row in clocks.reviews] == [world.child_south, world.child_north]
    first = clocks.reviews[0]
    assert first.due == la_review_due(days_ago(200), [])
    assert first.days_overdue == (timezone.localdate() - first.due).days
    assert first.worker and first.team == world.south.name
    reviews_count = clocks.counts[0]
    assert reviews_count[1:] == ("Looked-after reviews", 2, 0)


def test_a_review_held_stops_the_clock_until_the_next_is_near(client, world):
    in_care(world.child_north, days_ago(40))
    LookedAfterReview.objects.create(child=world.child_north, date=days_ago(20), participation="PN1")
    Visit.objects.create(child=world.child_north, date=days_ago(2))

    clocks = page(client, world.users["alice"]).context["clocks"]

    assert clocks.reviews == []  # the second is 3 months after the first
    assert clocks.visits == []  # the next visit is 6 weeks after the last


def test_a_new_placement_needs_a_visit_within_a_week(client, world):
    in_care(world.child_north, days_ago(3))

    visits = page(client, world.users["alice"]).context["clocks"].visits

    assert [(row.child, row.due, row.overdue, row.due_soon) for row in visits] == [
        (world.child_north, days_ago(3) + dt.timedelta(days=7), False, True)
    ]


def test_review_conferences_for_children_on_a_plan(client, world):
    plan = ChildProtectionPlan.objects.create(child=world.child_north, start=days_ago(100), category="NEG")
    ChildProtectionPlan.objects.create(child=world.child_south, start=days_ago(300), category="NEG")
    Conference.objects.create(
        child=world.child_south,
        plan=ChildProtectionPlan.objects.get(child=world.child_south),
        kind="review",
        date=days_ago(80),
    )

    clocks = page(client, world.users["mo"]).context["clocks"]

    assert [row.child for row in clocks.conferences] == [world.child_north]
    assert clocks.conferences[0].due == add_months(plan.start, 3)
    assert clocks.conferences[0].due == cp_review_conference_due(plan.start, [])


def test_filter_by_team_and_the_overdue_summary_by_team_and_worker(client, world):
    in_care(world.child_north, days_ago(100))
    in_care(world.child_south, days_ago(100))

    everyone = page(client, world.users["mo"]).context["clocks"]
    south = page(client, world.users["mo"], team=world.south.pk).context["clocks"]

    assert {(row.team, row.reviews, row.visits) for row in everyone.by_team_and_worker} == {
        (world.north.name, 1, 1),
        (world.south.name, 1, 1),
    }
    assert [row.child for row in south.reviews] == [world.child_south]


def test_an_unknown_team_is_an_error_not_a_crash(client, world):
    response = page(client, world.users["alice"], team="999999")

    assert response.context["page_title"].startswith("Error: ")


@pytest.mark.parametrize("who", ["pat", "fin", "adam"])
def test_roles_outside_casework_may_not_open_the_page(client, world, who):
    client.force_login(world.users[who])

    assert client.get(reverse("care:index")).status_code == 403
