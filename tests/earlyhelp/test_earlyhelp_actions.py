"""Early help actions: step down, the assessment, the intervention, the close, and stepping up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from divert.care.models import Episode
from divert.care.rules import long_date
from divert.core.access import can
from divert.core.models import AuditEvent, User
from divert.core.roles import Role
from divert.earlyhelp.actions import close_early_help, record_assessment, start_intervention, step_down
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.actions import close_referral, decide_referral, step_up
from divert.frontdoor.models import Enquiry
from divert.people.models import Allocation
from tests.earlyhelp import builders
from tests.earlyhelp.builders import days_ago


@pytest.fixture
def mo(world):
    return world.users["mo"]


@pytest.fixture
def lee(world):
    """A worker in North's early help team, who sees only the children allocated to that team."""
    team = builders.lead_professional(world, world.child_north).team
    return User.objects.create_user(
        username="lee", password="x", role=Role.SOCIAL_WORKER, authority=world.authority, team=team
    )


def _step_down(world, mo, **changes):
    child = changes.pop("child", world.child_north)
    arguments = {
        "child": child,
        "locality": builders.locality_of(world, child),
        "lead_professional": builders.lead_professional(world, child),
        "start": days_ago(20),
    }
    if "referral" not in changes:
        arguments["referral"] = builders.referral(world, child, days_ago(25))
    return step_down(mo, **(arguments | changes))


def test_stepping_down_opens_early_help_and_gives_the_case_to_the_lead_professional(world, mo, lee):
    assert not can(lee, "view", world.child_north)

    episode = _step_down(world, mo)

    lead = builders.lead_professional(world, world.child_north)
    assert (episode.lead_professional, episode.start, episode.end) == (lead, days_ago(20), None)
    assert Allocation.objects.filter(child=world.child_north, worker=lead, end__isnull=True).exists()
    assert can(lee, "change", world.child_north)
    created = AuditEvent.objects.filter(action="create", actor=mo).values_list("object_type", flat=True)
    assert {"earlyhelp.earlyhelpepisode", "people.allocation"} <= set(created)


def test_a_child_has_one_open_early_help_episode_at_a_time(world, mo, nothing_written):
    _step_down(world, mo)
    with nothing_written(EarlyHelpEpisode, Allocation), pytest.raises(ValidationError) as refused:
        _step_down(world, mo, start=days_ago(2))
    assert refused.value.message_dict == {
        NON_FIELD_ERRORS: [f"Ava already has early help open since {days_ago(20):%d %B %Y}"]
    }


def test_a_looked_after_child_is_not_stepped_down_to_early_help(world, mo, nothing_written):
    """A child in care has a social worker; a lead professional would also enter the SSDA903 return."""
    Episode.objects.create(
        child=world.child_north,
        decom=days_ago(60),
        rne="S",
        ls="V2",
        cin="N1",
        place="U4",
        place_provider="PR1",
    )
    referral = builders.referral(world, world.child_north, days_ago(25))
    with nothing_written(EarlyHelpEpisode, Allocation), pytest.raises(ValidationError) as refused:
        _step_down(world, mo, referral=referral)
    assert refused.value.message_dict[NON_FIELD_ERRORS] == [
        "Ava is looked after on that date, so has a social worker"
    ]


def test_early_help_cannot_step_down_from_another_childs_referral(world, mo, nothing_written):
    sids = builders.referral(world, world.child_south, days_ago(25))
    with nothing_written(EarlyHelpEpisode), pytest.raises(ValidationError) as refused:
        _step_down(world, mo, referral=sids)
    assert refused.value.message_dict == {"referral": ["That referral is about a different child"]}


def test_early_help_cannot_start_before_its_referral_or_after_it_closed(world, mo, nothing_written):
    referral = builders.referral(world, world.child_north, days_ago(25))
    with nothing_written(EarlyHelpEpisode), pytest.raises(ValidationError) as early:
        _step_down(world, mo, referral=referral, start=days_ago(26))
    assert list(early.value.message_dict) == ["start"]
    decide_referral(mo, referral=referral, route="nfa", decided=days_ago(23))
    close_referral(mo, referral=referral, closed=days_ago(22), closure_reason="RC8")
    with nothing_written(EarlyHelpEpisode), pytest.raises(ValidationError) as closed:
        _step_down(world, mo, referral=referral, start=days_ago(20))
    assert closed.value.message_dict == {"referral": [f"That referral closed on {long_date(days_ago(22))}"]}


