"""The placement review's pages: the meeting screen in order, a decision through the form, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.people.models import Professional
from divert.stepdown import actions
from divert.stepdown.models import Decision, PlacementReviewMeeting, StepDownPlan
from tests.conftest import World, make_child
from tests.stepdown.conftest import place, unit_costs


@pytest.fixture
def meeting(world: World) -> PlacementReviewMeeting:
    """Ava in an agency home at £4,200, Sid with an agency carer at £900, a third child in-house at
    £5,000; a meeting today."""
    unit_costs()
    since = timezone.localdate() - dt.timedelta(days=200)
    place(world.child_north, since, "K2", "4200")
    place(world.child_south, since, "U6", "900")
    cara = make_child(world.authority, "C0001", "Cara", "Council", dt.date(2010, 1, 1))
    place(cara, since, "K2", "5000", place_provider="PR1")
    return actions.create_meeting(
        world.users["hos"], authority=world.authority, date=timezone.localdate(), chair="Sue Chair"
    )


def _post(meeting: PlacementReviewMeeting, world: World, **fields: str) -> dict[str, str]:
    target = timezone.localdate() + dt.timedelta(days=56)
    worker = Professional.objects.get(user=world.users["alice"])
    data = {
        "outcome": "step_down",
        "reason": "Ready for a family",
        "acts": str(worker.pk),
        "destination": "in_house_foster",
        "expected_weekly_cost": "",
        "target_date-day": str(target.day),
        "target_date-month": str(target.month),
        "target_date-year": str(target.year),
    } | fields
    return {f"c{world.child_north.pk}-{k}": v for k, v in data.items()}


def test_the_meeting_screen_lists_the_children_due_independent_first_then_costliest(
    client: Client, world: World, meeting: PlacementReviewMeeting
) -> None:
    client.force_login(world.users["hos"])
    page = client.get(reverse("stepdown:meeting", args=[meeting.pk])).content.decode()
    order = [page.index(name) for name in ("Ava Northam", "Sid Southey", "Cara Council")]
    assert order == sorted(order)
    assert page.count("Record decision") == 3
    viewed = AuditEvent.objects.filter(action="view", object_type="care.episode")
    assert viewed.count() == 3


def test_a_decision_recorded_through_the_form_shows_on_the_meeting_screen(
    client: Client, world: World, meeting: PlacementReviewMeeting
) -> None:
    client.force_login(world.users["tom"])
    url = reverse("stepdown:decide", args=[meeting.pk, world.child_north.pk])
    response = client.post(url, _post(meeting, world), follow=True)
    assert response.redirect_chain[-1][0] == reverse("stepdown:meeting", args=[meeting.pk])
    plan = StepDownPlan.objects.get(child=world.child_north)
    # (4,200 - 650) x 52 = £184,600 a year.
    assert plan.expected_weekly_cost == Decimal("650.00")
    page = response.content.decode()
    assert "The decision for Ava Northam has been recorded" in page
    assert "£184,600.00" in page
    # Ava is no longer waiting; tom sees no form for Sid (another team's child is not on his list).
    assert page.count("Record decision") == 0


def test_a_decision_with_mistakes_is_shown_again_with_the_errors_beside_the_fields(
    client: Client, world: World, meeting: PlacementReviewMeeting
) -> None:
    client.force_login(world.users["hos"])
    url = reverse("stepdown:decide", args=[meeting.pk, world.child_north.pk])
    response = client.post(url, _post(meeting, world, reason="", destination="", **{"target_date-day": "40"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Placement review" in page
    assert "Enter the reason for the decision" in page
    assert "Target date must be a real date" in page
    assert not Decision.objects.exists()


def test_a_social_worker_reads_the_meeting_but_cannot_record(
    client: Client, world: World, meeting: PlacementReviewMeeting
) -> None:
    client.force_login(world.users["alice"])
    page = client.get(reverse("stepdown:meeting", args=[meeting.pk])).content.decode()
    assert "Ava Northam" in page and "Sid Southey" not in page
    assert "Record decision" not in page
    url = reverse("stepdown:decide", args=[meeting.pk, world.child_north.pk])
    assert client.post(url, _post(meeting, world)).status_code == 403


def test_the_savings_page_and_its_csv(client: Client, world: World, meeting: PlacementReviewMeeting) -> None:
    actions.record_decision(
        world.users["hos"],
        meeting=meeting,
        child=world.child_north,
        outcome="step_down",
        reason="Ready",
        acts=Professional.objects.get(user=world.users["alice"]),
        destination="kinship",
        target_date=timezone.localdate() + dt.timedelta(days=30),
    )
    client.force_login(world.users["fin"])
    page = client.get(reverse("stepdown:savings")).content.decode()
    # (4,200 - 300) x 52 = 3,900 x 52 = £202,800.
    assert "£202,800.00" in page
    csv = client.get(reverse("stepdown:savings_csv")).content.decode()
    assert "N0001,Kinship (family and friends) foster care,Open" in csv
    assert "202800.00" in csv


def test_the_programme_page_costs_a_fixed_number_of_queries(
    client: Client, world: World, meeting: PlacementReviewMeeting, django_assert_max_num_queries: object
) -> None:
    client.force_login(world.users["hos"])
    for n in range(5):
        child = make_child(world.authority, f"X000{n}", "Extra", "Child", dt.date(2011, 1, 1))
        place(child, timezone.localdate() - dt.timedelta(days=30), "U6", "800")
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        page = client.get(reverse("stepdown:index")).content.decode()
    assert "Children in the programme" in page
