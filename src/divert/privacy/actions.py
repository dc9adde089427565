"""Every write about need to know: restricting a record, naming people on it, lifting it,
breaking glass, and sharing a record with a partner agency.

Each action checks who is acting before it writes anything (``PermissionDenied``), refuses a
write that breaks a rule with a ``ValidationError`` keyed by the form's field names, and runs in
one transaction with its audit row, so a refusal leaves no row behind, audit row included.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from divert.core import audit
from divert.core.access import (
    can,
    may_break_glass,
    may_manage_restriction,
    may_manage_shares,
    may_restrict,
)
from divert.core.actions import Problems, audited_create, audited_delete, audited_update, lock_child, refuse
from divert.core.codes import PartnerAgency
from divert.core.models import AuditEvent
from divert.core.roles import NAMED_ACCESS_ROLES
from divert.people.models import Allocation, Child, Share
from divert.privacy.alerts import raise_alert
from divert.privacy.models import AccessAlert, BreakGlass, NamedAccess, RestrictedRecord

if TYPE_CHECKING:
    from divert.core.models import User

#: A break-glass reason must say something: "checking" is not a reason.
MIN_REASON = 10


def _is_restricted(child: Child) -> bool:
    return RestrictedRecord.objects.filter(child=child).exists()


def _reason_problems(reason: str, field: str = "reason", why: str = "") -> Problems:
    if not reason.strip():
        return {field: why or "Enter the reason"}
    return {}


# --- Restricting a record ---------------------------------------------------------------------


def allocated_users(child: Child, today: dt.date | None = None) -> list[Any]:
    """The sign-in accounts of the child's currently allocated workers, who keep sight of the record."""
    today = today or timezone.localdate()
    held = Allocation.objects.filter(child=child, start__lte=today).exclude(end__lt=today)
    held = held.filter(
        worker__user__isnull=False,
        worker__user__is_active=True,
        worker__user__role__in=NAMED_ACCESS_ROLES,
        worker__user__authority_id=child.authority_id,
    )
    return [a.worker.user for a in held.select_related("worker__user")]


def _name(actor: Any, child: Child, person: Any) -> NamedAccess:
    return audited_create(
        actor,
        NamedAccess(child=child, user=person, added_by=actor),
        note=f"Named on the restricted record: {person.username}",
    )


@transaction.atomic
def restrict_record(actor: User, child: Child, category: str, reason: str) -> RestrictedRecord:
    """Restrict the child's record to named people: the person restricting it and the child's
    allocated workers, so the child's own worker keeps working the case."""
    if not may_restrict(actor, child):
        raise PermissionDenied("Your role cannot restrict this child's record.")
    lock_child(child)
    problems = _reason_problems(reason, why="Enter why this record is restricted")
    if category not in RestrictedRecord.Category.values:
        problems["category"] = "Choose why the record is restricted"
    if _is_restricted(child):
        problems["category"] = "This record is already restricted"
    refuse(problems)
    record = audited_create(
        actor,
        RestrictedRecord(child=child, category=category, reason=reason.strip(), set_by=actor),
        note="Record restricted",
    )
    named = {actor.pk: actor} | {person.pk: person for person in allocated_users(child)}
    for person in named.values():
        _name(actor, child, person)
    return record


def _manager(actor: User, child: Child) -> None:
    if not may_manage_restriction(actor, child.pk):
        raise PermissionDenied("You cannot manage this restriction.")


@transaction.atomic
def name_person(actor: User, child: Child, person: Any) -> NamedAccess:
    """Add a person to a restricted record: someone in the child's authority who works cases."""
    _manager(actor, child)
    lock_child(child)
    problems: Problems = {}
    if (
        person is None
        or person.authority_id != child.authority_id
        or person.role not in NAMED_ACCESS_ROLES
        or not person.is_active
    ):
        problems["person"] = "Choose a person in your council who works children's cases"
    elif NamedAccess.objects.filter(child=child, user=person).exists():
        problems["person"] = f"{person.get_full_name() or person.username} is already named on this record"
    refuse(problems)
    return _name(actor, child, person)


@transaction.atomic
def remove_person(actor: User, child: Child, person: Any) -> None:
    """Take a person off a restricted record; the last person named stays (lift it instead)."""
    _manager(actor, child)
    lock_child(child)
    named = NamedAccess.objects.filter(child=child)
    entry = named.filter(user=person).first()
    if entry is None:
        refuse({"person": "That person is not named on this record"})
    if named.count() <= 1:
        refuse({"person": "A restricted record must name at least one person: lift the restriction instead"})
    audited_delete(actor, entry, note=f"Removed from the restricted record: {person.username}")  # type: ignore[arg-type]


