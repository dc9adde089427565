"""Every write the oversight pages make: acknowledging an access alert.

A manager acknowledges an alert with a note of what they found (the outcome), in one transaction
with its audit row; a refused acknowledgement writes nothing. Nobody acknowledges an alert about
themselves: their own unusual access is for someone else to review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from divert.core import audit
from divert.core.actions import lock, refuse
from divert.core.models import AuditEvent
from divert.privacy.models import AccessAlert

if TYPE_CHECKING:
    from divert.core.models import User


@transaction.atomic
def acknowledge_alert(actor: User, alert: AccessAlert, outcome: str) -> AccessAlert:
    """Close an alert with what the manager found; audited with the outcome as the note."""
    lock(alert)
    problems = {}
    if not outcome.strip():
        problems["outcome"] = "Enter what you found and what was done"
    elif alert.acknowledged_at is not None:
        problems["outcome"] = "This alert has already been acknowledged"
    elif alert.user_id == actor.pk:
        problems["outcome"] = "An alert about your own access must be acknowledged by another manager"
    refuse(problems)
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.outcome = outcome.strip()[:500]
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "outcome"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        alert,
        before={"acknowledged_at": None, "outcome": ""},
        after={"acknowledged_at": alert.acknowledged_at.isoformat(), "outcome": alert.outcome},
        note=f"Access alert acknowledged: {alert.outcome}",
    )
    return alert
