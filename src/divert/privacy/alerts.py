"""Raising an access alert: one row for managers to review, and a notice to them once it commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from divert.privacy.models import AccessAlert


def raise_alert(kind: str, user: Any, detail: str, child: Any = None) -> AccessAlert:
    """Record an alert in the caller's transaction; managers are told once it commits."""
    alert = AccessAlert.objects.create(
        authority_id=user.authority_id,
        kind=kind,
        user=user,
        child=child,
        at=timezone.now(),
        detail=detail[:500],
    )
    from divert.oversight.notify import notify_managers

    transaction.on_commit(lambda: notify_managers(alert), robust=True)
    return alert
