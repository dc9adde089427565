"""The children-in-care pages: statutory clocks, placement end dates and the early warning.

Views only check who may use the page, validate the input, call a query or an action and
render; every list is narrowed by ``restrict`` in ``care.queries``. The pages are for the
casework roles (a 403 for the others); a record about a child the user may not see is the
same 404 as a missing one; and only someone who may change the child's record sets an end
date, flags a placement at risk or records a team-around-the-child meeting.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from divert.care import actions, queries
from divert.care.forms import CareClocksFilterForm, FlagForm, MeetingForm, PlannedEndForm, ResolveFlagForm
from divert.care.models import Episode, TeamAroundChildMeeting
from divert.cases.queries import Filters
from divert.core import audit, concurrency
from divert.core.access import can, get_for_user, may_read_casework
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.people.models import Child


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
    lists = queries.end_dates(request.user)
    context = {
        "lists": lists,
        "writable": queries.writable_children(request.user, lists.child_ids),
        "ending_soon_days": queries.ENDING_SOON_DAYS,
        "page_title": "Placement end dates",
    }
    return render(request, "care/end_dates.html", context)


# --- Forms: planned end dates and the early warning ----------------------------------------------


def _casework(request: HttpRequest) -> None:
    if not may_read_casework(request.user):
        raise PermissionDenied("Your role does not use the children in care pages.")


def _child_to_change(request: HttpRequest, child_pk: int) -> Child:
    """The child (the same 404 as a missing one when not visible), if the user may change the record."""
    _casework(request)
    child = get_for_user(Child.objects.all(), request.user, "view", pk=child_pk)
    if not can(request.user, "change", child):
        raise PermissionDenied("Only someone who may change the child's record records this.")
    return child


def _saved(request: HttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


@require_http_methods(["GET", "POST"])
def planned_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or change a current placement's planned end date (from the end-date lists or the child's page)."""
    _casework(request)
    episode = get_for_user(Episode.objects.select_related("child", "provider"), request.user, "view", pk=pk)
    child = episode.child
    if not can(request.user, "change", child):
        raise PermissionDenied("Only someone who may change the child's record sets a planned end date.")
    back = "end_dates" if request.GET.get("from") == "end-dates" else "child"
    form = PlannedEndForm(
        request.POST or None, initial={"planned_end": episode.planned_end} | concurrency.versioned(episode)
    )
    if request.method == "GET":
        audit.record_view(request.user, episode, note="Planned end date")
    if (
        request.method == "POST"
        and form.is_valid()
        and concurrency.saved(
            form,
            episode,
            lambda: actions.set_planned_end(
                signed_in_user(request), episode=episode, planned_end=form.cleaned_data["planned_end"]
            ),
        )
    ):
        message = f"{child.full_name}'s planned end date has been saved"
        if back == "end_dates":
            return _saved(request, message, "care:end_dates")
        return _saved(request, message, "people:child", child.pk)
    context = {
        "form": form,
        "episode": episode,
        "child": child,
        "back": back,
        "page_title": page_title(f"Planned end date - {child.full_name}", form),
    }
    return render(request, "care/planned_end_form.html", context, status=concurrency.status(form))


@require_GET
def early_warning(request: HttpRequest) -> HttpResponse:
    """Children who moved in the last 12 months, those one move from three, and placements at risk."""
    _casework(request)
    authority_id: int = request.user.authority_id  # type: ignore[union-attr,assignment]  # checked above
    form = CareClocksFilterForm(request.GET or None, authority_id=authority_id)
    filters = Filters()
    if form.is_bound and form.is_valid():
        filters = Filters(team=form.cleaned_data["team"], worker=form.cleaned_data["worker"])
    found = queries.early_warning(request.user, authority_id, filters)
    chosen = (("team", filters.team), ("worker", filters.worker))
    note = "Early warning" + "".join(f", {name}={value.pk}" for name, value in chosen if value)
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="care.episode", note=note)
    errors = form.is_bound and bool(form.errors)
    context = {
        "form": form,
        "warning": found,
        "filtered": bool(filters.team or filters.worker),
        "page_title": ("Error: " if errors else "") + "Early warning: placement stability",
    }
    return render(request, "care/early_warning.html", context)


