"""Audit you can use: who looked at a child's record, what a person did, and access alerts.

Only the audit readers (``core.roles.AUDIT_READERS``) open these pages; anyone else gets a 403.
A child or person outside the reader's reach is the same 404 as one that does not exist. Every
view of a history and every export is itself audited, so the audit trail's readers are on it too.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from divert.core import audit
from divert.core.access import (
    can,
    may_export_access_history,
    may_read_audit,
    may_read_child_history,
    may_read_person_history,
)
from divert.core.models import AuditEvent, User
from divert.core.pages import page_title, signed_in_user
from divert.core.spreadsheet import write_csv
from divert.oversight import actions, pdf, queries
from divert.oversight.forms import AcknowledgeForm, HistoryForm
from divert.people.models import Child

CSV_HEADER = ("When", "Who", "Role", "Team", "Action", "What", "Why", "Child ID", "Page")


def _reader(request: HttpRequest) -> None:
    if not may_read_audit(request.user):
        raise PermissionDenied("Your role does not read the audit trail.")


def _child(request: HttpRequest, pk: int) -> Child:
    _reader(request)
    child = queries.child_in_authority(request.user, pk)
    if not may_read_child_history(request.user, child):
        raise Http404("No such record")
    return child


def _person(request: HttpRequest, pk: int) -> User:
    _reader(request)
    person = queries.person_in_authority(request.user, pk)
    if not may_read_person_history(request.user, person):
        raise Http404("No such person")
    return person


def _paged(request: HttpRequest, events: QuerySet[AuditEvent]) -> dict[str, object]:
    page = Paginator(events, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "lines": queries.lines(page.object_list),
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": query.urlencode(),
    }


def _csv(lines: list[queries.Line], filename: str) -> HttpResponse:
    stream = io.StringIO()
    rows = (
        (
            timezone.localtime(x.at).strftime("%Y-%m-%d %H:%M:%S"),
            x.who,
            x.role,
            x.team,
            x.action,
            x.what,
            x.why,
            x.child_ref,
            x.path,
        )
        for x in lines
    )
    write_csv(stream, CSV_HEADER, rows)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def child_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who looked at this child's record, and changed, searched or exported it: newest first."""
    child = _child(request, pk)
    form = HistoryForm(request.GET or None, people=queries.people_in(child))
    filters = form.filters()
    events = queries.child_events(child, filters)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        object_type="oversight.access_history",
        object_id=str(child.pk),
        child_id=child.pk,
        note=f"Access history: {filters.describe()}",
    )
    shows_name = can(request.user, "view", child)
    heading = f"Who looked at {child.full_name if shows_name else 'child ' + child.child_id}"
    context = {
        **_paged(request, events),
        "form": form,
        "child": child,
        "shows_name": shows_name,
        "can_export": may_export_access_history(request.user),
        "heading": heading,
        "page_title": page_title(heading, form),
    }
    return render(request, "oversight/child.html", context)


def _exported(request: HttpRequest, pk: int, what: str) -> tuple[Child, list[queries.Line]]:
    """The child and every line of their history, for the head of service; audited as an export."""
    child = _child(request, pk)
    if not may_export_access_history(request.user):
        raise PermissionDenied("Access histories are exported by the head of service.")
    lines = queries.lines(queries.child_events(child))
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        object_type="oversight.access_history",
        object_id=str(child.pk),
        child_id=child.pk,
        note=f"Access history exported as {what} for a subject access request ({len(lines)} events)",
    )
    return child, lines


@require_GET
def child_history_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every event about the child, for a subject access request: the head of service only."""
    child, lines = _exported(request, pk, "CSV")
    return _csv(lines, f"access-history-{child.child_id}-{timezone.localdate():%Y-%m-%d}.csv")


@require_GET
def child_history_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same history as a PDF to send to the requester."""
    child, lines = _exported(request, pk, "PDF")
    user = signed_in_user(request)
    content = pdf.pdf(child, lines, generated_by=user.get_full_name() or user.username)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"access-history-{child.child_id}-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything one member of staff did: for an investigation, or their own subject access request."""
    person = _person(request, pk)
    form = HistoryForm(request.GET or None)
    filters = form.filters()
    audit.record(request.user, AuditEvent.Action.VIEW, person, note=f"Person's history: {filters.describe()}")
    heading = f"What {person.get_full_name() or person.username} did"
    context = {
        **_paged(request, queries.person_events(person, filters)),
        "form": form,
        "person": person,
        "heading": heading,
        "page_title": page_title(heading, form),
    }
    return render(request, "oversight/person.html", context)


@require_GET
def person_history_csv(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    lines = queries.lines(queries.person_events(person))
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        person,
        note=f"Person's access history exported ({len(lines)} events)",
    )
    return _csv(lines, f"access-history-{person.username}-{timezone.localdate():%Y-%m-%d}.csv")


@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """Access alerts to review: open first, then acknowledged."""
    _reader(request)
    found = queries.alerts_for(request.user)
    page = Paginator(found, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": "",
        "open_count": queries.open_alert_count(request.user),
        "page_title": "Access alerts",
    }
    return render(request, "oversight/alerts.html", context)


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an alert with what the manager found."""
    _reader(request)
    alert = queries.alert_for(request.user, pk)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.acknowledge_alert(signed_in_user(request), alert, form.cleaned_data["outcome"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Alert about {alert.user.get_full_name()} acknowledged")
            return redirect("oversight:alerts")
    context = {"form": form, "alert": alert, "page_title": page_title("Acknowledge an access alert", form)}
    return render(request, "oversight/acknowledge.html", context)
