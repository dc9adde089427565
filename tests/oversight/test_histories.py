"""A child's access history and a person's: who looked, in which role, why; who may read them."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from divert.core import audit
from divert.core.models import AuditEvent, User
from divert.oversight import pdf
from divert.oversight.queries import child_events, lines
from divert.privacy.models import RestrictedRecord
from tests.conftest import World
from tests.oversight.conftest import broke_glass, viewed

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _child_page(world: World, who: str, child_pk: int, query: str = "") -> tuple[int, str]:
    url = reverse("oversight:child", args=[child_pk]) + (f"?{query}" if query else "")
    response = _client(world.users[who]).get(url)
    return response.status_code, response.content.decode()


def test_the_childs_history_lists_views_by_alice_and_tom_with_roles_and_the_break_glass_reason(
    world: World,
) -> None:
    alice, tom = world.users["alice"], world.users["tom"]
    ava = world.child_north
    viewed(alice, ava, note="Child's record")
    broke_glass(tom, ava, "Covering the duty rota: police called about Ava")
    viewed(tom, ava, note="Chronology: everything")
    status, html = _child_page(world, "hos", ava.pk)
    assert status == 200
    assert "Alice Tester" in html and "Social worker" in html
    assert "Tom Tester" in html and "Team manager" in html and "North children in care" in html
    assert "Broke glass: Covering the duty rota: police called about Ava" in html
    assert html.index("Viewed Chronology: everything") < html.index(
        "Viewed Child&#x27;s record"
    )  # newest first
    assert "Sid" not in html


def test_changes_name_the_fields_changed(world: World) -> None:
    ava = world.child_north
    audit.record(
        world.users["alice"],
        AuditEvent.Action.UPDATE,
        ava,
        before={"home_postcode": "PL4 8AA"},
        after={"home_postcode": "PL1 1AA"},
        note="Moved",
    )
    _, html = _child_page(world, "tom", ava.pk)
    assert "Changed child: home_postcode" in html


def test_the_history_filters_by_person(world: World) -> None:
    ava = world.child_north
    viewed(world.users["alice"], ava, note="Alice looked")
    viewed(world.users["tom"], ava, note="Tom looked")
    _, html = _child_page(world, "hos", ava.pk, f"person={world.users['tom'].pk}")
    assert "Tom looked" in html and "Alice looked" not in html


def test_opening_the_history_is_itself_audited(world: World) -> None:
    _child_page(world, "tom", world.child_north.pk)
    event = AuditEvent.objects.get(object_type="oversight.access_history")
    assert (event.actor, event.action, event.child_id) == (world.users["tom"], "view", world.child_north.pk)


def test_a_team_manager_reads_only_their_teams_children_and_people(world: World) -> None:
    tom = _client(world.users["tom"])
    assert tom.get(reverse("oversight:child", args=[world.child_north.pk])).status_code == 200
    assert tom.get(reverse("oversight:child", args=[world.child_south.pk])).status_code == 404
    assert tom.get(reverse("oversight:child", args=[world.child_elsewhere.pk])).status_code == 404
    assert tom.get(reverse("oversight:person", args=[world.users["alice"].pk])).status_code == 200
    assert tom.get(reverse("oversight:person", args=[world.users["sam"].pk])).status_code == 404
    assert tom.get(reverse("oversight:child_csv", args=[world.child_north.pk])).status_code == 403


def test_a_social_worker_cannot_read_the_audit_trail(world: World) -> None:
    alice = _client(world.users["alice"])
    assert alice.get(reverse("oversight:child", args=[world.child_north.pk])).status_code == 403
    assert alice.get(reverse("oversight:person", args=[world.users["alice"].pk])).status_code == 403


def test_the_head_of_service_reads_a_restricted_childs_history_by_id_only(world: World) -> None:
    sid = world.child_south
    RestrictedRecord.objects.create(
        child=sid, category="adopted", reason="Placed for adoption", set_by=world.users["hos"]
    )
    viewed(world.users["sam"], sid)
    status, html = _child_page(world, "hos", sid.pk)
    assert status == 200
    assert "Who looked at child S0001" in html
    assert "Southey" not in html and "Sid" not in html


def test_a_persons_history_lists_what_they_did_with_child_ids_not_names(world: World) -> None:
    viewed(world.users["alice"], world.child_north, note="Child's record")
    viewed(world.users["sam"], world.child_south, note="Sam's view")
    response = _client(world.users["tom"]).get(reverse("oversight:person", args=[world.users["alice"].pk]))
    html = response.content.decode()
    assert "N0001" in html and "Northam" not in html
    assert "Sam&#x27;s view" not in html
    assert AuditEvent.objects.filter(object_type="core.user", object_id=str(world.users["alice"].pk)).exists()


def _csv_rows(response: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))  # type: ignore[attr-defined]


def test_the_sar_export_holds_every_event_about_the_child_and_nothing_else(world: World) -> None:
    ava, sid = world.child_north, world.child_south
    for note in ("First look", "Second look"):
        viewed(world.users["alice"], ava, note=note)
    audit.record(
        world.users["alice"], AuditEvent.Action.UPDATE, ava, after={"upn": "X"}, note="Fixed the UPN"
    )
    viewed(world.users["sam"], sid, note="Sid's record")
    response = _client(world.users["hos"]).get(reverse("oversight:child_csv", args=[ava.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0][:3] == ["When", "Who", "Role"]
    assert len(rows) - 1 == 3
    assert {r[7] for r in rows[1:]} == {"N0001"}
    assert "Sid's record" not in response.content.decode()
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (export.actor, export.child_id) == (world.users["hos"], ava.pk)


def test_formula_like_notes_are_escaped_in_the_csv(world: World) -> None:
    audit.record(
        world.users["alice"],
        AuditEvent.Action.UPDATE,
        world.child_north,
        after={"upn": "X"},
        note='=HYPERLINK("http://evil.example","click")',
    )
    response = _client(world.users["hos"]).get(reverse("oversight:child_csv", args=[world.child_north.pk]))
    why = [row[6] for row in _csv_rows(response)[1:]]
    assert why == ['\'=HYPERLINK("http://evil.example","click")']


def test_the_history_page_reads_in_a_fixed_number_of_queries(world: World) -> None:
    ava = world.child_north
    hos = _client(world.users["hos"])
    url = reverse("oversight:child", args=[ava.pk])
    viewed(world.users["alice"], ava)
    with CaptureQueriesContext(connection) as few:
        hos.get(url)
    for who in ("tom", "mo", "hos", "alice", "tom", "mo"):
        viewed(world.users[who], ava)
        broke_glass(world.users[who], ava, "Reason")
    with CaptureQueriesContext(connection) as many:
        hos.get(url)
    assert len(many) == len(few)


def test_the_sar_pdf_lists_the_childs_events_by_id_and_is_audited(world: World) -> None:
    ava = world.child_north
    viewed(world.users["alice"], ava, note="First look")
    viewed(world.users["sam"], world.child_south, note="Sid's record")
    source = pdf.html(ava, lines(child_events(ava)), generated_by="Hos Tester")
    assert "Access history: child N0001" in source and "OFFICIAL-SENSITIVE" in source
    assert "Viewed First look" in source and "Sid&#x27;s record" not in source and "Northam" not in source
    response = _client(world.users["hos"]).get(reverse("oversight:child_pdf", args=[ava.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (export.actor, export.child_id) == (world.users["hos"], ava.pk)
