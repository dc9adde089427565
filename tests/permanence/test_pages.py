"""The permanence pages: who sees which children, the forms, and what is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from divert.care.models import LookedAfterReview
from divert.core.concurrency import versioned
from divert.core.models import AuditEvent
from divert.permanence.models import CourtApplication, PermanencePlan
from tests.permanence.helpers import adoption, application, episode, episodes, review

TODAY = timezone.localdate()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def signed_in(client, world, who):
    client.force_login(world.users[who])
    return client


@pytest.fixture
def overdue_pair(world):
    """Ava and Sid both entered care 200 days ago, had a first review, and have no plan."""
    for child in (world.child_north, world.child_south, world.child_elsewhere):
        episode(child, ago(200))
        review(child, ago(185))


def test_the_overdue_list_shows_only_the_users_children_and_is_one_audit_row(client, world, overdue_pair):
    page = signed_in(client, world, "alice").get(reverse("permanence:overdue"))
    text = page.content.decode()
    assert "Ava Northam" in text and "Sid Southey" not in text and "Eli" not in text
    assert [row.child for row in page.context["found"].overdue] == [world.child_north]
    assert "Record plan" in text
    assert AuditEvent.objects.filter(actor=world.users["alice"], action="search").count() == 1


def test_a_reader_who_may_not_change_the_child_gets_no_record_link(client, world, overdue_pair):
    text = signed_in(client, world, "hos").get(reverse("permanence:overdue")).content.decode()
    assert "Ava Northam" in text and "Sid Southey" in text
    assert "Record plan" not in text


def test_the_lists_cost_the_same_queries_for_more_children(client, world):
    signed_in(client, world, "hos")

    def count(name):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    episode(world.child_north, ago(200), place="P1")
    application(world.child_north, "discharge", ago(20))
    adoption(world.child_north, ago(150))
    before = {
        name: count(name)
        for name in (
            "permanence:overdue",
            "permanence:at_home",
            "permanence:applications",
            "permanence:tracker",
            "permanence:index",
        )
    }
    episode(world.child_south, ago(200), place="P1")
    application(world.child_south, "discharge", ago(20))
    adoption(world.child_south, ago(150))
    after = {name: count(name) for name in before}
    assert after == before


def test_recording_a_plan_from_the_overdue_list_returns_to_it_and_clears_the_row(client, world, overdue_pair):
    signed_in(client, world, "alice")
    url = reverse("permanence:plan_new", args=[world.child_north.pk]) + "?from=overdue"
    assert client.get(url).status_code == 200
    held = LookedAfterReview.objects.get(child=world.child_north)
    response = client.post(
        url, {"plan": "adoption", "agreed": held.date.strftime("%d/%m/%Y"), "review": held.pk, "notes": ""}
    )
    assert response.status_code == 302 and response["Location"] == reverse("permanence:overdue")
    assert PermanencePlan.objects.get().review == held
    assert client.get(reverse("permanence:overdue")).context["found"].overdue == []


def test_a_refused_plan_is_shown_beside_the_field(client, world):
    episode(world.child_north, ago(10))
    signed_in(client, world, "alice")
    response = client.post(
        reverse("permanence:plan_new", args=[world.child_north.pk]),
        {"plan": "adoption", "agreed": ago(30).strftime("%d/%m/%Y")},
    )
    assert response.status_code == 200
    assert response.context["page_title"].startswith("Error: ")
    assert "Ava was not looked after on" in response.content.decode()
    assert not PermanencePlan.objects.exists()


def test_only_someone_who_may_change_the_child_records_and_others_children_are_hidden(client, world):
    url = reverse("permanence:plan_new", args=[world.child_north.pk])
    assert signed_in(client, world, "ana").get(url).status_code == 403
    assert signed_in(client, world, "sam").get(url).status_code == 404
    assert signed_in(client, world, "fin").get(reverse("permanence:index")).status_code == 403


def test_recording_and_deciding_a_discharge_application(client, world):
    episodes(world.child_north, (ago(400), "S", "C2", "U4"), (ago(200), "P", "C2", "P1"))
    signed_in(client, world, "alice")
    at_home = client.get(reverse("permanence:at_home")).content.decode()
    assert "Record an application" in at_home
    response = client.post(
        reverse("permanence:application_new", args=[world.child_north.pk]) + "?from=at-home",
        {
            "kind": "discharge",
            "applied": ago(30).strftime("%d/%m/%Y"),
            "hearing": ago(-10).strftime("%d/%m/%Y"),
        },
    )
    assert response["Location"] == reverse("permanence:at_home")
    made = CourtApplication.objects.get()
    assert made.hearing == ago(-10)
    listed = client.get(reverse("permanence:applications")).context["found"]
    assert listed.open == [made]

    url = reverse("permanence:application", args=[made.pk])
    client.post(
        url,
        {
            "hearing": ago(-10).strftime("%d/%m/%Y"),
            "outcome": "granted",
            "outcome_date": ago(0).strftime("%d/%m/%Y"),
        }
        | versioned(made),
    )
    made.refresh_from_db()
    assert made.outcome == "granted"
    listed = client.get(reverse("permanence:applications"), {"kind": "discharge"}).context["found"]
    assert (listed.open, listed.decided) == ([], [made])
    assert "Update the application" not in client.get(url).content.decode()  # decided: read only


def test_a_reader_may_open_an_application_but_not_change_it(client, world):
    episode(world.child_north, ago(100))
    made = application(world.child_north, "sgo", ago(30))
    signed_in(client, world, "hos")
    url = reverse("permanence:application", args=[made.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Update the application" not in page.content.decode()
    assert (
        client.post(url, {"outcome": "granted", "outcome_date": ago(1).strftime("%d/%m/%Y")}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(action="view", object_type="permanence.courtapplication").count() == 1


def test_a_childs_permanence_page_shows_the_history_and_is_audited(client, world):
    ava = world.child_north
    episode(ava, ago(300))
    PermanencePlan.objects.create(child=ava, agreed=ago(250), plan="return_home")
    PermanencePlan.objects.create(child=ava, agreed=ago(100), plan="adoption")
    adoption(ava, ago(90))
    signed_in(client, world, "alice")
    page = client.get(reverse("permanence:child", args=[ava.pk]))
    record = page.context["record"]
    assert record.current_plan.plan == "adoption"
    assert [p.plan for p in record.plans] == ["adoption", "return_home"]
    assert record.adoption.decision == ago(90)
    assert AuditEvent.objects.filter(action="view", child_id=ava.pk).count() == 1
    assert (
        signed_in(client, world, "alice")
        .get(reverse("permanence:child", args=[world.child_south.pk]))
        .status_code
        == 404
    )


def test_the_tracker_and_overview_show_the_thresholds(client, world):
    episodes(world.child_north, (ago(500), "S", "C2", "U4"), (ago(300), "L", "E1", "U4"))
    adoption(world.child_north, ago(350))
    signed_in(client, world, "tom")
    tracker = client.get(reverse("permanence:tracker")).content.decode()
    assert "Over 121" in tracker  # 300 days since the placement order with no match
    overview = client.get(reverse("permanence:index"))
    assert overview.context["overview"].tracker.in_progress[0].child == world.child_north
