"""The home page each role lands on, and the admin that holds reference data and no child."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from divert.core.admin import REFERENCE_MODELS
from divert.core.models import AuditEvent, Authority
from divert.people import queries
from divert.people.models import Allocation, Child, Professional
from tests.conftest import World, make_child
from tests.people.conftest import signed_in


def test_a_social_worker_lands_on_her_own_caseload(client: Client, world: World) -> None:
    colleague = Professional.objects.create(name="Carl Colleague", team=world.north)
    theirs = make_child(world.authority, "N0002", "Cara", "Colleagues", dt.date(2013, 3, 3))
    Allocation.objects.create(child=theirs, worker=colleague, team=world.north, start=dt.date(2024, 1, 1))
    html = signed_in(client, world.users["alice"]).get("/").content.decode()
    assert "Your caseload" in html
    assert "Ava Northam" in html
    assert "Cara Colleagues" not in html and "Sid Southey" not in html


def test_a_team_manager_lands_on_the_teams_current_caseload(client: Client, world: World) -> None:
    html = signed_in(client, world.users["tom"]).get("/").content.decode()
    assert "North children in care: current caseload" in html
    assert "Ava Northam" in html and "Alice Tester" in html
    assert "Sid Southey" not in html


def test_the_caseload_leaves_out_children_whose_allocation_has_ended(world: World) -> None:
    worker = Professional.objects.get(user=world.users["alice"])
    gone = make_child(world.authority, "N0009", "Gail", "Gone", dt.date(2011, 1, 1))
    Allocation.objects.create(
        child=gone, worker=worker, team=world.north, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1)
    )
    rows = queries.team_caseload(world.users["tom"])
    assert [row.child.first_name for row in rows] == ["Ava"]


def test_a_police_officer_lands_on_the_children_shared_with_the_police(client: Client, world: World) -> None:
    html = signed_in(client, world.users["pat"]).get("/").content.decode()
    assert "Children shared with police" in html
    assert "Sid Southey" in html and "Ava Northam" not in html


def test_an_analyst_lands_on_links_and_no_list_of_children(client: Client, world: World) -> None:
    html = signed_in(client, world.users["ana"]).get("/").content.decode()
    assert "Find a child" in html
    assert "Ava Northam" not in html and "Sid Southey" not in html


def test_the_admin_holds_reference_data_and_never_a_child() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == REFERENCE_MODELS
    assert Child not in admin.site._registry
    try:
        reverse("admin:people_child_changelist")
    except NoReverseMatch:
        pass
    else:
        raise AssertionError("children must not have an admin page")


def test_an_administrator_reaches_reference_data_without_the_staff_flag(client: Client, world: World) -> None:
    adam = world.users["adam"]
    assert not adam.is_staff
    response = signed_in(client, adam).get(reverse("admin:core_authority_changelist"))
    assert response.status_code == 200
    assert "Plymptown Council" in response.content.decode()


def test_a_change_made_in_the_admin_is_audited(client: Client, world: World) -> None:
    signed_in(client, world.users["adam"])
    url = reverse("admin:core_authority_change", args=[world.authority.pk])
    data = {"code": "E06000026", "la_number": "879", "name": "Plymptown City Council"}
    assert client.post(url, data).status_code == 302
    assert Authority.objects.get(pk=world.authority.pk).name == "Plymptown City Council"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="core.authority")
    assert (event.actor_label, event.after) == ("adam", {"name": "Plymptown City Council"})


def test_a_social_worker_is_turned_away_from_the_admin(client: Client, world: World) -> None:
    response = signed_in(client, world.users["alice"]).get(reverse("admin:core_authority_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
