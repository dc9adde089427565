"""No silent overwrites: two people open the same edit form, the first saves, the second is told.

Each converted edit form is run through the same story: both load the form, the first saves a
new value, the second posts a different one with the stamp from when they opened it. The
second is refused with 409, nothing of theirs is written, the page names the field, what they
saw, what it is now and who changed it, and their typing is still in the form; posting that
form again (it now carries a fresh stamp) saves knowingly.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.commissioning.conftest import agency, framework, placement
from tests.conftest import World, make_user
from tests.forecast.conftest import WEEKLY
from tests.frontdoor.helpers import an_enquiry, named_as
from tests.permanence.helpers import application
from tests.programme.conftest import action, line, risk, stream

from divert.care.models import Episode
from divert.carers.models import FosterHousehold
from divert.chronology import actions as chronology_actions
from divert.core import concurrency
from divert.core.actions import audited_update
from divert.core.models import AuditEvent
from divert.core.roles import Role
from divert.forecast import actions as forecast_actions
from divert.forecast.types import Scenario


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _child(world: World) -> models.Model:
    child = world.child_north
    child.ethnicity = "APKN"
    child.save()
    return child


def _child_data(child: Any, value: str) -> dict[str, str]:
    return {
        "first_name": child.first_name,
        "last_name": value,
        "child_id": child.child_id,
        **_date("date_of_birth", child.date_of_birth),
        "sex": child.sex,
        "ethnicity": "APKN",
        "upn": "",
        "home_postcode": child.home_postcode,
        "locality": "",
    }


def _episode(world: World) -> models.Model:
    return Episode.objects.create(
        child=world.child_north,
        decom=timezone.localdate() - dt.timedelta(days=60),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR1",
        weekly_cost=Decimal("500"),
    )


def _planned_end_data(episode: Any, value: str) -> dict[str, str]:
    return _date("planned_end", dt.date.fromisoformat(value))


def _event(world: World) -> models.Model:
    return chronology_actions.add_significant_event(
        world.users["alice"],
        child=world.child_north,
        date=dt.date(2024, 5, 5),
        title="Excluded from school",
        detail="",
        category="",
    )


def _event_data(event: Any, value: str) -> dict[str, str]:
    return {**_date("date", event.date), "title": value, "detail": "", "category": "", "reason": "Wording"}


def _risk_data(found: Any, value: str) -> dict[str, str]:
    return {"title": found.title, "description": "", "owner": value, "mitigation": "", "status": "open"}


def _line_data(found: Any, value: str) -> dict[str, str]:
    return {"area": found.area, "year": str(found.year), "target_k": value, "fte": "", "comment": ""}


def _stream_data(found: Any, value: str) -> dict[str, str]:
    return {"name": value, "lead": found.lead, "order": str(found.order)}


def _action_data(found: Any, value: str) -> dict[str, str]:
    return {
        "stream": str(found.stream_id),
        "what": value,
        "due": found.due.strftime("%d/%m/%Y"),
        "owner": found.owner,
        "status": found.status,
    }


def _contract(world: World) -> models.Model:
    make_user("fay", Role.FINANCE, world.authority)
    return framework(agency(world))


def _contract_data(found: Any, value: str) -> dict[str, str]:
    return {"reference": value, "kind": found.kind, **_date("start", found.start), "notes": ""}


def _today(name: str) -> dict[str, str]:
    return {name: timezone.localdate().strftime("%d/%m/%Y")}


def _placement(world: World) -> models.Model:
    make_user("fay", Role.FINANCE, world.authority)
    harbour = agency(world)
    framework(harbour)
    return placement(world.child_north, harbour, dt.date(2025, 5, 1))


def _cost_data(found: Any, value: str) -> dict[str, str]:
    return {"weekly_cost": value, "reason": "Solo placement"}


def _rescore_data(found: Any, value: str) -> dict[str, str]:
    return {"probability": value, "impact": "5", "note": "Reviewed at the board", "status": "open"} | _today(
        "date"
    )


def _achieved_data(found: Any, value: str) -> dict[str, str]:
    return {"achieved_k": value} | _today("achieved_on")


def _on_track_data(found: Any, value: str) -> dict[str, str]:
    return {"on_track": value, "note": ""}


def _enquiry(world: World) -> models.Model:
    make_user("meg", Role.MASH_OFFICER, world.authority)
    return an_enquiry(world, children=[named_as(world.child_north)])


def _enquiry_data(found: Any, value: str) -> dict[str, str]:
    received = timezone.localtime(found.received)
    return {
        **_date("received_date", received.date()),
        "received_time": f"{received:%H:%M}",
        "source": found.source,
        "method": found.method,
        "referrer_name": value,
        "referrer_role": found.referrer_role,
        "referrer_contact": "",
        "concerns": found.concerns,
        "address": found.address,
        "postcode": found.postcode,
        "consent": found.consent,
        "consent_note": "",
    }


def _application(world: World) -> models.Model:
    return application(world.child_north, "discharge", timezone.localdate() - dt.timedelta(days=30))


def _application_data(found: Any, value: str) -> dict[str, str]:
    return {**_date("hearing", dt.date.fromisoformat(value)), "outcome": "", "notes": ""}


def _scenario(world: World) -> models.Model:
    return forecast_actions.save_scenario(
        world.users["hos"], authority=world.authority, name="Entries held", scenario=Scenario()
    )


def _scenario_data(found: Any, value: str) -> dict[str, str]:
    costs = {f"cost_{k}": str(v) for k, v in WEEKLY.items()}
    return {
        "name": value,
        "description": "",
        "entries": "none",
        "in_house_growth": "0",
        "inflation": "0",
    } | costs


def _household(world: World) -> models.Model:
    return FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH051",
        name="The Greens",
        enquiry_date=timezone.localdate() - dt.timedelta(days=200),
        stage="stage_two",
        status="assessment",
        stage_since=timezone.localdate() - dt.timedelta(days=30),
    )


def _stage_data(found: Any, value: str) -> dict[str, str]:
    return {"stage": value, "note": ""} | _today("day")


@dataclass(frozen=True)
class EditForm:
    """One edit form: how to make its record, its URL, who edits it, and one field to fight over."""

    name: str
    make: Callable[[World], models.Model]
    url: Callable[[Any], str]
    first: str
    second: str
    field: str
    label: str
    data: Callable[[Any, str], dict[str, str]]
    was: str  # the value both saw, as the page words it
    values: tuple[str, str]  # what the first and the second type
    shown: tuple[str, str]  # the same as the page words them
    typed: str = ""  # how the second's typing shows in the form, if not as one input's value

    def stored(self, obj: models.Model) -> str:
        obj.refresh_from_db()
        return str(getattr(obj, self.field))


FORMS = [
    EditForm(
        "child details",
        _child,
        lambda o: reverse("people:edit", args=[o.pk]),
        "alice",
        "tom",
        "last_name",
        "Last name",
        _child_data,
        "Northam",
        ("Northcott", "Northfield"),
        ("Northcott", "Northfield"),
    ),
    EditForm(
        "planned end date",
        _episode,
        lambda o: reverse("care:planned_end", args=[o.pk]),
        "alice",
        "tom",
        "planned_end",
        "Planned end date",
        _planned_end_data,
        "(blank)",
        ("2030-03-31", "2030-06-30"),
        ("31 March 2030", "30 June 2030"),
        'value="30"',
    ),
    EditForm(
        "significant event",
        _event,
        lambda o: reverse("chronology:correct_event", args=[o.pk]),
        "alice",
        "tom",
        "title",
        "What happened, in a line",
        _event_data,
        "Excluded from school",
        ("Excluded for two days", "Excluded after a fight"),
        ("Excluded for two days", "Excluded after a fight"),
    ),
    EditForm(
        "programme risk",
        lambda w: risk(w.authority, "Rise in care", 4, 5),
        lambda o: reverse("programme:risk_edit", args=[o.pk]),
        "hos",
        "fin",
        "owner",
        "Owner",
        _risk_data,
        "Dave Simpkins",
        ("Joy Howick", "Anne Osborne"),
        ("Joy Howick", "Anne Osborne"),
    ),
    EditForm(
        "savings line",
        lambda w: line(w.authority, "court", 2026, "180"),
        lambda o: reverse("programme:saving_edit", args=[o.pk]),
        "hos",
        "ana",
        "target_k",
        "Target (£000)",
        _line_data,
        "180.0",
        ("162.5", "200.0"),
        ("162.5", "200.0"),
    ),
    EditForm(
        "work stream",
        lambda w: stream(w.authority),
        lambda o: reverse("programme:workstream_edit", args=[o.pk]),
        "hos",
        "ana",
        "name",
        "Name",
        _stream_data,
        "Placement improvement",
        ("Placements", "Placement sufficiency"),
        ("Placements", "Placement sufficiency"),
    ),
    EditForm(
        "programme action",
        lambda w: action(w.authority, "Multi-agency protocol", timezone.localdate() + dt.timedelta(days=9)),
        lambda o: reverse("programme:action_edit", args=[o.pk]),
        "hos",
        "fin",
        "what",
        "What we want to achieve",
        _action_data,
        "Multi-agency protocol",
        ("Protocol signed", "Protocol agreed"),
        ("Protocol signed", "Protocol agreed"),
    ),
    EditForm(
        "contract",
        _contract,
        lambda o: reverse("commissioning:contract_edit", args=[o.pk]),
        "fin",
        "fay",
        "reference",
        "Reference",
        _contract_data,
        "FW-1",
        ("FW-2", "FW-9"),
        ("FW-2", "FW-9"),
    ),
    EditForm(
        "placement cost",
        _placement,
        lambda o: reverse("commissioning:placement_cost", args=[o.pk]),
        "fin",
        "fay",
        "weekly_cost",
        "Weekly cost",
        _cost_data,
        "820.00",
        ("1300.00", "1450.00"),
        ("1300.00", "1450.00"),
    ),
    EditForm(
        "risk re-score",
        lambda w: risk(w.authority, "Rise in care", 4, 5),
        lambda o: reverse("programme:risk", args=[o.pk]),
        "hos",
        "fin",
        "probability",
        "Probability",
        _rescore_data,
        "4",
        ("2", "3"),
        ("2", "3"),
        '<option value="3" selected>',
    ),
    EditForm(
        "saving achieved",
        lambda w: line(w.authority, "court", 2026, "180"),
        lambda o: reverse("programme:saving_achieved", args=[o.pk]),
        "hos",
        "ana",
        "achieved_k",
        "Achieved (£000)",
        _achieved_data,
        "(blank)",
        ("120.0", "130.0"),
        ("120.0", "130.0"),
    ),
    EditForm(
        "saving on track",
        lambda w: line(w.authority, "court", 2026, "180"),
        lambda o: reverse("programme:saving_on_track", args=[o.pk]),
        "hos",
        "fin",
        "on_track",
        "On track",
        _on_track_data,
        "(blank)",
        ("green", "red"),
        ("Green: on track", "Red: will not be met"),
        '<option value="red" selected>',
    ),
    EditForm(
        "enquiry",
        _enquiry,
        lambda o: reverse("frontdoor:edit", args=[o.pk]),
        "mo",
        "meg",
        "referrer_name",
        "Referrer name",
        _enquiry_data,
        "PC Lane",
        ("PC Lane-Smith", "PC Laine"),
        ("PC Lane-Smith", "PC Laine"),
    ),
    EditForm(
        "court application",
        _application,
        lambda o: reverse("permanence:application", args=[o.pk]),
        "alice",
        "tom",
        "hearing",
        "Hearing date",
        _application_data,
        "(blank)",
        ("2030-03-31", "2030-06-30"),
        ("31 March 2030", "30 June 2030"),
        'value="30"',
    ),
    EditForm(
        "forecast scenario",
        _scenario,
        lambda o: reverse("forecast:scenario_edit", args=[o.pk]),
        "hos",
        "ana",
        "name",
        "Name",
        _scenario_data,
        "Entries held",
        ("Entries held to 8", "Entries held to 9"),
        ("Entries held to 8", "Entries held to 9"),
    ),
    EditForm(
        "household stage",
        _household,
        lambda o: reverse("carers:household", args=[o.pk]),
        "tom",
        "hos",
        "stage",
        "Stage",
        _stage_data,
        "Assessment stage 2",
        ("panel", "withdrawn"),
        ("Panel", "Withdrew before approval"),
        'value="withdrawn" checked',
    ),
]


def _client(world: World, who: str) -> Client:
    client = Client()
    user = world.users.get(who) or type(world.users["fin"]).objects.get(username=who)
    client.force_login(user)
    return client


def _stamp_in(page: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="([^"]*)"', page)
    assert found, "the edit form carries its version stamp"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_the_second_to_save_is_told_what_changed_and_saves_only_knowingly(
    world: World, form: EditForm
) -> None:
    obj = form.make(world)
    url = form.url(obj)
    first, second = _client(world, form.first), _client(world, form.second)
    first_stamp = _stamp_in(first.get(url).content.decode())
    second_stamp = _stamp_in(second.get(url).content.decode())
    mine, theirs = form.values

    saved = first.post(url, form.data(obj, mine) | {"version": first_stamp})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    stored = form.stored(obj)

    refused = second.post(url, form.data(obj, theirs) | {"version": second_stamp})
    page = refused.content.decode()
    assert refused.status_code == 409
    assert form.stored(obj) == stored, "the first person's value is kept"
    assert "Someone else changed this record" in page
    table, after = page.split("Someone else changed this record")[1].split("</table>", 1)
    changer = world.users.get(form.first) or type(world.users["fin"]).objects.get(username=form.first)
    for words in (form.label, form.was, form.shown[0], changer.get_full_name()):
        assert html.escape(words) in table, words
    typed = form.typed or f'value="{html.escape(theirs)}"'
    assert typed in after, "their own typing is kept in the form"

    again = second.post(url, form.data(obj, theirs) | {"version": _stamp_in(page)})
    assert again.status_code == 302
    assert form.stored(obj) == theirs


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_a_save_after_opening_the_form_afresh_goes_through(world: World, form: EditForm) -> None:
    obj = form.make(world)
    url = form.url(obj)
    first, second = _client(world, form.first), _client(world, form.second)
    first.post(url, form.data(obj, form.values[0]) | {"version": _stamp_in(first.get(url).content.decode())})
    fresh = _stamp_in(second.get(url).content.decode())
    assert second.post(url, form.data(obj, form.values[1]) | {"version": fresh}).status_code == 302
    assert AuditEvent.objects.filter(action="update", actor__username=form.second).exists()


@pytest.mark.parametrize("version", ["", "not-a-stamp", "x" * 300])
def test_a_missing_or_altered_stamp_is_a_form_error_and_writes_nothing(world: World, version: str) -> None:
    found = risk(world.authority, "Rise in care", 4, 5)
    client = _client(world, "hos")
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("programme:risk_edit", args=[found.pk]),
        _risk_data(found, "Joy Howick") | {"version": version},
    )
    assert response.status_code == 200
    assert "This form could not be checked against the record" in response.content.decode()
    found.refresh_from_db()
    assert found.owner == "Dave Simpkins" and AuditEvent.objects.count() == before


def test_another_records_stamp_is_refused(world: World) -> None:
    mine = risk(world.authority, "Rise in care", 4, 5)
    other = risk(world.authority, "Fewer foster carers", 3, 3)
    client = _client(world, "hos")
    response = client.post(
        reverse("programme:risk_edit", args=[mine.pk]),
        _risk_data(mine, "Joy Howick") | concurrency.versioned(other),
    )
    assert "This form could not be checked against the record" in response.content.decode()
    mine.refresh_from_db()
    assert mine.owner == "Dave Simpkins"


def test_a_change_to_a_field_the_form_does_not_edit_is_no_conflict(world: World) -> None:
    episode: Any = _episode(world)
    url = reverse("care:planned_end", args=[episode.pk])
    client = _client(world, "alice")
    stamp = _stamp_in(client.get(url).content.decode())
    audited_update(world.users["tom"], episode, {"weekly_cost": Decimal("650")})
    response = client.post(url, _planned_end_data(episode, "2030-03-31") | {"version": stamp})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.planned_end, episode.weekly_cost) == (dt.date(2030, 3, 31), Decimal("650"))


def test_the_stamp_cannot_be_edited_to_claim_other_values(world: World) -> None:
    found = risk(world.authority, "Rise in care", 4, 5)
    stamp = concurrency.stamp(found)
    payload, _, signature = stamp.rpartition(":")
    forged = f"{payload[:-2]}AA:{signature}"
    with pytest.raises(Exception, match="could not be checked"):
        concurrency.check_unchanged(found, forged, ["owner"])
