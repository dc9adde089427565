"""Every write to a child's own record: adding a child and changing their details.

The rules a child's record must keep beyond its model's field checks (a date of birth in
the past, a well-formed UPN and postcode, a child ID not already used in the authority) live
here, because imports write through these same actions as people do. Forms call
:func:`child_rule_errors` too, so that a person sees every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from divert.core.actions import audited_create, audited_update
from divert.core.models import Authority
from divert.people.models import Allocation, Child, Professional

# DfE check letters: A-Z without I, O and S, standing for 0-22 (UPN guidance).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# CIN census reasons a UPN is not known.
UPN_UNKNOWN = frozenset(f"UN{n}" for n in range(1, 11))
_UPN_SHAPE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
# The shapes of a UK postcode's outward and inward codes (not a check that it exists).
_POSTCODE_SHAPE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")

# The details a person may change through ``update_child``; the authority never moves.
EDITABLE_FIELDS = frozenset(
    {
        "child_id",
        "first_name",
        "last_name",
        "sex",
        "date_of_birth",
        "ethnicity",
        "upn",
        "disability",
        "uasc",
        "home_postcode",
        "locality",
    }
)


def upn_check_letter(upn: str) -> str:
    """The check letter a 13-character UPN should start with.

    Characters 2 to 13 are weighted 2 to 13; a temporary UPN's final letter counts as its
    place in ``UPN_LETTERS``. The weighted sum modulo 23 picks the letter.
    """
    total = 0
    for weight, char in enumerate(upn[1:13], start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += weight * value
    return UPN_LETTERS[total % 23]


def upn_error(upn: str) -> str | None:
    """Why ``upn`` is not a valid unique pupil number, or ``None`` when it is (or is blank)."""
    if not upn or upn in UPN_UNKNOWN:
        return None
    if len(upn) != 13 or not _UPN_SHAPE.match(upn):
        return "Enter a UPN of 13 characters: a letter, then 12 digits (or UN1 to UN10 if it is not known)"
    if upn[0] not in UPN_LETTERS or (upn[-1].isalpha() and upn[-1] not in UPN_LETTERS):
        return "Enter a UPN that uses only the letters the DfE allows (not I, O or S)"
    if upn_check_letter(upn) != upn[0]:
        return "Enter a UPN with the right check letter: check each character against the school's record"
    return None


def normalise_postcode(postcode: str) -> str:
    """``pl48aa`` becomes ``PL4 8AA``; a value that is not postcode-shaped is only upper-cased."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    match = _POSTCODE_SHAPE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else (postcode or "").strip().upper()


def postcode_error(postcode: str) -> str | None:
    if postcode and not _POSTCODE_SHAPE.match(postcode):
        return "Enter a full UK postcode, like PL4 8AA"
    return None


def date_of_birth_error(date_of_birth: dt.date | None, today: dt.date) -> str | None:
    if date_of_birth is not None and date_of_birth > today:
        return "Date of birth must be today or in the past"
    return None


def child_id_taken(authority_id: int, child_id: str, exclude_pk: int | None = None) -> bool:
    """Whether another child in the authority already has this ID.

    This looks past the user's own access on purpose: IDs are unique in the authority, and
    saying only "already used" reveals no one's record.
    """
    others = Child.objects.filter(authority_id=authority_id, child_id=child_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def child_rule_errors(
    values: Mapping[str, Any], *, authority_id: int, today: dt.date, exclude_pk: int | None = None
) -> dict[str, str]:
    """The rules a child's details break, by field (empty when they keep them all)."""
    checks = {
        "date_of_birth": date_of_birth_error(values.get("date_of_birth"), today),
        "upn": upn_error(values.get("upn") or ""),
        "home_postcode": postcode_error(values.get("home_postcode") or ""),
    }
    child_id = values.get("child_id") or ""
    if child_id and child_id_taken(authority_id, child_id, exclude_pk):
        checks["child_id"] = "A child with this ID is already on the register: check the ID"
    if values.get("uasc") is False and values.get("uasc_ceased"):
        checks["uasc"] = "This child's UASC status has ceased, so keep them recorded as a former UASC"
    return {field: message for field, message in checks.items() if message}


def _tidy(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Trim text and put codes and postcodes in their stored form."""
    tidy = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    if "upn" in tidy:
        tidy["upn"] = (tidy["upn"] or "").upper()
    if "home_postcode" in tidy:
        tidy["home_postcode"] = normalise_postcode(tidy["home_postcode"])
    return tidy


def _check(
    values: Mapping[str, Any], authority_id: int, today: dt.date, exclude_pk: int | None = None
) -> None:
    errors = child_rule_errors(values, authority_id=authority_id, today=today, exclude_pk=exclude_pk)
    if errors:
        raise ValidationError(errors)


def _authority_of(actor: Any, fields: Mapping[str, Any]) -> Authority:
    authority = fields.get("authority") or getattr(actor, "authority", None)
    if authority is None:
        raise ValidationError("A child can only be added by someone who works for an authority.")
    return authority


def _allocate_to_creator(actor: Any, child: Child, today: dt.date) -> Allocation | None:
    """Give a new child to the worker who added them, so their team can see the record."""
    if getattr(actor, "pk", None) is None:
        return None
    worker = Professional.objects.filter(user_id=actor.pk, active=True).first()
    if worker is None:
        return None
    team = getattr(actor, "team", None) or worker.team
    return audited_create(actor, Allocation(child=child, worker=worker, team=team, start=today))


def create_child(actor: Any, *, today: dt.date | None = None, **fields: Any) -> Child:
    """Add a child to the register in the actor's authority, allocated to the actor's team
    when the actor holds cases, all in one transaction with its audit rows."""
    today = today or timezone.localdate()
    fields = _tidy(fields)
    authority = _authority_of(actor, fields)
    fields["authority"] = authority
    with transaction.atomic():
        _check(fields, authority.pk, today)
        child = audited_create(actor, Child(**fields))
        _allocate_to_creator(actor, child, today)
    return child


def update_child(actor: Any, child: Child, *, today: dt.date | None = None, **changes: Any) -> Child:
    """Change a child's details; refused by field, with nothing written, if a rule breaks."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_child cannot change {', '.join(sorted(unknown))}")
    today = today or timezone.localdate()
    changes = _tidy(changes)
    checked = ("child_id", "date_of_birth", "upn", "home_postcode", "uasc", "uasc_ceased")
    merged = {name: getattr(child, name) for name in checked} | changes
    with transaction.atomic():
        _check(merged, child.authority_id, today, exclude_pk=child.pk)
        return audited_update(actor, child, changes)
