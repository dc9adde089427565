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
        AuditEvent.Action.EXPORT,
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
    if action not in READS and feeds_figures(action, event.object_type):
        transaction.on_commit(bump_register_version, robust=True)
    return event


#: Apps that write the register in bulk under their own name (imports, the synthetic authority).
REGISTER_WRITERS = frozenset({"returns", "synth", "transfer"})


def feeds_figures(action: str, object_type: str) -> bool:
    """Whether a change to ``object_type`` (an app_label.model label) can move the scorecard's figures.

    A change to a record of an app the indicators never read (a significant event, a risk, a
    token) leaves the cached register valid: raising the version for it would make every web
    process extract the whole register again after each such edit, which under load (the
    bench/load.py run) put the scorecard's 95th percentile at 16 s. Decided by app, not model,
    so a new model in an app the indicators read always counts; a bulk load, a change naming no
    object, and anything from the apps that write the register in bulk always count.
    """
    if action == AuditEvent.Action.LOAD or "." not in object_type:
        return True
    app = object_type.split(".", 1)[0]
    if app in REGISTER_WRITERS:
        return True
    from divert.indicators.extract import apps_read  # the indicators import core: import on use

    return app in apps_read()


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


# The request whose views have been checked for unusual access, so a list of 50 children is one
# check (one query), not 50: a list's views are counted by the next request's check.
_checked_request_var: contextvars.ContextVar[str] = contextvars.ContextVar("divert_checked", default="")


def record_view(user: Any, obj: models.Model, note: str = "") -> AuditEvent:
    """A person looked at a child's record (or a part of it); unusual access raises an alert.

    The check for unusual access runs once per request (on its first view), or on every view
    outside a request.
    """
    event = record(user, AuditEvent.Action.VIEW, obj, note=note)
    request_id = request_id_var.get()
    if request_id and _checked_request_var.get() == request_id:
        return event
    _checked_request_var.set(request_id)
    from divert.oversight.unusual import after_view  # oversight imports core: import on use

    after_view(event)
    return event
