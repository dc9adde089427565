"""The placement review's pages: the programme, meetings and their screen, plans, and the savings.

Who may do what is ``core.access``'s: placement review readers read (a 403 for anyone else),
plans about a child the reader may not see are the same 404 as missing ones, and team managers
and the head of service hold the meetings and record decisions. Views validate input, call a
query or an action, and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.core import audit
from divert.core.access import get_for_user, may_read_placement_review, may_run_placement_review
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.core.spreadsheet import write_csv
from divert.people.models import Child
from divert.stepdown import actions, queries, savings
from divert.stepdown.forms import DecisionForm, FeeForm, MeetingForm, WithdrawForm
from divert.stepdown.models import PlacementReviewMeeting

#: Children a page of the programme lists.
PROGRAMME_PAGE = 50


def _reader(request: HttpRequest) -> int:
    """The reader's authority, or a 403 for a role that does not use the placement review."""
    if not may_read_placement_review(request.user):
        raise PermissionDenied("Your role does not use the placement review.")
    return int(request.user.authority_id)  # type: ignore[union-attr,arg-type]  # checked above


def _runner(request: HttpRequest) -> None:
    if not may_run_placement_review(request.user):
        raise PermissionDenied(
            "Only team managers and the head of service record placement review decisions."
        )


def _search_audited(request: HttpRequest, note: str) -> None:
    """A list of children is one audit row (as a search), not one per child."""
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="stepdown", note=note)


