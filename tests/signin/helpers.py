"""Signing in as a person does: the password form, then a code from the authenticator app."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from divert.core.models import User
from tests.conftest import PASSWORD

SIGN_IN = "/sign-in/"
TWO_FACTOR = "/account/two-factor/"


def sign_in_with_password(client: Client, username: str = "alice", next_url: str = "") -> None:
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(SIGN_IN, data)
    assert response.status_code == 302, "the password was refused"


def give_app(user: User) -> TOTPDevice:
    """The person has set up an authenticator app."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_for(device: TOTPDevice, steps: int = 0) -> str:
    """The code the app shows now (or ``steps`` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def a_wrong_code(device: TOTPDevice) -> str:
    """A 6-digit code the app shows at no time step django-otp would accept now."""
    near = {code_for(device, steps) for steps in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)