@transaction.atomic
def lift_restriction(actor: User, child: Child, reason: str) -> None:
    """Lift the restriction: the record is seen again by everyone whose role reaches the child.

    The named people go too, since being named lets a person see a record beyond their role's
    usual reach; past break-glass grants stay as history.
    """
    _manager(actor, child)
    lock_child(child)
    refuse(_reason_problems(reason, why="Enter why the restriction is lifted"))
    note = f"Restriction lifted: {reason.strip()}"
    for entry in NamedAccess.objects.filter(child=child):
        audited_delete(actor, entry, note=note)
    audited_delete(actor, RestrictedRecord.objects.get(child=child), note=note)


# --- Break glass ------------------------------------------------------------------------------


def grant_minutes() -> int:
    """How long a break-glass grant lasts (``DIVERT_BREAK_GLASS_MINUTES``)."""
    return int(str(settings.DIVERT["BREAK_GLASS_MINUTES"]))


@transaction.atomic
def break_glass(actor: User, child: Child, reason: str) -> BreakGlass:
    """Open a restricted record the actor is not named on, for a while, with a reason managers see."""
    if can(actor, "view", child) or not may_break_glass(actor, child):
        raise PermissionDenied("You cannot open this record by breaking glass.")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        refuse({"reason": f"Enter why you need to open this record, in at least {MIN_REASON} characters"})
    now = timezone.now()
    grant = BreakGlass.objects.create(
        child=child,
        user=actor,
        reason=reason[:500],
        at=now,
        expires=now + dt.timedelta(minutes=grant_minutes()),
    )
    raise_alert(
        AccessAlert.Kind.BREAK_GLASS, actor, f"Break glass on child {child.child_id}: {reason}", child=child
    )
    audit.record(actor, AuditEvent.Action.VIEW, grant, note=f"Break glass: {reason}")
    return grant


# --- Sharing with partner agencies ------------------------------------------------------------


def _share_problems(child: Child, agency: str, reason: str, start: dt.date, end: dt.date | None) -> Problems:
    problems = _reason_problems(reason, why="Enter why the record is shared")
    if agency not in PartnerAgency.values:
        problems["agency"] = "Choose the agency to share the record with"
    if end is not None and end < start:
        problems["end"] = "The last day shared must be the same as or after the first"
    if _is_restricted(child):
        problems["agency"] = "This record is restricted, so it cannot be shared with a partner agency"
    elif agency and _overlapping(child, agency, start, end).exists():
        problems["agency"] = f"The record is already shared with {PartnerAgency(agency).label.lower()} then"
    return problems


def _overlapping(child: Child, agency: str, start: dt.date, end: dt.date | None) -> Any:
    shares = Share.objects.filter(child=child, agency=agency).exclude(end__lt=start)
    return shares if end is None else shares.filter(start__lte=end)


@transaction.atomic
def share_child(
    actor: User, child: Child, *, agency: str, reason: str, start: dt.date, end: dt.date | None = None
) -> Share:
    """Share the child's record with a partner agency from ``start`` to ``end`` (the last day shared)."""
    if not may_manage_shares(actor, child):
        raise PermissionDenied("Your role cannot share this child's record.")
    lock_child(child)
    refuse(_share_problems(child, agency, reason, start, end))
    share = Share(child=child, agency=agency, reason=reason.strip(), start=start, end=end, shared_by=actor)
    return audited_create(actor, share, note=f"Shared with {share.get_agency_display()}")


@transaction.atomic
def end_share(actor: User, share: Share) -> Share | None:
    """Stop sharing now: the partner loses sight of the record at once.

    A share's end is its last day (as an allocation's is), so a share that began before today
    ends yesterday; one that only began today, or has not begun, is withdrawn (deleted, with its
    details kept in the audit row).
    """
    if not may_manage_shares(actor, share.child):
        raise PermissionDenied("Your role cannot change this child's sharing.")
    lock_child(share.child)
    today = timezone.localdate()
    if share.end is not None and share.end < today:
        refuse({"share": "This share has already ended"})
    note = f"Sharing with {share.get_agency_display()} ended"
    if share.start >= today:
        audited_delete(actor, share, note=note)
        return None
    return audited_update(actor, share, {"end": today - dt.timedelta(days=1)}, note=note)
