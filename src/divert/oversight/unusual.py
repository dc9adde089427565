"""Unusual access: one person opening many children's records in a short time.

A social worker opens a handful of records an hour; someone opening dozens in minutes may be
browsing, or their account may be in someone else's hands. After every audited view of a
child's record (``core.audit.record_view``) this counts the distinct children the person has
viewed within the last ``UNUSUAL_ACCESS_MINUTES``; above ``UNUSUAL_ACCESS_RECORDS`` it raises
one ``MANY_RECORDS`` alert, and no other for that person until a whole window has passed.

It checks every view, not every Nth: one query on the ``AuditEvent(actor, at)`` index that
reads only the person's own rows of the last few minutes (a few dozen at most in normal work),
so skipping views would save little and could miss a burst that stops just past the threshold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from divert.core.models import AuditEvent


def threshold() -> tuple[int, int]:
    """(records, minutes) from ``settings.DIVERT``: more than ``records`` children in ``minutes``."""
    config: dict[str, Any] = settings.DIVERT
    return int(config["UNUSUAL_ACCESS_RECORDS"]), int(config["UNUSUAL_ACCESS_MINUTES"])


def distinct_children_viewed(actor_id: int, since: dt.datetime) -> int:
    """How many different children ``actor_id`` has viewed since ``since`` (one indexed query)."""
    views = AuditEvent.objects.filter(
        actor_id=actor_id, at__gte=since, action=AuditEvent.Action.VIEW, child_id__isnull=False
    )
    return views.order_by().values("child_id").distinct().count()


def after_view(event: AuditEvent) -> None:
    """Raise a many-records alert if this view took the person over the threshold (once a window)."""
    if event.actor_id is None or event.child_id is None:
        return
    records, minutes = threshold()
    since = timezone.now() - dt.timedelta(minutes=minutes)
    viewed = distinct_children_viewed(event.actor_id, since)
    if viewed <= records:
        return
    from divert.privacy.alerts import raise_alert
    from divert.privacy.models import AccessAlert

    already = AccessAlert.objects.filter(
        user_id=event.actor_id, kind=AccessAlert.Kind.MANY_RECORDS, at__gte=since
    ).exists()
    if already:
        return
    detail = f"Viewed {viewed} children's records within {minutes} minutes (more than {records})"
    raise_alert(AccessAlert.Kind.MANY_RECORDS, event.actor, detail)
