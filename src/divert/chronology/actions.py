"""Every write to a chronology: adding, correcting and removing a significant event.

The rest of a chronology is read from the records it comes from and is changed there. Each
action runs in one transaction with its audit row; a write that breaks a rule is refused with a
``ValidationError`` keyed by the form's field names and writes nothing. A correction or removal
needs a reason, which goes in the audit row's note, so anyone can see why the chronology changed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from divert.chronology.models import SignificantEvent
from divert.core.actions import Problems, audited_create, audited_update, day_problems, lock, refuse
from divert.people.models import Child

if TYPE_CHECKING:
    from divert.core.models import User


def _by(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _event_problems(child: Child, date: dt.date, title: str) -> Problems:
    problems = day_problems(child, "date", date)
    if not title.strip():
        problems["title"] = "Enter what happened, in a line"
    return problems


def _reason_problems(reason: str, what: str) -> Problems:
    return {} if reason.strip() else {"reason": f"Enter why you are {what} this event"}


@transaction.atomic
def add_significant_event(
    actor: User | None,
    *,
    child: Child,
    date: dt.date,
    title: str,
    detail: str = "",
    category: str = "",
) -> SignificantEvent:
    """Add an event that no other record holds to the child's chronology."""
    refuse(_event_problems(child, date, title))
    event = SignificantEvent(
        child=child,
        date=date,
        title=title.strip(),
        detail=detail.strip(),
        category=category,
        recorded_by=_by(actor),
    )
    return audited_create(actor, event, note="Significant event added to the chronology")


@transaction.atomic
def correct_significant_event(
    actor: User | None,
    *,
    event: SignificantEvent,
    date: dt.date,
    title: str,
    detail: str,
    category: str,
    reason: str,
) -> SignificantEvent:
    """Correct an event's date or words; the audit row keeps what it said before and why it changed."""
    lock(event)
    problems = _event_problems(event.child, date, title) | _reason_problems(reason, "correcting")
    if event.is_removed:
        problems["title"] = "This event has been removed and cannot be corrected"
    refuse(problems)
    changes = {"date": date, "title": title.strip(), "detail": detail.strip(), "category": category}
    return audited_update(actor, event, changes, note=f"Corrected: {reason.strip()}")


@transaction.atomic
def remove_significant_event(actor: User | None, *, event: SignificantEvent, reason: str) -> SignificantEvent:
    """Take an event out of the chronology (it was wrong, or about another child), keeping the row and why."""
    lock(event)
    problems = _reason_problems(reason, "removing")
    if event.is_removed:
        problems["reason"] = "This event has already been removed"
    refuse(problems)
    changes = {"removed_at": timezone.now(), "removed_by": _by(actor), "removed_reason": reason.strip()}
    return audited_update(actor, event, changes, note=f"Removed: {reason.strip()}")
