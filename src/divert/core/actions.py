"""Building blocks for every domain's actions: validated, audited writes in one transaction.

Domain ``actions.py`` modules name each write (``create_child``, ``record_episode`` ...) and
build on these helpers, so that a change and its audit row always commit together and a
record that breaks a rule is refused with a ``ValidationError`` keyed by field (which a form
shows beside the field) before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from divert.core import audit
from divert.core.models import AuditEvent

M = TypeVar("M", bound=models.Model)


def audited_create(actor: Any, obj: M, *, note: str = "") -> M:
    """Validate ``obj`` (fields, choices, constraints), save it and audit the creation."""
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        audit.record(actor, AuditEvent.Action.CREATE, obj, after=audit.snapshot(obj), note=note)
    return obj


def audited_update(actor: Any, obj: M, changes: Mapping[str, Any], *, note: str = "") -> M:
    """Apply ``changes`` to ``obj``, validate, save and audit the before and after.

    On a validation error nothing is written and ``obj`` is restored to its stored values.
    """
    with transaction.atomic():
        before = audit.snapshot(obj)
        for name, value in changes.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except Exception:
            obj.refresh_from_db()
            raise
        obj.save()
        after = audit.snapshot(obj)
        diff = audit.changed_fields(before, after)
        if diff:
            audit.record(
                actor,
                AuditEvent.Action.UPDATE,
                obj,
                before={k: before.get(k) for k in diff},
                after=diff,
                note=note,
            )
    return obj


def audited_delete(actor: Any, obj: models.Model, *, note: str = "") -> None:
    with transaction.atomic():
        before = audit.snapshot(obj)
        child_id = audit._child_id_of(obj)
        label, pk = obj._meta.label_lower, str(obj.pk)
        obj.delete()
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            None,
            before=before,
            child_id=child_id,
            object_type=label,
            object_id=pk,
            note=note,
        )
