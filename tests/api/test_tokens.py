"""Tokens: made once, kept only as a hash, refused when expired, revoked or unknown."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from divert.api import actions
from divert.api.models import ApiToken
from divert.core.models import AuditEvent
from tests.api.conftest import API, bearer, get
from tests.conftest import World

INDICATORS = f"{API}indicators/"


def test_only_the_hash_and_a_short_prefix_are_stored(world: World) -> None:
    token, secret = actions.create_token(world.users["ana"], name="Power BI")
    assert secret.startswith("dvt_") and len(secret) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in stored.values()}
    assert secret.startswith(token.prefix) and len(token.prefix) < 12


def test_a_token_lasts_90_days_unless_asked_and_never_more_than_a_year(world: World) -> None:
    token, _ = actions.create_token(world.users["hos"], name="Excel")
    assert (token.expires - timezone.now()).days in (89, 90)
    longest, _ = actions.create_token(world.users["hos"], name="Excel", days=365)
    assert (longest.expires - timezone.now()).days in (364, 365)
    with pytest.raises(ValidationError):
        actions.create_token(world.users["hos"], name="Excel", days=366)
    with pytest.raises(ValidationError):
        actions.create_token(world.users["hos"], name="  ")


def test_making_and_revoking_a_token_is_audited(world: World) -> None:
    token, _ = actions.create_token(world.users["fin"], name="Spend report")
    actions.revoke_token(world.users["fin"], token)
    actions.revoke_token(world.users["fin"], token)  # twice changes nothing
    rows = AuditEvent.objects.filter(object_type="api.apitoken", object_id=str(token.pk))
    assert sorted(rows.values_list("action", flat=True)) == ["create", "update"]
    assert all("digest" not in (row.after or {}) for row in rows)


def test_a_role_that_does_not_use_the_api_cannot_make_a_token(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_token(world.users["alice"], name="Mine")
    assert not ApiToken.objects.exists()


def test_the_token_is_shown_once_on_the_page_that_made_it(client: Client, world: World) -> None:
    client.force_login(world.users["ana"])
    made = client.post(reverse("api:token_new"), {"name": "Power BI", "days": "30"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=world.users["ana"])
    secret = made.context["secret"]
    assert secret in made.content.decode() and token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert "no-store" in made["Cache-Control"]
    listing = client.get(reverse("api:tokens")).content.decode()
    assert token.prefix in listing and secret not in listing


def test_the_form_says_what_is_wrong(client: Client, world: World) -> None:
    client.force_login(world.users["ana"])
    page = client.post(reverse("api:token_new"), {"name": "", "days": "400"})
    assert page.status_code == 200 and not ApiToken.objects.exists()
    assert "Enter a name for the token" in page.content.decode()
    assert "between 1 and 365 days" in page.content.decode()


def test_a_user_revokes_their_own_token_and_only_theirs(client: Client, world: World) -> None:
    token, secret = actions.create_token(world.users["ana"], name="Power BI")
    client.force_login(world.users["hos"])
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(world.users["ana"])
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None
    client.logout()
    assert get(client, INDICATORS, secret).status_code == 401


@pytest.mark.parametrize(
    ("how", "message"),
    [("expired", "expired"), ("revoked", "revoked"), ("unknown", "Unknown token")],
)
def test_an_expired_revoked_or_unknown_token_is_a_401_that_says_why(
    client: Client, world: World, how: str, message: str
) -> None:
    token, secret = actions.create_token(world.users["ana"], name="Power BI")
    if how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    elif how == "revoked":
        actions.revoke_token(world.users["ana"], token)
    else:
        secret = secret[:-4] + "abcd"
    response = get(client, INDICATORS, secret)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Token dvt_x", "Bearer", "Bearer not-ours", "Basic YWxpY2U6eA=="])
def test_a_malformed_header_is_a_401(client: Client, world: World, header: str) -> None:
    response = client.get(INDICATORS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response.json()["detail"]


def test_using_a_token_records_when_it_was_last_used(client: Client, world: World) -> None:
    token, secret = actions.create_token(world.users["ana"], name="Power BI")
    assert token.last_used is None
    client.get(INDICATORS, headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used is not None
