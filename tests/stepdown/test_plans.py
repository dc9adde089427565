"""Recording the meeting's decisions and plans, and the savings that flow in from the register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from divert.core.models import AuditEvent
from divert.people.models import Professional
from divert.stepdown import actions, queries
from divert.stepdown.models import Decision, PlacementReviewMeeting, StepDownPlan
from tests.conftest import NothingWritten, World
from tests.stepdown.conftest import TODAY, place, unit_costs

MEETING_DAY = dt.date(2025, 9, 3)


@pytest.fixture
def setting(world: World) -> dict[str, Any]:
    """Ava in an agency children's home at £4,200 a week since March; a meeting on 3 September 2025."""
    unit_costs()
    episode = place(world.child_north, dt.date(2025, 3, 1), "K2", "4200")
    meeting = actions.create_meeting(
        world.users["tom"], authority=world.authority, date=MEETING_DAY, chair="Sue Chair"
    )
    worker = Professional.objects.get(user=world.users["alice"])
    return {"episode": episode, "meeting": meeting, "worker": worker, "tom": world.users["tom"]}


def _decide(world: World, s: dict[str, Any], **overrides: Any) -> Decision:
    fields: dict[str, Any] = {
        "meeting": s["meeting"],
        "child": world.child_north,
        "outcome": "step_down",
        "reason": "Settled; ready for a family",
        "acts": s["worker"],
        "destination": "in_house_foster",
        "target_date": dt.date(2025, 10, 31),
    } | overrides
    return actions.record_decision(s["tom"], **fields)


def test_a_step_down_plan_takes_the_reference_cost_and_is_audited(
    world: World, setting: dict[str, Any]
) -> None:
    decision = _decide(world, setting)
    plan = decision.plan
    assert (decision.episode, decision.weekly_cost) == (setting["episode"], Decimal("4200.00"))
    assert decision.next_review == dt.date(2025, 10, 15)  # six weeks after 3 September
    assert (plan.weekly_cost_before, plan.expected_weekly_cost) == (Decimal("4200.00"), Decimal("650.00"))
    assert plan.owner == setting["worker"]
    created = AuditEvent.objects.filter(action="create", child_id=world.child_north.pk)
    assert set(created.values_list("object_type", flat=True)) == {
        "stepdown.decision",
        "stepdown.stepdownplan",
    }


def test_the_expected_saving_before_the_move_and_the_realised_saving_after(
    world: World, setting: dict[str, Any]
) -> None:
    plan = _decide(world, setting).plan
    state = queries.plan_state(plan, TODAY)
    # (4,200 - 650) x 52 = 3,550 x 52 = £184,600 expected over a full year.
    assert state.expected_full_year == Decimal("184600.00")
    # From the target date, 31 October 2025, to 31 March 2026: 152 days; 3,550 x 152 / 7 = £77,085.71.
    assert state.expected_in_year == Decimal("77085.71")
    before_target = queries.plan_state(plan, dt.date(2025, 10, 20))
    assert (before_target.status, before_target.realised, before_target.days_late) == (
        queries.Status.OPEN,
        None,
        0,
    )
    assert (state.status, state.days_late) == (queries.Status.SLIPPED, 12)  # 31 October to 12 November

    # The register records the move on 15 October to an in-house foster carer at £620 a week.
    episode = setting["episode"]
    episode.dec, episode.rec = dt.date(2025, 10, 15), "X1"
    episode.save()
    place(world.child_north, dt.date(2025, 10, 15), "U6", "620", place_provider="PR1", rne="P")
    state = queries.plan_state(plan, TODAY)
    assert state.status == queries.Status.ACHIEVED
    assert state.realised is not None and state.realised.date == dt.date(2025, 10, 15)
    # (4,200 - 620) x 52 = 3,580 x 52 = £186,160 a full year.
    assert state.realised_full_year == Decimal("186160.00")
    # 15 October to 12 November is 28 days = 4 weeks: 3,580 x 4 = £14,320 saved so far.
    assert state.realised_to_date == Decimal("14320.00")


def test_a_move_to_a_placement_that_does_not_match_leaves_the_plan_to_slip(
    world: World, setting: dict[str, Any]
) -> None:
    plan = _decide(world, setting).plan
    episode = setting["episode"]
    episode.dec, episode.rec = dt.date(2025, 10, 15), "X1"
    episode.save()
    place(world.child_north, dt.date(2025, 10, 15), "U6", "900", rne="P")  # an agency carer, not in-house
    state = queries.plan_state(plan, TODAY)
    assert (state.status, state.days_late) == (queries.Status.SLIPPED, 12)  # 31 October to 12 November


