"""The panels' pages: the month against the cap, meetings and their agendas, proposals to
accommodate, resource requests and their options, and placements made without approval.

Who may do what is ``core.access``'s: panel readers read (a 403 for anyone else), the items
about children they may not see are the same 404 as missing ones, people who may change a
child bring them to a panel, and managers and the head of service run the meetings and record
the decisions. Views validate input, call a query or an action, and render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.core import audit
from divert.core.access import can, get_for_user, may_read_panels, may_run_panels, panel_meetings_for
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.panels import actions, queries
from divert.panels.forms import (
    DecideProposalForm,
    DecideResourceForm,
    LinkPlacementForm,
    MeetingForm,
    OptionForm,
    PeriodForm,
    ProposalForm,
    ResourceRequestForm,
)
from divert.panels.models import EdgeOfCareProposal, PanelMeeting, ResourceRequest
from divert.people.models import Child


def _reader(request: HttpRequest) -> int:
    """The reader's authority, or a 403 for a role that does not use the panels."""
    if not may_read_panels(request.user):
        raise PermissionDenied("Your role does not use the panels.")
    return int(request.user.authority_id)  # type: ignore[union-attr,arg-type]  # checked by may_read_panels


def _runner(request: HttpRequest) -> None:
    if not may_run_panels(request.user):
        raise PermissionDenied("Only managers and the head of service run panels and record decisions.")


def _may_bring(request: HttpRequest, child: Child) -> bool:
    """A child is brought to a panel by someone who may change their record, or by a panel's runner."""
    return can(request.user, "change", child) or may_run_panels(request.user)


def _child_to_bring(request: HttpRequest, child_pk: int) -> Child:
    _reader(request)
    child = get_for_user(Child.objects.all(), request.user, "view", pk=child_pk)
    if not can(request.user, "change", child):
        raise PermissionDenied("Only someone who may change the child's record brings them to a panel.")
    return child


def _search_audited(request: HttpRequest, note: str) -> None:
    """A list of children is one audit row (as a search), not one per child."""
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="panels", note=note)


def _saved(request: HttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


# --- Overview and entries ----------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The month at a glance: entries against the cap, meetings, and what is waiting for a panel."""
    authority_id = _reader(request)
    overview = queries.overview(request.user, authority_id)
    _search_audited(request, "Panels overview")
    context = {
        "overview": overview,
        "figures": overview.figures,
        "can_run": may_run_panels(request.user),
        "page_title": "Panels",
    }
    return render(request, "panels/index.html", context)


@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    """A month's entries to care against the cap, each child with how they came in."""
    authority_id = _reader(request)
    this_month = queries.month_start(queries.today())
    month = queries.parse_month(request.GET.get("month")) or this_month
    month = min(month, this_month)
    page = queries.month_page(request.user, authority_id, month)
    _search_audited(request, f"Entries to care, {month:%B %Y}")
    context = {
        "page": page,
        "figures": page.figures,
        "month": month,
        "page_title": f"Entries to care, {month:%B %Y}",
    }
    return render(request, "panels/entries.html", context)


# --- Meetings ----------------------------------------------------------------------------------


@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    """Every meeting of the authority's panels, newest first, with how many items each heard."""
    _reader(request)
    kind = request.GET.get("kind", "")
    found = (
        panel_meetings_for(request.user)
        .annotate(
            proposals=Count("edge_of_care_items", distinct=True),
            requests=Count("resource_items", distinct=True),
        )
        .order_by("-date", "-pk")
    )
    if kind in PanelMeeting.Kind.values:
        found = found.filter(kind=kind)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kind": kind,
        "kinds": PanelMeeting.Kind.choices,
        "can_run": may_run_panels(request.user),
        "page_title": "Panel meetings",
    }
    return render(request, "panels/meetings.html", context)


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    _reader(request)
    _runner(request)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in PanelMeeting.Kind.values else {}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(
                signed_in_user(request),
                authority=request.user.authority,  # type: ignore[union-attr,arg-type]
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, f"The {meeting} has been set up", "panels:meeting", meeting.pk)
    return render(
        request,
        "panels/meeting_form.html",
        {"form": form, "page_title": page_title("Set up a panel meeting", form)},
    )