def _saved(request: HttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The rolling programme: every child not in a permanent placement, in review order."""
    authority_id = _reader(request)
    rows = queries.programme(request.user, authority_id)
    show = request.GET.get("show", "")
    listed = [r for r in rows if r.due] if show == "due" else rows
    page = Paginator(listed, PROGRAMME_PAGE).get_page(request.GET.get("page"))
    _search_audited(request, "Placement review programme")
    context = {
        "figures": queries.figures(rows),
        "page": page,
        "show": show,
        "first": page.start_index(),
        "can_run": may_run_placement_review(request.user),
        "next_meeting": queries.meetings_for(request.user).filter(closed=False).order_by("date").first(),
        "page_title": "Placement review",
    }
    return render(request, "stepdown/index.html", context)


@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    _reader(request)
    found = queries.meetings_for(request.user).annotate(heard=Count("decisions")).order_by("-date", "-pk")
    context = {
        "page": Paginator(found, 25).get_page(request.GET.get("page")),
        "can_run": may_run_placement_review(request.user),
        "page_title": "Placement review meetings",
    }
    return render(request, "stepdown/meetings.html", context)


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    _reader(request)
    _runner(request)
    form = MeetingForm(request.POST or None)
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
            return _saved(request, f"The {meeting} has been set up", "stepdown:meeting", meeting.pk)
    return render(
        request,
        "stepdown/meeting_form.html",
        {"form": form, "page_title": page_title("Set up a placement review meeting", form)},
    )


def _decision_form(
    request: HttpRequest, meeting: PlacementReviewMeeting, row: queries.ProgrammeRow, data: Any = None
) -> DecisionForm:
    return DecisionForm(
        data,
        authority_id=meeting.authority_id,
        prefix=f"c{row.child.pk}",
        initial={"acts": row.worker_pk},
    )


def _meeting_page(
    request: HttpRequest,
    meeting: PlacementReviewMeeting,
    bound: DecisionForm | None = None,
    child_pk: int = 0,
) -> HttpResponse:
    found = queries.agenda(request.user, meeting)
    for decision, _ in found.decided:
        audit.record_view(request.user, decision, note=f"Decisions of the {meeting}")
    for row in found.due:
        audit.record_view(request.user, row.episode, note=f"Due at the {meeting}")
    can_run = (
        may_run_placement_review(request.user) and not meeting.closed and meeting.date <= queries.today()
    )
    forms = (
        {
            row.child.pk: (
                bound
                if bound is not None and row.child.pk == child_pk
                else _decision_form(request, meeting, row)
            )
            for row in found.due
        }
        if can_run
        else {}
    )
    context = {
        "meeting": meeting,
        "agenda": found,
        "due": [(row, forms.get(row.child.pk)) for row in found.due],
        "bound": bound,
        "attendees": [line for line in meeting.attendees.splitlines() if line.strip()],
        "can_run": can_run,
        "page_title": page_title(str(meeting), bound),
    }
    return render(request, "stepdown/meeting.html", context, status=200)


@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting screen: the decisions recorded, then the children due, costliest first."""
    _reader(request)
    return _meeting_page(request, queries.get_meeting(request.user, pk))


@require_POST
def decide(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    """Record the meeting's decision for one child (the form beside the child on the meeting screen)."""
    _reader(request)
    _runner(request)
    found = queries.get_meeting(request.user, pk)
    child = get_for_user(Child.objects.all(), request.user, "view", pk=child_pk)
    form = DecisionForm(request.POST, authority_id=found.authority_id, prefix=f"c{child.pk}")
    if form.is_valid():
        try:
            actions.record_decision(signed_in_user(request), meeting=found, child=child, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(
                request, f"The decision for {child.full_name} has been recorded", "stepdown:meeting", pk
            )
    return _meeting_page(request, found, form, child.pk)


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    _runner(request)
    found = queries.get_meeting(request.user, pk)
    try:
        actions.close_meeting(signed_in_user(request), found)
    except ValidationError:
        messages.error(request, "This meeting is already closed")
        return redirect("stepdown:meeting", pk)
    return _saved(request, f"The {found} has been closed", "stepdown:meeting", pk)


@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """One plan: where the child is to go, by when, who acts, and the saving expected and realised."""
    _reader(request)
    found = queries.get_plan(request.user, pk)
    audit.record_view(request.user, found)
    state = queries.plan_state(found)
    context = {
        "plan": found,
        "state": state,
        "weeks": savings.saving_weeks(),
        "can_run": may_run_placement_review(request.user),
        "page_title": f"Step-down plan for {found.child.full_name}",
    }
    return render(request, "stepdown/plan.html", context)


def _plan_to_change(request: HttpRequest, pk: int) -> Any:
    _reader(request)
    _runner(request)
    return queries.get_plan(request.user, pk)


@require_http_methods(["GET", "POST"])
def agree_fee(request: HttpRequest, pk: int) -> HttpResponse:
    found = _plan_to_change(request, pk)
    form = FeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.agree_fee(signed_in_user(request), found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The agreed fee has been recorded", "stepdown:plan", pk)
    context = {"plan": found, "form": form, "page_title": page_title("Record the fee agreed", form)}
    return render(request, "stepdown/fee_form.html", context)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _plan_to_change(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_plan(signed_in_user(request), found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The plan has been withdrawn", "stepdown:plan", pk)
    context = {"plan": found, "form": form, "page_title": page_title("Withdraw the plan", form)}
    return render(request, "stepdown/withdraw_form.html", context)


@require_GET
def savings_page(request: HttpRequest) -> HttpResponse:
    """Expected against realised savings, by destination and month, and the plans that slipped."""
    authority_id = _reader(request)
    summary = queries.savings_summary(request.user, authority_id)
    _search_audited(request, "Placement review savings")
    context = {"summary": summary, "weeks": savings.saving_weeks(), "page_title": "Step-down savings"}
    return render(request, "stepdown/savings.html", context)


CSV_COLUMNS = (
    "Child ID",
    "Destination",
    "Status",
    "Target date",
    "Weekly cost before",
    "Expected weekly cost",
    "Expected saving (full year)",
    "Achieved on",
    "Weekly cost after",
    "Realised saving (full year)",
    "Realised saving to date",
    "Days late",
)


@require_GET
def savings_csv(request: HttpRequest) -> HttpResponse:
    """Every plan (withdrawn aside) with its savings, for finance's own spreadsheets."""
    authority_id = _reader(request)
    summary = queries.savings_summary(request.user, authority_id)
    _search_audited(request, "Placement review savings (CSV)")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="step-down-savings.csv"'
    rows = []
    for state in summary.states:
        p, r = state.plan, state.realised
        rows.append(
            [
                p.child.child_id,
                p.get_destination_display(),
                state.status_label,
                p.target_date.isoformat(),
                p.weekly_cost_before,
                p.expected_weekly_cost,
                state.expected_full_year,
                r.date.isoformat() if r else "",
                r.weekly_cost if r else "",
                state.realised_full_year if r else "",
                state.realised_to_date if r else "",
                state.days_late or "",
            ]
        )
    write_csv(response, CSV_COLUMNS, rows)  # type: ignore[arg-type]  # every cell through safe_cell (formula injection)
    return response