def test_the_early_help_assessment_is_recorded_once_and_not_before_the_start(world, mo, nothing_written):
    episode = _step_down(world, mo)
    with nothing_written(), pytest.raises(ValidationError) as early:
        record_assessment(mo, episode=episode, completed=days_ago(21), summary="Needs met at home")
    assert early.value.message_dict == {
        "completed": ["The assessment cannot be completed before early help started"]
    }

    record_assessment(mo, episode=episode, completed=days_ago(10), summary="Parenting support needed")

    with nothing_written(), pytest.raises(ValidationError) as twice:
        record_assessment(mo, episode=episode, completed=days_ago(5), summary="Again")
    assert twice.value.message_dict == {"completed": ["The early help assessment has already been recorded"]}
    episode.refresh_from_db()
    assert (episode.assessment_completed, episode.assessment_summary) == (
        days_ago(10),
        "Parenting support needed",
    )


def test_the_assessment_must_say_what_it_found(world, mo, nothing_written):
    episode = _step_down(world, mo)
    with nothing_written(), pytest.raises(ValidationError) as refused:
        record_assessment(mo, episode=episode, completed=days_ago(10), summary="  ")
    assert refused.value.message_dict == {"summary": ["Say what the assessment found"]}


def test_family_support_is_planned_for_the_setting_s_weeks_and_starts_once(
    world, mo, settings, nothing_written
):
    settings.DIVERT = {**settings.DIVERT, "EARLY_HELP_WEEKS": 10}
    episode = _step_down(world, mo)

    start_intervention(mo, episode=episode, start=days_ago(7), intervention="Family support worker, weekly")

    episode.refresh_from_db()
    assert episode.intervention_planned_end == days_ago(7) + dt.timedelta(weeks=10)
    with nothing_written(), pytest.raises(ValidationError) as twice:
        start_intervention(mo, episode=episode, start=days_ago(6), intervention="Again")
    assert twice.value.message_dict == {"start": ["The intervention has already started"]}


def test_closing_records_the_outcome_once_and_ends_the_lead_professionals_allocation(world, mo, lee):
    episode = _step_down(world, mo)

    close_early_help(mo, episode=episode, end=days_ago(1), outcome=EarlyHelpEpisode.Outcome.NEEDS_MET)

    episode.refresh_from_db()
    assert (episode.end, episode.outcome) == (days_ago(1), "needs_met")
    lead = builders.lead_professional(world, world.child_north)
    assert Allocation.objects.get(child=world.child_north, worker=lead).end == days_ago(1)
    assert not can(lee, "view", world.child_north)
    assert can(world.users["alice"], "view", world.child_north), "Ava's social worker keeps her case"
    with pytest.raises(ValidationError) as twice:
        close_early_help(mo, episode=episode, end=days_ago(0), outcome="needs_met")
    assert list(twice.value.message_dict) == ["end"]


def test_closing_needs_an_outcome_and_a_note_for_other(world, mo, nothing_written):
    episode = _step_down(world, mo)
    with nothing_written(), pytest.raises(ValidationError) as refused:
        close_early_help(mo, episode=episode, end=days_ago(1), outcome="")
    assert refused.value.message_dict == {"outcome": ["Choose the outcome"]}
    with nothing_written(), pytest.raises(ValidationError) as other:
        close_early_help(mo, episode=episode, end=days_ago(1), outcome="other")
    assert other.value.message_dict == {"note": ["Say what the outcome was"]}


def test_stepping_up_closes_early_help_and_carries_its_history_to_a_new_enquiry(world, mo):
    episode = _step_down(world, mo)
    received = timezone.now() - dt.timedelta(hours=2)

    enquiry = step_up(
        mo, episode=episode, received=received, concerns="Neglect getting worse", referrer_name="North Lead"
    )

    episode.refresh_from_db()
    assert (episode.outcome, episode.end) == ("stepped_up", timezone.localtime(received).date())
    assert enquiry.stepped_up_from == episode
    assert Enquiry.objects.get(stepped_up_from=episode).children.get().child == world.child_north
