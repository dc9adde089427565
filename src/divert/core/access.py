"""The one place that decides which children a user may see or change.

Every query that touches a child goes through :func:`restrict` (directly, or through the
``.restrict(user, action)`` method that :class:`RestrictedQuerySet` gives every model linked
to a child). Views never filter by hand. A child the user may not see is simply absent from
the queryset, so fetching it gives the same 404 as a child that does not exist: nobody can
probe for children's records by trying numbers (Zulip's ``access_stream_common`` rule).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from divert.core.roles import (
    BREAK_GLASS_ROLES,
    CHILD_SCOPE,
    CHILD_WRITERS,
    FRONT_DOOR_READERS,
    FRONT_DOOR_WORKERS,
    NAMED_ACCESS_ROLES,
    PANEL_MEMBERS,
    PANEL_READERS,
    RETURNS_ROLES,
    SCORECARD_ROLES,
    Role,
    Scope,
)

if TYPE_CHECKING:
    from divert.core.models import User
    from divert.frontdoor.models import Enquiry, InformationRequest
    from divert.panels.models import PanelMeeting

Action = Literal["view", "change"]
M = TypeVar("M", bound=models.Model)


def _today() -> dt.date:
    return timezone.localdate()


def child_filter(user: User | Any, action: Action = "view") -> Q | None:
    """The condition on ``Child`` for what ``user`` may do, or ``None`` when they may do nothing.

    Two parts: the children the role reaches (``_scope_filter``) less the restricted records the
    user is neither named on nor holding a live break-glass grant for; and, whatever the role's
    usual reach, the restricted records of their authority they are named on.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if action == "change" and user.role not in CHILD_WRITERS:
        return None
    scope = _scope_filter(user)
    named = _named_filter(user)
    if scope is not None:
        scope &= ~Q(pk__in=_hidden_restricted(user))
    if scope is None:
        return named
    return scope if named is None else scope | named


def _scope_filter(user: User | Any) -> Q | None:
    """The children the user's role reaches, before restricted records are taken out."""
    scope = CHILD_SCOPE.get(user.role, Scope.NONE)
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


def _named_filter(user: User | Any) -> Q | None:
    """Restricted records of the user's authority that name them (only roles that may be named)."""
    if user.role not in NAMED_ACCESS_ROLES or not user.authority_id:
        return None
    from divert.privacy.models import NamedAccess

    named = NamedAccess.objects.filter(user_id=user.pk).values("child_id")
    return Q(pk__in=named, authority_id=user.authority_id)


def _hidden_restricted(user: User | Any) -> models.QuerySet[Any]:
    """Restricted children the user is not named on and holds no live break-glass grant for.

    A small table, read as a ``NOT IN`` subquery, so every list keeps its plan.
    """
    from divert.privacy.models import BreakGlass, NamedAccess, RestrictedRecord

    granted = BreakGlass.objects.filter(user_id=user.pk, expires__gt=timezone.now()).values("child_id")
    named = NamedAccess.objects.filter(user_id=user.pk).values("child_id")
    hidden = RestrictedRecord.objects.exclude(child_id__in=granted).exclude(child_id__in=named)
    return hidden.values("child_id")


def may_break_glass(user: User | Any, child: models.Model) -> bool:
    """Whether ``user`` could open this restricted child by giving a reason.

    Only a role that may break glass, and only for a child their role would reach anyway: a
    social worker in another team cannot break glass to see a child they would never see.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role not in BREAK_GLASS_ROLES:
        return False
    scope = _scope_filter(user)
    if scope is None:
        return False
    from divert.people.models import Child

    return Child.objects.filter(scope, pk=child.pk, restriction__isnull=False).exists()


def restricted_child_for_break_glass(user: User | Any, pk: int) -> Any:
    """The restricted child ``pk`` if ``user`` may break glass on it now, else ``None``.

    Lets the child's page offer the break-glass form instead of a 404 to a person whose role
    reaches the child; everyone else still gets the same 404 as for a child that does not exist.
    """
    from divert.people.models import Child

    child = Child.objects.filter(pk=pk).only("pk", "authority_id").first()
    if child is None or not may_break_glass(user, child) or can(user, "view", child):
        return None
    return child


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
    return _signed_in_with(user, RETURNS_ROLES)


def may_see_scorecard(user: User | Any) -> bool:
    """Whether ``user`` may read their authority's scorecard, indicator pages and drill-downs.

    The figures are for the whole authority; the children behind them are listed only as
    far as :func:`restrict` lets the user see them.
    """
    return _signed_in_with(user, SCORECARD_ROLES)


def _authority_id(user: User | Any) -> int:
    """The user's authority, once ``_signed_in_with`` has checked they have one."""
    return cast(int, user.authority_id)


