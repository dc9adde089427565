"""The need-to-know pages: restricting a record, managing a restriction, the list of restricted
records, breaking glass, and sharing a record with a partner agency.

Who may do what is ``divert.core.access`` (``may_restrict``, ``may_manage_restriction``,
``may_manage_shares``, ``may_break_glass``). A page a role never uses is a 403; a record the
reader may not reach is the same 404 as one that does not exist. The break-glass page is a 403
that names no one: it tells a person whose role reaches the child only that a record is here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.core import audit
from divert.core.access import (
    can,
    get_for_user,
    may_list_restrictions,
    may_manage_restriction,
    may_restrict,
    restricted_child_for_break_glass,
)
from divert.core.models import User
from divert.core.pages import page_title, signed_in_user
from divert.core.roles import RESTRICTION_SETTERS, SHARE_MANAGERS
from divert.people.models import Child
from divert.privacy import actions, queries
from divert.privacy.forms import BreakGlassForm, LiftForm, NamePersonForm, RestrictForm, ShareForm
from divert.privacy.models import RestrictedRecord


def _role_in(request: HttpRequest, roles: frozenset[str], message: str) -> None:
    if getattr(request.user, "role", None) not in roles:
        raise PermissionDenied(message)


# --- Restricting a record -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def restrict(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict a child's record to named people (a team manager or the head of service)."""
    _role_in(request, RESTRICTION_SETTERS, "Your role cannot restrict records.")
    if RestrictedRecord.objects.filter(child_id=pk).exists() and may_manage_restriction(request.user, pk):
        return redirect("privacy:restriction", pk=pk)
    child = get_for_user(Child.objects.all(), request.user, "view", pk=pk)
    if not may_restrict(request.user, child):
        raise PermissionDenied("You cannot restrict this child's record.")
    form = RestrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.restrict_record(signed_in_user(request), child, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request, f"{child.full_name}'s record is now restricted to the people named on it"
            )
            return redirect("privacy:restriction", pk=child.pk)
    context = {
        "form": form,
        "child": child,
        "page_title": page_title(f"Restrict {child.full_name}'s record", form),
    }
    return render(request, "privacy/restrict.html", context)


def _restriction_page(
    request: HttpRequest, restriction: queries.Restriction, form: NamePersonForm
) -> HttpResponse:
    context = {
        "restriction": restriction,
        "child": restriction.child,
        "form": form,
        "can_remove": len(restriction.named) > 1,
        "page_title": page_title(f"Restricted record {restriction.child.child_id}", form),
    }
    return render(request, "privacy/restriction.html", context)


