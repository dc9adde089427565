"""Actions: overdue and due soon as at a fixed day, overdue first in the list, and the rules for
marking done, blocking and linking indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from divert.core.concurrency import versioned
from divert.core.models import AuditEvent
from divert.programme import actions, queries
from divert.programme.models import Action
from tests.conftest import World
from tests.programme.conftest import action, stream

ON = dt.date(2026, 3, 16)


def _actions(world: World) -> dict[str, Action]:
    a = world.authority
    hub = stream(a, "Safeguarding hub", 0)
    return {
        "long_overdue": action(a, "Hub team in place", ON - dt.timedelta(days=30), "in_progress", stream=hub),
        "overdue": action(
            a, "Multi-agency protocol", ON - dt.timedelta(days=1), "blocked", barrier="Police sign-off"
        ),
        "today": action(a, "Threshold manager", ON, "not_started"),
        "soon": action(
            a, "Information evenings", ON + dt.timedelta(days=28), "in_progress", owner="Joy Howick"
        ),
        "later": action(a, "Parent and child team", ON + dt.timedelta(days=29)),
        "done": action(a, "Separate assessment team", ON - dt.timedelta(days=60), "done"),
    }


def test_overdue_and_due_soon_as_at_a_day(world: World) -> None:
    made = _actions(world)
    found = queries.due(list(queries.actions(world.authority.pk)), ON)
    # Overdue: due before 16 March and not done (blocked still counts). Due soon: 16 March to 13 April.
    assert found.overdue == [made["long_overdue"], made["overdue"]]
    assert found.due_soon == [made["today"], made["soon"]]


def test_the_list_puts_overdue_first_and_filters(world: World) -> None:
    made = _actions(world)
    rows = queries.filtered_actions(world.authority.pk, on=ON)
    assert [r.what for r in rows[:2]] == ["Hub team in place", "Multi-agency protocol"]
    assert rows[-1] == made["done"]
    assert queries.filtered_actions(world.authority.pk, owner="joy", on=ON) == [made["soon"]]
    assert queries.filtered_actions(world.authority.pk, status="blocked", on=ON) == [made["overdue"]]
    hub = made["long_overdue"].stream_id
    assert queries.filtered_actions(world.authority.pk, stream=hub, on=ON) == [made["long_overdue"]]


def test_progress_counts_each_streams_actions(world: World) -> None:
    _actions(world)
    by_name = {p.stream.name: p for p in queries.progress(world.authority.pk, ON)}
    hub, placements = by_name["Safeguarding hub"], by_name["Placement improvement"]
    assert (hub.total, hub.overdue) == (1, 1)
    assert placements.counts == {"not_started": 2, "in_progress": 1, "done": 1, "blocked": 1}
    assert (placements.overdue, placements.due_soon) == (1, 2)


def test_an_action_is_created_and_marked_done_with_audit_rows(world: World) -> None:
    today = timezone.localdate()
    made = actions.create_action(
        world.users["hos"],
        stream=stream(world.authority),
        what="Fortnightly placement review",
        due=today,
        owner="Anne Osborne",
        indicators=["agency_fostering"],
    )
    actions.mark_done(world.users["hos"], made, today)
    made.refresh_from_db()
    assert (made.status, made.done_on) == ("done", today)
    assert AuditEvent.objects.filter(object_type="programme.action").count() == 2
    with pytest.raises(ValidationError):
        actions.mark_done(world.users["hos"], made, today)


def test_the_rules_refuse_a_bad_action(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        actions.create_action(
            world.users["hos"],
            stream=stream(world.authority),
            what=" ",
            due=today,
            owner="",
            indicators=["nope"],
        )
    assert set(refused.value.message_dict) == {"what", "owner", "indicators"}
    made = action(world.authority, "Hub", today)
    with pytest.raises(ValidationError) as blocked:
        actions.update_action(world.users["hos"], made, status="blocked", barrier="")
    assert "blocking" in blocked.value.message_dict["barrier"][0]
    with pytest.raises(ValidationError) as future:
        actions.update_action(world.users["hos"], made, status="done", done_on=today + dt.timedelta(days=1))
    assert "future" in future.value.message_dict["done_on"][0]
    made.refresh_from_db()
    assert (made.status, made.done_on) == ("not_started", None)


def test_the_actions_page_and_forms(client: Client, world: World) -> None:
    today = timezone.localdate()
    made = action(world.authority, "Hub team in place", today - dt.timedelta(days=3), "in_progress")
    client.force_login(world.users["ana"])
    html = client.get("/programme/actions/?status=in_progress").content.decode()
    assert "Hub team in place" in html and "Overdue" in html
    response = client.post(f"/programme/actions/{made.pk}/done/", {"done_on": today.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "done"
    response = client.post("/programme/actions/new/", {"stream": made.stream_id})
    assert "Enter what the action wants to achieve" in response.content.decode()


def test_the_overview_lists_overdue_and_due_actions_in_few_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    today = timezone.localdate()
    for n in range(6):
        action(world.authority, f"Overdue {n}", today - dt.timedelta(days=n + 1), "in_progress")
    action(world.authority, "Due next week", today + dt.timedelta(days=7))
    client.force_login(world.users["tom"])
    with django_assert_max_num_queries(12):
        html = client.get("/programme/").content.decode()
    overdue, due_soon = html.split('id="overdue"')[1].split('id="due-soon"')
    assert "Overdue 5" in overdue and "Due next week" in due_soon.split('id="top-risks"')[0]


def test_an_action_is_blocked_through_its_form_with_the_barrier(client: Client, world: World) -> None:
    today = timezone.localdate()
    made = action(world.authority, "Multi-agency protocol", today + dt.timedelta(days=5), "in_progress")
    client.force_login(world.users["hos"])
    data = {
        "stream": made.stream_id,
        "what": "Multi-agency protocol",
        "due": made.due.strftime("%d/%m/%Y"),
        "owner": "Siobhan Wallace",
        "status": "blocked",
        "indicators": ["contacts"],
    } | versioned(made)
    refused = client.post(f"/programme/actions/{made.pk}/", data)
    assert "Say what is blocking the action" in refused.content.decode()
    assert (
        client.post(f"/programme/actions/{made.pk}/", data | {"barrier": "Police sign-off"}).status_code
        == 302
    )
    made.refresh_from_db()
    assert (made.status, made.barrier, made.owner, made.indicators) == (
        "blocked",
        "Police sign-off",
        "Siobhan Wallace",
        ["contacts"],
    )
