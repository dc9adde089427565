"""Sign-in lock-out (django-axes) and session expiry after inactivity: issue 9, item 1."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse
from tests.conftest import PASSWORD

from divert.core.models import AuditEvent
from divert.signin.session import VERIFIED_SESSION_KEY

SIGN_IN = "/sign-in/"


def _sign_in(client: Client, password: str, username: str = "alice"):
    return client.post(SIGN_IN, {"username": username, "password": password})


def _fail(client: Client, times: int, username: str = "alice", limit: int = 5) -> None:
    for attempt in range(1, times + 1):
        response = _sign_in(client, "not-the-password", username)
        # The sign-in page again with its error; the failure that reaches the limit shows the lock.
        assert response.status_code == (429 if attempt >= limit else 200)


def _locked(response) -> bool:
    return response.status_code == 429 and b"Your account is locked" in response.content


def _minutes_pass(minutes: int) -> None:
    """Move every recorded failure back in time, as if ``minutes`` had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(world, client):
    _fail(client, 5)
    response = _sign_in(client, PASSWORD)
    assert _locked(response)
    assert b"locked for 30 minutes" in response.content
    assert b"Ask your administrator to unlock it sooner" in response.content
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock(world, client):
    _fail(client, 4)
    response = _sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_the_lock_lasts_the_configured_minutes(world, client):
    _fail(client, 5)
    _minutes_pass(29)
    assert _locked(_sign_in(client, PASSWORD))
    _minutes_pass(2)  # 29 + 2 = 31 minutes since the failures: past the 30-minute cool-off
    assert _sign_in(client, PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=10 / 60)
def test_the_limit_and_the_minutes_are_settings(world, client):
    _fail(client, 2, limit=2)
    response = _sign_in(client, PASSWORD)
    assert _locked(response)
    assert b"locked for 10 minutes" in response.content


def test_a_success_resets_the_count(world, client):
    _fail(client, 4)
    assert _sign_in(client, PASSWORD).status_code == 302
    client.post(reverse("core:logout"))
    _fail(client, 4)  # 4 more: would be 8 in all without the reset, so locked
    assert _sign_in(client, PASSWORD).status_code == 302


def test_one_account_locked_does_not_lock_another(world, client):
    _fail(client, 5, username="alice")
    assert _sign_in(client, PASSWORD, username="tom").status_code == 302


def test_an_administrator_unlocks_an_account(world, client):
    from django.core.management import call_command

    _fail(client, 5)
    call_command("axes_reset_username", "alice")
    assert _sign_in(client, PASSWORD).status_code == 302


def test_every_failure_is_audited(world, client):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, object_id="alice").count()
    _fail(client, 5)
    _sign_in(client, PASSWORD)  # refused while locked: audited as a failure too
    after = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, object_id="alice").count()
    assert after - before == 6


@override_settings(SESSION_COOKIE_AGE=120)
def test_each_request_restarts_the_idle_clock(world, client):
    assert _sign_in(client, PASSWORD).status_code == 302
    session = client.session
    session[VERIFIED_SESSION_KEY] = "test"  # the second factor given (tests/signin tests the real one)
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response.wsgi_request.session.get_expiry_age() == 120
    cookie = response.cookies["sessionid"]
    # Expires when the browser closes: no max-age on the cookie; the server ends it after 120 s idle.
    assert cookie["max-age"] == ""
    first = client.session.get_expiry_date()
    second_response = client.get(reverse("core:home"))
    assert "sessionid" in second_response.cookies  # saved again on every request: sliding expiry
    assert client.session.get_expiry_date() >= first


def test_an_idle_session_is_signed_out_with_a_reason(world, client):
    assert _sign_in(client, PASSWORD).status_code == 302
    session = client.session
    session.set_expiry(-1)  # the idle time has run out on the server
    session.save()
    response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain[0][0].startswith(SIGN_IN)
    assert b"You were signed out after 30 minutes without activity" in response.content


def test_signing_out_gives_no_expiry_message(world, client):
    assert _sign_in(client, PASSWORD).status_code == 302
    client.post(reverse("core:logout"))
    response = client.get(reverse("core:home"), follow=True)
    assert b"without activity" not in response.content


@pytest.mark.parametrize("length,ok", [(11, False), (12, True), (128, True), (129, False)])
def test_passwords_are_long_passphrases(length, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    phrase = ("purple otter kettle " * 10)[:length]
    if ok:
        validate_password(phrase)
    else:
        with pytest.raises(ValidationError):
            validate_password(phrase)