def _signed_in_with(user: User | Any, roles: frozenset[str]) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in roles
        and user.authority_id
    )


# --- The front door ------------------------------------------------------------------------
#
# A MASH enquiry names children who may not be on the register yet, so it cannot be narrowed
# by child like the records above. It is read by authority-wide roles only (the MASH, the
# head of service, the analyst: ``FRONT_DOOR_READERS``) and written by the MASH. A partner
# agency's user reads the information requests sent to their agency, and nothing else.


def may_read_front_door(user: User | Any) -> bool:
    """Whether ``user`` may read their authority's MASH queue and enquiries."""
    return _signed_in_with(user, FRONT_DOOR_READERS)


def may_work_front_door(user: User | Any) -> bool:
    """Whether ``user`` may record enquiries, match children, ask partners and decide."""
    return _signed_in_with(user, FRONT_DOOR_WORKERS)


def enquiries_for(user: User | Any) -> models.QuerySet[Enquiry]:
    """The enquiries ``user`` may read: their authority's, for a front-door reader; else none."""
    from divert.frontdoor.models import Enquiry

    if not may_read_front_door(user):
        return Enquiry.objects.none()
    return Enquiry.objects.filter(authority_id=_authority_id(user))


def information_requests_for(user: User | Any) -> models.QuerySet[InformationRequest]:
    """The information requests ``user`` may read.

    A partner agency's user: those addressed to their agency in their authority. A front-door
    reader: every request of their authority's enquiries. Anyone else: none.
    """
    from divert.frontdoor.models import InformationRequest

    if _signed_in_with(user, frozenset({Role.PARTNER})) and user.agency:
        return InformationRequest.objects.filter(
            agency=user.agency, enquiry__authority_id=_authority_id(user)
        )
    if may_read_front_door(user):
        return InformationRequest.objects.filter(enquiry__authority_id=_authority_id(user))
    return InformationRequest.objects.none()


def may_answer_information_requests(user: User | Any) -> bool:
    """Partner agencies' users answer the requests sent to their agency."""
    return _signed_in_with(user, frozenset({Role.PARTNER})) and bool(user.agency)


# --- Panels ----------------------------------------------------------------------------------
#
# A panel meeting itself says only when it sat and who attended; its items are about children
# and are read through ``restrict`` like any child's record, so a social worker sees the items
# about their own team's children and the head of service sees them all.


def may_read_panels(user: User | Any) -> bool:
    return _signed_in_with(user, PANEL_READERS)


def may_run_panels(user: User | Any) -> bool:
    """Whether ``user`` may set up panel meetings and record panels' decisions."""
    return _signed_in_with(user, PANEL_MEMBERS)


def panel_meetings_for(user: User | Any) -> models.QuerySet[PanelMeeting]:
    from divert.panels.models import PanelMeeting

    if not may_read_panels(user):
        return PanelMeeting.objects.none()
    return PanelMeeting.objects.filter(authority_id=_authority_id(user))


class RestrictedQuerySet(models.QuerySet[M]):
    """Adds ``.restrict(user, action)``, the only way views read records about children."""

    def restrict(self, user: User | Any, action: Action = "view") -> RestrictedQuerySet[M]:
        return restrict(self, user, action)  # type: ignore[return-value]


# --- Casework: early help and the assessment and child protection clocks (issue 5) ----------
#
# The early help and assessments pages are for the roles that work or oversee cases
# (``CASEWORK_READERS``); every list on them is still narrowed by ``restrict``, and writing needs
# ``can(user, "change", child)``.


def may_read_casework(user: User | Any) -> bool:
    """Whether ``user`` may open the early help and assessment clock pages."""
    from divert.core.roles import CASEWORK_READERS

    return _signed_in_with(user, CASEWORK_READERS)


