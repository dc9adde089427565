"""The child summary: who the child is, what is happening now, and recent history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from divert.care.models import LookedAfterReview, Visit
from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan
from divert.core.models import AuditEvent
from divert.frontdoor.models import Referral
from divert.people.models import FamilyMember, Locality
from tests.conftest import World
from tests.people.conftest import episode, provider, signed_in, without_csrf


def summary_url(world: World, which: str = "child_north") -> str:
    return reverse("people:child", kwargs={"pk": getattr(world, which).pk})


def test_the_summary_says_who_the_child_is(client: Client, world: World) -> None:
    ava = world.child_north
    ava.ethnicity, ava.upn, ava.disability = "MWBC", "B801200005001", True
    ava.locality = Locality.objects.create(authority=world.authority, name="Plymptown North")
    ava.save()
    FamilyMember.objects.create(
        child=ava, name="Mia Northam", relationship="mother", parental_responsibility=True
    )
    html = signed_in(client, world.users["alice"]).get(summary_url(world)).content.decode()
    for shown in (
        "Ava Northam",
        "Child ID N0001",
        "Female",
        "17 May 2012 (age 13)",
        "White and Black Caribbean",
        "B801200005001",
        "PL4 8AA",
        "Plymptown North",
        "Mia Northam",
        "Mother",
    ):
        assert shown in html, shown


def test_the_summary_shows_the_current_placement_and_when_this_period_of_care_began(
    client: Client, world: World
) -> None:
    ava = world.child_north
    home = provider(world, "Harbour Homes Ltd", "PR4")
    episode(ava, dt.date(2023, 1, 10), dec=dt.date(2024, 3, 1), rec="X1", place="U6")
    episode(
        ava,
        dt.date(2024, 3, 1),
        rne="P",
        place="K2",
        place_provider="PR4",
        provider=home,
        weekly_cost=Decimal("4200.50"),
        planned_end=dt.date(2025, 12, 31),
    )
    response = signed_in(client, world.users["alice"]).get(summary_url(world))
    care = response.context["summary"].care
    assert care.period_start == dt.date(2023, 1, 10)
    html = response.content.decode()
    for shown in (
        "Period of care began",
        "10 Jan 2023",
        "Full care order (C2)",
        "Children&#x27;s home (K2)",
        "Harbour Homes Ltd",
        "Independent sector (private)",
        "£4,200.50",
        "31 Dec 2025",
    ):
        assert shown in html, shown


def test_a_child_who_left_care_and_came_back_shows_the_new_period_of_care(
    client: Client, world: World
) -> None:
    ava = world.child_north
    episode(ava, dt.date(2020, 1, 1), dec=dt.date(2021, 1, 1), rec="E4A")
    episode(ava, dt.date(2024, 5, 1))
    summary = signed_in(client, world.users["alice"]).get(summary_url(world)).context["summary"]
    assert summary.care.period_start == dt.date(2024, 5, 1)


def test_a_child_not_in_care_shows_no_placement(client: Client, world: World) -> None:
    episode(world.child_north, dt.date(2020, 1, 1), dec=dt.date(2021, 1, 1), rec="E4A")
    response = signed_in(client, world.users["alice"]).get(summary_url(world))
    assert response.context["summary"].care is None
    assert "Current placement" not in response.content.decode()


def test_the_summary_shows_open_referral_assessment_and_plans_with_dates(
    client: Client, world: World
) -> None:
    ava = world.child_north
    referral = Referral.objects.create(child=ava, date=dt.date(2025, 1, 6), source="6", route="assessment")
    Assessment.objects.create(child=ava, referral=referral, start=dt.date(2025, 1, 7))
    CINPlan.objects.create(child=ava, start=dt.date(2024, 6, 1), end=dt.date(2024, 12, 1))
    ChildProtectionPlan.objects.create(child=ava, start=dt.date(2025, 2, 20), category="EMO")
    response = signed_in(client, world.users["alice"]).get(summary_url(world))
    summary = response.context["summary"]
    assert summary.cin_plan is None  # ended before today
    assert summary.cp_months == 3  # 20 February to 16 June
    html = response.content.decode()
    for shown in (
        "Received 6 Jan 2025",
        "Source: Police. Route: Children and families assessment",
        "In progress since 7 Jan 2025",
        "Emotional abuse, since 20 Feb 2025",
        "Open 3 months",
    ):
        assert shown in html, shown
    assert [label for label, _ in summary.status_tags] == [
        "Child protection plan",
        "Assessment in progress",
        "Open referral",
    ]


def test_the_summary_shows_the_allocated_worker_and_latest_review_and_visit(
    client: Client, world: World
) -> None:
    ava = world.child_north
    LookedAfterReview.objects.create(child=ava, date=dt.date(2025, 3, 3), participation="PN1")
    LookedAfterReview.objects.create(child=ava, date=dt.date(2025, 5, 30), participation="PN1")
    Visit.objects.create(child=ava, date=dt.date(2025, 6, 2))
    html = signed_in(client, world.users["alice"]).get(summary_url(world)).content.decode()
    assert "Alice Tester, North children in care" in html
    assert "30 May 2025" in html
    assert "2 Jun 2025 (seen alone)" in html


def test_recent_history_lists_the_last_ten_events_newest_first(client: Client, world: World) -> None:
    ava = world.child_north
    for month in range(1, 13):
        LookedAfterReview.objects.create(child=ava, date=dt.date(2024, month, 15), participation="PN1")
    Referral.objects.create(child=ava, date=dt.date(2025, 1, 6), source="2A")
    history = signed_in(client, world.users["alice"]).get(summary_url(world)).context["summary"].history
    assert len(history) == 10
    assert history[0].label == "Referral received" and history[0].date == dt.date(2025, 1, 6)
    assert [e.date for e in history] == sorted((e.date for e in history), reverse=True)
    assert history[-1].date == dt.date(2024, 4, 15)


def test_every_view_of_the_summary_is_audited(client: Client, world: World) -> None:
    signed_in(client, world.users["alice"])
    client.get(summary_url(world))
    client.get(summary_url(world))
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, child_id=world.child_north.pk)
    assert views.count() == 2
    assert {v.actor_label for v in views} == {"alice"}


def test_a_child_the_user_may_not_see_is_the_same_404_as_a_missing_one(client: Client, world: World) -> None:
    signed_in(client, world.users["alice"])
    hidden = client.get(summary_url(world, "child_south"))
    missing = client.get(reverse("people:child", kwargs={"pk": world.child_elsewhere.pk + 1000}))
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden.content) == without_csrf(missing.content)
    assert "Southey" not in hidden.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_edit_details_shows_only_to_users_who_may_change_the_child(client: Client, world: World) -> None:
    edit = reverse("people:edit", kwargs={"pk": world.child_north.pk})
    assert edit in signed_in(client, world.users["alice"]).get(summary_url(world)).content.decode()
    assert edit not in signed_in(client, world.users["ana"]).get(summary_url(world)).content.decode()


def test_the_forms_for_the_front_door_and_panels_are_offered_to_those_who_may_change_the_child(
    client: Client, world: World
) -> None:
    """A worker reaches the strategy, assessment, early help and panel forms from the child's page."""
    pk = world.child_north.pk
    forms = [
        reverse("cases:assessment_start", kwargs={"child_pk": pk}),
        reverse("cases:strategy", kwargs={"child_pk": pk}),
        reverse("earlyhelp:step_down", kwargs={"child_pk": pk}),
        reverse("panels:propose", kwargs={"child_pk": pk}),
        reverse("panels:request", kwargs={"child_pk": pk}),
    ]
    worker_page = signed_in(client, world.users["alice"]).get(summary_url(world)).content.decode()
    analyst_page = signed_in(client, world.users["ana"]).get(summary_url(world)).content.decode()
    assert all(url in worker_page for url in forms)
    assert not any(url in analyst_page for url in forms)


def test_the_summary_reads_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    ava = world.child_north
    for year in range(2015, 2025):
        episode(ava, dt.date(year, 1, 1), dec=dt.date(year, 6, 1), rec="E4A")
        LookedAfterReview.objects.create(child=ava, date=dt.date(year, 2, 1), participation="PN1")
    signed_in(client, world.users["alice"])
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client.get(summary_url(world)).status_code == 200
