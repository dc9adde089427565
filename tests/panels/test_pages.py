"""The panels' pages: they list only children the reader may see, audit what is shown, and
hand the forms' input to the actions (showing a refusal beside its field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.panels.models import EdgeOfCareProposal, PanelMeeting, ResourceRequest
from tests.conftest import World
from tests.panels.conftest import decided, emergency, episode, meeting, proposal

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def _signed_in(client: Client, world: World, who: str) -> Client:
    client.force_login(world.users[who])
    return client


def test_the_index_shows_the_month_against_the_cap(client: Client, world: World) -> None:
    episode(world.child_north, TODAY.replace(day=1))
    response = _signed_in(client, world, "hos").get(reverse("panels:index"))
    assert "1 of 8" in response.content.decode()
    assert AuditEvent.objects.filter(
        actor=world.users["hos"], action="search", note="Panels overview"
    ).exists()


def test_the_index_lists_only_the_reader_s_children(client: Client, world: World) -> None:
    proposal(world.child_north, TODAY - DAY)
    proposal(world.child_south, TODAY - DAY)
    emergency(world.child_south, TODAY - 2 * DAY)
    page = _signed_in(client, world, "alice").get(reverse("panels:index")).content.decode()
    assert "Ava Northam" in page and "Sid Southey" not in page


def test_the_entries_page_names_visible_children_with_how_they_came_in(client: Client, world: World) -> None:
    march = dt.date(2025, 3, 1)
    decided(world.child_north, dt.date(2025, 2, 20))
    episode(world.child_north, dt.date(2025, 3, 3))
    episode(world.child_south, dt.date(2025, 3, 4))
    page = _signed_in(client, world, "alice").get(reverse("panels:entries"), {"month": "2025-03"})
    text = page.content.decode()
    assert "2 of 8" in text
    assert "Ava Northam" in text and "Through panel" in text and "Panel of 20 Feb 2025" in text
    assert "Sid Southey" not in text and "1 more entry is about children you cannot see" in text
    assert page.context["page"].figures.month == march


def test_the_entries_page_reads_a_fixed_number_of_queries(client: Client, world: World) -> None:
    """Listing more entering children costs no more queries (no query per child)."""
    _signed_in(client, world, "hos")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("panels:entries"), {"month": "2025-03"})
        return len(queries)

    episode(world.child_north, dt.date(2025, 3, 3))
    one = count()
    decided(world.child_south, dt.date(2025, 3, 1))
    episode(world.child_south, dt.date(2025, 3, 4))
    assert count() == one


def test_a_meeting_s_agenda_shows_and_audits_only_visible_children(client: Client, world: World) -> None:
    sitting = meeting(world.child_north, TODAY)
    ava = proposal(world.child_north, TODAY - DAY, meeting=sitting)
    proposal(world.child_south, TODAY - DAY, meeting=sitting)
    page = (
        _signed_in(client, world, "alice").get(reverse("panels:meeting", args=[sitting.pk])).content.decode()
    )
    assert "Ava Northam" in page and "Sid Southey" not in page
    assert "1 more item about children you cannot see" in page
    assert "Record decision" not in page
    views = AuditEvent.objects.filter(actor=world.users["alice"], action="view")
    assert list(views.values_list("child_id", "object_id")) == [(world.child_north.pk, str(ava.pk))]


def test_the_chair_adds_a_waiting_proposal_to_the_agenda(client: Client, world: World) -> None:
    sitting = meeting(world.child_north, TODAY + DAY)
    waiting = proposal(world.child_north, TODAY - DAY)
    _signed_in(client, world, "tom")
    assert "Add to agenda" in client.get(reverse("panels:meeting", args=[sitting.pk])).content.decode()
    client.post(reverse("panels:add_to_meeting", args=[sitting.pk]), {"item": f"proposal:{waiting.pk}"})
    waiting.refresh_from_db()
    assert waiting.meeting == sitting


def test_a_social_worker_proposes_accommodation(client: Client, world: World) -> None:
    _signed_in(client, world, "alice")
    url = reverse("panels:propose", args=[world.child_north.pk])
    assert AuditEvent.objects.filter(action="view", child_id=world.child_north.pk).count() == 0
    client.get(url)
    assert AuditEvent.objects.filter(action="view", child_id=world.child_north.pk).count() == 1
    response = client.post(
        url,
        {
            "proposed": TODAY.strftime("%d/%m/%Y"),
            "basis": "s20",
            "reasons": "Mother asks for accommodation",
            "alt_fgc": "tried",
            "alt_fgc_note": "No family plan",
        },
    )
    made = EdgeOfCareProposal.objects.get()
    assert response["Location"] == reverse("panels:proposal", args=[made.pk])
    assert [a.kind for a in made.alternatives.all()] == ["fgc"]


def test_a_refused_proposal_is_shown_beside_the_field(client: Client, world: World) -> None:
    _signed_in(client, world, "alice")
    response = client.post(
        reverse("panels:propose", args=[world.child_north.pk]),
        {"proposed": TODAY.strftime("%d/%m/%Y"), "basis": "s20", "reasons": "Danger", "emergency": "on"},
    )
    text = response.content.decode()
    assert response.context["page_title"].startswith("Error: ")
    assert "Enter the date the child was accommodated" in text and "Say why it could not wait" in text
    assert not EdgeOfCareProposal.objects.exists()


def test_the_chair_records_a_diversion_and_the_proposal_shows_it(client: Client, world: World) -> None:
    item = proposal(world.child_north, TODAY - DAY)
    sitting = meeting(world.child_north, TODAY)
    _signed_in(client, world, "tom")
    url = reverse("panels:decide_proposal", args=[item.pk])
    refused = client.post(url, {"meeting": sitting.pk, "decision": "divert"})
    assert "Describe the support package" in refused.content.decode()
    client.post(url, {"meeting": sitting.pk, "decision": "divert", "package": "Wrap-around support"})
    page = client.get(reverse("panels:proposal", args=[item.pk])).content.decode()
    assert "Divert: support at home with a package" in page and "Wrap-around support" in page
    assert "Accommodated within 3 months" in page and "Not yet known" in page
    assert client.get(url)["Location"] == reverse("panels:proposal", args=[item.pk])


def test_the_resource_panel_approves_with_an_end_date(client: Client, world: World) -> None:
    _signed_in(client, world, "alice")
    client.post(
        reverse("panels:request", args=[world.child_north.pk]),
        {"requested": TODAY.strftime("%d/%m/%Y"), "need": "A therapeutic home"},
    )
    request = ResourceRequest.objects.get()
    for kind, placement, cost in [
        ("independent", "Residential: independent", "4200"),
        ("in_house", "In-house foster care", "450"),
    ]:
        client.post(
            reverse("panels:add_option", args=[request.pk]),
            {"kind": kind, "placement": placement, "weekly_cost": cost, "available": "on"},
        )
    page = client.get(reverse("panels:resource", args=[request.pk])).content.decode()
    assert "£218,400" in page and "£195,000" in page and "Cheapest" in page
    _signed_in(client, world, "hos")
    sitting = meeting(world.child_north, TODAY, PanelMeeting.Kind.RESOURCE)
    option = request.options.get(weekly_cost=Decimal(4200))
    url = reverse("panels:decide_resource", args=[request.pk])
    refused = client.post(url, {"meeting": sitting.pk, "decision": "approve", "option": option.pk})
    assert "A placement cannot be approved without an end date" in refused.content.decode()
    end = TODAY + 180 * DAY
    client.post(
        url,
        {
            "meeting": sitting.pk,
            "decision": "approve",
            "option": option.pk,
            "planned_end": end.strftime("%d/%m/%Y"),
        },
    )
    request.refresh_from_db()
    assert (request.decision, request.planned_end) == ("approve", end)


def test_unapproved_placements_are_listed_for_a_chosen_period(client: Client, world: World) -> None:
    episode(world.child_north, dt.date(2025, 3, 3), place_provider="PR4", weekly_cost=Decimal(3000))
    episode(world.child_south, dt.date(2025, 3, 4), place_provider="PR4")
    _signed_in(client, world, "alice")
    response = client.get(reverse("panels:unapproved"), {"start": "1/3/2025", "end": "31/3/2025"})
    text = response.content.decode()
    assert "2 placements from 1 Mar 2025 to 31 Mar 2025" in text
    assert "Ava Northam" in text and "Independent foster care" in text and "£3,000.00" in text
    assert "Sid Southey" not in text and "1 more placement is about children you cannot see" in text
