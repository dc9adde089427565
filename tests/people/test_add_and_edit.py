"""Adding a child and editing their details through the pages, errors shown GOV.UK style."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from divert.core.concurrency import versioned
from divert.core.models import AuditEvent
from divert.people.models import Allocation, Child
from tests.conftest import World
from tests.people.conftest import signed_in

ADD = reverse("people:add")

GOOD: dict[str, str] = {
    "first_name": "Noor",
    "last_name": "Newton",
    "child_id": "N0002",
    "date_of_birth-day": "2",
    "date_of_birth-month": "4",
    "date_of_birth-year": "2019",
    "sex": "F",
    "ethnicity": "APKN",
    "upn": "",
    "home_postcode": "PL4 8AA",
    "locality": "",
}


def counts() -> tuple[int, int, int]:
    return Child.objects.count(), Allocation.objects.count(), AuditEvent.objects.count()


def test_a_social_worker_adds_a_child_who_joins_her_teams_caseload(client: Client, world: World) -> None:
    response = signed_in(client, world.users["alice"]).post(ADD, GOOD | {"disability": "on"}, follow=True)
    child = Child.objects.get(child_id="N0002")
    assert response.redirect_chain == [(reverse("people:child", kwargs={"pk": child.pk}), 302)]
    assert child.disability and child.date_of_birth.isoformat() == "2019-04-02"
    assert Allocation.objects.get(child=child).team == world.north
    assert "Noor Newton has been added" in response.content.decode()


@pytest.mark.parametrize(
    ("bad", "field_id", "message"),
    [
        (
            {"date_of_birth-day": "1", "date_of_birth-month": "1", "date_of_birth-year": "2099"},
            "id_date_of_birth",
            "Date of birth must be today or in the past",
        ),
        (
            {"date_of_birth-day": "30", "date_of_birth-month": "2"},
            "id_date_of_birth",
            "Date of birth must be a real date",
        ),
        ({"upn": "A12"}, "id_upn", "Enter a UPN of 13 characters"),
        ({"upn": "A801200005001"}, "id_upn", "Enter a UPN with the right check letter"),
        ({"ethnicity": "ZZZZ"}, "id_ethnicity", "Select the child&#x27;s ethnicity from the list"),
        ({"home_postcode": "PL4 8A"}, "id_home_postcode", "Enter a full UK postcode, like PL4 8AA"),
        ({"child_id": "S0001"}, "id_child_id", "A child with this ID is already on the register"),
        ({"sex": ""}, "id_sex", "Select the child&#x27;s sex"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(
    client: Client, world: World, bad: dict[str, str], field_id: str, message: str
) -> None:
    signed_in(client, world.users["alice"])
    before = counts()
    response = client.post(ADD, GOOD | bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<p id="{field_id}-error-1" class="govuk-error-message">' in html
    assert message in html.split(f'id="{field_id}-error-1"')[1].split("</p>")[0]
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert f'href="#{field_id}' in summary and message in summary
    assert response.context["page_title"] == "Error: Add a child"
    assert counts() == before


def test_the_form_keeps_what_was_typed_after_an_error(client: Client, world: World) -> None:
    html = signed_in(client, world.users["alice"]).post(ADD, GOOD | {"upn": "A12"}).content.decode()
    assert 'value="Noor"' in html and 'value="2019"' in html
    assert 'value="F" checked' in html


def test_a_read_only_role_cannot_add_a_child(client: Client, world: World) -> None:
    signed_in(client, world.users["ana"])
    before = counts()
    assert client.post(ADD, GOOD).status_code == 403
    assert counts() == before


def edit_url(child: Child) -> str:
    return reverse("people:edit", kwargs={"pk": child.pk})


def details_of(child: Child, **changes: str) -> dict[str, Any]:
    dob = child.date_of_birth
    data = GOOD | {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "child_id": child.child_id,
        "date_of_birth-day": str(dob.day),
        "date_of_birth-month": str(dob.month),
        "date_of_birth-year": str(dob.year),
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "home_postcode": child.home_postcode,
    }
    return data | versioned(child) | changes


def test_the_edit_form_starts_with_the_childs_details(client: Client, world: World) -> None:
    html = signed_in(client, world.users["alice"]).get(edit_url(world.child_north)).content.decode()
    assert (
        'value="Ava"' in html
        and 'value="N0001"' in html
        and 'value="17"' in html
        and 'value="PL4 8AA"' in html
    )


def test_editing_saves_the_change_and_audits_before_and_after(client: Client, world: World) -> None:
    ava = world.child_north
    response = signed_in(client, world.users["tom"]).post(
        edit_url(ava), details_of(ava, last_name="Northcott")
    )
    assert response.status_code == 302
    ava.refresh_from_db()
    assert ava.last_name == "Northcott"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.before is not None and event.after is not None
    assert event.actor_label == "tom"
    assert (event.before["last_name"], event.after["last_name"]) == ("Northam", "Northcott")
    assert set(event.after) == {"last_name", "updated"}


def test_editing_with_a_bad_postcode_changes_nothing(client: Client, world: World) -> None:
    ava = world.child_north
    signed_in(client, world.users["alice"])
    before = AuditEvent.objects.count()
    response = client.post(edit_url(ava), details_of(ava, home_postcode="XX", last_name="Z"))
    assert response.status_code == 200
    assert "Enter a full UK postcode" in response.content.decode()
    ava.refresh_from_db()
    assert (ava.home_postcode, ava.last_name) == ("PL4 8AA", "Northam")
    assert AuditEvent.objects.count() == before


def test_a_role_that_may_only_read_is_refused_an_edit(client: Client, world: World) -> None:
    ava = world.child_north
    response = signed_in(client, world.users["hos"]).post(edit_url(ava), details_of(ava, last_name="Changed"))
    assert response.status_code == 403
    ava.refresh_from_db()
    assert ava.last_name == "Northam"


def test_a_social_worker_cannot_edit_another_teams_child(client: Client, world: World) -> None:
    sid = world.child_south
    response = signed_in(client, world.users["alice"]).post(
        edit_url(sid), details_of(sid, last_name="Changed")
    )
    assert response.status_code == 404
    sid.refresh_from_db()
    assert sid.last_name == "Southey"
