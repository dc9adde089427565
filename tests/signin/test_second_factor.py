"""A password alone opens nothing: every account also gives a code (issue 9, item 1)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from divert.core.models import AuditEvent, User
from divert.signin import actions
from divert.signin.session import VERIFIED_SESSION_KEY
from tests.conftest import World, make_user
from tests.signin.helpers import TWO_FACTOR, a_wrong_code, code_for, give_app, sign_in_with_password

HOME = "/"


def _enter(client: Client, code: str, next_url: str = HOME):
    return client.post(TWO_FACTOR, {"code": code, "next": next_url})


def _refusals(username: str = "alice") -> list[str]:
    rows = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, object_id=username)
    return list(rows.values_list("note", flat=True))


@pytest.mark.parametrize(
    "path",
    ["/", "/children/", "/children/add/", "/indicators/", "/account/", "/admin/", "/programme/"],
)
def test_a_password_alone_opens_no_page(world: World, client: Client, path: str) -> None:
    give_app(world.users["tom"])
    sign_in_with_password(client, "tom")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR + "?next=")


def test_a_password_alone_does_not_open_a_childs_record(world: World, client: Client) -> None:
    give_app(world.users["alice"])
    sign_in_with_password(client)
    response = client.get(f"/children/{world.child_north.pk}/", follow=True)
    assert b"Ava" not in response.content
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_a_correct_code_opens_divert_and_is_audited(world: World, client: Client) -> None:
    device = give_app(world.users["alice"])
    sign_in_with_password(client)
    key_before = client.session.session_key
    response = _enter(client, code_for(device))
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.session[VERIFIED_SESSION_KEY] == "totp"
    assert client.session.session_key != key_before, "the session key is rotated on verification"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN, actor=world.users["alice"], note="second factor: authenticator app"
    ).exists()


def test_the_code_returns_the_person_to_the_page_they_asked_for(world: World, client: Client) -> None:
    device = give_app(world.users["alice"])
    assert client.get("/children/").status_code == 302
    sign_in_with_password(client, next_url="/children/")
    redirected = client.get("/children/")
    assert redirected["Location"] == f"{TWO_FACTOR}?next=%2Fchildren%2F"
    assert _enter(client, code_for(device), "/children/")["Location"] == "/children/"


def test_the_code_never_sends_the_person_to_another_site(world: World, client: Client) -> None:
    device = give_app(world.users["alice"])
    sign_in_with_password(client)
    assert _enter(client, code_for(device), "https://evil.example/")["Location"] == HOME


def test_a_wrong_code_is_refused_and_audited(world: World, client: Client) -> None:
    device = give_app(world.users["alice"])
    sign_in_with_password(client)
    response = _enter(client, a_wrong_code(device))
    assert response.status_code == 200
    assert b"The code is not right" in response.content
    assert client.get(HOME).status_code == 302
    assert _refusals() == ["second factor: wrong code"]


def test_wrong_codes_in_a_row_make_the_person_wait(world: World, client: Client) -> None:
    device = give_app(world.users["alice"])
    sign_in_with_password(client)
    _enter(client, a_wrong_code(device))
    response = _enter(client, code_for(device))  # right, but straight after a wrong one
    assert b"Too many wrong codes" in response.content
    assert client.get(HOME).status_code == 302
    assert "second factor: too many wrong codes, asked to wait" in _refusals()


def test_a_code_already_used_is_refused(world: World, client: Client) -> None:
    device = give_app(world.users["alice"])
    code = code_for(device)
    sign_in_with_password(client)
    assert _enter(client, code).status_code == 302
    other = Client()  # someone who watched the code being typed, signing in elsewhere
    sign_in_with_password(other)
    response = _enter(other, code)
    assert b"The code is not right" in response.content
    assert other.get(HOME).status_code == 302


def test_a_backup_code_works_once(world: World, client: Client) -> None:
    alice = world.users["alice"]
    give_app(alice)
    codes = actions._new_backup_codes(alice)
    sign_in_with_password(client)
    assert _enter(client, codes[0].upper()).status_code == 302  # case and spaces do not matter
    assert client.session[VERIFIED_SESSION_KEY] == "backup-code"
    assert client.get(HOME).status_code == 200
    again = Client()
    sign_in_with_password(again)
    assert b"The code is not right" in _enter(again, codes[0]).content
    assert StaticToken.objects.filter(device__user=alice).count() == 9


def test_the_second_factor_is_given_per_session(world: World, client: Client) -> None:
    device = give_app(world.users["alice"])
    sign_in_with_password(client)
    _enter(client, code_for(device))
    assert client.get(HOME).status_code == 200
    browser_two = Client()
    sign_in_with_password(browser_two)
    assert browser_two.get(HOME)["Location"].startswith(TWO_FACTOR)
    client.post("/sign-out/")
    sign_in_with_password(client)
    assert client.get(HOME)["Location"].startswith(TWO_FACTOR), "signing in again needs a new code"


def test_someone_without_an_app_sets_one_up_and_sees_backup_codes_once(world: World, client: Client) -> None:
    sign_in_with_password(client)
    response = client.get(TWO_FACTOR + "?next=%2F", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/two-factor/set-up/")
    page = response.content.decode()
    assert "<svg" in page and "<title>QR code to scan with your authenticator app</title>" in page
    assert "style=" not in page and "<script>" not in page, "the strict CSP refuses inline style and script"
    device = TOTPDevice.objects.get(user=world.users["alice"], confirmed=False)
    secret = re.search(r'<code class="divert-secret">([A-Z2-7 ]+)</code>', page)
    assert secret is not None and secret.group(1).replace(" ", "") in device.config_url
    assert client.get(HOME).status_code == 302, "not yet: the app is not confirmed"

    response = client.post("/account/two-factor/set-up/", {"code": code_for(device), "next": "/"})
    assert response["Location"] == "/account/two-factor/backup-codes/"
    shown = client.get("/account/two-factor/backup-codes/").content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=world.users["alice"]).values_list("token", flat=True)
    )
    assert client.get("/account/two-factor/backup-codes/")["Location"] == "/account/", "shown only once"
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="otp_totp.totpdevice"
    ).exists()


def test_setting_up_refuses_a_wrong_code(world: World, client: Client) -> None:
    sign_in_with_password(client)
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=world.users["alice"])
    response = client.post("/account/two-factor/set-up/", {"code": a_wrong_code(device)})
    assert b"The code is not right" in response.content
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert _refusals()


def test_someone_with_an_app_cannot_set_up_another_without_a_code(world: World, client: Client) -> None:
    give_app(world.users["alice"])
    sign_in_with_password(client)
    assert client.get("/account/two-factor/set-up/")["Location"] == TWO_FACTOR


def test_new_backup_codes_need_a_current_code(world: World, client: Client) -> None:
    alice = world.users["alice"]
    device = give_app(alice)
    old = actions._new_backup_codes(alice)
    sign_in_with_password(client)
    _enter(client, old[0])
    page = client.get("/account/")
    assert b"Authenticator app, set up on" in page.content and b"Signed in with a backup code" in page.content
    refused = client.post("/account/backup-codes/new/", {"code": a_wrong_code(device)})
    assert refused.status_code == 400
    assert StaticToken.objects.filter(device__user=alice, token=old[1]).exists()
    device.throttle_reset()
    response = client.post("/account/backup-codes/new/", {"code": code_for(device)})
    assert response["Location"] == "/account/two-factor/backup-codes/"
    assert b"<code>" in client.get("/account/two-factor/backup-codes/").content
    assert not StaticToken.objects.filter(device__user=alice, token=old[1]).exists()
    assert StaticToken.objects.filter(device__user=alice).count() == 10


def test_the_service_desk_resets_a_lost_phone(world: World, client: Client) -> None:
    alice = world.users["alice"]
    give_app(alice)
    actions._new_backup_codes(alice)
    call_command("reset_second_factor", "alice", "--reason", "INC-1234", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(alice.pk))
    assert "INC-1234" in event.note
    sign_in_with_password(client)
    assert client.get(TWO_FACTOR)["Location"].startswith("/account/two-factor/set-up/")


def test_demo_accounts_skip_the_second_factor_only_with_debug(world: World, client: Client) -> None:
    demo = make_user("demo.worker", "social_worker", world.authority, world.north)
    User.objects.filter(pk=demo.pk).update(is_demo=True)
    with override_settings(DEBUG=True, DIVERT_ALLOW_DEMO_USERS=True):
        sign_in_with_password(client, "demo.worker")
        assert client.get(HOME).status_code == 200
    with override_settings(DEBUG=False, DIVERT_ALLOW_DEMO_USERS=True):
        assert client.get(HOME)["Location"].startswith(TWO_FACTOR)


def test_real_accounts_need_the_code_even_with_debug(world: World, client: Client) -> None:
    give_app(world.users["alice"])
    with override_settings(DEBUG=True):
        sign_in_with_password(client)
        assert client.get(HOME)["Location"].startswith(TWO_FACTOR)


def test_the_second_factor_is_on_in_the_test_settings(settings: object) -> None:
    assert settings.DIVERT_SECOND_FACTOR is True  # type: ignore[attr-defined]
