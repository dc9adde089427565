"""No silent overwrites: an edit form saves only over the values its user saw.

Two people can open the same record's edit form; without a check the second to save would
quietly undo the first one's change. So an edit form carries a hidden ``version``: a signed,
compact copy of the record's values as the form was opened (:func:`stamp`). When it is posted,
the view locks the record's row and compares the stored values with the stamp for the fields
that form edits (:func:`unchanged`, :func:`check_unchanged`). If any differ, nothing is written
and :class:`EditConflict` lists each change (what the person saw, what it is now, who changed
it and when, from the audit trail); the view shows the form again with their own typing kept
and a fresh stamp, so they can save again knowing what they overwrite.

Only the fields the form edits count: a change to another part of the record is not a conflict.
The stamp is signed (``django.core.signing``) so that a changed or foreign stamp is refused as a
form error rather than trusted; it is not secret (the person could see every value anyway).

Forms that only add a record need no stamp. Neither do one-way steps whose action already
refuses a second go with its own message, so the second person is told anyway: deciding a
proposal or resource request ("already decided"), linking a placement, agreeing a fee or
withdrawing a step-down plan, closing a placement review meeting, authorising an assessment,
ending a CIN or CP plan, the MASH's decision, match and a partner's answer, marking an action
done, closing early help, and ending a share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction

from divert.core import audit
from divert.core.actions import lock
from divert.core.models import AuditEvent

SALT = "divert.core.concurrency"
FIELD = "version"
STALE = (
    "This form could not be checked against the record. Open the record again and make your changes there."
)


@dataclass(frozen=True)
class Change:
    """One value that changed after the form was opened, shown in words."""

    field: str
    label: str
    seen: str
    now: str
    by: str
    when: dt.datetime | None


class EditConflict(Exception):
    """Someone else changed a field this form edits after the form was opened."""

    def __init__(self, changes: Sequence[Change], version: str) -> None:
        super().__init__(", ".join(change.label for change in changes))
        self.changes = list(changes)
        self.version = version  # a stamp of the values as they are now


def _attnames(obj: models.Model, fields: Iterable[str]) -> list[str]:
    """The stored names (``provider_id`` for ``provider``) of ``fields`` that are on the model."""
    names = []
    for name in fields:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "concrete", False):
            names.append(field.attname)  # type: ignore[union-attr]
    return names


def stamp(obj: models.Model) -> str:
    """A signed, compact copy of ``obj``'s stored values, to send out with its edit form."""
    values = audit.snapshot(obj)
    values.pop(obj._meta.pk.attname, None)
    return signing.dumps([obj._meta.label_lower, str(obj.pk), values], salt=SALT, compress=True)


