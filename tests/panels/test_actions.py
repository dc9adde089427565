"""The panels' actions: what each records, and each rule that refuses a write (writing nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from divert.care.models import Episode
from divert.core.models import AuditEvent
from divert.panels import actions
from divert.panels.models import (
    Alternative,
    EdgeOfCareProposal,
    PanelMeeting,
    ResourceOption,
    ResourceRequest,
)
from tests.conftest import NothingWritten, World
from tests.panels.conftest import approved_request, emergency, episode, meeting, proposal

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
EDGE = PanelMeeting.Kind.EDGE_OF_CARE
RESOURCE = PanelMeeting.Kind.RESOURCE
FGC = ("fgc", "tried", "Held in May; the family could not agree a plan")


def _fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def _propose(world: World, **extra: object) -> EdgeOfCareProposal:
    fields: dict[str, object] = {
        "child": world.child_north,
        "proposed": TODAY - 2 * DAY,
        "basis": "s20",
        "reasons": "Mother has asked for Ava to be accommodated",
        "alternatives": [FGC],
    }
    return actions.propose_accommodation(world.users["alice"], **(fields | extra))  # type: ignore[arg-type]


# --- Meetings ----------------------------------------------------------------------------------


def test_a_meeting_is_set_up_and_audited(world: World) -> None:
    made = actions.create_meeting(
        world.users["hos"], authority=world.authority, kind=EDGE, date=TODAY + 7 * DAY, chair="Sue Chair"
    )
    assert (made.created_by, made.authority) == (world.users["hos"], world.authority)
    assert AuditEvent.objects.filter(action="create", object_type="panels.panelmeeting").count() == 1


def test_a_meeting_needs_a_chair_and_only_one_of_a_panel_a_day(
    world: World, nothing_written: NothingWritten
) -> None:
    meeting(world.child_north, TODAY)
    with nothing_written(PanelMeeting), pytest.raises(ValidationError) as error:
        actions.create_meeting(
            world.users["hos"], authority=world.authority, kind=EDGE, date=TODAY, chair=" "
        )
    assert _fields(error) == {"date", "chair"}


# --- Proposals ---------------------------------------------------------------------------------


def test_a_proposal_is_recorded_with_its_alternatives(world: World) -> None:
    made = _propose(world, alternatives=[FGC, ("intensive", "considered", "")])
    assert (made.proposed_by, made.emergency, made.decision) == (world.users["alice"], False, "")
    assert [(a.kind, a.status) for a in made.alternatives.all()] == [
        ("fgc", "tried"),
        ("intensive", "considered"),
    ]


def test_a_proposal_can_go_straight_onto_a_coming_meeting(world: World) -> None:
    coming = meeting(world.child_north, TODAY + 3 * DAY)
    assert _propose(world, meeting=coming).meeting == coming


def test_a_proposal_needs_reasons_a_route_and_alternatives(
    world: World, nothing_written: NothingWritten
) -> None:
    with nothing_written(EdgeOfCareProposal, Alternative), pytest.raises(ValidationError) as error:
        _propose(world, basis="", reasons=" ", alternatives=[])
    assert _fields(error) == {"basis", "reasons", "alternatives"}


def test_each_alternative_is_given_once(world: World, nothing_written: NothingWritten) -> None:
    with nothing_written(EdgeOfCareProposal, Alternative), pytest.raises(ValidationError) as error:
        _propose(world, alternatives=[FGC, ("fgc", "considered", "")])
    assert _fields(error) == {"alternatives"}


def test_a_child_already_in_care_cannot_be_proposed_except_as_an_emergency(
    world: World, nothing_written: NothingWritten
) -> None:
    episode(world.child_north, TODAY - 10 * DAY)
    with nothing_written(EdgeOfCareProposal), pytest.raises(ValidationError) as error:
        _propose(world)
    assert "already in care" in error.value.message_dict[NON_FIELD_ERRORS][0]


def test_a_short_break_is_not_being_in_care(world: World) -> None:
    episode(world.child_north, TODAY - 10 * DAY, ls="V4")
    assert _propose(world).pk


def test_a_second_proposal_waits_for_the_first(world: World, nothing_written: NothingWritten) -> None:
    _propose(world)
    with nothing_written(EdgeOfCareProposal), pytest.raises(ValidationError) as error:
        _propose(world)
    assert "already has a proposal waiting" in error.value.message_dict[NON_FIELD_ERRORS][0]


def test_an_emergency_is_recorded_with_its_date_and_justification(world: World) -> None:
    made = _propose(
        world,
        emergency=True,
        accommodated_on=TODAY - 3 * DAY,
        justification="Police protection",
        alternatives=[],
    )
    assert (made.emergency, made.accommodated_on, made.justification) == (
        True,
        TODAY - 3 * DAY,
        "Police protection",
    )


def test_an_emergency_needs_its_date_and_justification(world: World, nothing_written: NothingWritten) -> None:
    with nothing_written(EdgeOfCareProposal), pytest.raises(ValidationError) as error:
        _propose(world, emergency=True, justification="")
    assert _fields(error) == {"accommodated_on", "justification"}


def test_an_emergency_cannot_be_accommodated_after_it_was_recorded(
    world: World, nothing_written: NothingWritten
) -> None:
    with nothing_written(EdgeOfCareProposal), pytest.raises(ValidationError) as error:
        _propose(world, emergency=True, accommodated_on=TODAY - DAY, justification="Danger")
    assert _fields(error) == {"accommodated_on"}


def test_a_proposal_cannot_be_dated_in_the_future(world: World, nothing_written: NothingWritten) -> None:
    with nothing_written(EdgeOfCareProposal), pytest.raises(ValidationError) as error:
        _propose(world, proposed=TODAY + DAY)
    assert _fields(error) == {"proposed"}


# --- The agenda --------------------------------------------------------------------------------


def test_an_item_goes_on_a_coming_meeting_of_its_own_panel(
    world: World, nothing_written: NothingWritten
) -> None:
    item = proposal(world.child_north, TODAY - DAY)
    resource_meeting = meeting(world.child_north, TODAY + DAY, RESOURCE)
    past = meeting(world.child_north, TODAY - DAY)
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.add_to_meeting(world.users["tom"], meeting=resource_meeting, item=item)
    assert "edge-of-care panel" in error.value.message_dict["meeting"][0]
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.add_to_meeting(world.users["tom"], meeting=past, item=item)
    assert "already sat" in error.value.message_dict["meeting"][0]
    coming = meeting(world.child_north, TODAY + 2 * DAY)
    assert actions.add_to_meeting(world.users["tom"], meeting=coming, item=item).meeting == coming


def test_an_item_goes_only_on_its_own_council_s_meetings(
    world: World, nothing_written: NothingWritten
) -> None:
    item = proposal(world.child_north, TODAY - DAY)
    theirs = meeting(world.child_elsewhere, TODAY + DAY)
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.add_to_meeting(world.users["tom"], meeting=theirs, item=item)
    assert _fields(error) == {"meeting"}


# --- The edge-of-care panel's decision -----------------------------------------------------------


def test_the_panel_diverts_a_child_with_a_package(world: World) -> None:
    item = proposal(world.child_north, TODAY - 2 * DAY)
    heard = meeting(world.child_north, TODAY)
    done = actions.decide_proposal(
        world.users["tom"], proposal=item, meeting=heard, decision="divert", package="Intensive support team"
    )
    assert (done.decision, done.meeting, done.decided_by) == ("divert", heard, world.users["tom"])
    assert AuditEvent.objects.filter(
        action="update", object_id=str(item.pk), child_id=world.child_north.pk
    ).exists()


def test_a_diversion_needs_a_package(world: World, nothing_written: NothingWritten) -> None:
    item = proposal(world.child_north, TODAY - 2 * DAY)
    heard = meeting(world.child_north, TODAY)
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.decide_proposal(world.users["tom"], proposal=item, meeting=heard, decision="divert")
    assert _fields(error) == {"package"}
    item.refresh_from_db()
    assert item.decision == "" and item.meeting is None


def test_a_decision_is_recorded_once(world: World, nothing_written: NothingWritten) -> None:
    item = proposal(world.child_north, TODAY - 2 * DAY)
    heard = meeting(world.child_north, TODAY)
    actions.decide_proposal(world.users["tom"], proposal=item, meeting=heard, decision="accommodate")
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.decide_proposal(world.users["hos"], proposal=item, meeting=heard, decision="defer")
    assert "already recorded" in error.value.message_dict["decision"][0]
    item.refresh_from_db()
    assert item.decision == "accommodate"


def test_the_meeting_must_be_an_edge_of_care_one_that_has_sat_since_the_proposal(
    world: World, nothing_written: NothingWritten
) -> None:
    item = proposal(world.child_north, TODAY - 2 * DAY)
    for wrong, words in [
        (meeting(world.child_north, TODAY, RESOURCE), "edge-of-care panel"),
        (meeting(world.child_north, TODAY - 3 * DAY), "before the proposal"),
        (meeting(world.child_north, TODAY + DAY), "has not sat yet"),
        (meeting(world.child_elsewhere, TODAY), "own council"),
    ]:
        with nothing_written(), pytest.raises(ValidationError) as error:
            actions.decide_proposal(world.users["tom"], proposal=item, meeting=wrong, decision="accommodate")
        assert words in error.value.message_dict["meeting"][0]


def test_an_emergency_is_reviewed_at_a_panel_after_the_accommodation(
    world: World, nothing_written: NothingWritten
) -> None:
    item = emergency(world.child_north, TODAY - 5 * DAY)
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.decide_proposal(
            world.users["hos"],
            proposal=item,
            meeting=meeting(world.child_north, TODAY - 6 * DAY),
            decision="accommodate",
        )
    assert "before the emergency" in error.value.message_dict["meeting"][0]
    reviewed = actions.decide_proposal(
        world.users["hos"],
        proposal=item,
        meeting=meeting(world.child_north, TODAY - DAY),
        decision="accommodate",
    )
    assert reviewed.decision == "accommodate"


# --- The resource panel --------------------------------------------------------------------------


def _request(world: World) -> ResourceRequest:
    return actions.request_resources(
        world.users["alice"], child=world.child_north, requested=TODAY - 3 * DAY, need="A therapeutic home"
    )


def _option(world: World, request: ResourceRequest, **extra: object) -> ResourceOption:
    fields: dict[str, object] = {
        "kind": "independent",
        "placement": "Residential: independent",
        "weekly_cost": Decimal("4200.00"),
    }
    return actions.add_option(world.users["alice"], request=request, **(fields | extra))  # type: ignore[arg-type]


def test_a_request_is_recorded_once_while_it_waits(world: World, nothing_written: NothingWritten) -> None:
    made = _request(world)
    assert (made.requested_by, made.decision) == (world.users["alice"], "")
    with nothing_written(ResourceRequest), pytest.raises(ValidationError) as error:
        _request(world)
    assert "already has a request waiting" in error.value.message_dict[NON_FIELD_ERRORS][0]


def test_a_request_needs_what_the_child_needs(world: World, nothing_written: NothingWritten) -> None:
    with nothing_written(ResourceRequest), pytest.raises(ValidationError) as error:
        actions.request_resources(world.users["alice"], child=world.child_north, requested=TODAY, need="")
    assert _fields(error) == {"need"}


def test_an_option_needs_a_category_and_a_cost_not_below_zero(
    world: World, nothing_written: NothingWritten
) -> None:
    request = _request(world)
    with nothing_written(ResourceOption), pytest.raises(ValidationError) as error:
        _option(world, request, placement="Castle", weekly_cost=Decimal(-1))
    assert _fields(error) == {"placement", "weekly_cost"}


def test_the_panel_approves_an_option_with_an_end_date(world: World) -> None:
    request = _request(world)
    option = _option(world, request)
    done = actions.decide_resource(
        world.users["hos"],
        request=request,
        meeting=meeting(world.child_north, TODAY, RESOURCE),
        decision="approve",
        option=option,
        planned_end=TODAY + 200 * DAY,
        conditions="Review at 3 months",
    )
    assert (done.decision, done.approved_option, done.planned_end) == ("approve", option, TODAY + 200 * DAY)


def test_a_placement_cannot_be_approved_without_an_end_date_or_an_option(
    world: World, nothing_written: NothingWritten
) -> None:
    request = _request(world)
    _option(world, request)
    heard = meeting(world.child_north, TODAY, RESOURCE)
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.decide_resource(world.users["hos"], request=request, meeting=heard, decision="approve")
    assert _fields(error) == {"option", "planned_end"}
    assert "cannot be approved without an end date" in error.value.message_dict["planned_end"][0]


def test_the_end_date_is_after_the_meeting_and_the_option_is_available_and_the_request_s(
    world: World, nothing_written: NothingWritten
) -> None:
    request = _request(world)
    unavailable = _option(world, request, available=False)
    other = approved_request(world.child_south, TODAY - 400 * DAY).options.get()
    heard = meeting(world.child_north, TODAY, RESOURCE)
    for option in (unavailable, other):
        with nothing_written(), pytest.raises(ValidationError) as error:
            actions.decide_resource(
                world.users["hos"],
                request=request,
                meeting=heard,
                decision="approve",
                option=option,
                planned_end=TODAY,
            )
        assert _fields(error) == {"option", "planned_end"}


def test_a_resource_decision_is_recorded_once(world: World, nothing_written: NothingWritten) -> None:
    request = _request(world)
    heard = meeting(world.child_north, TODAY, RESOURCE)
    actions.decide_resource(world.users["hos"], request=request, meeting=heard, decision="decline")
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.decide_resource(world.users["hos"], request=request, meeting=heard, decision="defer")
    assert "already recorded" in error.value.message_dict["decision"][0]
    with nothing_written(ResourceOption), pytest.raises(ValidationError):
        _option(world, request)


def test_approval_gives_a_linked_placement_its_end_date(world: World) -> None:
    request = _request(world)
    placement = episode(world.child_north, TODAY - DAY, place_provider="PR4", weekly_cost=Decimal(4200))
    request.episode = placement
    request.save()
    actions.decide_resource(
        world.users["hos"],
        request=request,
        meeting=meeting(world.child_north, TODAY, RESOURCE),
        decision="approve",
        option=_option(world, request),
        planned_end=TODAY + 90 * DAY,
    )
    placement.refresh_from_db()
    assert placement.planned_end == TODAY + 90 * DAY
    assert AuditEvent.objects.filter(
        action="update", object_type="care.episode", object_id=str(placement.pk)
    ).exists()


def test_linking_a_placement_to_an_approval_gives_it_the_end_date(world: World) -> None:
    request = approved_request(world.child_north, TODAY - 10 * DAY)
    placement = episode(world.child_north, TODAY - 5 * DAY, place_provider="PR4")
    actions.link_placement(world.users["alice"], request=request, episode=placement)
    placement.refresh_from_db()
    assert (request.episode, placement.planned_end) == (placement, request.planned_end)


def test_a_placement_keeps_an_end_date_it_already_has(world: World) -> None:
    request = approved_request(world.child_north, TODAY - 10 * DAY)
    placement = episode(world.child_north, TODAY - 5 * DAY, planned_end=TODAY + 30 * DAY)
    actions.link_placement(world.users["alice"], request=request, episode=placement)
    placement.refresh_from_db()
    assert placement.planned_end == TODAY + 30 * DAY


def test_only_an_approval_links_and_only_to_the_child_s_own_placement(
    world: World, nothing_written: NothingWritten
) -> None:
    approved = approved_request(world.child_north, TODAY - 10 * DAY)
    sids = episode(world.child_south, TODAY - 5 * DAY)
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.link_placement(world.users["alice"], request=approved, episode=sids)
    assert _fields(error) == {"episode"}
    declined = approved_request(world.child_north, TODAY - 10 * DAY, decision="decline")
    with nothing_written(), pytest.raises(ValidationError) as error:
        actions.link_placement(
            world.users["alice"], request=declined, episode=episode(world.child_north, TODAY)
        )
    assert _fields(error) == {NON_FIELD_ERRORS}
    assert Episode.objects.filter(planned_end__isnull=False).count() == 0
