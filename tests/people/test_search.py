"""Find a child: by name, date of birth or child ID, only among children the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from divert.cases.models import ChildProtectionPlan
from divert.core.models import AuditEvent
from tests.conftest import World
from tests.people.conftest import caseload, episode, signed_in

SEARCH = reverse("people:search")


def names_found(response: Any) -> list[str]:
    return [row.child.full_name for row in response.context["rows"]]


def test_a_social_worker_finds_her_child_by_part_of_a_name_in_any_case(client: Client, world: World) -> None:
    response = signed_in(client, world.users["alice"]).get(SEARCH, {"name": "nORTH"})
    assert response.status_code == 200
    assert names_found(response) == ["Ava Northam"]
    assert "1 child found" in response.content.decode()


def test_every_word_of_a_name_must_match_a_first_or_last_name(client: Client, world: World) -> None:
    signed_in(client, world.users["mo"])
    assert names_found(client.get(SEARCH, {"name": "ava northam"})) == ["Ava Northam"]
    assert names_found(client.get(SEARCH, {"name": "ava southey"})) == []


def test_a_social_worker_cannot_find_another_teams_child(client: Client, world: World) -> None:
    response = signed_in(client, world.users["alice"]).get(SEARCH, {"name": "Sid"})
    assert names_found(response) == []
    assert "0 children found" in response.content.decode()
    assert "Southey" not in response.content.decode()


def test_a_police_officer_finds_only_children_shared_with_the_police(client: Client, world: World) -> None:
    response = signed_in(client, world.users["pat"]).get(SEARCH, {"name": "e"})
    assert names_found(response) == ["Sid Southey"]


def test_a_child_in_another_authority_is_never_found(client: Client, world: World) -> None:
    response = signed_in(client, world.users["hos"]).get(SEARCH, {"child_id": "E0001"})
    assert names_found(response) == []


def test_a_date_of_birth_in_three_boxes_finds_the_child(client: Client, world: World) -> None:
    query = {"date_of_birth-day": "17", "date_of_birth-month": "5", "date_of_birth-year": "2012"}
    response = signed_in(client, world.users["mo"]).get(SEARCH, query)
    assert names_found(response) == ["Ava Northam"]


def test_a_date_of_birth_typed_as_dd_mm_yyyy_finds_the_child(client: Client, world: World) -> None:
    response = signed_in(client, world.users["mo"]).get(SEARCH, {"date_of_birth": "03/02/2015"})
    assert names_found(response) == ["Sid Southey"]


def test_a_child_id_is_matched_whatever_its_case(client: Client, world: World) -> None:
    response = signed_in(client, world.users["mo"]).get(SEARCH, {"child_id": "n0001"})
    assert names_found(response) == ["Ava Northam"]


def test_an_impossible_date_is_shown_beside_the_field_and_nothing_is_searched(
    client: Client, world: World
) -> None:
    query = {
        "name": "Ava",
        "date_of_birth-day": "31",
        "date_of_birth-month": "2",
        "date_of_birth-year": "2012",
    }
    response = signed_in(client, world.users["alice"]).get(SEARCH, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<p id="id_date_of_birth-error-1" class="govuk-error-message">' in html
    assert "Date of birth must be a real date" in html
    assert '<a href="#id_date_of_birth-day">Date of birth must be a real date</a>' in html
    assert "rows" not in response.context
    assert response.context["page_title"].startswith("Error: ")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_a_date_without_its_month_says_so_and_marks_only_the_month_box(client: Client, world: World) -> None:
    query = {"date_of_birth-day": "17", "date_of_birth-month": "", "date_of_birth-year": "2012"}
    html = signed_in(client, world.users["alice"]).get(SEARCH, query).content.decode()
    assert "Date of birth must include a month" in html
    assert '<a href="#id_date_of_birth-month">' in html
    assert 'govuk-input--error" id="id_date_of_birth-month"' in html
    assert 'govuk-input--width-2" id="id_date_of_birth-day"' in html


def test_a_date_typed_in_words_is_refused(client: Client, world: World) -> None:
    html = (
        signed_in(client, world.users["alice"])
        .get(SEARCH, {"date_of_birth": "last tuesday"})
        .content.decode()
    )
    assert "Date of birth must be a real date" in html


def test_an_empty_search_asks_for_something_to_search_for(client: Client, world: World) -> None:
    html = signed_in(client, world.users["alice"]).get(SEARCH, {"name": "  "}).content.decode()
    assert "Enter a name, date of birth or child ID to search for" in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_opening_the_page_shows_the_form_and_records_no_search(client: Client, world: World) -> None:
    response = signed_in(client, world.users["alice"]).get(SEARCH)
    assert response.status_code == 200
    assert "children found" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_every_search_is_audited_with_its_criteria_but_not_its_results(client: Client, world: World) -> None:
    signed_in(client, world.users["alice"]).get(SEARCH, {"name": "Ava", "date_of_birth": "17/05/2012"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert event.actor == world.users["alice"]
    assert "name='Ava'" in event.note and "date_of_birth=2012-05-17" in event.note
    assert "N0001" not in event.note and "Northam" not in event.note
    assert event.child_id is None


def test_results_show_age_status_and_allocated_worker(client: Client, world: World) -> None:
    episode(world.child_north, dt.date(2024, 2, 1))
    ChildProtectionPlan.objects.create(child=world.child_north, start=dt.date(2024, 3, 1), category="NEG")
    response = signed_in(client, world.users["alice"]).get(SEARCH, {"name": "Ava"})
    (row,) = response.context["rows"]
    assert row.age == 13
    assert [label for label, _ in row.statuses] == ["In care", "Child protection plan"]
    assert row.worker == "Alice Tester"
    html = response.content.decode()
    assert '<strong class="govuk-tag govuk-tag--purple">In care</strong>' in html
    assert "17 May 2012" in html


def test_a_child_with_nothing_open_shows_no_open_involvement(client: Client, world: World) -> None:
    response = signed_in(client, world.users["sam"]).get(SEARCH, {"name": "Sid"})
    (row,) = response.context["rows"]
    assert row.statuses == [("No open involvement", "govuk-tag--grey")]


def test_results_come_25_to_a_page_with_the_total(client: Client, world: World) -> None:
    caseload(world, 30)
    signed_in(client, world.users["alice"])
    first = client.get(SEARCH, {"name": "Casey"})
    second = client.get(SEARCH, {"name": "Casey", "page": "2"})
    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    assert "30 children found" in first.content.decode()
    assert 'href="?name=Casey&amp;page=2"' in first.content.decode()
    assert {r.child.pk for r in first.context["rows"]}.isdisjoint(
        {r.child.pk for r in second.context["rows"]}
    )


def test_a_page_of_25_results_costs_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    """Session and user (2), the count, one page query with every status as a subquery, the audit
    row, and saving the session (3, as SESSION_SAVE_EVERY_REQUEST is on): 8, whatever the page size."""
    caseload(world, 25)
    signed_in(client, world.users["alice"])
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = client.get(SEARCH, {"name": "Casey"})
    assert len(response.context["rows"]) == 25


def test_the_query_count_does_not_grow_with_the_number_of_results(client: Client, world: World) -> None:
    caseload(world, 25)
    signed_in(client, world.users["alice"])
    client.get(SEARCH, {"name": "Casey"})  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(SEARCH, {"child_id": "C0000"})
    with CaptureQueriesContext(connection) as many:
        client.get(SEARCH, {"name": "Casey"})
    assert len(many) == len(one)


@pytest.mark.parametrize("username", ["adam"])
def test_a_role_that_sees_no_children_cannot_search(client: Client, world: World, username: str) -> None:
    response = signed_in(client, world.users[username]).get(SEARCH, {"name": "Ava"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()
