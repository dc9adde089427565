"""Strategy discussions: a decision to begin a section 47 enquiry records it and starts the ICPC clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from divert.cases.actions import record_conference, record_strategy_discussion
from divert.cases.models import Conference, Section47, StrategyDiscussion
from divert.core.clocks import icpc_due
from divert.core.models import AuditEvent
from divert.frontdoor.actions import close_referral, decide_referral, record_referral

D = dt.date


@pytest.fixture
def alice(world):
    return world.users["alice"]


def _discuss(world, actor, **changes):
    arguments = {
        "child": world.child_north,
        "date": D(2026, 3, 31),
        "chair": "Tom Tester, team manager",
        "attendees": "DC Jones (police), health visitor, Alice Tester",
        "decision": "s47",
        "reasons": "Bruising seen at school",
    }
    return record_strategy_discussion(actor, **(arguments | changes))


def test_deciding_on_a_section_47_enquiry_records_it_from_the_discussion_in_one_go(world, alice):
    referral = record_referral(alice, child=world.child_north, date=D(2026, 3, 30), source="1B")

    discussion = _discuss(world, alice, referral=referral)

    enquiry = Section47.objects.get(child=world.child_north)
    assert enquiry.strategy == discussion
    assert (enquiry.strategy_discussion, enquiry.start, enquiry.referral) == (
        D(2026, 3, 31),
        D(2026, 3, 31),
        referral,
    )
    assert icpc_due(enquiry.strategy_discussion) == D(2026, 4, 23), "15 working days, Easter skipped"
    created = AuditEvent.objects.filter(action="create", actor=alice).values_list("object_type", flat=True)
    assert {"cases.strategydiscussion", "cases.section47"} <= set(created)
    assert discussion.recorded_by == alice


@pytest.mark.parametrize("decision", ["single_agency", "nfa"])
def test_other_decisions_record_the_discussion_without_an_enquiry(world, alice, decision):
    _discuss(world, alice, decision=decision)
    assert StrategyDiscussion.objects.get().decision == decision
    assert not Section47.objects.exists()


def test_no_further_action_needs_reasons(world, alice, nothing_written):
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as refused:
        _discuss(world, alice, decision="nfa", reasons=" ")
    assert refused.value.message_dict == {"reasons": ["Say why no further action is needed"]}


def test_a_decision_must_be_one_of_the_three(world, alice, nothing_written):
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as refused:
        _discuss(world, alice, decision="maybe")
    assert refused.value.message_dict == {"decision": ["Choose what the strategy discussion decided"]}


def test_a_discussion_cannot_be_in_the_future_or_before_the_child_was_born(world, alice, nothing_written):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as future:
        _discuss(world, alice, date=tomorrow)
    assert future.value.message_dict == {"date": ["The date cannot be in the future"]}
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as unborn:
        _discuss(world, alice, date=D(2012, 5, 16))
    assert unborn.value.message_dict == {"date": ["The date cannot be before Ava was born"]}


def test_the_referral_must_be_the_childs_and_open_on_the_day(world, alice, nothing_written):
    sids = record_referral(alice, child=world.child_south, date=D(2026, 3, 2), source="1B")
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as other:
        _discuss(world, alice, referral=sids)
    assert other.value.message_dict == {"referral": ["That referral is about a different child"]}

    avas = record_referral(alice, child=world.child_north, date=D(2026, 3, 2), source="1B")
    decide_referral(alice, referral=avas, route="nfa", decided=D(2026, 3, 3))
    close_referral(alice, referral=avas, closed=D(2026, 3, 4), closure_reason="RC8")
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as closed:
        _discuss(world, alice, referral=avas)
    assert closed.value.message_dict == {"date": ["That referral closed on 4 March 2026"]}
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as before:
        _discuss(world, alice, referral=avas, date=D(2026, 3, 1))
    assert before.value.message_dict == {"date": ["The date cannot be before the referral on 2 March 2026"]}


def test_a_second_enquiry_is_not_begun_while_one_is_open(world, alice, nothing_written):
    _discuss(world, alice)
    with nothing_written(StrategyDiscussion, Section47), pytest.raises(ValidationError) as refused:
        _discuss(world, alice, date=D(2026, 4, 7))
    assert refused.value.message_dict == {
        "decision": ["Ava already has a section 47 enquiry open since 31 March 2026"]
    }
    _discuss(world, alice, date=D(2026, 4, 7), decision="single_agency")
    assert StrategyDiscussion.objects.count() == 2


def test_an_enquiry_has_one_initial_conference(world, alice, nothing_written):
    enquiry = _discuss(world, alice).section47
    record_conference(
        alice,
        child=world.child_north,
        kind="initial",
        date=D(2026, 4, 20),
        section47=enquiry,
        plan_made=False,
    )
    with nothing_written(Conference), pytest.raises(ValidationError) as twice:
        record_conference(
            alice, child=world.child_north, kind="initial", date=D(2026, 4, 21), section47=enquiry
        )
    assert twice.value.message_dict == {
        "date": ["The initial conference for this enquiry was held on 20 April 2026"]
    }
