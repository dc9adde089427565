"""The permanence pages: the overview, plans due by the second review, children placed at home
under a care order, court applications, the adoption tracker, and one child's permanence.

The casework roles read (``may_read_casework``; a 403 for anyone else) and every list holds only
the children ``restrict`` lets them see; a child they may not see is the same 404 as a missing
one; recording needs ``can(user, "change", child)`` (a 403 otherwise). Views validate input,
call a query or an action, and render. A list is one audit row (as a search); a child's
record is audited as a view.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from divert.core import audit, concurrency
from divert.core.access import can, may_read_casework
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.people.models import Child
from divert.permanence import actions, queries
from divert.permanence.forms import ApplicationForm, KindFilterForm, PlanForm, UpdateApplicationForm
from divert.permanence.models import CourtApplication


def _reader(request: HttpRequest) -> None:
    if not may_read_casework(request.user):
        raise PermissionDenied("Your role does not use the permanence pages.")


def _child_to_change(request: HttpRequest, child_pk: int) -> Child:
    """403 for the wrong role, 404 for a child the user may not see, 403 if they may only read them."""
    _reader(request)
    child = queries.get_child(request.user, child_pk)
    if not can(request.user, "change", child):
        raise PermissionDenied("Your role cannot change this child's record.")
    return child


def _search_audited(request: HttpRequest, note: str) -> None:
    """A list of children is one audit row (as a search), not one per child."""
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="permanence", note=note)


def _back_to(request: HttpRequest, child: Child) -> str:
    """Where a form returns: the list it was opened from (``?from=overdue``), else the child's page."""
    lists = {
        "overdue": "permanence:overdue",
        "at-home": "permanence:at_home",
        "court": "permanence:applications",
    }
    source = request.GET.get("from", "")
    return reverse(lists[source]) if source in lists else reverse("permanence:child", args=[child.pk])


# --- Lists -------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Counts for each list, and the council's adoption scorecard averages."""
    _reader(request)
    found = queries.overview(request.user)
    _search_audited(request, "Permanence overview")
    return render(request, "permanence/index.html", {"overview": found, "page_title": "Permanence"})


@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Looked-after children with no permanence plan whose second review is due, past, or near."""
    _reader(request)
    found = queries.plans_due(request.user)
    _search_audited(request, "Permanence plans due by the second review")
    context = {
        "found": found,
        "page_title": "Permanence plans due by the second review",
        "can_change": _changeable(request, [row.child for row in [*found.overdue, *found.due_soon]]),
    }
    return render(request, "permanence/overdue.html", context)


def _changeable(request: HttpRequest, children: list[Child]) -> set[int]:
    """The children on a list the user may change, in one query (for the "record" links)."""
    ids = [child.pk for child in children]
    return set(Child.objects.restrict(request.user, "change").filter(pk__in=ids).values_list("pk", flat=True))


@require_GET
def at_home(request: HttpRequest) -> HttpResponse:
    """Children placed with parents under a care order: candidates for discharge of the order."""
    _reader(request)
    rows = queries.placed_with_parents(request.user)
    _search_audited(request, "Placed with parents under a care order")
    context = {
        "rows": rows,
        "can_change": _changeable(request, [row.child for row in rows]),
        "page_title": "Placed with parents under a care order",
    }
    return render(request, "permanence/at_home.html", context)


@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """Open court applications by next hearing, and those decided in the last year."""
    _reader(request)
    form = KindFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_bound and form.is_valid() else ""
    found = queries.applications(request.user, kind)
    _search_audited(request, "Court applications" + (f", kind={kind}" if kind else ""))
    context = {
        "form": form,
        "found": found,
        "can_change": _changeable(request, [a.child for a in [*found.open, *found.decided]]),
        "page_title": page_title("Court applications", form),
    }
    return render(request, "permanence/applications.html", context)


@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    """The adoption tracker: each child's steps and days against the scorecard thresholds."""
    _reader(request)
    found = queries.adoption_tracker(request.user)
    _search_audited(request, "Adoption tracker")
    context = {"tracker": found, "thresholds": queries.thresholds(), "page_title": "Adoption tracker"}
    return render(request, "permanence/tracker.html", context)


# --- One child ---------------------------------------------------------------------------------


@require_GET
def child(request: HttpRequest, pk: int) -> HttpResponse:
    """A child's permanence: the current plan and its history, court applications, adoption steps."""
    _reader(request)
    found = queries.get_child(request.user, pk)
    audit.record_view(request.user, found, note="Permanence")
    context = {
        "record": queries.child_permanence(request.user, found),
        "child": found,
        "can_change": can(request.user, "change", found),
        "page_title": f"Permanence - {found.full_name}",
    }
    return render(request, "permanence/child.html", context)


def _form_page(request: HttpRequest, template: str, context: dict[str, Any], heading: str) -> HttpResponse:
    context["heading"] = heading
    context["back"] = _back_to(request, context["child"])
    context["page_title"] = page_title(f"{heading} - {context['child'].full_name}", context["form"])
    return render(request, template, context, status=concurrency.status(context["form"]))


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Record the permanence plan agreed for a child (from their page or from the overdue list)."""
    found = _child_to_change(request, child_pk)
    form = PlanForm(request.POST or None, reviews=queries.reviews_to_choose(request.user, found))
    if request.method == "GET":
        audit.record_view(request.user, found, note="Record a permanence plan")
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.record_plan(signed_in_user(request), child=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request, f"{found.full_name}'s permanence plan is recorded: {plan.get_plan_display()}"
            )
            return redirect(_back_to(request, found))
    return _form_page(
        request, "permanence/plan_form.html", {"form": form, "child": found}, "Record a permanence plan"
    )


@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Record an application to the court (discharge of a care order, revocation, an order ...)."""
    found = _child_to_change(request, child_pk)
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in CourtApplication.Kind.values else {}
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "GET":
        audit.record_view(request.user, found, note="Record a court application")
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.record_application(signed_in_user(request), child=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"The application is recorded: {made.get_kind_display().lower()}")
            return redirect(_back_to(request, found))
    context = {"form": form, "child": found}
    return _form_page(request, "permanence/application_form.html", context, "Record a court application")


@require_http_methods(["GET", "POST"])
def application_update(request: HttpRequest, pk: int) -> HttpResponse:
    """An application: its details, and (for someone who may change the child) the next hearing or outcome."""
    _reader(request)
    found = queries.get_application(request.user, pk)
    may_change = can(request.user, "change", found.child) and found.is_open
    if request.method == "POST" and not may_change:
        raise PermissionDenied("This application cannot be changed by you.")
    initial = {"hearing": found.hearing, "notes": found.notes} | concurrency.versioned(found)
    form = UpdateApplicationForm(request.POST or None, initial=initial)
    if request.method == "GET":
        audit.record_view(request.user, found, note="Court application")
    if (
        request.method == "POST"
        and form.is_valid()
        and concurrency.saved(
            form,
            found,
            lambda: actions.update_application(
                signed_in_user(request), application=found, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, "The application is updated")
        return redirect(_back_to(request, found.child))
    context = {"form": form, "child": found.child, "application": found, "can_change": may_change}
    return _form_page(request, "permanence/application.html", context, found.get_kind_display())
