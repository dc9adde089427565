"""Sign-in, sign-out and refused sign-ins go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from divert.core import audit
from divert.core.models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The single sign-on backend notes itself on the user it returns (divert.signin.oidc).
    audit.record(user, AuditEvent.Action.LOGIN, user, note=getattr(user, "sign_in_note", ""))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(user, AuditEvent.Action.LOGOUT, user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit.record(
        None,
        AuditEvent.Action.LOGIN_FAILED,
        object_type="core.user",
        object_id=str(credentials.get("username", ""))[:40],
    )
