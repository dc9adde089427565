"""The children-in-care statutory clocks page.

Views only check who may use the page, validate the filter, call a query and render; every
list is narrowed by ``restrict`` in ``care.queries``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from divert.care import queries
from divert.care.forms import CareClocksFilterForm
from divert.cases.queries import Filters
from divert.core import audit
from divert.core.access import may_read_casework
from divert.core.models import AuditEvent


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Looked-after reviews, visits and review conferences overdue or due soon, for children the user sees."""
    if not may_read_casework(request.user):
        raise PermissionDenied("Your role does not use the children in care clocks.")
    authority_id: int = request.user.authority_id  # type: ignore[union-attr,assignment]  # checked above
    form = CareClocksFilterForm(request.GET or None, authority_id=authority_id)
    filters = Filters()
    if form.is_bound and form.is_valid():
        filters = Filters(team=form.cleaned_data["team"], worker=form.cleaned_data["worker"])
    found = queries.care_clocks(request.user, filters)
    note = "Children in care clocks" + "".join(
        f", {name}={value.pk}"
        for name, value in (("team", filters.team), ("worker", filters.worker))
        if value
    )
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="care.episode", note=note)
    errors = form.is_bound and bool(form.errors)
    context = {
        "form": form,
        "clocks": found,
        "filtered": bool(filters.team or filters.worker),
        "due_soon_days": queries.DUE_SOON_DAYS,
        "page_title": ("Error: " if errors else "") + "Children in care: statutory clocks",
    }
    return render(request, "care/index.html", context)


@require_GET
def end_dates(request: HttpRequest) -> HttpResponse:
    """Placements without a planned end date, those ending in the next 4 weeks, and independent contracts."""
    if not may_read_casework(request.user):
        raise PermissionDenied("Your role does not use the children in care lists.")
    audit.record(
        request.user, AuditEvent.Action.SEARCH, object_type="care.episode", note="Placement end dates"
    )
    context = {
        "lists": queries.end_dates(request.user),
        "ending_soon_days": queries.ENDING_SOON_DAYS,
        "page_title": "Placement end dates",
    }
    return render(request, "care/end_dates.html", context)