def test_going_home_is_achieved_when_the_child_leaves_care_home(
    world: World, setting: dict[str, Any]
) -> None:
    plan = _decide(world, setting, destination="home").plan
    assert plan.expected_weekly_cost == Decimal("0.00")
    episode = setting["episode"]
    episode.dec, episode.rec = dt.date(2025, 11, 5), "E4A"
    episode.save()
    state = queries.plan_state(plan, TODAY)
    # 4,200 x 52 = £218,400 a year; 5 to 12 November is 1 week: £4,200 so far.
    assert (state.realised_full_year, state.realised_to_date) == (Decimal("218400.00"), Decimal("4200.00"))


def test_a_fee_negotiation_is_achieved_by_the_fee_agreed(world: World, setting: dict[str, Any]) -> None:
    decision = _decide(
        world,
        setting,
        outcome="fee",
        destination="",
        expected_weekly_cost=Decimal("3900"),
        target_date=dt.date(2025, 10, 1),
    )
    plan = actions.agree_fee(
        setting["tom"], decision.plan, agreed_fee=Decimal("3850"), agreed_on=dt.date(2025, 10, 1)
    )
    state = queries.plan_state(plan, TODAY)
    # Expected (4,200 - 3,900) x 52 = £15,600; agreed (4,200 - 3,850) x 52 = 350 x 52 = £18,200.
    assert (state.expected_full_year, state.realised_full_year) == (Decimal("15600.00"), Decimal("18200.00"))
    # 1 October to 12 November is 42 days = 6 weeks: 350 x 6 = £2,100 so far.
    assert state.realised_to_date == Decimal("2100.00")


