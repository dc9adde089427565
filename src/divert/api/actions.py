"""Every write about API tokens: making one and revoking one, each audited in one transaction.

A token is made only for a user whose role may use the API, lasts at most ``MAX_DAYS`` days,
and is returned in clear exactly once, here; the database keeps only its hash. Revoking is for
the token's own user (another user's token is not theirs to touch, and is not found).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from divert.api.models import DEFAULT_DAYS, MAX_DAYS, PREFIX, ApiToken, hash_secret, new_secret
from divert.core import audit
from divert.core.access import may_use_api
from divert.core.actions import Problems, refuse
from divert.core.models import AuditEvent

PREFIX_SHOWN = len(PREFIX) + 4  # "dvt_" and four characters: enough to tell tokens apart, not to guess


def _problems(name: str, days: int) -> Problems:
    problems: Problems = {}
    if not name.strip():
        problems["name"] = "Enter a name for the token"
    elif len(name.strip()) > 80:
        problems["name"] = "The name must be 80 characters or fewer"
    if not 1 <= days <= MAX_DAYS:
        problems["days"] = f"A token lasts between 1 and {MAX_DAYS} days"
    return problems


def _shown(token: ApiToken) -> dict[str, Any]:
    """What the audit row keeps of a token: never its hash."""
    return {
        "name": token.name,
        "prefix": token.prefix,
        "expires": token.expires.isoformat(),
        "revoked": token.revoked.isoformat() if token.revoked else None,
    }


def create_token(actor: Any, *, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """Make a token for ``actor`` and return it with its secret, which is never available again."""
    if not may_use_api(actor):
        raise PermissionDenied("Your role does not use the API.")
    refuse(_problems(name, days))
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name.strip(),
            digest=hash_secret(secret),
            prefix=secret[:PREFIX_SHOWN],
            expires=timezone.now() + dt.timedelta(days=days),
        )
        audit.record(actor, AuditEvent.Action.CREATE, token, after=_shown(token), note="API token created")
    return token, secret


def revoke_token(actor: Any, token: ApiToken) -> ApiToken:
    """Stop ``token`` working from now on (revoking twice changes nothing and records nothing)."""
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only a token's own user may revoke it.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked is not None:
            return locked
        before = _shown(locked)
        locked.revoked = timezone.now()
        locked.save(update_fields=["revoked"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            locked,
            before=before,
            after=_shown(locked),
            note="API token revoked",
        )
    return locked
