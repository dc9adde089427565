"""The assessment and child protection clocks page, and the forms that start and stop the clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.earlyhelp import builders
from tests.earlyhelp.builders import days_ago

from divert.cases.models import Assessment, Conference, Section47, StrategyDiscussion
from divert.core.clocks import assessment_due, icpc_due
from divert.core.models import AuditEvent
from divert.frontdoor.models import Referral


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


@pytest.fixture
def alice_client(client, world):
    client.force_login(world.users["alice"])
    return client


def test_the_clocks_page_shows_only_the_children_the_user_may_see(alice_client, world):
    builders.assessment(world, world.child_north)
    builders.assessment(world, world.child_south)
    builders.section47(world, world.child_south)

    page = alice_client.get(reverse("cases:index")).content.decode()

    assert "Ava Northam" in page
    assert "Sid Southey" not in page
    assert AuditEvent.objects.filter(actor=world.users["alice"], action="search").count() == 1


def test_the_most_urgent_clock_comes_first_and_overdue_ones_are_counted(client, world):
    """An assessment from a referral 100 days ago is overdue; one from 3 days ago has weeks left."""
    builders.assessment(world, world.child_north, referral_date=days_ago(3))
    builders.assessment(world, world.child_south, referral_date=days_ago(100))
    client.force_login(world.users["mo"])

    response = client.get(reverse("cases:index"))

    clocks = response.context["clocks"]
    assert [row.child for row in clocks.assessments] == [world.child_south, world.child_north]
    assert clocks.overdue_assessments == 1
    assert clocks.assessments[0].due == assessment_due(days_ago(100))
    assert clocks.assessments[0].status[1] == "govuk-tag--red"
    assert clocks.assessments[1].days_left > 0


def test_a_section_47_waits_for_its_conference_with_the_15_working_day_clock(client, world):
    enquiry = builders.section47(world, world.child_north, days_ago(30))
    client.force_login(world.users["tom"])

    clocks = client.get(reverse("cases:index")).context["clocks"]

    assert [row.record for row in clocks.section47s] == [enquiry]
    assert clocks.section47s[0].due == icpc_due(days_ago(30))
    assert clocks.overdue_conferences == 1
    assert [d.decision for d in clocks.discussions] == ["s47"]


def test_the_page_can_show_one_teams_children(client, world):
    builders.assessment(world, world.child_north)
    builders.assessment(world, world.child_south)
    client.force_login(world.users["hos"])

    clocks = client.get(reverse("cases:index"), {"team": world.south.pk}).context["clocks"]

    assert [row.child for row in clocks.assessments] == [world.child_south]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_clocks_page_costs_the_same_queries_for_one_child_or_many(client, world):
    client.force_login(world.users["mo"])
    builders.assessment(world, world.child_north)
    builders.section47(world, world.child_north)
    one = _queries(client, reverse("cases:index"))
    builders.assessment(world, world.child_south)
    builders.section47(world, world.child_south)
    assert _queries(client, reverse("cases:index")) == one


def test_recording_a_strategy_discussion_begins_the_section_47_enquiry(alice_client, world):
    referral = builders.referral(world, world.child_north, days_ago(5))
    url = reverse("cases:strategy", kwargs={"child_pk": world.child_north.pk})
    assert alice_client.get(url).status_code == 200
    data = {
        "referral": referral.pk,
        **_date("date", days_ago(2)),
        "chair": "Tom Tester",
        "attendees": "Police, school nurse",
        "decision": "s47",
        "reasons": "Disclosure at school",
    }

    response = alice_client.post(url, data, follow=True)

    enquiry = Section47.objects.get(child=world.child_north)
    assert enquiry.strategy == StrategyDiscussion.objects.get()
    due = icpc_due(days_ago(2))
    assert f"the initial conference is due by {due.day} {due:%B %Y}" in response.content.decode()


def test_a_refused_strategy_discussion_is_shown_beside_the_field(alice_client, world):
    url = reverse("cases:strategy", kwargs={"child_pk": world.child_north.pk})
    data = {**_date("date", days_ago(2)), "chair": "Tom", "attendees": "Police", "decision": "nfa"}

    response = alice_client.post(url, data)

    assert response.context["page_title"].startswith("Error: ")
    assert response.context["form"].errors == {"reasons": ["Say why no further action is needed"]}
    assert not StrategyDiscussion.objects.exists()


def test_starting_and_authorising_an_assessment_from_the_forms(alice_client, world):
    referral = builders.referral(world, world.child_north, days_ago(10), route=Referral.Route.ASSESSMENT)
    start_url = reverse("cases:assessment_start", kwargs={"child_pk": world.child_north.pk})
    alice_client.post(start_url, {"referral": referral.pk, **_date("start", days_ago(8))})
    assessment = Assessment.objects.get(child=world.child_north)
    assert (assessment.referral, assessment.start) == (referral, days_ago(8))

    complete_url = reverse("cases:assessment_complete", kwargs={"pk": assessment.pk})
    response = alice_client.post(complete_url, {**_date("authorised", days_ago(1)), "factors": "2A"})

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.authorised, assessment.factors) == (days_ago(1), "2A")


def test_the_assessment_form_says_so_when_the_child_has_no_open_referral(alice_client, world):
    url = reverse("cases:assessment_start", kwargs={"child_pk": world.child_north.pk})
    assert "Ava has no open referral" in alice_client.get(url).content.decode()


@pytest.mark.parametrize(("held_after", "words"), [(10, "in time"), (40, "working days late")])
def test_recording_the_initial_conference_says_whether_it_was_in_time(alice_client, world, held_after, words):
    enquiry = builders.section47(world, world.child_north, days_ago(60))
    url = reverse("cases:conference", kwargs={"pk": enquiry.pk})
    held = days_ago(60 - held_after)

    response = alice_client.post(
        url, {**_date("date", held), "plan_made": "yes", "category": "NEG"}, follow=True
    )

    conference = Conference.objects.get(section47=enquiry)
    assert (conference.date, conference.plan_made, conference.plan.category) == (held, True, "NEG")
    assert words in response.content.decode()


def test_a_reader_may_see_the_clocks_but_not_use_the_forms(client, world):
    enquiry = builders.section47(world, world.child_north)
    client.force_login(world.users["hos"])
    assert client.get(reverse("cases:index")).status_code == 200
    assert client.get(reverse("cases:conference", kwargs={"pk": enquiry.pk})).status_code == 403
    response = client.post(
        reverse("cases:conference", kwargs={"pk": enquiry.pk}),
        {**_date("date", days_ago(1)), "plan_made": "no"},
    )
    assert response.status_code == 403
    assert not Conference.objects.exists()
