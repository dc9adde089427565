"""The one place that decides which children a user may see or change.

Every query that touches a child goes through :func:`restrict` (directly, or through the
``.restrict(user, action)`` method that :class:`RestrictedQuerySet` gives every model linked
to a child). Views never filter by hand. A child the user may not see is simply absent from
the queryset, so fetching it gives the same 404 as a child that does not exist: nobody can
probe for children's records by trying numbers (Zulip's ``access_stream_common`` rule).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from divert.core.roles import CHILD_SCOPE, CHILD_WRITERS, RETURNS_ROLES, SCORECARD_ROLES, Scope

if TYPE_CHECKING:
    from divert.core.models import User

Action = Literal["view", "change"]
M = TypeVar("M", bound=models.Model)


def _today() -> dt.date:
    return timezone.localdate()


def child_filter(user: User | Any, action: Action = "view") -> Q | None:
    """The condition on ``Child`` for what ``user`` may do, or ``None`` when they may do nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    role = user.role
    if action == "change" and role not in CHILD_WRITERS:
        return None
    scope = CHILD_SCOPE.get(role, Scope.NONE)
    today = _today()
    if scope == Scope.AUTHORITY and user.authority_id:
        return Q(authority_id=user.authority_id)
    if scope == Scope.TEAM and user.team_id:
        return Q(allocations__team_id=user.team_id, allocations__start__lte=today) & (
            Q(allocations__end__isnull=True) | Q(allocations__end__gte=today)
        )
    if scope == Scope.SHARED and user.agency:
        return Q(shares__agency=user.agency, shares__start__lte=today) & (
            Q(shares__end__isnull=True) | Q(shares__end__gte=today)
        )
    return None


def restrict(queryset: models.QuerySet[M], user: User | Any, action: Action = "view") -> models.QuerySet[M]:
    """``queryset`` narrowed to the rows about children that ``user`` may see (or change).

    The model says how it reaches its child through ``child_path`` ("" for ``Child`` itself,
    "child" for a model with a ``child`` foreign key). A model without it is not about a
    child and is returned unchanged. The permitted children are a subquery, so to-many joins
    (allocations, shares) never duplicate rows.
    """
    path = getattr(queryset.model, "child_path", None)
    if path is None:
        return queryset
    condition = child_filter(user, action)
    if condition is None:
        return queryset.none()
    from divert.people.models import Child

    permitted = Child.objects.filter(condition).values("pk")
    return queryset.filter(**{f"{path}__in" if path else "pk__in": permitted})


def get_for_user(queryset: models.QuerySet[M], user: User | Any, action: Action = "view", **lookup: Any) -> M:
    """Fetch one object the user may see, or raise the same 404 as a missing one."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such record") from exc


def can(user: User | Any, action: Action, child: models.Model) -> bool:
    """Whether ``user`` may do ``action`` on this one child (for showing or hiding buttons)."""
    from divert.people.models import Child

    return restrict(Child.objects.filter(pk=child.pk), user, action).exists()


def may_use_returns(user: User | Any) -> bool:
    """Whether ``user`` may export, import and validate their authority's statutory returns."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in RETURNS_ROLES
        and user.authority_id
    )


def may_see_scorecard(user: User | Any) -> bool:
    """Whether ``user`` may read their authority's scorecard, indicator pages and drill-downs.

    The figures are for the whole authority; the children behind them are listed only as
    far as :func:`restrict` lets the user see them.
    """
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in SCORECARD_ROLES
        and user.authority_id
    )


class RestrictedQuerySet(models.QuerySet[M]):
    """Adds ``.restrict(user, action)``, the only way views read records about children."""

    def restrict(self, user: User | Any, action: Action = "view") -> RestrictedQuerySet[M]:
        return restrict(self, user, action)  # type: ignore[return-value]
