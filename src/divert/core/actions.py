"""Building blocks for every domain's actions: validated, audited writes in one transaction.

Domain ``actions.py`` modules name each write (``create_child``, ``record_episode`` ...) and
build on these helpers, so that a change and its audit row always commit together and a
record that breaks a rule is refused with a ``ValidationError`` keyed by field (which a form
shows beside the field) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from divert.core import audit
from divert.core.models import AuditEvent

if TYPE_CHECKING:
    from divert.people.models import Child

M = TypeVar("M", bound=models.Model)

# What is wrong with a proposed write, by form field: {"decom": "The date cannot be ..."}.
Problems = dict[str, str]


def refuse(problems: Problems) -> None:
    """Raise the problems found, keyed by field, so a form shows each beside its field."""
    if problems:
        raise ValidationError(problems)


def renamed(error: ValidationError, names: Mapping[str, str]) -> ValidationError:
    """The same messages keyed by the calling form's names (an episode's ``decom`` is a move's ``date``)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): messages for field, messages in error.message_dict.items()}
    )


def lock(obj: models.Model) -> None:
    """Reload ``obj`` holding its row lock, so a once-only step cannot be recorded twice at once."""
    obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())


def lock_child(child: Child) -> None:
    """Serialise writes about one child, so two writes cannot both pass an overlap check."""
    type(child)._default_manager.select_for_update().only("pk").get(pk=child.pk)


def not_future(field: str, day: dt.date) -> Problems:
    if day > timezone.localdate():
        return {field: "The date cannot be in the future"}
    return {}


def moment_not_future(field: str, when: dt.datetime) -> Problems:
    if when > timezone.now():
        return {field: "The date and time cannot be in the future"}
    return {}


def day_problems(child: Child, field: str, day: dt.date) -> Problems:
    """A dated event about a child happened in the child's lifetime and not in the future."""
    problems = not_future(field, day)
    if problems:
        return problems
    if day < child.date_of_birth:
        return {field: f"The date cannot be before {child.first_name} was born"}
    if child.date_of_death is not None and day > child.date_of_death:
        return {field: f"The date cannot be after {child.first_name} died"}
    return {}


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
