"""Reading the audit trail for people: a child's access history, a person's, and access alerts.

Who may read what is decided in ``core.access`` (``may_read_child_history``,
``may_read_person_history``); these functions fetch and describe. Each audit row becomes a
:class:`Line` saying who, when, what and, where known, why (the reason given when someone broke
glass on a restricted record, or the note recorded with the event).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from divert.core.access import may_read_audit
from divert.core.models import AuditEvent, User
from divert.core.roles import Role
from divert.people.models import Child
from divert.privacy.models import AccessAlert, BreakGlass

PAGE_SIZE = 50

# Fields not worth naming in "changed which fields" (bookkeeping every save touches).
QUIET_FIELDS = frozenset({"id", "updated_at", "created_at", "version"})


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None
    person: int | None = None

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.start:
            events = events.filter(at__gte=_day_start(self.start))
        if self.end:
            events = events.filter(at__lt=_day_start(self.end + dt.timedelta(days=1)))
        if self.person:
            events = events.filter(actor_id=self.person)
        return events

    def describe(self) -> str:
        parts = []
        if self.start:
            parts.append(f"from {self.start:%d/%m/%Y}")
        if self.end:
            parts.append(f"to {self.end:%d/%m/%Y}")
        if self.person:
            parts.append(f"person {self.person}")
        return ", ".join(parts) or "everything"


@dataclass(frozen=True)
class Line:
    """One audit row as a reader sees it."""

    at: dt.datetime
    who: str
    role: str
    team: str
    action: str
    what: str
    why: str
    child_ref: str
    path: str


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def child_in_authority(user: User | Any, pk: int) -> Child:
    """The child ``pk`` of the reader's authority, or the same 404 as a missing child."""
    child = Child.objects.filter(pk=pk, authority_id=user.authority_id).first()  # type: ignore[misc]
    if child is None:
        raise Http404("No such record")
    return child


def person_in_authority(user: User | Any, pk: int) -> User:
    person = User.objects.select_related("team").filter(pk=pk, authority_id=user.authority_id).first()  # type: ignore[misc]
    if person is None:
        raise Http404("No such person")
    return person


def child_events(child: Child, filters: Filters = Filters()) -> QuerySet[AuditEvent]:
    """Every audit row about the child, newest first."""
    events = AuditEvent.objects.filter(child_id=child.pk).select_related("actor", "actor__team")
    return filters.apply(events).order_by("-at", "-id")


def person_events(person: User, filters: Filters = Filters()) -> QuerySet[AuditEvent]:
    """Everything the person did, newest first."""
    events = AuditEvent.objects.filter(actor_id=person.pk).select_related("actor", "actor__team")
    return filters.apply(events).order_by("-at", "-id")


def people_in(child: Child) -> list[tuple[int, str]]:
    """(id, name and role) of everyone who appears in the child's history, for the person filter."""
    ids = AuditEvent.objects.filter(child_id=child.pk, actor__isnull=False).values("actor_id").distinct()
    people = User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")
    return [(p.pk, f"{_name(p)} ({p.role_label})") for p in people]


def lines(events: Iterable[AuditEvent]) -> list[Line]:
    """Describe the rows (one query for break-glass reasons, one for child IDs)."""
    events = list(events)
    reasons = _break_glass(events)
    refs = _child_refs(events)
    return [_line(e, reasons, refs) for e in events]


def _line(event: AuditEvent, reasons: dict[tuple[int, int], list[BreakGlass]], refs: dict[int, str]) -> Line:
    actor = event.actor
    why = _why(event, reasons)
    return Line(
        at=event.at,
        who=_name(actor) if actor else event.actor_label or "system",
        role=actor.role_label if actor else "",
        team=actor.team.name if actor and actor.team else "",
        action=event.get_action_display(),
        what=what(event),
        why=why,
        child_ref=refs.get(event.child_id, "") if event.child_id else "",
        path=event.path,
    )


def what(event: AuditEvent) -> str:
    """What the person did, in words: the page or record viewed, the fields changed, the search."""
    thing = _thing(event.object_type)
    if event.action in (AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE):
        fields = sorted((set(event.after or {}) | set(event.before or {})) - QUIET_FIELDS)
        changed = f": {', '.join(f.removesuffix('_id') for f in fields)}" if fields else ""
        verb = {"create": "Created", "update": "Changed", "delete": "Deleted"}[event.action]
        return f"{verb} {thing}{changed}"
    if event.action == AuditEvent.Action.VIEW:
        return f"Viewed {event.note}" if event.note else f"Viewed {thing or event.path}"
    if event.action in (AuditEvent.Action.SEARCH, AuditEvent.Action.EXPORT):
        return f"{event.get_action_display()}: {event.note or thing}"
    return event.get_action_display() + (f": {event.note}" if event.note else "")


def _why(event: AuditEvent, reasons: dict[tuple[int, int], list[BreakGlass]]) -> str:
    for grant in reasons.get((event.actor_id or 0, event.child_id or 0), []):
        if grant.at <= event.at <= grant.expires:
            return f"Broke glass: {grant.reason}"
    if event.action in (AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE, AuditEvent.Action.EXPORT):
        return event.note
    return ""


def _thing(object_type: str) -> str:
    """``people.child`` as "child", ``care.episode`` as "episode", for people to read."""
    return object_type.rsplit(".", 1)[-1].replace("_", " ")


def _break_glass(events: list[AuditEvent]) -> dict[tuple[int, int], list[BreakGlass]]:
    children = {e.child_id for e in events if e.child_id}
    actors = {e.actor_id for e in events if e.actor_id}
    found: dict[tuple[int, int], list[BreakGlass]] = {}
    if not children or not actors:
        return found
    for grant in BreakGlass.objects.filter(child_id__in=children, user_id__in=actors):
        found.setdefault((grant.user_id, grant.child_id), []).append(grant)
    return found


def _child_refs(events: list[AuditEvent]) -> dict[int, str]:
    ids = {e.child_id for e in events if e.child_id}
    return dict(Child.objects.filter(pk__in=ids).values_list("pk", "child_id")) if ids else {}


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


# --- Access alerts -------------------------------------------------------------------------------


def alerts_for(user: User | Any) -> QuerySet[AccessAlert]:
    """The alerts ``user`` reviews: the authority's for the head of service, their team members'
    for a team manager, none for anyone else. Open first, then acknowledged, newest first."""
    if not may_read_audit(user):
        return AccessAlert.objects.none()
    alerts = AccessAlert.objects.filter(authority_id=user.authority_id)  # type: ignore[misc]
    if user.role != Role.HEAD_OF_SERVICE:
        alerts = alerts.filter(user__team_id=user.team_id) if user.team_id else alerts.none()
    ordered = alerts.order_by(F("acknowledged_at").desc(nulls_first=True), "-at", "-id")
    return ordered.select_related("user", "user__team", "child", "acknowledged_by")


def open_alert_count(user: User | Any) -> int:
    """How many alerts ``user`` has still to review (for the navigation)."""
    return alerts_for(user).filter(acknowledged_at__isnull=True).count()


def alert_for(user: User | Any, pk: int) -> AccessAlert:
    """One alert the user reviews, or the same 404 as a missing one."""
    found = alerts_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such alert")
    return found
