"""Helpers for the oversight tests: audit rows, break-glass grants and alerts made directly."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from divert.core import audit
from divert.core.models import AuditEvent, User
from divert.people.models import Child
from divert.privacy.models import AccessAlert, BreakGlass


def viewed(user: User, child: Child, note: str = "Child's record") -> AuditEvent:
    """An audit row of ``user`` viewing ``child`` (without the unusual-access check)."""
    return audit.record(user, AuditEvent.Action.VIEW, child, note=note)


def broke_glass(user: User, child: Child, reason: str) -> BreakGlass:
    now = timezone.now()
    return BreakGlass.objects.create(
        child=child,
        user=user,
        reason=reason,
        at=now - dt.timedelta(minutes=1),
        expires=now + dt.timedelta(hours=1),
    )


def alert(user: User, kind: str = AccessAlert.Kind.MANY_RECORDS, child: Child | None = None) -> AccessAlert:
    return AccessAlert.objects.create(
        authority_id=user.authority_id,  # type: ignore[misc]
        kind=kind,
        user=user,
        child=child,
        at=timezone.now(),
        detail="Viewed 41 children's records within 10 minutes (more than 40)",
    )
