"""Early help: the open episodes and outcomes, one episode with its history, and the forms that
step a child down, record the assessment, the intervention and the close, and step a child up.

Views only check who may use the page, validate the form, call an action or a query, and
render. An episode (or a child) the user may not see is the same 404 as one that does not
exist; one they may see but not change is a 403 on a form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from divert.cases.queries import open_referrals
from divert.core import audit
from divert.core.access import can, get_for_user, may_read_casework
from divert.core.actions import renamed
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.earlyhelp import actions, queries
from divert.earlyhelp.forms import (
    AssessmentForm,
    CloseForm,
    EarlyHelpFilterForm,
    InterventionForm,
    StepDownForm,
    StepUpForm,
)
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor import actions as frontdoor_actions
from divert.people.models import Child

if TYPE_CHECKING:
    pass


def _require_casework(request: HttpRequest) -> None:
    if not may_read_casework(request.user):
        raise PermissionDenied("Your role does not use the early help pages.")


def _episode_to_change(request: HttpRequest, pk: int) -> EarlyHelpEpisode:
    """403 for the wrong role, 404 for an episode the user may not see, 403 if they may only read it."""
    _require_casework(request)
    episode = queries.episode_for(request.user, pk)
    if not can(request.user, "change", episode.child):
        raise PermissionDenied("Your role cannot change this child's record.")
    return episode


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Open early help, recent closures and a year's outcomes, for the children the user may see."""
    _require_casework(request)
    authority_id: int = request.user.authority_id  # type: ignore[union-attr,assignment]  # checked above
    form = EarlyHelpFilterForm(request.GET or None, authority_id=authority_id)
    filters = queries.Filters()
    if form.is_bound and form.is_valid():
        filters = queries.Filters(form.cleaned_data["locality"], form.cleaned_data["lead_professional"])
    found = queries.index(request.user, filters)
    chosen = (("locality", filters.locality), ("lead_professional", filters.lead_professional))
    note = "Early help" + "".join(f", {name}={value.pk}" for name, value in chosen if value)
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="earlyhelp.earlyhelpepisode", note=note)
    context = {
        "form": form,
        "found": found,
        "filtered": bool(filters.locality or filters.lead_professional),
        "page_title": page_title("Early help", form),
    }
    return render(request, "earlyhelp/index.html", context)


@require_GET
def episode(request: HttpRequest, pk: int) -> HttpResponse:
    """One episode: who leads it, where it stands, its history, and what can be recorded next."""
    _require_casework(request)
    found = queries.episode_for(request.user, pk)
    audit.record_view(request.user, found, note="Early help episode")
    context = {
        "episode": found,
        "child": found.child,
        "history": queries.history(request.user, found),
        "can_change": can(request.user, "change", found.child) and found.end is None,
        "page_title": f"Early help - {found.child.full_name}",
    }
    return render(request, "earlyhelp/episode.html", context)


def _episode_form(
    request: HttpRequest, pk: int, form_class: type[Any], heading: str
) -> tuple[EarlyHelpEpisode, Any, dict[str, Any]]:
    found = _episode_to_change(request, pk)
    form = form_class(request.POST or None)
    if request.method == "GET":
        audit.record_view(request.user, found, note=heading)
    context = {"form": form, "episode": found, "child": found.child, "heading": heading}
    return found, form, context


def _render_form(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context["page_title"] = page_title(
        f"{context['heading']} - {context['child'].full_name}", context["form"]
    )
    return render(request, template, context)


def _saved(request: HttpRequest, found: EarlyHelpEpisode, message: str) -> HttpResponse:
    messages.success(request, message)
    if not can(request.user, "view", found.child):  # closing ended the allocation that let them see it
        return redirect("earlyhelp:index")
    return redirect("earlyhelp:episode", pk=found.pk)


@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the early help assessment, once."""
    found, form, context = _episode_form(request, pk, AssessmentForm, "Early help assessment")
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_assessment(signed_in_user(request), episode=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, found, "The early help assessment has been recorded")
    return _render_form(request, "earlyhelp/assessment_form.html", context)


@require_http_methods(["GET", "POST"])
def intervention(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the family support intervention, planned for 12 weeks unless set otherwise."""
    found, form, context = _episode_form(request, pk, InterventionForm, "Family support intervention")
    if request.method == "POST" and form.is_valid():
        try:
            updated = actions.start_intervention(signed_in_user(request), episode=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            planned = updated.intervention_planned_end
            ends = f"{planned.day} {planned:%B %Y}" if planned else "not set"
            return _saved(request, found, f"Family support has started: planned to end {ends}")
    return _render_form(request, "earlyhelp/intervention_form.html", context)


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close early help with its outcome, ending the lead professional's allocation."""
    found, form, context = _episode_form(request, pk, CloseForm, "Close early help")
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_early_help(signed_in_user(request), episode=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, found, "Early help has been closed")
    return _render_form(request, "earlyhelp/close_form.html", context)


@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Step the child up to social care: a MASH enquiry that carries this episode's history across."""
    found, form, context = _episode_form(request, pk, StepUpForm, "Step up to social care")
    if request.method == "GET":
        form.initial = {"referrer_name": found.lead_professional.name, "method": "email"}
    if request.method == "POST" and form.is_valid():
        try:
            enquiry = frontdoor_actions.step_up(
                signed_in_user(request), episode=found, **form.action_arguments()
            )
        except ValidationError as error:
            form.apply_errors(renamed(error, {"end": "received"}))
        else:
            name = found.child.first_name
            message = f"{name} has been stepped up to the front door as enquiry {enquiry.reference}"
            return _saved(request, found, message)
    return _render_form(request, "earlyhelp/step_up_form.html", context)


@require_http_methods(["GET", "POST"])
def step_down(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Step a child down to early help from an open referral, with a lead professional in a locality."""
    _require_casework(request)
    child = get_for_user(Child.objects.select_related("locality"), request.user, "view", pk=child_pk)
    if not can(request.user, "change", child):
        raise PermissionDenied("Your role cannot change this child's record.")
    referrals = open_referrals(request.user, child)
    form = StepDownForm(
        request.POST or None,
        authority_id=child.authority_id,
        referrals=referrals,
        initial={"locality": child.locality_id},
    )
    if request.method == "GET":
        audit.record_view(request.user, child, note="Step down to early help")
    if request.method == "POST" and form.is_valid():
        try:
            opened = actions.step_down(signed_in_user(request), child=child, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            lead = opened.lead_professional.name
            return _saved(
                request, opened, f"{child.first_name} has been stepped down to early help with {lead}"
            )
    heading = "Step down to early help"
    context = {"form": form, "child": child, "has_referral": referrals.exists(), "heading": heading}
    return _render_form(request, "earlyhelp/step_down_form.html", context)
