"""Central audit: who viewed or changed what, when, from which request, before and after.

Actions call :func:`record` inside their transaction, so a change and its audit row commit
or roll back together. Views of a child's record are recorded by :func:`record_view`.

Every recorded action that is not a read (:data:`READS`) also raises the register version
(``core.RegisterVersion``), the key under which the indicators cache the extracted register
(``divert.indicators.cache``). The raise runs after the change commits
(``transaction.on_commit``), so a long import holds no lock on the version row while it runs,
and a rolled-back change raises nothing. Between the commit and the raise (the same thread,
straight after) a reader can still see the old version and be served figures from just before
the change: a moment's staleness, never figures older than the version it read.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models, transaction
from django.db.models import F

from divert.core.models import AuditEvent, RegisterVersion

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("divert_request_id", default="")
request_path_var: contextvars.ContextVar[str] = contextvars.ContextVar("divert_request_path", default="")


#: Actions that only read the register (or sign a person in or out): they leave cached figures valid.
#: Anything else, including an action added later, is taken to change the register.
READS = frozenset(
    {
        AuditEvent.Action.VIEW,
        AuditEvent.Action.SEARCH,
        AuditEvent.Action.LOGIN,
        AuditEvent.Action.LOGOUT,
        AuditEvent.Action.LOGIN_FAILED,
    }
)


def new_request_id() -> str:
    return str(uuid.uuid4())


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's stored field values as JSON-ready data (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in after.items() if before.get(k) != v}


def _child_id_of(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    path = getattr(type(obj), "child_path", None)
    if path == "":
        return int(obj.pk)
    if path == "child":
        return getattr(obj, "child_id", None)
    return None


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    child_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    note: str = "",
) -> AuditEvent:
    """Append one audit row. ``actor`` may be None for system work (a synthetic load)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        actor=user,
        actor_label=getattr(user, "username", "") or "system",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        child_id=child_id if child_id is not None else _child_id_of(obj),
        request_id=request_id_var.get(),
        path=request_path_var.get()[:300],
        before=before,
        after=after,
        note=note[:300],
    )
    if action not in READS:
        transaction.on_commit(bump_register_version, robust=True)
    return event


def register_version() -> int:
    """The register's current version (0 before its first change)."""
    value = RegisterVersion.objects.filter(pk=RegisterVersion.SINGLE).values_list("value", flat=True).first()
    return value or 0


def bump_register_version() -> None:
    """Raise the register version by one, in one statement (no read-then-write race between workers)."""
    updated = RegisterVersion.objects.filter(pk=RegisterVersion.SINGLE).update(value=F("value") + 1)
    if not updated:  # no row: a database flushed by a test, or made without the migration
        RegisterVersion.objects.bulk_create(
            [RegisterVersion(pk=RegisterVersion.SINGLE, value=1)], ignore_conflicts=True
        )


def record_view(user: Any, obj: models.Model, note: str = "") -> AuditEvent:
    """A person looked at a child's record (or a part of it)."""
    return record(user, AuditEvent.Action.VIEW, obj, note=note)
