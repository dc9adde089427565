"""The early help pages: the list with its tags and outcomes, one episode, and the forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.earlyhelp.actions import close_early_help, record_assessment, start_intervention
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import Enquiry
from divert.people.models import Professional
from tests.earlyhelp import builders
from tests.earlyhelp.builders import days_ago


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


@pytest.fixture
def alice_client(client, world):
    client.force_login(world.users["alice"])
    return client


def test_the_list_shows_only_the_children_the_user_may_see(alice_client, world):
    builders.episode(world, world.child_north)
    builders.episode(world, world.child_south)

    page = alice_client.get(reverse("earlyhelp:index")).content.decode()

    assert "Ava Northam" in page
    assert "Sid Southey" not in page
    assert AuditEvent.objects.filter(actor=world.users["alice"], action="search").count() == 1


def test_an_intervention_near_or_past_its_planned_end_is_tagged(client, world):
    """Ava's support ends in 5 days; Sid's ended 3 days ago."""
    ava = builders.episode(world, world.child_north, days_ago(90))
    sid = builders.episode(world, world.child_south, days_ago(100))
    start_intervention(None, episode=ava, start=days_ago(79), intervention="Parenting group")
    start_intervention(None, episode=sid, start=days_ago(87), intervention="Family support worker")
    client.force_login(world.users["mo"])

    page = client.get(reverse("earlyhelp:index")).content.decode()

    assert "Ends in 5 days" in page
    assert "Past planned end" in page
    assert page.index("Sid Southey") < page.index("Ava Northam"), "the most pressing first"


def test_the_list_says_how_long_a_family_has_waited_for_its_assessment(client, world):
    assessed = builders.episode(world, world.child_north, days_ago(30))
    record_assessment(None, episode=assessed, completed=days_ago(25), summary="Needs met with support")
    builders.episode(world, world.child_south, days_ago(21))
    client.force_login(world.users["mo"])

    page = client.get(reverse("earlyhelp:index")).content.decode()

    assert f"Done {days_ago(25):%-d %b %Y}" in page
    assert "3 weeks since the start" in page


def test_closed_episodes_are_listed_with_outcomes_and_counted_by_locality(client, world):
    ava = builders.episode(world, world.child_north, days_ago(60))
    sid = builders.episode(world, world.child_south, days_ago(60))
    close_early_help(None, episode=ava, end=days_ago(5), outcome="needs_met")
    close_early_help(None, episode=sid, end=days_ago(4), outcome="declined")
    client.force_login(world.users["hos"])

    found = client.get(reverse("earlyhelp:index")).context["found"]

    assert [episode.child for episode in found.closed] == [world.child_south, world.child_north]
    table = found.outcomes
    outcomes = [value for value, _ in table.outcomes]
    rows = {name: dict(zip(outcomes, counts, strict=True)) for name, counts, _ in table.rows}
    assert rows["North"]["needs_met"] == 1 and rows["South"]["declined"] == 1
    assert table.total == 2


def test_the_list_can_show_one_locality(client, world):
    builders.episode(world, world.child_north)
    builders.episode(world, world.child_south)
    north = builders.locality_of(world, world.child_north)
    client.force_login(world.users["mo"])

    found = client.get(reverse("earlyhelp:index"), {"locality": north.pk}).context["found"]

    assert [row.episode.child for row in found.open] == [world.child_north]


def test_the_list_costs_the_same_queries_for_one_family_or_many(client, world):
    client.force_login(world.users["mo"])
    builders.episode(world, world.child_north)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("earlyhelp:index"))
        return len(captured)

    one = count()
    builders.episode(world, world.child_south)
    assert count() == one


def test_the_episode_page_shows_the_history_and_is_audited(alice_client, world):
    episode = builders.episode(world, world.child_north, days_ago(20))
    record_assessment(None, episode=episode, completed=days_ago(15), summary="Support with routines")

    page = alice_client.get(reverse("earlyhelp:episode", kwargs={"pk": episode.pk})).content.decode()

    for text in (
        "Referral to social care",
        "Stepped down to early help",
        "Support with routines",
        "North Lead",
    ):
        assert text in page
    assert AuditEvent.objects.filter(
        actor=world.users["alice"], action="view", object_type="earlyhelp.earlyhelpepisode"
    ).exists()


def test_stepping_down_from_an_open_referral_offers_only_early_help_workers(alice_client, world):
    referral = builders.referral(world, world.child_north, days_ago(10))
    lead = builders.lead_professional(world, world.child_north)
    south_lead = builders.lead_professional(world, world.child_south)
    url = reverse("earlyhelp:step_down", kwargs={"child_pk": world.child_north.pk})
    offered = alice_client.get(url).context["form"].fields["lead_professional"].queryset
    assert list(offered) == [lead, south_lead]
    assert not offered.filter(pk__in=Professional.objects.filter(team=world.north)).exists()

    data = {
        "referral": referral.pk,
        "locality": lead.team.locality.pk,
        "lead_professional": lead.pk,
        **_date("start", days_ago(2)),
    }
    response = alice_client.post(url, data)

    episode = EarlyHelpEpisode.objects.get(child=world.child_north)
    assert (episode.referral, episode.lead_professional, episode.start) == (referral, lead, days_ago(2))
    assert response["Location"] == reverse("earlyhelp:episode", kwargs={"pk": episode.pk})


def test_a_refused_step_down_is_shown_on_the_form(alice_client, world):
    builders.episode(world, world.child_north)
    referral = world.child_north.referrals.get()
    lead = builders.lead_professional(world, world.child_north)
    url = reverse("earlyhelp:step_down", kwargs={"child_pk": world.child_north.pk})
    data = {"referral": referral.pk, "locality": lead.team.locality.pk, "lead_professional": lead.pk}

    response = alice_client.post(url, data | _date("start", days_ago(1)))

    assert response.context["page_title"].startswith("Error: ")
    assert "already has early help open" in response.content.decode()
    assert EarlyHelpEpisode.objects.count() == 1


def test_the_assessment_intervention_and_close_forms_write_through_the_actions(alice_client, world, settings):
    settings.DIVERT = {**settings.DIVERT, "EARLY_HELP_WEEKS": 12}
    episode = builders.episode(world, world.child_north, days_ago(30))
    pk = {"pk": episode.pk}

    alice_client.post(
        reverse("earlyhelp:assessment", kwargs=pk),
        {**_date("completed", days_ago(25)), "summary": "Routines"},
    )
    alice_client.post(
        reverse("earlyhelp:intervention", kwargs=pk),
        {**_date("start", days_ago(20)), "intervention": "Group"},
    )
    alice_client.post(
        reverse("earlyhelp:close", kwargs=pk), {**_date("end", days_ago(1)), "outcome": "needs_met"}
    )

    episode.refresh_from_db()
    assert episode.assessment_completed == days_ago(25)
    assert episode.intervention_planned_end == days_ago(20) + dt.timedelta(weeks=12)
    assert (episode.end, episode.outcome) == (days_ago(1), "needs_met")


def test_the_close_form_does_not_offer_stepping_up_as_an_outcome(alice_client, world):
    episode = builders.episode(world, world.child_north)
    response = alice_client.post(
        reverse("earlyhelp:close", kwargs={"pk": episode.pk}),
        {**_date("end", days_ago(1)), "outcome": "stepped_up"},
    )
    assert response.context["form"].errors == {"outcome": ["Select the outcome"]}


def test_stepping_up_makes_a_front_door_enquiry_that_carries_the_history(alice_client, world):
    episode = builders.episode(world, world.child_north, days_ago(30))
    url = reverse("earlyhelp:step_up", kwargs={"pk": episode.pk})
    assert alice_client.get(url).context["form"].initial["referrer_name"] == "North Lead"
    today = timezone.localdate()

    response = alice_client.post(
        url,
        {
            **_date("received", today),
            "time": "00:05",
            "referrer_name": "North Lead",
            "method": "email",
            "concerns": "Domestic abuse disclosed",
        },
        follow=True,
    )

    enquiry = Enquiry.objects.get(stepped_up_from=episode)
    assert enquiry.concerns == "Domestic abuse disclosed"
    episode.refresh_from_db()
    assert (episode.outcome, episode.end) == ("stepped_up", today)
    assert f"as enquiry {enquiry.reference}" in response.content.decode()


def test_a_reader_sees_the_episode_but_not_the_forms(client, world):
    episode = builders.episode(world, world.child_north)
    client.force_login(world.users["ana"])
    page = client.get(reverse("earlyhelp:episode", kwargs={"pk": episode.pk})).content.decode()
    assert "Step up to social care" not in page
    response = client.post(reverse("earlyhelp:close", kwargs={"pk": episode.pk}), {"outcome": "needs_met"})
    assert response.status_code == 403
