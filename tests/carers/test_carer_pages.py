"""The carers pages as their users meet them: the fostering manager moves a household, a
social worker reads but cannot, and a child's vacancies are an audited look at the child."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from divert.carers.models import FosterHousehold
from divert.core.concurrency import versioned
from divert.core.models import AuditEvent


def _at_panel(world):
    today = timezone.localdate()
    return FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH050",
        name="The Browns",
        enquiry_date=today - dt.timedelta(days=200),
        stage="panel",
        status="assessment",
        stage_since=today - dt.timedelta(days=70),  # panel clock 8 weeks (56 days): overdue
    )


def _move(today, **extra):
    return {
        "stage": "approved",
        "day": f"{today.day}/{today.month}/{today.year}",
        **extra,
    }


def test_the_overview_counts_the_overdue_household(client, world):
    _at_panel(world)
    client.force_login(world.users["alice"])
    response = client.get(reverse("carers:index"))
    assert response.status_code == 200
    assert (
        "1 prospective foster households in recruitment (target 25), 1 overdue" in response.content.decode()
    )


def test_the_fostering_manager_approves_from_the_household_page(client, world):
    household = _at_panel(world)
    client.force_login(world.users["tom"])
    today = timezone.localdate()
    page = client.get(reverse("carers:household", args=[household.pk])).content.decode()
    assert "Move household" in page and "Overdue" in page
    response = client.post(
        reverse("carers:household", args=[household.pk]),
        _move(today, approved_places="2", age_from="0", age_to="17") | versioned(household),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.stage, household.approved_places, household.approval_date) == ("approved", 2, today)


def test_a_refused_move_shows_its_errors_and_writes_nothing(client, world):
    household = _at_panel(world)
    client.force_login(world.users["tom"])
    response = client.post(
        reverse("carers:household", args=[household.pk]), _move(timezone.localdate()) | versioned(household)
    )
    assert response.status_code == 200
    assert "An approved household has at least one place" in response.content.decode()
    assert FosterHousehold.objects.get(pk=household.pk).stage == "panel"


def test_a_social_worker_reads_but_cannot_move_a_household(client, world):
    household = _at_panel(world)
    client.force_login(world.users["alice"])
    page = client.get(reverse("carers:household", args=[household.pk])).content.decode()
    assert "Move household" not in page
    response = client.post(
        reverse("carers:household", args=[household.pk]),
        _move(timezone.localdate(), approved_places="2", age_from="0", age_to="17"),
    )
    assert response.status_code == 403


def test_looking_for_vacancies_for_a_child_is_an_audited_view(client, world):
    client.force_login(world.users["alice"])
    response = client.get(reverse("carers:vacancies", args=[world.child_north.pk]), {"siblings": "2"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert event.child_id == world.child_north.pk


def test_the_fostering_manager_records_a_review_of_an_inactive_household(client, world):
    today = timezone.localdate()
    household = FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH051",
        name="The Greys",
        enquiry_date=today - dt.timedelta(days=900),
        approval_date=today - dt.timedelta(days=700),
        stage="inactive",
        status="inactive",
        approved_places=1,
    )
    client.force_login(world.users["tom"])
    url = reverse("carers:review", args=[household.pk])
    refused = client.post(url, {"review-day": f"{today.day}/{today.month}/{today.year}", "review-note": ""})
    assert refused.status_code == 200 and "What the review found" in refused.content.decode()
    response = client.post(
        url,
        {"review-day": f"{today.day}/{today.month}/{today.year}", "review-note": "Happy to take teenagers"},
    )
    assert response.status_code == 302
    assert FosterHousehold.objects.get(pk=household.pk).last_review_date == today
