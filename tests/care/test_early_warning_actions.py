"""Flagging a placement at risk, resolving the flag, and recording a team-around-the-child meeting:
the actions (refusals keyed by field, nothing half-written, an audit row with every write), the
forms that call them, and the chronology entries they leave."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.conftest import World

from divert.care import chronology
from divert.care.actions import flag_placement_at_risk, record_team_meeting, resolve_flag
from divert.care.models import Episode, PlacementRiskFlag, TeamAroundChildMeeting
from divert.core.models import AuditEvent

TODAY = timezone.localdate()


def _days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def placed(world: World) -> Episode:
    """Ava in foster care for the last 200 days, after a placement from 400 to 200 days ago."""
    Episode.objects.create(
        child=world.child_north,
        decom=_days_ago(400),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR1",
        dec=_days_ago(200),
        rec="X1",
    )
    return Episode.objects.create(
        child=world.child_north,
        decom=_days_ago(200),
        rne="P",
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR1",
    )


def _flag(world: World, **extra) -> PlacementRiskFlag:
    fields = {
        "child": world.child_north,
        "raised": _days_ago(10),
        "raised_by": "foster_carer",
        "reason": "The carers are exhausted",
    }
    return flag_placement_at_risk(world.users["alice"], **(fields | extra))


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- Flags -------------------------------------------------------------------------------------


def test_a_flag_goes_on_the_placement_open_the_day_it_was_raised_and_is_audited(world: World, placed) -> None:
    flag = _flag(world)
    assert (flag.episode, flag.recorded_by, flag.is_open) == (placed, world.users["alice"], True)
    earlier = _flag(world, raised=_days_ago(300))
    assert earlier.episode.decom == _days_ago(400)
    assert AuditEvent.objects.filter(action="create", object_type="care.placementriskflag").count() == 2


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"raised": TODAY + dt.timedelta(days=1)}, "raised", "The date cannot be in the future"),
        ({"raised": _days_ago(500)}, "raised", "Ava was not in a placement on"),
        ({"raised_by": "neighbour"}, "raised_by", "Choose who raised the risk"),
        ({"reason": "   "}, "reason", "Say why the placement is at risk"),
    ],
)
def test_a_bad_flag_is_refused_beside_its_field_and_writes_nothing(
    world: World, placed, nothing_written, extra, field, message
) -> None:
    with nothing_written(PlacementRiskFlag), pytest.raises(ValidationError) as error:
        _flag(world, **extra)
    assert _errors(error)[field][0].startswith(message)


def test_a_placement_is_flagged_once_until_the_flag_is_resolved(
    world: World, placed, nothing_written
) -> None:
    flag = _flag(world)
    with nothing_written(PlacementRiskFlag), pytest.raises(ValidationError) as error:
        _flag(world, raised=_days_ago(2))
    assert "already flagged at risk" in _errors(error)["raised"][0]
    resolve_flag(world.users["alice"], flag=flag, resolved=_days_ago(5), outcome="stabilised")
    assert _flag(world, raised=_days_ago(2)).is_open


def test_resolving_records_the_outcome_once_and_not_before_the_flag(
    world: World, placed, nothing_written
) -> None:
    flag = _flag(world)
    with nothing_written(), pytest.raises(ValidationError) as error:
        resolve_flag(world.users["alice"], flag=flag, resolved=_days_ago(11), outcome="")
    assert set(_errors(error)) == {"resolved", "outcome"}
    resolve_flag(
        world.users["alice"], flag=flag, resolved=_days_ago(3), outcome="moved", outcome_note=" Moved "
    )
    flag.refresh_from_db()
    assert (flag.resolved, flag.outcome, flag.outcome_note) == (_days_ago(3), "moved", "Moved")
    assert AuditEvent.objects.filter(action="update", object_type="care.placementriskflag").count() == 1
    with nothing_written(), pytest.raises(ValidationError) as error:
        resolve_flag(world.users["alice"], flag=flag, resolved=_days_ago(1), outcome="stabilised")
    assert "already resolved" in _errors(error)["resolved"][0]


# --- Meetings ----------------------------------------------------------------------------------


def _meet(world: World, **extra) -> TeamAroundChildMeeting:
    fields = {
        "child": world.child_north,
        "date": _days_ago(5),
        "reason": "moved",
        "attendees": "Foster carer\nSocial worker",
        "agreed": "Weekly visits; respite",
    }
    return record_team_meeting(world.users["tom"], **(fields | extra))


def test_a_meeting_answers_a_flag_or_a_moves_warning_and_is_audited(world: World, placed) -> None:
    flag = _flag(world)
    meeting = _meet(world, reason="at_risk", flag=flag, next_meeting=TODAY + dt.timedelta(days=28))
    assert (meeting.flag, meeting.recorded_by) == (flag, world.users["tom"])
    assert list(flag.meetings.all()) == [meeting]
    assert AuditEvent.objects.filter(action="create", object_type="care.teamaroundchildmeeting").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"attendees": " "}, "attendees"),
        ({"agreed": ""}, "agreed"),
        ({"reason": "at_risk"}, "flag"),
        ({"reason": "gossip"}, "reason"),
        ({"date": TODAY + dt.timedelta(days=1)}, "date"),
        ({"next_meeting": _days_ago(5)}, "next_meeting"),
    ],
)
def test_a_bad_meeting_is_refused_beside_its_field_and_writes_nothing(
    world: World, placed, nothing_written, extra, field
) -> None:
    with nothing_written(TeamAroundChildMeeting), pytest.raises(ValidationError) as error:
        _meet(world, **extra)
    assert field in _errors(error)


def test_a_meeting_about_a_flag_is_on_or_after_it_for_the_same_child_once_a_day(
    world: World, placed, nothing_written
) -> None:
    flag = _flag(world)
    with nothing_written(TeamAroundChildMeeting), pytest.raises(ValidationError) as error:
        _meet(world, reason="at_risk", flag=flag, date=_days_ago(11))
    assert "before the flag was raised" in _errors(error)["date"][0]
    with nothing_written(TeamAroundChildMeeting), pytest.raises(ValidationError) as error:
        _meet(world, child=world.child_south, reason="at_risk", flag=flag)
    assert "Choose one of Sid's flags" in _errors(error)["flag"][0]
    _meet(world)
    with nothing_written(TeamAroundChildMeeting), pytest.raises(ValidationError) as error:
        _meet(world)
    assert "already recorded" in _errors(error)["date"][0]


# --- The forms ---------------------------------------------------------------------------------


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def test_alice_flags_ava_s_placement_from_her_record_and_sees_the_flag(
    client: Client, world: World, placed
) -> None:
    client.force_login(world.users["alice"])
    child_page = client.get(reverse("people:child", args=[world.child_north.pk])).content.decode()
    assert reverse("care:flag_new", args=[world.child_north.pk]) in child_page
    assert reverse("care:planned_end", args=[placed.pk]) in child_page
    url = reverse("care:flag_new", args=[world.child_north.pk])
    response = client.post(
        url, {**_date("raised", _days_ago(1)), "raised_by": "social_worker", "reason": "Rows"}
    )
    flag = PlacementRiskFlag.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("care:flag", args=[flag.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Rows" in page and "Record a team around the child meeting" in page


def test_a_bad_flag_form_shows_each_error_beside_its_field(client: Client, world: World, placed) -> None:
    client.force_login(world.users["alice"])
    url = reverse("care:flag_new", args=[world.child_north.pk])
    page = client.post(
        url, {**_date("raised", _days_ago(500)), "raised_by": "", "reason": ""}
    ).content.decode()
    assert "Choose who raised the risk" in page and "Say why the placement is at risk" in page
    assert (
        "Ava was not in a placement on"
        in client.post(
            url, {**_date("raised", _days_ago(500)), "raised_by": "foster_carer", "reason": "x"}
        ).content.decode()
    )
    assert not PlacementRiskFlag.objects.exists()


def test_tom_records_a_meeting_about_a_flag_and_it_starts_on_that_flag(
    client: Client, world: World, placed
) -> None:
    flag = _flag(world)
    client.force_login(world.users["tom"])
    url = reverse("care:meeting_new", args=[world.child_north.pk])
    form = client.get(url, {"flag": flag.pk}).content.decode()
    assert f'value="flag:{flag.pk}" checked' in form
    bad = client.post(url, {**_date("date", _days_ago(1)), "answers": f"flag:{flag.pk}"}).content.decode()
    assert "Enter who attended" in bad and "Enter what was agreed" in bad
    data = {
        **_date("date", _days_ago(1)),
        "answers": f"flag:{flag.pk}",
        "attendees": "Carer",
        "agreed": "Respite",
    }
    response = client.post(url, data)
    meeting = TeamAroundChildMeeting.objects.get()
    assert (meeting.reason, meeting.flag) == ("at_risk", flag)
    assert response["Location"] == reverse("care:meeting", args=[meeting.pk])
    assert "Respite" in client.get(response["Location"]).content.decode()


def test_a_meeting_before_the_flag_is_shown_beside_the_date(client: Client, world: World, placed) -> None:
    flag = _flag(world)
    client.force_login(world.users["tom"])
    url = reverse("care:meeting_new", args=[world.child_north.pk])
    data = {
        **_date("date", _days_ago(20)),
        "answers": f"flag:{flag.pk}",
        "attendees": "Carer",
        "agreed": "Respite",
    }
    page = client.post(url, data).content.decode()
    assert "The meeting cannot be before the flag was raised" in page
    assert not TeamAroundChildMeeting.objects.exists()


def test_resolving_through_the_form(client: Client, world: World, placed) -> None:
    flag = _flag(world)
    client.force_login(world.users["alice"])
    url = reverse("care:flag_resolve", args=[flag.pk])
    assert "Choose the outcome" in client.post(url, _date("resolved", _days_ago(1))).content.decode()
    client.post(url, {**_date("resolved", _days_ago(1)), "outcome": "stabilised"})
    flag.refresh_from_db()
    assert flag.outcome == "stabilised"


# --- The chronology ------------------------------------------------------------------------------


def test_flags_and_meetings_become_chronology_entries_with_links(world: World, placed) -> None:
    flag = _flag(world)
    meeting = _meet(world, reason="at_risk", flag=flag, date=_days_ago(8))
    resolve_flag(world.users["alice"], flag=flag, resolved=_days_ago(2), outcome="stabilised")
    found = chronology.entries(world.child_north)
    assert [(e.date, e.kind, e.title, e.url) for e in found] == [
        (
            _days_ago(10),
            "stability",
            "Placement flagged at risk by the foster carer",
            f"/care/at-risk/{flag.pk}/",
        ),
        (
            _days_ago(8),
            "stability",
            "Team around the child meeting",
            f"/care/team-around-the-child/{meeting.pk}/",
        ),
        (
            _days_ago(2),
            "stability",
            "At-risk flag resolved: placement stabilised",
            f"/care/at-risk/{flag.pk}/",
        ),
    ]
    assert chronology.entries(world.child_south) == []
