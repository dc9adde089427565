"""Second-factor actions: set up an authenticator app, check a code, replace backup codes, reset.

Each runs in one transaction with its audit row. A wrong code is recorded as a refused sign-in
(``LOGIN_FAILED``, noted as the second factor) and counted by django-otp's throttling, which makes
the person wait 1, 2, 4, 8 ... seconds after each wrong code in a row, so codes cannot be guessed.
A code already used is refused: django-otp remembers the last time step accepted per device.
"""

from __future__ import annotations

import enum
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from divert.core import audit
from divert.core.models import AuditEvent
from divert.signin.session import VERIFIED_SESSION_KEY

BACKUP_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    WAIT = "wait"  # too many wrong codes in a row: django-otp's throttling


def normalise(code: str) -> str:
    """Codes are read aloud and copied: spaces and case do not matter."""
    return "".join(code.split()).lower()


def app_device(user: Any) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mark_verified(request: HttpRequest, how: str) -> None:
    """This session has given a second factor: a new session key, so a key seen before is useless."""
    request.session.cycle_key()
    request.session[VERIFIED_SESSION_KEY] = how


def pending_app_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being set up (one per person), made on first visit."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def confirm_app_device(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Set up the app once its first code is right; return the new backup codes (shown once)."""
    user: Any = request.user
    with transaction.atomic():
        if not device.verify_token(normalise(code)):
            _refused(user, "second factor: wrong code while setting up an authenticator app")
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_backup_codes(user)
        audit.record(user, AuditEvent.Action.CREATE, device, note="second factor set up: authenticator app")
        otp_login(request, device)
    mark_verified(request, "totp")
    return codes


def verify(request: HttpRequest, code: str) -> Outcome:
    """Check a code from the app (6 digits) or a backup code (8 letters and digits, used once)."""
    user: Any = request.user
    code = normalise(code)
    is_app_code = code.isdigit() and len(code) == 6
    model = TOTPDevice if is_app_code else StaticDevice
    devices = list(model.objects.devices_for_user(user, confirmed=True))
    with transaction.atomic():
        if devices and not any(device.verify_is_allowed()[0] for device in devices):
            _refused(user, "second factor: too many wrong codes, asked to wait")
            return Outcome.WAIT
        for device in devices:
            if device.verify_token(code):
                how = "totp" if is_app_code else "backup-code"
                what = "authenticator app" if is_app_code else "backup code"
                audit.record(user, AuditEvent.Action.LOGIN, user, note=f"second factor: {what}")
                otp_login(request, device)
                break
        else:
            _refused(user, "second factor: wrong code")
            return Outcome.WRONG
    mark_verified(request, how)
    return Outcome.ACCEPTED


def replace_backup_codes(user: Any, code: str) -> list[str] | None:
    """New backup codes, and the old ones void, for someone who proves they hold the app now."""
    device = app_device(user)
    with transaction.atomic():
        if device is None or not device.verify_token(normalise(code)):
            _refused(user, "second factor: wrong code when asking for new backup codes")
            return None
        codes = _new_backup_codes(user)
        audit.record(user, AuditEvent.Action.UPDATE, user, note="second factor: new backup codes")
    return codes


def reset_second_factor(user: Any, note: str = "") -> int:
    """Remove every device, so the person sets up a new app at their next sign-in (a lost phone)."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        audit.record(
            None,
            AuditEvent.Action.DELETE,
            user,
            note=f"second factor reset by the service desk{': ' + note if note else ''}",
        )
    return removed


def record_refused_sso(who: str, reason: str) -> None:
    with transaction.atomic():
        audit.record(
            None,
            AuditEvent.Action.LOGIN_FAILED,
            object_type=get_user_model()._meta.label_lower,
            object_id=who,
            note=f"single sign-on refused: {reason}",
        )


def _new_backup_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _refused(user: Any, note: str) -> None:
    audit.record(
        None,
        AuditEvent.Action.LOGIN_FAILED,
        object_type=get_user_model()._meta.label_lower,
        object_id=str(user.get_username())[:40],
        note=note,
    )
