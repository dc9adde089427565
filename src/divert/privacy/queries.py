"""Reads for the need-to-know pages: a restriction and its named people, the authority's
restricted records, a child's shares, a partner's view of a child, and live break-glass grants.

Who may read what is decided in ``divert.core.access``; these only fetch, and raise the same 404
as a missing record for one the reader may not reach.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from divert.core.access import can, get_for_user, may_manage_restriction, restrictions_for
from divert.core.models import User
from divert.core.roles import NAMED_ACCESS_ROLES
from divert.people.models import Allocation, Child, Share
from divert.people.queries import current_allocation
from divert.privacy.models import BreakGlass, NamedAccess, RestrictedRecord

#: How far back the list of restricted records counts break-glass views.
BREAK_GLASS_WINDOW_DAYS = 90


# --- Break glass --------------------------------------------------------------------------------


def live_grant(user: Any, child: Child) -> BreakGlass | None:
    """The user's unexpired break-glass grant on ``child``, if that is how they see it now."""
    if NamedAccess.objects.filter(child=child, user_id=user.pk).exists():
        return None
    grants = BreakGlass.objects.filter(child=child, user_id=user.pk, expires__gt=timezone.now())
    return grants.order_by("-expires").first()


def view_note(user: Any, child: Child, note: str) -> str:
    """The audit note for a view of ``child``, saying so when it was opened under break glass."""
    grant = live_grant(user, child)
    if grant is None:
        return note
    return f"{note} (under break glass until {timezone.localtime(grant.expires):%H:%M})"


# --- Restrictions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restriction:
    record: RestrictedRecord
    child: Child
    named: list[NamedAccess]
    shows_name: bool


def restriction_for(user: Any, pk: int) -> Restriction:
    """The restriction on child ``pk`` for a person who may manage it; anyone else gets a 404."""
    if not may_manage_restriction(user, pk):
        raise Http404("No such record")
    record = RestrictedRecord.objects.select_related("child", "set_by").get(child_id=pk)
    named = list(
        NamedAccess.objects.filter(child_id=pk).select_related("user", "added_by").order_by("added_at")
    )
    return Restriction(record, record.child, named, can(user, "view", record.child))


def people_to_name(child: Child) -> QuerySet[User]:
    """Who may be named on the child's restricted record: active case-working staff of the council."""
    already = NamedAccess.objects.filter(child=child).values("user_id")
    return (
        User.objects.filter(authority_id=child.authority_id, role__in=NAMED_ACCESS_ROLES, is_active=True)
        .exclude(pk__in=already)
        .order_by("last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class RestrictedRow:
    record: RestrictedRecord
    shows_name: bool
    named_count: int
    break_glass_count: int


def restricted_rows(user: Any, now: dt.datetime | None = None) -> list[RestrictedRow]:
    """The authority's restricted records with their counts, in one query (names only where seen)."""
    since = (now or timezone.now()) - dt.timedelta(days=BREAK_GLASS_WINDOW_DAYS)
    records = (
        restrictions_for(user)
        .select_related("child", "set_by")
        .annotate(
            named_count=Count("child__named_access", distinct=True),
            glass_count=Count(
                "child__break_glass", filter=Q(child__break_glass__at__gte=since), distinct=True
            ),
        )
        .order_by("-set_at", "pk")
    )
    visible = set(
        Child.objects.restrict(user, "view").filter(restriction__isnull=False).values_list("pk", flat=True)
    )
    return [RestrictedRow(r, r.child_id in visible, r.named_count, r.glass_count) for r in records]


# --- Sharing ------------------------------------------------------------------------------------


def shares_of(user: Any, child: Child) -> list[Share]:
    """Every share of the child's record, current and past, most recent first."""
    return list(
        Share.objects.restrict(user, "view")
        .filter(child=child)
        .select_related("shared_by")
        .order_by("-start", "-pk")
    )


def share_for_manager(user: Any, pk: int) -> Share:
    """A share whose child the user may change (the 404 of a missing share otherwise)."""
    return get_for_user(Share.objects.select_related("child"), user, "change", pk=pk)


# --- What a partner agency sees ---------------------------------------------------------------


@dataclass(frozen=True)
class PartnerSummary:
    """A child's record as a partner agency sees it: who, whom to contact, and why it was shared."""

    child: Child
    age: int
    allocation: Allocation | None
    shares: list[Share]


def partner_summary(user: Any, pk: int, today: dt.date | None = None) -> PartnerSummary:
    today = today or timezone.localdate()
    child = get_for_user(Child.objects.all(), user, "view", pk=pk)
    shares = Share.objects.restrict(user, "view").filter(child=child, agency=user.agency, start__lte=today)
    live = shares.exclude(end__lt=today).order_by("-start", "-pk")
    return PartnerSummary(child, child.age_on(today), current_allocation(user, child, today), list(live))