# --- Children in care: placement review and chronology (issue 6) ----------------------------
#
# The placement review's lists and plans are about children and are narrowed by ``restrict``;
# these say only who may open the pages and who may record the meeting's decisions. Early
# warning and permanence use ``may_read_casework`` to read and ``can(user, "change", child)``
# to write, like the other casework pages.


def may_read_placement_review(user: User | Any) -> bool:
    """Whether ``user`` may open the placement review programme, its meetings and the savings."""
    from divert.core.roles import PLACEMENT_REVIEW_READERS

    return _signed_in_with(user, PLACEMENT_REVIEW_READERS)


def may_run_placement_review(user: User | Any) -> bool:
    """Whether ``user`` may hold a placement review meeting and record its decisions and plans."""
    from divert.core.roles import PLACEMENT_REVIEW_MEMBERS

    return _signed_in_with(user, PLACEMENT_REVIEW_MEMBERS)


def may_read_chronologies(user: User | Any) -> bool:
    """Whether ``user``'s role reads chronologies at all (checked before any child is looked up)."""
    from divert.core.roles import CHRONOLOGY_READERS

    return _signed_in_with(user, CHRONOLOGY_READERS)


def may_read_chronology(user: User | Any, child: models.Model) -> bool:
    """Whether ``user`` may read this child's chronology: a caseworking role that may view the child."""
    return may_read_chronologies(user) and can(user, "view", child)


# --- The forecast (issue 7) ------------------------------------------------------------------
#
# Figures for the whole authority, never a named child: no ``restrict`` is involved, only who
# may read them and who may save scenarios.


def may_read_forecast(user: User | Any) -> bool:
    from divert.core.roles import FORECAST_READERS

    return _signed_in_with(user, FORECAST_READERS)


def may_save_scenarios(user: User | Any) -> bool:
    from divert.core.roles import FORECAST_WRITERS

    return _signed_in_with(user, FORECAST_WRITERS)


# --- Sufficiency and the programme (issue 8) --------------------------------------------------
#
# Carer households, providers and the programme are not children's records: these say who may
# open and change them. Where a page lists children (a vacancy matched to a child, the children
# placed with a provider) those lists still go through ``restrict``.


def may_read_carers(user: User | Any) -> bool:
    from divert.core.roles import CARERS_READERS

    return _signed_in_with(user, CARERS_READERS)


def may_manage_carers(user: User | Any) -> bool:
    """Whether ``user`` may move households through recruitment and record approvals and reviews."""
    from divert.core.roles import CARERS_MANAGERS

    return _signed_in_with(user, CARERS_MANAGERS)


def may_read_prices(user: User | Any) -> bool:
    from divert.core.roles import PRICE_READERS

    return _signed_in_with(user, PRICE_READERS)


def may_set_prices(user: User | Any) -> bool:
    """Whether ``user`` may record providers, contracts and contracted prices."""
    from divert.core.roles import PRICE_WRITERS

    return _signed_in_with(user, PRICE_WRITERS)


def may_read_programme(user: User | Any) -> bool:
    from divert.core.roles import PROGRAMME_READERS

    return _signed_in_with(user, PROGRAMME_READERS)


def may_run_programme(user: User | Any) -> bool:
    """Whether ``user`` may keep the programme: actions, risk scores, the savings plan."""
    from divert.core.roles import PROGRAMME_WRITERS

    return _signed_in_with(user, PROGRAMME_WRITERS)


# --- The read-only API (issue 9, item 5) -------------------------------------------------------
#
# A bearer token acts as its user, so the API asks the same questions as the pages: whether the
# user's role uses the API at all (``API_ROLES``), and, for rows about children, ``restrict``.


def may_use_api(user: User | Any) -> bool:
    """Whether ``user`` may hold API tokens and read the API (their role, active, with an authority)."""
    from divert.core.roles import API_ROLES

    return _signed_in_with(user, API_ROLES)


# --- Audit you can use: access histories and alerts (issue 9, item 3) -------------------------
#
# Team managers read the access history of their team's children (those they may view) and of
# their team's members; the head of service reads any child's and any person's of the authority,
# restricted children included: they oversee access, so a restriction does not hide from them who
# looked. Subject access request exports of a child's history are the head of service's.