@require_http_methods(["GET", "POST"])
def flag_new(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Flag the child's placement at risk of breaking down."""
    child = _child_to_change(request, child_pk)
    placement = queries.current_placement(child)
    form = FlagForm(request.POST or None, initial={"raised": timezone.localdate()})
    if request.method == "GET":
        audit.record_view(request.user, child, note="Flag a placement at risk")
    if request.method == "POST" and form.is_valid():
        try:
            flag = actions.flag_placement_at_risk(signed_in_user(request), child=child, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The placement has been flagged at risk", "care:flag", flag.pk)
    context = {
        "form": form,
        "child": child,
        "placement": placement,
        "page_title": page_title(f"Flag a placement at risk - {child.full_name}", form),
    }
    return render(request, "care/flag_form.html", context)


@require_GET
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    """An at-risk flag: who raised it and why, its meetings, and how it ended."""
    _casework(request)
    found = queries.get_flag(request.user, pk)
    audit.record_view(request.user, found, note="Placement at-risk flag")
    context = {
        "flag": found,
        "child": found.child,
        "meetings": list(found.meetings.order_by("-date", "-pk")),
        "may_change": can(request.user, "change", found.child),
        "page_title": f"Placement at risk - {found.child.full_name}",
    }
    return render(request, "care/flag.html", context)


@require_http_methods(["GET", "POST"])
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _casework(request)
    found = queries.get_flag(request.user, pk)
    child = _child_to_change(request, found.child_id)
    form = ResolveFlagForm(request.POST or None, initial={"resolved": timezone.localdate()})
    if request.method == "GET":
        audit.record_view(request.user, found, note="Resolve a placement at-risk flag")
    if request.method == "POST" and form.is_valid():
        try:
            actions.resolve_flag(signed_in_user(request), flag=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The flag has been resolved", "care:flag", found.pk)
    context = {
        "form": form,
        "flag": found,
        "child": child,
        "page_title": page_title(f"Resolve the at-risk flag - {child.full_name}", form),
    }
    return render(request, "care/flag_resolve.html", context)


def _meeting_initial(request: HttpRequest, flags: list[Any]) -> dict[str, Any]:
    """Start the form on the warning the user came from (``?flag=`` or ``?reason=``)."""
    initial: dict[str, Any] = {"date": timezone.localdate()}
    wanted = request.GET.get("flag", "")
    if any(str(f.pk) == wanted for f in flags):
        initial["answers"] = f"flag:{wanted}"
    elif request.GET.get("reason") in TeamAroundChildMeeting.Reason.values:
        initial["answers"] = request.GET["reason"]
    return initial


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Record a team-around-the-child meeting about the child's placement."""
    child = _child_to_change(request, child_pk)
    flags = queries.child_flags(request.user, child)
    form = MeetingForm(request.POST or None, flags=flags, initial=_meeting_initial(request, flags))
    if request.method == "GET":
        audit.record_view(request.user, child, note="Record a team around the child meeting")
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.record_team_meeting(signed_in_user(request), child=child, **form.changes())
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The meeting has been recorded", "care:meeting", meeting.pk)
    context = {
        "form": form,
        "child": child,
        "page_title": page_title(f"Record a team around the child meeting - {child.full_name}", form),
    }
    return render(request, "care/meeting_form.html", context)


@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A team-around-the-child meeting: who came, what it answered, what was agreed."""
    _casework(request)
    found = queries.get_meeting(request.user, pk)
    audit.record_view(request.user, found, note="Team around the child meeting")
    context = {
        "meeting": found,
        "child": found.child,
        "attendees": [line for line in found.attendees.splitlines() if line.strip()],
        "page_title": f"Team around the child meeting - {found.child.full_name}",
    }
    return render(request, "care/meeting.html", context)