def _read(obj: models.Model, version: str) -> dict[str, Any]:
    """The values in ``version``; a ``ValidationError`` if it is missing, altered or another record's."""
    try:
        label, pk, values = signing.loads(version or "", salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ValidationError(STALE, code="stale") from exc
    if label != obj._meta.label_lower or pk != str(obj.pk) or not isinstance(values, dict):
        raise ValidationError(STALE, code="stale")
    return values


def check_unchanged(obj: models.Model, version: str, fields: Iterable[str]) -> None:
    """Raise :class:`EditConflict` if a field in ``fields`` is no longer as stamped in ``version``.

    Call it inside the write's transaction after locking the row (:func:`unchanged` does both),
    so that nobody can save between the check and the write.
    """
    seen = _read(obj, version)
    now = audit.snapshot(obj)
    by_name = {field.attname: field for field in obj._meta.concrete_fields}
    moved = [
        name
        for name in _attnames(obj, fields)
        if name in seen and not _same(by_name[name], seen[name], now.get(name))
    ]
    if moved:
        raise EditConflict(_changes(obj, moved, seen, now), stamp(obj))


def _same(field: models.Field[Any, Any], seen: Any, now: Any) -> bool:
    """Equal as the field's values (``"180"`` and ``"180.0"`` are the same amount of money)."""
    if seen == now:
        return True
    try:
        return bool(field.to_python(seen) == field.to_python(now))
    except ValidationError:
        return False


@contextmanager
def unchanged(obj: models.Model, form: forms.Form) -> Iterator[None]:
    """Lock ``obj``'s row, check the form's fields are as its user saw them, then run the write.

    The write inside the block joins this transaction, so the check and the write are one step.
    """
    with transaction.atomic():
        lock(obj)
        check_unchanged(obj, getattr(form, "seen_version", ""), edited_fields(form))
        yield


def edited_fields(form: forms.Form) -> list[str]:
    """The fields a form edits: its ``edits`` if it names them, else all its fields but the stamp."""
    return list(getattr(form, "edits", ()) or [name for name in form.fields if name != FIELD])


def _changes(obj: models.Model, names: list[str], seen: dict[str, Any], now: dict[str, Any]) -> list[Change]:
    latest = _latest_changes(obj, names)
    changes = []
    for name in names:
        field = next(f for f in obj._meta.concrete_fields if f.attname == name)
        event = latest.get(name)
        changes.append(
            Change(
                field=field.name,
                label=str(field.verbose_name).capitalize(),
                seen=_words(field, seen.get(name)),
                now=_words(field, now.get(name)),
                by=_who(event),
                when=event.at if event else None,
            )
        )
    return changes


def _latest_changes(obj: models.Model, names: list[str]) -> dict[str, AuditEvent]:
    """For each field, the newest audited change to it (the audit trail keeps who and when)."""
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=AuditEvent.Action.UPDATE
    ).select_related("actor")[:50]
    found: dict[str, AuditEvent] = {}
    for event in events:
        for name in names:
            if name not in found and isinstance(event.after, dict) and name in event.after:
                found[name] = event
    return found


def _who(event: AuditEvent | None) -> str:
    if event is None:
        return "Not recorded"
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    return event.actor_label or "system"


def _words(field: models.Field[Any, Any], value: Any) -> str:
    """A stored value as a person reads it: a choice's label, a linked record's name, a date."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    target = field.related_model
    if field.is_relation and target is not None and not isinstance(target, str):
        related = target._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{day.day} {day:%B %Y}"
    return str(value)


class VersionedFormMixin:
    """Gives an edit form the hidden ``version`` stamp and keeps it out of ``cleaned_data``.

    The view puts ``stamp(record)`` in the form's initial data (``initial=... | versioned(record)``),
    wraps the action in :func:`unchanged` and on :class:`EditConflict` calls :meth:`show_conflict`.
    Set ``edits`` on the form when its field names are not the model's.
    """

    fields: dict[str, forms.Field]
    data: Any
    cleaned_data: dict[str, Any]
    edits: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.seen_version = ""
        self.conflict: EditConflict | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        if cleaned is None:  # a form's own clean() that changes cleaned_data in place
            cleaned = self.cleaned_data
        self.seen_version = cleaned.pop(FIELD, "") or ""
        return cleaned

    def show_conflict(self, conflict: EditConflict) -> None:
        """Show the form again with the person's typing and a fresh stamp, so a second save goes through."""
        self.conflict = conflict
        data = self.data.copy()
        data[self.add_prefix(FIELD)] = conflict.version  # type: ignore[attr-defined]
        self.data = data


def versioned(obj: models.Model) -> dict[str, str]:
    """The initial data that stamps an edit form with ``obj``'s values as they are now."""
    return {FIELD: stamp(obj)}


def status(form: Any) -> int:
    """409 Conflict when a save was refused because someone else changed the record, else 200."""
    return 409 if getattr(form, "conflict", None) is not None else 200


def saved(form: Any, record: models.Model | None, write: Callable[[], object]) -> bool:
    """Run an edit form's ``write``; whether it was saved, else why not is shown on the form.

    With ``record`` the write runs only if the fields the form edits are still as its user saw
    them (:func:`unchanged`); a conflict, or the action's own refusal (a ``ValidationError``),
    is put on the form for the view to show again. Every edit view goes through here, so each
    shows a conflict the same way.
    """
    try:
        with unchanged(record, form) if record is not None else nullcontext():
            write()
    except EditConflict as conflict:
        form.show_conflict(conflict)
    except ValidationError as error:
        form.apply_errors(error)
    else:
        return True
    return False
