"""Who may read the API: a token of the head of service, an analyst or finance; nobody else.

A token acts as its user, so a token whose user is now in another role, or inactive, is a 403;
no token (even with a signed-in browser session) is a 401; anything but reading is a 405. Every
request a token makes is one audit row.
"""

from __future__ import annotations

import pytest
from django.test import Client

from divert.core.models import AuditEvent
from tests.api.conftest import API, API_USERS, ENDPOINTS, OTHER_USERS, bearer, token_for
from tests.conftest import World


@pytest.mark.parametrize("who", API_USERS)
@pytest.mark.parametrize("path", ENDPOINTS)
def test_the_head_of_service_analysts_and_finance_read_every_endpoint(
    client: Client, world: World, who: str, path: str
) -> None:
    response = client.get(path, headers=bearer(token_for(world.users[who])))
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("who", OTHER_USERS)
def test_every_other_role_is_refused_with_a_403_even_holding_a_token(
    client: Client, world: World, who: str
) -> None:
    secret = token_for(world.users[who])
    for path in ENDPOINTS:
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 403, path
        assert "role" in response.json()["detail"]


def test_an_inactive_users_token_is_a_403(client: Client, world: World) -> None:
    secret = token_for(world.users["ana"])
    world.users["ana"].is_active = False
    world.users["ana"].save()
    assert client.get(f"{API}indicators/", headers=bearer(secret)).status_code == 403


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_a_token_it_is_a_401_even_signed_in_in_the_browser(
    client: Client, world: World, path: str
) -> None:
    assert client.get(path).status_code == 401
    client.force_login(world.users["hos"])
    response = client.get(path)
    assert response.status_code == 401 and response.json()["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_only_reads(client: Client, world: World, method: str) -> None:
    secret = token_for(world.users["hos"])
    for path in ENDPOINTS:
        response = getattr(client, method)(path, {}, content_type="application/json", headers=bearer(secret))
        assert response.status_code == 405, path


def test_head_and_options_are_allowed(client: Client, world: World) -> None:
    secret = token_for(world.users["hos"])
    assert client.head(f"{API}care-movements/", headers=bearer(secret)).status_code == 200
    assert client.options(f"{API}care-movements/", headers=bearer(secret)).status_code == 200


def test_every_request_is_one_audit_row_with_its_path_and_query(client: Client, world: World) -> None:
    secret = token_for(world.users["fin"])
    before = AuditEvent.objects.filter(object_type="api").count()
    client.get(f"{API}children-in-care/", {"placement_type": "U4"}, headers=bearer(secret))
    client.get(f"{API}indicators/cla_count/series/", headers=bearer(secret))
    client.post(f"{API}indicators/", headers=bearer(secret))
    rows = list(AuditEvent.objects.filter(object_type="api").order_by("id"))[before:]
    assert len(rows) == 3
    assert all(row.actor == world.users["fin"] for row in rows)
    assert rows[0].action == AuditEvent.Action.SEARCH
    assert rows[0].note == f"GET {API}children-in-care/?placement_type=U4 -> 200"
    assert rows[1].action == AuditEvent.Action.VIEW
    assert rows[2].note.endswith("-> 405")
    assert all(row.child_id is None for row in rows)


def test_each_token_is_rate_limited(client: Client, world: World, settings: object) -> None:
    settings.DIVERT_API_RATE = "2/minute"  # type: ignore[attr-defined]
    secret, other = token_for(world.users["ana"]), token_for(world.users["ana"])
    before = AuditEvent.objects.filter(object_type="api").count()
    statuses = [client.get(f"{API}care-movements/", headers=bearer(secret)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert AuditEvent.objects.filter(object_type="api").count() == before + 2  # a refused flood reads nothing
    assert client.get(f"{API}care-movements/", headers=bearer(other)).status_code == 200
