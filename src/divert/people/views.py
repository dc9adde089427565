"""Find a child, see their summary, add a child and change their details.

Views only validate input, call a query or an action, and render. A child the user may not
see is the same 404 as one that does not exist (``get_for_user``); a child they may see but
not change is a 403, since refusing tells them nothing new.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from divert.core import audit, concurrency
from divert.core.access import (
    can,
    get_for_user,
    may_manage_restriction,
    may_read_child_history,
    may_read_chronology,
    may_restrict,
    may_share_records,
    restricted_child_for_break_glass,
    sees_full_record,
)
from divert.core.models import AuditEvent
from divert.core.pages import page_title
from divert.people import actions, queries
from divert.people.forms import ChildForm, ChildSearchForm
from divert.people.models import Child
from divert.privacy import queries as privacy_queries
from divert.privacy import views as privacy_views
from divert.privacy.models import RestrictedRecord


def _results_page(request: HttpRequest, form: ChildSearchForm) -> dict[str, Any]:
    criteria = form.criteria()
    found = queries.search_children(request.user, criteria)
    page: Page[Child] = Paginator(found, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="people.child", note=criteria.describe())
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "searched": True,
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "rows": queries.result_rows(page),
        "count": page.paginator.count,
        "query": query.urlencode(),
    }


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search the children the user may see, by name, date of birth or child ID."""
    if not queries.may_search(request.user):
        raise PermissionDenied("Your role does not give access to children's records.")
    form = ChildSearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "page_title": page_title("Find a child", form)}
    if form.is_bound and form.is_valid():
        context |= _results_page(request, form)
        context["page_title"] = "Search results - Find a child"
    context["can_add"] = queries.may_add_child(request.user)
    return render(request, "people/search.html", context)


@require_GET
def child_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Who the child is and what is happening for them now; every view is audited.

    A partner agency's user sees only what a partner needs (``sees_full_record``). A restricted
    record the user could open by breaking glass is the break-glass page (a 403 naming no one);
    any other child the user may not see is the same 404 as one that does not exist.
    """
    if not sees_full_record(request.user):
        return _partner_summary(request, pk)
    try:
        summary = queries.child_summary(request.user, pk)
    except Http404:
        restricted = restricted_child_for_break_glass(request.user, pk)
        if restricted is None:
            raise
        return privacy_views.break_glass_page(request, restricted)
    child = summary.child
    is_restricted = RestrictedRecord.objects.filter(child=child).exists()
    note = "Child summary"
    if is_restricted:  # a restricted record may be open under break glass, which the audit row says
        note = privacy_queries.view_note(request.user, child, note)
    audit.record_view(request.user, child, note=note)
    can_change = can(request.user, "change", child)
    context = {
        "summary": summary,
        "child": child,
        "can_change": can_change,
        "can_read_chronology": may_read_chronology(request.user, child),
        "is_restricted": is_restricted,
        "break_glass": privacy_queries.live_grant(request.user, child) if is_restricted else None,
        "can_restrict": not is_restricted and may_restrict(request.user, child),
        "can_manage_restriction": is_restricted and may_manage_restriction(request.user, child.pk),
        "can_share": can_change and may_share_records(request.user),
        "can_read_history": may_read_child_history(request.user, child),
        "page_title": child.full_name,
    }
    return render(request, "people/child.html", context)


def _partner_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """A shared child's record as a partner agency sees it: who, whom to contact, why shared."""
    summary = privacy_queries.partner_summary(request.user, pk)
    audit.record_view(request.user, summary.child, note="Child summary (partner agency view)")
    context = {"summary": summary, "child": summary.child, "page_title": summary.child.full_name}
    return render(request, "people/child_partner.html", context)


def _after_saving(request: HttpRequest, child: Child, message: str) -> HttpResponse:
    messages.success(request, message)
    if can(request.user, "view", child):
        return redirect("people:child", pk=child.pk)
    return redirect(reverse("people:search"))


@require_http_methods(["GET", "POST"])
def add_child(request: HttpRequest) -> HttpResponse:
    """Add a child to the register (allocated to the worker's team when they hold cases)."""
    user = request.user
    if not queries.may_add_child(user):
        raise PermissionDenied("Your role cannot add children to the register.")
    authority_id: int = user.authority_id  # type: ignore[union-attr,assignment]  # may_add_child checked it
    form = ChildForm(request.POST or None, authority_id=authority_id)
    if request.method == "POST" and form.is_valid():
        try:
            child = actions.create_child(user, **form.changes())
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _after_saving(request, child, f"{child.full_name} has been added")
    context = {"form": form, "page_title": page_title("Add a child", form), "heading": "Add a child"}
    return render(request, "people/child_form.html", context)


@require_http_methods(["GET", "POST"])
def edit_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a child's details: 404 if the child is not visible, 403 if visible but read-only."""
    child = get_for_user(Child.objects.all(), request.user, "view", pk=pk)
    if not can(request.user, "change", child):
        raise PermissionDenied("Your role cannot change this child's details.")
    form = ChildForm(
        request.POST or None,
        authority_id=child.authority_id,
        child=child,
        initial=ChildForm.initial_for(child) | concurrency.versioned(child),
    )
    if request.method == "GET":
        audit.record_view(request.user, child, note="Edit details")
    if (
        request.method == "POST"
        and form.is_valid()
        and concurrency.saved(
            form, child, lambda: actions.update_child(request.user, child, **form.changes())
        )
    ):
        return _after_saving(request, child, f"{child.full_name}'s details have been saved")
    context = {
        "form": form,
        "child": child,
        "page_title": page_title(f"Edit details - {child.full_name}", form),
        "heading": f"Edit {child.full_name}'s details",
    }
    return render(request, "people/child_form.html", context, status=concurrency.status(form))