def may_read_audit(user: User | Any) -> bool:
    """Whether ``user``'s role reads the audit trail at all (checked before any record is looked up)."""
    from divert.core.roles import AUDIT_READERS

    return _signed_in_with(user, AUDIT_READERS)


def may_read_child_history(user: User | Any, child: models.Model) -> bool:
    """Whether ``user`` may read who looked at this child: the head of service for any child of
    their authority, a team manager for a child they may view."""
    if not may_read_audit(user) or getattr(child, "authority_id", None) != user.authority_id:
        return False
    return user.role == Role.HEAD_OF_SERVICE or can(user, "view", child)


def may_export_access_history(user: User | Any) -> bool:
    """Whether ``user`` may export a child's access history for a subject access request."""
    return _signed_in_with(user, frozenset({Role.HEAD_OF_SERVICE}))


def may_read_person_history(user: User | Any, person: User | Any) -> bool:
    """Whether ``user`` may read everything ``person`` did: the head of service for anyone of their
    authority, a team manager for a member of their own team."""
    if not may_read_audit(user) or person.authority_id != user.authority_id:
        return False
    if user.role == Role.HEAD_OF_SERVICE:
        return True
    return bool(user.team_id) and person.team_id == user.team_id


# --- Need to know: restricted records, break glass and sharing (issue 9, item 2) ----------------
#
# ``child_filter`` above already hides restricted records; these say who may restrict a record,
# manage a restriction, list the authority's restrictions, share a record with a partner agency,
# and how much of a record a reader sees.


def may_restrict(user: User | Any, child: models.Model) -> bool:
    """A team manager (their team's children) or the head of service, for a child they can see."""
    from divert.core.roles import RESTRICTION_SETTERS

    return _signed_in_with(user, RESTRICTION_SETTERS) and can(user, "view", child)


def may_list_restrictions(user: User | Any) -> bool:
    """Whether ``user`` reads the list of their authority's restricted records (the head of service)."""
    from divert.core.roles import RESTRICTION_MANAGERS

    return _signed_in_with(user, RESTRICTION_MANAGERS)


def may_manage_restriction(user: User | Any, child_pk: int) -> bool:
    """The head of service for any restriction of their authority; a team manager named on it.

    Managing a restriction does not mean seeing the record: the head of service may name people
    on a record they are not named on themselves, and the page shows its child ID, not the name.
    """
    from divert.core.roles import RESTRICTION_SETTERS
    from divert.privacy.models import NamedAccess, RestrictedRecord

    if not _signed_in_with(user, RESTRICTION_SETTERS):
        return False
    restricted = RestrictedRecord.objects.filter(child_id=child_pk, child__authority_id=_authority_id(user))
    if may_list_restrictions(user):
        return restricted.exists()
    return restricted.exists() and NamedAccess.objects.filter(child_id=child_pk, user_id=user.pk).exists()


def restrictions_for(user: User | Any) -> models.QuerySet[Any]:
    """The restricted records of the user's authority, for the head of service; else none.

    Not narrowed by ``restrict``: the list is how the head of service oversees restrictions
    they are not named on, so it shows child IDs, and names only of children the reader may see.
    """
    from divert.privacy.models import RestrictedRecord

    if not may_list_restrictions(user):
        return RestrictedRecord.objects.none()
    return RestrictedRecord.objects.filter(child__authority_id=_authority_id(user))


def may_share_records(user: User | Any) -> bool:
    """Whether ``user``'s role shares records with partner agencies at all (of children they may change)."""
    from divert.core.roles import SHARE_MANAGERS

    return _signed_in_with(user, SHARE_MANAGERS)


def may_manage_shares(user: User | Any, child: models.Model) -> bool:
    """Whether ``user`` may share this child's record with a partner agency, or end a share."""
    return may_share_records(user) and can(user, "change", child)


def sees_full_record(user: User | Any) -> bool:
    """Whether ``user`` reads a child's whole record, or only what a partner agency needs.

    A partner agency's user sees who the child is, who their worker is and why the record was
    shared with them: not the family, placements, plans, addresses or history.
    """
    return getattr(user, "role", None) != Role.PARTNER