def test_the_savings_page_adds_up_by_destination_and_month(world: World, setting: dict[str, Any]) -> None:
    first = _decide(world, setting).plan
    place(world.child_south, dt.date(2025, 1, 1), "U6", "1000")
    second = actions.record_decision(
        world.users["hos"],
        meeting=setting["meeting"],
        child=world.child_south,
        outcome="step_down",
        reason="Grandmother assessed",
        acts=setting["worker"],
        destination="kinship",
        target_date=dt.date(2025, 12, 1),
    ).plan
    summary = queries.savings_summary(world.users["hos"], world.authority.pk, TODAY)
    # 184,600 + (1,000 - 300) x 52 = 184,600 + 36,400 = £221,000 expected, nothing realised yet.
    assert summary.total.expected_full_year == Decimal("221000.00")
    assert summary.total.realised_full_year == Decimal("0.00")
    assert [(label, t.expected_full_year) for label, t in summary.by_destination] == [
        ("In-house foster care", Decimal("184600.00")),
        ("Kinship (family and friends) foster care", Decimal("36400.00")),
    ]
    assert summary.by_month == [
        (dt.date(2025, 10, 1), Decimal("184600.00"), Decimal("0")),
        (dt.date(2025, 12, 1), Decimal("36400.00"), Decimal("0")),
    ]
    assert [s.plan for s in summary.slipped] == [first]
    actions.withdraw_plan(world.users["hos"], second, reason="Grandmother withdrew")
    assert queries.savings_summary(world.users["hos"], world.authority.pk, TODAY).total.plans == 1
    # Alice sees only her own team's child's plan.
    assert queries.savings_summary(world.users["alice"], world.authority.pk, TODAY).total.plans == 1
    assert queries.savings_summary(world.users["sam"], world.authority.pk, TODAY).total.plans == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": " "}, "reason", "Enter the reason for the decision"),
        ({"acts": None}, "acts", "Choose who acts on the decision"),
        ({"outcome": "maybe"}, "outcome", "Choose the decision: stay, step down or negotiate the fee"),
        ({"destination": ""}, "destination", "Choose where the child is to step down to"),
        ({"target_date": None}, "target_date", "Enter the target date"),
        (
            {"target_date": MEETING_DAY},
            "target_date",
            "The target date must be after the meeting on 3 September 2025",
        ),
        ({"next_review": MEETING_DAY}, "next_review", "The next review must be after this meeting"),
        (
            {"outcome": "fee", "expected_weekly_cost": Decimal("4200")},
            "expected_weekly_cost",
            "The fee sought must be lower than the £4,200.00 a week paid now",
        ),
        ({"destination": "lower_fee"}, "destination", "Choose where the child is to step down to"),
    ],
)
def test_a_decision_that_breaks_a_rule_is_refused_and_writes_nothing(
    world: World,
    setting: dict[str, Any],
    nothing_written: NothingWritten,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    with nothing_written(Decision, StepDownPlan), pytest.raises(ValidationError) as refused:
        _decide(world, setting, **overrides)
    assert refused.value.message_dict[field] == [message]


def test_a_fee_is_negotiated_only_with_an_independent_provider(world: World, setting: dict[str, Any]) -> None:
    place(world.child_south, dt.date(2025, 1, 1), "U6", "700", place_provider="PR1")
    with pytest.raises(ValidationError) as refused:
        _decide(world, setting, child=world.child_south, outcome="fee", expected_weekly_cost=Decimal("600"))
    assert "independent providers" in refused.value.message_dict["outcome"][0]


def test_a_meeting_decides_once_per_child_and_not_after_it_closes(
    world: World, setting: dict[str, Any]
) -> None:
    _decide(world, setting, outcome="stay")
    with pytest.raises(ValidationError) as twice:
        _decide(world, setting, outcome="stay")
    assert twice.value.message_dict["outcome"] == ["This meeting has already recorded a decision for Ava"]
    meeting = actions.close_meeting(setting["tom"], setting["meeting"])
    place(world.child_south, dt.date(2025, 1, 1), "U6", "700")
    with pytest.raises(ValidationError) as closed:
        _decide(world, setting, meeting=meeting, child=world.child_south, outcome="stay")
    assert "closed" in closed.value.message_dict["outcome"][0]


def test_a_child_has_one_live_plan_at_a_time(world: World, setting: dict[str, Any]) -> None:
    plan = _decide(world, setting).plan
    later = actions.create_meeting(
        setting["tom"], authority=world.authority, date=dt.date(2025, 9, 17), chair="Sue"
    )
    with pytest.raises(ValidationError) as refused:
        _decide(world, setting, meeting=later, destination="kinship")
    assert refused.value.message_dict["outcome"] == [
        "Ava already has a plan (in-house foster care by 31 October 2025): "
        "decide to stay with it, or withdraw it first"
    ]
    actions.withdraw_plan(setting["tom"], plan, reason="No carer found")
    assert _decide(world, setting, meeting=later, destination="kinship").plan.destination == "kinship"


def test_a_meeting_that_has_not_happened_yet_records_nothing(world: World, setting: dict[str, Any]) -> None:
    coming = actions.create_meeting(
        setting["tom"],
        authority=world.authority,
        date=timezone.localdate() + dt.timedelta(days=14),
        chair="Sue",
    )
    with pytest.raises(ValidationError) as refused:
        _decide(world, setting, meeting=coming, outcome="stay")
    assert "has not happened yet" in refused.value.message_dict["outcome"][0]


def test_a_child_not_looked_after_on_the_meeting_day_cannot_be_decided(
    world: World, setting: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as refused:
        _decide(world, setting, child=world.child_south, outcome="stay")
    assert refused.value.message_dict["outcome"] == ["Sid was not looked after on 3 September 2025"]


def test_one_meeting_a_day(world: World, setting: dict[str, Any], nothing_written: NothingWritten) -> None:
    with nothing_written(PlacementReviewMeeting), pytest.raises(ValidationError) as refused:
        actions.create_meeting(setting["tom"], authority=world.authority, date=MEETING_DAY, chair="")
    assert refused.value.message_dict == {
        "date": ["There is already a placement review on 3 September 2025"],
        "chair": ["Enter the name of the chair"],
    }


def test_fees_and_withdrawals_refuse_bad_input(world: World, setting: dict[str, Any]) -> None:
    plan = _decide(world, setting).plan
    with pytest.raises(ValidationError) as not_fee:
        actions.agree_fee(setting["tom"], plan, agreed_fee=Decimal("3000"), agreed_on=TODAY)
    assert not_fee.value.message_dict["agreed_fee"] == ["Only a fee negotiation has an agreed fee"]
    with pytest.raises(ValidationError) as no_reason:
        actions.withdraw_plan(setting["tom"], plan, reason="  ")
    assert no_reason.value.message_dict["reason"] == ["Enter why the plan is withdrawn"]
    actions.withdraw_plan(setting["tom"], plan, reason="Ava asked to stay")
    with pytest.raises(ValidationError) as again:
        actions.withdraw_plan(setting["tom"], plan, reason="Again")
    assert again.value.message_dict["reason"] == ["This plan has already been withdrawn"]
    assert queries.plan_state(plan, TODAY).status == queries.Status.WITHDRAWN


def test_a_fee_agreed_must_be_lower_and_dated_from_the_meeting(world: World, setting: dict[str, Any]) -> None:
    plan = _decide(world, setting, outcome="fee", expected_weekly_cost=Decimal("3900")).plan
    with pytest.raises(ValidationError) as refused:
        actions.agree_fee(setting["tom"], plan, agreed_fee=Decimal("4300"), agreed_on=dt.date(2025, 9, 1))
    assert refused.value.message_dict == {
        "agreed_fee": ["The agreed fee must be lower than the £4,200.00 a week paid before"],
        "agreed_on": ["The date cannot be before the meeting on 3 September 2025"],
    }