@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting's agenda: the items the reader may see (each view audited), and what is waiting."""
    _reader(request)
    found = queries.get_meeting(request.user, pk)
    agenda = queries.agenda(request.user, found)
    for item in [*agenda.proposals, *agenda.requests, *agenda.waiting]:
        audit.record_view(request.user, item, note=f"Agenda of the {found}")
    context = {
        "meeting": found,
        "agenda": agenda,
        "attendees": [line for line in found.attendees.splitlines() if line.strip()],
        "can_run": may_run_panels(request.user),
        "page_title": str(found),
    }
    return render(request, "panels/meeting.html", context)


def _agenda_item(request: HttpRequest, value: str) -> EdgeOfCareProposal | ResourceRequest:
    kind, _, pk = value.partition(":")
    getter: Callable[[Any, int], EdgeOfCareProposal | ResourceRequest]
    getter = queries.get_request if kind == "request" else queries.get_proposal
    return getter(request.user, int(pk) if pk.isdigit() else 0)


@require_POST
def add_to_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a waiting proposal or request on this meeting's agenda (a button on the meeting page)."""
    _reader(request)
    _runner(request)
    found = queries.get_meeting(request.user, pk)
    item = _agenda_item(request, request.POST.get("item", ""))
    try:
        actions.add_to_meeting(signed_in_user(request), meeting=found, item=item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("panels:meeting", found.pk)
    return _saved(request, f"{item.child.full_name} is on the agenda", "panels:meeting", found.pk)


# --- The edge-of-care panel ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Propose to accommodate a child (or record an emergency for the panel to review)."""
    child = _child_to_bring(request, child_pk)
    meetings = queries.meetings_to_choose(request.user, PanelMeeting.Kind.EDGE_OF_CARE, upcoming=True)
    form = ProposalForm(request.POST or None, meetings=meetings)
    if request.method == "GET":
        audit.record_view(request.user, child, note="Propose accommodation")
    if request.method == "POST" and form.is_valid():
        try:
            proposal = actions.propose_accommodation(
                signed_in_user(request),
                child=child,
                meeting=form.cleaned_data.get("meeting"),
                **form.changes(),
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The proposal has been recorded", "panels:proposal", proposal.pk)
    context = {
        "form": form,
        "child": child,
        "page_title": page_title(f"Propose accommodation - {child.full_name}", form),
    }
    return render(request, "panels/proposal_form.html", context)


@require_GET
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal with its alternatives, the panel's decision and the 3- and 12-month follow-up."""
    _reader(request)
    found = queries.get_proposal(request.user, pk)
    audit.record_view(request.user, found, note="Edge-of-care proposal")
    context = {
        "proposal": found,
        "child": found.child,
        "alternatives": list(found.alternatives.all()),
        "follow_ups": queries.follow_ups(found),
        "can_decide": may_run_panels(request.user) and not found.decision,
        "page_title": f"Edge-of-care proposal - {found.child.full_name}",
    }
    return render(request, "panels/proposal.html", context)


@require_http_methods(["GET", "POST"])
def decide_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    found = queries.get_proposal(request.user, pk)
    _runner(request)
    if found.decision:
        messages.info(request, "The panel's decision on this proposal is already recorded")
        return redirect("panels:proposal", found.pk)
    meetings = queries.meetings_to_choose(request.user, PanelMeeting.Kind.EDGE_OF_CARE, upcoming=False)
    initial = {"meeting": found.meeting_id} if found.meeting and found.meeting.date <= queries.today() else {}
    form = DecideProposalForm(request.POST or None, meetings=meetings, initial=initial)
    if request.method == "GET":
        audit.record_view(request.user, found, note="Record the panel's decision")
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_proposal(signed_in_user(request), proposal=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The panel's decision has been recorded", "panels:proposal", found.pk)
    context = {
        "form": form,
        "proposal": found,
        "child": found.child,
        "page_title": page_title(f"Record the panel's decision - {found.child.full_name}", form),
    }
    return render(request, "panels/decide_proposal.html", context)


# --- The resource panel --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Ask the resource panel for a high-cost or independent-sector placement for a child."""
    child = _child_to_bring(request, child_pk)
    meetings = queries.meetings_to_choose(request.user, PanelMeeting.Kind.RESOURCE, upcoming=True)
    form = ResourceRequestForm(request.POST or None, meetings=meetings)
    if request.method == "GET":
        audit.record_view(request.user, child, note="Request resources")
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.request_resources(signed_in_user(request), child=child, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(
                request, "The request has been recorded: now add the options", "panels:resource", made.pk
            )
    context = {
        "form": form,
        "child": child,
        "threshold": queries.threshold(),
        "page_title": page_title(f"Request a placement - {child.full_name}", form),
    }
    return render(request, "panels/request_form.html", context)


@require_GET
def resource(request: HttpRequest, pk: int) -> HttpResponse:
    """A resource request with its options appraisal, the decision and the placement made."""
    _reader(request)
    found = queries.get_request(request.user, pk)
    audit.record_view(request.user, found, note="Resource request")
    may_bring = _may_bring(request, found.child)
    approved = found.decision == ResourceRequest.Decision.APPROVE
    context = {
        "req": found,
        "child": found.child,
        "rows": queries.appraisal(found),
        "can_add_option": may_bring and not found.decision,
        "can_decide": may_run_panels(request.user) and not found.decision,
        "can_link": may_bring and approved and found.episode_id is None,
        "page_title": f"Resource request - {found.child.full_name}",
    }
    return render(request, "panels/resource.html", context)


@require_http_methods(["GET", "POST"])
def add_option(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    found = queries.get_request(request.user, pk)
    if not _may_bring(request, found.child):
        raise PermissionDenied("Only the child's workers and the panel add options.")
    if found.decision:
        messages.info(request, "The panel has decided this request: no more options can be added")
        return redirect("panels:resource", found.pk)
    form = OptionForm(
        request.POST or None, authority_id=found.child.authority_id, initial={"available": True}
    )
    if request.method == "GET":
        audit.record_view(request.user, found, note="Add an option")
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_option(signed_in_user(request), request=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The option has been added", "panels:resource", found.pk)
    context = {
        "form": form,
        "req": found,
        "child": found.child,
        "page_title": page_title(f"Add an option - {found.child.full_name}", form),
    }
    return render(request, "panels/option_form.html", context)


@require_http_methods(["GET", "POST"])
def decide_resource(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    found = queries.get_request(request.user, pk)
    _runner(request)
    if found.decision:
        messages.info(request, "The panel's decision on this request is already recorded")
        return redirect("panels:resource", found.pk)
    meetings = queries.meetings_to_choose(request.user, PanelMeeting.Kind.RESOURCE, upcoming=False)
    initial = {"meeting": found.meeting_id} if found.meeting and found.meeting.date <= queries.today() else {}
    form = DecideResourceForm(
        request.POST or None, meetings=meetings, options=found.options.all(), initial=initial
    )
    if request.method == "GET":
        audit.record_view(request.user, found, note="Record the resource panel's decision")
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_resource(signed_in_user(request), request=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The panel's decision has been recorded", "panels:resource", found.pk)
    context = {
        "form": form,
        "req": found,
        "child": found.child,
        "page_title": page_title(f"Record the resource panel's decision - {found.child.full_name}", form),
    }
    return render(request, "panels/decide_resource.html", context)


@require_http_methods(["GET", "POST"])
def link_placement(request: HttpRequest, pk: int) -> HttpResponse:
    """Say which placement was made under an approval (it takes the approved end date)."""
    _reader(request)
    found = queries.get_request(request.user, pk)
    if not _may_bring(request, found.child):
        raise PermissionDenied("Only the child's workers and the panel link placements.")
    if found.decision != ResourceRequest.Decision.APPROVE or found.episode_id is not None:
        messages.info(request, "Only an approved request not yet linked can be linked to a placement")
        return redirect("panels:resource", found.pk)
    form = LinkPlacementForm(request.POST or None, episodes=queries.placements_to_link(found))
    if request.method == "GET":
        audit.record_view(request.user, found, note="Link the placement made")
    if request.method == "POST" and form.is_valid():
        try:
            actions.link_placement(signed_in_user(request), request=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(
                request, "The placement has been linked to the approval", "panels:resource", found.pk
            )
    context = {
        "form": form,
        "req": found,
        "child": found.child,
        "page_title": page_title(f"Link the placement - {found.child.full_name}", form),
    }
    return render(request, "panels/link_form.html", context)


@require_GET
def unapproved(request: HttpRequest) -> HttpResponse:
    """Placements started in a period that needed the resource panel's approval and have none."""
    authority_id = _reader(request)
    first, last = queries.default_unapproved_period()
    form = PeriodForm(request.GET or None, initial={"start": first, "end": last})
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    result = None
    if not form.is_bound or form.is_valid():
        result = queries.unapproved_placements(request.user, authority_id, first, last)
        _search_audited(request, f"Placements without approval, {first:%d/%m/%Y} to {last:%d/%m/%Y}")
    context = {
        "form": form,
        "result": result,
        "threshold": queries.threshold(),
        "page_title": page_title("Placements without approval", form),
    }
    return render(request, "panels/unapproved.html", context)
