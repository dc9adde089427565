"""The carers pages: the recruitment pipeline with its clocks, approvals against the target,
capacity, inactive households for review, the vacancies that fit a child, and adopters.

Carers readers (social workers, managers, analysts, the head of service, finance) read; the
fostering manager (a team manager) and the head of service move households between stages and
record reviews; anyone else gets a 403. A child's page is reached through ``restrict`` (the
same 404 as a missing child) and the look is audited. Views validate input, call a query or an
action, and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.carers import actions, queries, rules
from divert.carers.forms import NeedsForm, ReviewForm, StageForm, stage_choices
from divert.carers.models import FosterHousehold
from divert.core import audit, concurrency
from divert.core.access import get_for_user, may_manage_carers, may_read_carers
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.people.models import Child


def _reader(request: HttpRequest) -> int:
    """The reader's authority, or a 403 for a role that does not use the carers pages."""
    if not may_read_carers(request.user):
        raise PermissionDenied("Your role does not use the foster carer pages.")
    return int(request.user.authority_id)  # type: ignore[union-attr,arg-type]  # checked by may_read_carers


def _manager(request: HttpRequest) -> None:
    if not may_manage_carers(request.user):
        raise PermissionDenied("Only the fostering manager and the head of service move households.")


def _household(request: HttpRequest, pk: int) -> FosterHousehold:
    """One of the reader's authority's households (another council's is the same 404)."""
    return get_object_or_404(queries.households(_reader(request)), pk=pk)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The month at a glance: the pipeline by stage with overdue, approvals, and capacity."""
    authority_id = _reader(request)
    stages = queries.pipeline(authority_id)
    approvals = queries.approvals_by_month(authority_id)
    waiting = sum(row.count for row in stages)
    context = {
        "stages": stages,
        "waiting": waiting,
        "overdue": sum(row.overdue for row in stages),
        "approvals": approvals,
        "approved_this_year": approvals[-1].cumulative if approvals else 0,
        "capacity": queries.capacity(authority_id).total,
        "inactive": len(queries.inactive(authority_id)),
        "targets": {
            "approvals": rules.APPROVALS_A_YEAR_TARGET,
            "places": rules.PLACES_A_YEAR_TARGET,
            "waiting": rules.WAITING_TARGET,
        },
        "page_title": "Foster carers",
    }
    return render(request, "carers/index.html", context)


@require_GET
def pipeline(request: HttpRequest) -> HttpResponse:
    """Households in recruitment, stage by stage, with time in stage and the overdue flagged."""
    authority_id = _reader(request)
    context = {"stages": queries.pipeline(authority_id), "page_title": "Foster carer recruitment"}
    return render(request, "carers/pipeline.html", context)


@require_GET
def adopters(request: HttpRequest) -> HttpResponse:
    """Adopters through the two-stage process to approval, matching and placing."""
    authority_id = _reader(request)
    context = {"stages": queries.pipeline(authority_id, adopters=True), "page_title": "Adopters"}
    return render(request, "carers/adopters.html", context)


def _household_page(
    request: HttpRequest, household: FosterHousehold, form: StageForm | None, review: ReviewForm | None
) -> HttpResponse:
    can_manage = may_manage_carers(request.user)
    if can_manage and form is None:
        form = StageForm(choices=stage_choices(household), initial=concurrency.versioned(household))
    if can_manage and review is None:
        review = ReviewForm()
    clock = queries.in_stage(household, queries.today())
    occupied = queries.occupied_by_household([household.pk], queries.today())[household.pk]
    title = str(household)
    context = {
        "household": household,
        "clock": clock,
        "occupied": occupied,
        "history": queries.history(household),
        "form": form,
        "review": review,
        "can_manage": can_manage,
        "reviewable": household.stage in rules.APPROVED_STAGES | {FosterHousehold.Stage.INACTIVE},
        "page_title": page_title(title, form if form is not None and form.is_bound else review),
    }
    return render(request, "carers/household.html", context, status=concurrency.status(form))


@require_http_methods(["GET", "POST"])
def household(request: HttpRequest, pk: int) -> HttpResponse:
    """A household: its details, its stage history, and for managers the move to the next stage."""
    found = _household(request, pk)
    if request.method != "POST":
        return _household_page(request, found, None, None)
    _manager(request)
    form = StageForm(request.POST, choices=stage_choices(found))
    if form.is_valid():
        data = form.cleaned_data
        if concurrency.saved(
            form,
            found,
            lambda: actions.move_to_stage(
                signed_in_user(request),
                household=found,
                stage=data["stage"],
                day=data["day"],
                note=data["note"],
                approved_places=data["approved_places"],
                age_from=data["age_from"],
                age_to=data["age_to"],
                skills={k: data[k] for k in ("parent_and_child", "complex_needs", "sibling_groups")},
            ),
        ):
            messages.success(request, f"{found.name} moved to {found.get_stage_display().lower()}")
            return redirect("carers:household", found.pk)
    return _household_page(request, found, form, None)


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a review of an inactive household."""
    found = _household(request, pk)
    _manager(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review_household(signed_in_user(request), household=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"The review of {found.name} has been recorded")
            return redirect("carers:household", found.pk)
    return _household_page(request, found, None, form)


@require_GET
def capacity(request: HttpRequest) -> HttpResponse:
    """Approved, occupied and vacant places, by the age range approved for and by skill."""
    authority_id = _reader(request)
    context = {"capacity": queries.capacity(authority_id), "page_title": "Foster carer capacity"}
    return render(request, "carers/capacity.html", context)


@require_GET
def inactive(request: HttpRequest) -> HttpResponse:
    """Approved households with no child for six months, or marked inactive: to review."""
    authority_id = _reader(request)
    context = {
        "rows": queries.inactive(authority_id),
        "months": rules.INACTIVE_AFTER_MONTHS,
        "page_title": "Inactive foster carers",
    }
    return render(request, "carers/inactive.html", context)


@require_GET
def vacancies(request: HttpRequest, child_pk: int) -> HttpResponse:
    """The vacancies that fit a child: age within range, room for brothers and sisters, needs."""
    authority_id = _reader(request)
    child = get_for_user(Child.objects.all(), request.user, "view", pk=child_pk)
    audit.record(request.user, AuditEvent.Action.VIEW, child, note="Foster carer vacancies for the child")
    form = NeedsForm(request.GET or None)
    needs = form.cleaned_data if form.is_bound and form.is_valid() else {}
    on = queries.today()
    found = queries.vacancies(
        authority_id,
        child,
        siblings=needs.get("siblings") or 1,
        complex_needs=bool(needs.get("complex_needs")),
        parent_and_child=bool(needs.get("parent_and_child")),
        on=on,
    )
    context = {
        "child": child,
        "age": queries.age_on(child, on),
        "form": form if form.is_bound else NeedsForm(),
        "vacancies": found,
        "page_title": page_title(
            f"Foster carer vacancies for {child.full_name}", form if form.is_bound else None
        ),
    }
    return render(request, "carers/vacancies.html", context)