@require_http_methods(["GET", "POST"])
def restriction(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is named on a restricted record, and adding a person to it."""
    _role_in(request, RESTRICTION_SETTERS, "Your role does not manage restricted records.")
    found = queries.restriction_for(request.user, pk)
    form = NamePersonForm(request.POST or None, people=queries.people_to_name(found.child))
    if request.method == "POST" and form.is_valid():
        person: User = form.cleaned_data["person"]
        try:
            actions.name_person(signed_in_user(request), found.child, person)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request, f"{person.get_full_name() or person.username} is now named on this record"
            )
            return redirect("privacy:restriction", pk=pk)
    return _restriction_page(request, found, form)


@require_POST
def remove_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one person off a restricted record (never the last one)."""
    _role_in(request, RESTRICTION_SETTERS, "Your role does not manage restricted records.")
    found = queries.restriction_for(request.user, pk)
    person = next((n.user for n in found.named if str(n.user_id) == request.POST.get("person", "")), None)
    try:
        if person is None:
            raise ValidationError({"person": "That person is not named on this record"})
        actions.remove_person(signed_in_user(request), found.child, person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{person.get_full_name() or person.username} is no longer named on this record"
        )
    return redirect("privacy:restriction", pk=pk)


@require_http_methods(["GET", "POST"])
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a restriction, with a reason: the record is seen again as its child's record usually is."""
    _role_in(request, RESTRICTION_SETTERS, "Your role does not manage restricted records.")
    found = queries.restriction_for(request.user, pk)
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.lift_restriction(signed_in_user(request), found.child, form.cleaned_data["reason"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"The restriction on child {found.child.child_id} has been lifted")
            if can(request.user, "view", found.child):
                return redirect("people:child", pk=pk)
            return redirect("privacy:restricted")
    context = {
        "restriction": found,
        "child": found.child,
        "form": form,
        "page_title": page_title(f"Lift the restriction on child {found.child.child_id}", form),
    }
    return render(request, "privacy/lift.html", context)


@require_GET
def restricted(request: HttpRequest) -> HttpResponse:
    """The authority's restricted records, for the head of service to oversee."""
    if not may_list_restrictions(request.user):
        raise PermissionDenied("Your role does not oversee restricted records.")
    rows = queries.restricted_rows(request.user)
    context = {"rows": rows, "window": queries.BREAK_GLASS_WINDOW_DAYS, "page_title": "Restricted records"}
    return render(request, "privacy/restricted.html", context)


# --- Break glass --------------------------------------------------------------------------------


def break_glass_page(request: HttpRequest, child: Child, form: BreakGlassForm | None = None) -> HttpResponse:
    """The 403 a person sees for a restricted record they could open with a reason.

    It shows nothing about the child (not even the name or child ID): only that the record is
    restricted, and the form to open it.
    """
    form = form or BreakGlassForm()
    context = {
        "form": form,
        "child_pk": child.pk,
        "minutes": actions.grant_minutes(),
        "page_title": page_title("This record is restricted", form if form.is_bound else None),
    }
    return render(request, "privacy/break_glass.html", context, status=403)


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a reason and open a restricted record for a while; managers are told."""
    child = restricted_child_for_break_glass(request.user, pk)
    if child is None:
        visible = get_for_user(Child.objects.all(), request.user, "view", pk=pk)
        context: dict[str, Any] = {"child_pk": visible.pk, "page_title": "You can already open this record"}
        return render(request, "privacy/break_glass_not_needed.html", context)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.break_glass(signed_in_user(request), child, form.cleaned_data["reason"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return redirect("people:child", pk=pk)
    return break_glass_page(request, child, form)


# --- Sharing with partner agencies --------------------------------------------------------------


def _child_to_share(request: HttpRequest, pk: int) -> Child:
    _role_in(request, SHARE_MANAGERS, "Your role cannot share children's records.")
    child = get_for_user(Child.objects.all(), request.user, "view", pk=pk)
    if not can(request.user, "change", child):
        raise PermissionDenied("You cannot share this child's record.")
    return child


@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's shares with partner agencies, and sharing the record with another."""
    child = _child_to_share(request, pk)
    is_restricted = RestrictedRecord.objects.filter(child=child).exists()
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share = actions.share_child(signed_in_user(request), child, **form.changes())
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request, f"{child.first_name}'s record is shared with {share.get_agency_display().lower()}"
            )
            return redirect("privacy:sharing", pk=pk)
    if request.method == "GET":
        audit.record_view(request.user, child, note="Sharing with partner agencies")
    context = {
        "child": child,
        "shares": queries.shares_of(request.user, child),
        "form": form,
        "is_restricted": is_restricted,
        "today": timezone.localdate(),
        "page_title": page_title(f"Sharing - {child.full_name}", form),
    }
    return render(request, "privacy/sharing.html", context)


@require_POST
def end_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop sharing a record with an agency now."""
    _role_in(request, SHARE_MANAGERS, "Your role cannot share children's records.")
    share = queries.share_for_manager(request.user, pk)
    child_pk, agency = share.child_id, share.get_agency_display()
    try:
        actions.end_share(signed_in_user(request), share)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The record is no longer shared with {agency.lower()}")
    return redirect("privacy:sharing", pk=child_pk)
