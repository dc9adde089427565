"""A child's chronology: the timeline page, its PDF, and significant events added by hand.

Who may read is ``core.access.may_read_chronology`` (``queries.child_for``): a 404 for a child
the user may not see, the same as one that does not exist, and a 403 for a role that does not
read chronologies. Adding, correcting and removing an event also needs the right to change the
child's record. Every view and every download is audited on the child, with the filter used.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from divert.chronology import actions, pdf, queries
from divert.chronology.forms import ChronologyForm, CorrectEventForm, EventForm, RemoveEventForm
from divert.chronology.models import SignificantEvent
from divert.core import audit, concurrency
from divert.core.access import can
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.people.models import Child


def _filtered(request: HttpRequest, child: Child) -> tuple[ChronologyForm, queries.Chronology]:
    form = ChronologyForm(request.GET or None)
    return form, queries.chronology(request.user, child, form.filters())


@require_GET
def child(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's chronology as a timeline, filtered by kind and period, newest or oldest first."""
    found = queries.child_for(request.user, pk)
    form, chronology = _filtered(request, found)
    audit.record_view(request.user, found, note=f"Chronology: {chronology.filters.describe()}"[:300])
    context = {
        "form": form,
        "chronology": chronology,
        "child": found,
        "can_add": can(request.user, "change", found),
        "query": request.GET.urlencode(),
        "page_title": page_title(f"Chronology - {found.full_name}", form),
    }
    return render(request, "chronology/child.html", context)


@require_GET
def child_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same chronology, with the same filters, as a PDF to download; audited as a download."""
    found = queries.child_for(request.user, pk)
    _, chronology = _filtered(request, found)
    user = signed_in_user(request)
    content = pdf.pdf(chronology, generated_by=user.get_full_name() or user.username)
    note = f"Chronology PDF downloaded: {chronology.filters.describe()}"
    audit.record(request.user, AuditEvent.Action.VIEW, found, note=note[:300])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{pdf.filename(chronology, timezone.localdate())}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Significant events added by hand ----------------------------------------------------------


def _writer(request: HttpRequest, target: Child) -> None:
    if not can(request.user, "change", target):
        raise PermissionDenied("Your role cannot change this child's record.")


def _form_page(request: HttpRequest, form: Any, target: Child, heading: str, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "child": target,
        "heading": heading,
        "page_title": page_title(heading, form),
        **extra,
    }
    return render(request, "chronology/event_form.html", context, status=concurrency.status(form))


@require_http_methods(["GET", "POST"])
def add_event(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a significant event no other record holds (a court hearing, an exclusion, a bereavement)."""
    target = queries.child_for(request.user, pk)
    _writer(request, target)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_significant_event(signed_in_user(request), child=target, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Significant event added to {target.first_name}'s chronology")
            return redirect("chronology:child", pk=target.pk)
    heading = f"Add a significant event to {target.full_name}'s chronology"
    return _form_page(request, form, target, heading, button="Add event")


@require_GET
def event(request: HttpRequest, pk: int) -> HttpResponse:
    """One significant event: what was recorded, by whom and when, and whether it was removed."""
    found = queries.event_for(request.user, pk)
    audit.record_view(request.user, found, note="Significant event")
    context = {
        "event": found,
        "child": found.child,
        "can_change": can(request.user, "change", found.child) and not found.is_removed,
        "page_title": f"{found.title} - {found.child.full_name}",
    }
    return render(request, "chronology/event.html", context)


def _event_to_change(request: HttpRequest, pk: int) -> SignificantEvent:
    found = queries.event_for(request.user, pk)
    _writer(request, found.child)
    return found


@require_http_methods(["GET", "POST"])
def correct_event(request: HttpRequest, pk: int) -> HttpResponse:
    found = _event_to_change(request, pk)
    form = CorrectEventForm(
        request.POST or None, initial=CorrectEventForm.initial_for(found) | concurrency.versioned(found)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and concurrency.saved(
            form,
            found,
            lambda: actions.correct_significant_event(
                signed_in_user(request), event=found, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, "Significant event corrected")
        return redirect("chronology:event", pk=found.pk)
    heading = f"Correct a significant event in {found.child.full_name}'s chronology"
    return _form_page(request, form, found.child, heading, button="Save correction", event=found)


@require_http_methods(["GET", "POST"])
def remove_event(request: HttpRequest, pk: int) -> HttpResponse:
    found = _event_to_change(request, pk)
    form = RemoveEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.remove_significant_event(signed_in_user(request), event=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Significant event removed from {found.child.first_name}'s chronology")
            return redirect("chronology:child", pk=found.child.pk)
    heading = f"Remove a significant event from {found.child.full_name}'s chronology"
    return _form_page(request, form, found.child, heading, button="Remove event", event=found)
