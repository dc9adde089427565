"""The assessment and child protection clocks, and the forms that start and stop them.

Views only check who may use the page, validate the form, call an action or a query, and
render. A child the user may not see is the same 404 as one that does not exist; a child they
may see but not change is a 403 on a form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from divert.cases import actions, queries
from divert.cases.forms import (
    AssessmentCompleteForm,
    AssessmentStartForm,
    ClocksFilterForm,
    ConferenceForm,
    PlanReviewForm,
    StrategyDiscussionForm,
)
from divert.cases.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    Conference,
    Section47,
    StrategyDiscussion,
)
from divert.core import audit
from divert.core.access import can, get_for_user, may_read_casework
from divert.core.clocks import assessment_due, icpc_due
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.people.models import Child

if TYPE_CHECKING:
    pass


def _require_casework(request: HttpRequest) -> None:
    if not may_read_casework(request.user):
        raise PermissionDenied("Your role does not use the assessment clocks.")


def _changeable(request: HttpRequest, obj: Any) -> None:
    if not can(request.user, "change", obj.child if not isinstance(obj, Child) else obj):
        raise PermissionDenied("Your role cannot change this child's record.")


def _child_to_change(request: HttpRequest, pk: int) -> Child:
    """The child a form writes about: 403 for the wrong role, 404 if unseen, 403 if read-only."""
    _require_casework(request)
    child = get_for_user(Child.objects.all(), request.user, "view", pk=pk)
    _changeable(request, child)
    return child


def _filters(request: HttpRequest) -> tuple[ClocksFilterForm, queries.Filters]:
    """The team and worker filter of a list page (call after ``_require_casework``)."""
    authority_id: int = request.user.authority_id  # type: ignore[union-attr,assignment]  # checked first
    form = ClocksFilterForm(request.GET or None, authority_id=authority_id)
    if form.is_bound and form.is_valid():
        return form, queries.Filters(team=form.cleaned_data["team"], worker=form.cleaned_data["worker"])
    return form, queries.Filters()


def _search_note(title: str, filters: queries.Filters) -> str:
    return title + "".join(
        f", {name}={value.pk}"
        for name, value in (("team", filters.team), ("worker", filters.worker))
        if value
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every running assessment and conference clock for the children the user may see."""
    _require_casework(request)
    form, filters = _filters(request)
    found = queries.clocks(request.user, filters)
    note = _search_note("Assessment clocks", filters)
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="cases.assessment", note=note)
    context = {
        "form": form,
        "clocks": found,
        "filtered": bool(filters.team or filters.worker),
        "page_title": page_title("Assessments and child protection clocks", form),
    }
    return render(request, "cases/index.html", context)


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context["page_title"] = page_title(context["heading"], context["form"])
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def strategy(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Record a strategy discussion; a decision to begin a section 47 enquiry starts the ICPC clock."""
    child = _child_to_change(request, child_pk)
    form = StrategyDiscussionForm(request.POST or None, referrals=queries.open_referrals(request.user, child))
    if request.method == "GET":
        audit.record_view(request.user, child, note="Record a strategy discussion")
    if request.method == "POST" and form.is_valid():
        try:
            discussion = actions.record_strategy_discussion(
                signed_in_user(request), child=child, **form.cleaned_data
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _strategy_message(discussion))
            return redirect("cases:index")
    heading = f"Record a strategy discussion about {child.full_name}"
    return _form_page(request, "cases/strategy_form.html", {"form": form, "child": child, "heading": heading})


def _strategy_message(discussion: StrategyDiscussion) -> str:
    name = discussion.child.first_name
    if discussion.decision == StrategyDiscussion.Decision.SECTION_47:
        due = icpc_due(discussion.date)
        return f"Section 47 enquiry begun for {name}: the initial conference is due by {due.day} {due:%B %Y}"
    return f"Strategy discussion recorded for {name}: {discussion.get_decision_display().lower()}"


@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Start a children and families assessment on one of the child's open referrals."""
    child = _child_to_change(request, child_pk)
    referrals = queries.open_referrals(request.user, child)
    form = AssessmentStartForm(request.POST or None, referrals=referrals)
    if request.method == "GET":
        audit.record_view(request.user, child, note="Start an assessment")
    if request.method == "POST" and form.is_valid():
        try:
            assessment = actions.start_assessment(signed_in_user(request), child=child, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            due = assessment_due(queries.assessment_clock_start(assessment))
            messages.success(
                request, f"Assessment started for {child.first_name}: due by {due.day} {due:%B %Y}"
            )
            return redirect("cases:index")
    context = {
        "form": form,
        "child": child,
        "has_referral": referrals.exists(),
        "heading": f"Start an assessment of {child.full_name}",
    }
    return _form_page(request, "cases/assessment_start_form.html", context)


@require_http_methods(["GET", "POST"])
def assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager authorises the assessment: the date that stops the 45-working-day clock."""
    _require_casework(request)
    assessment = get_for_user(Assessment.objects.select_related("child", "referral"), request.user, pk=pk)
    _changeable(request, assessment)
    form = AssessmentCompleteForm(request.POST or None, initial={"factors": assessment.factors})
    if request.method == "GET":
        audit.record_view(request.user, assessment, note="Authorise an assessment")
    if request.method == "POST" and form.is_valid():
        try:
            actions.authorise_assessment(signed_in_user(request), assessment=assessment, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"{assessment.child.first_name}'s assessment has been authorised")
            return redirect("cases:index")
    due = assessment_due(queries.assessment_clock_start(assessment))
    context = {
        "form": form,
        "assessment": assessment,
        "child": assessment.child,
        "due": due,
        "heading": f"Authorise {assessment.child.full_name}'s assessment",
    }
    return _form_page(request, "cases/assessment_complete_form.html", context)


@require_http_methods(["GET", "POST"])
def conference(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the initial child protection conference for a section 47 enquiry, and say if it was in time."""
    _require_casework(request)
    section47 = get_for_user(Section47.objects.select_related("child"), request.user, pk=pk)
    _changeable(request, section47)
    form = ConferenceForm(request.POST or None)
    if request.method == "GET":
        audit.record_view(request.user, section47, note="Record an initial conference")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            held = actions.record_conference(
                signed_in_user(request),
                child=section47.child,
                kind=Conference.Kind.INITIAL,
                date=data["date"],
                plan_made=data["plan_made"],
                category=data["category"] if data["plan_made"] else "",
                section47=section47,
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            timeliness = queries.Timeliness.of(section47, held.date)
            plan = "a child protection plan was made" if held.plan_made else "no plan was made"
            name = section47.child.first_name
            messages.success(
                request, f"Initial conference recorded for {name}, {timeliness.describe()}: {plan}"
            )
            return redirect("cases:index")
    context = {
        "form": form,
        "section47": section47,
        "child": section47.child,
        "due": icpc_due(section47.strategy_discussion),
        "heading": f"Record {section47.child.full_name}'s initial child protection conference",
    }
    return _form_page(request, "cases/conference_form.html", context)


# Reviews of long-running plans

PLAN_KINDS: dict[str, type[ChildProtectionPlan] | type[CINPlan]] = {
    "cp": ChildProtectionPlan,
    "cin": CINPlan,
}


@require_GET
def plan_reviews(request: HttpRequest) -> HttpResponse:
    """Plans at 9, 12 and 18 months with their reviews, and children in need plans to audit for step-down."""
    _require_casework(request)
    form, filters = _filters(request)
    found = queries.plan_reviews(request.user, filters)
    note = _search_note("Plan reviews", filters)
    audit.record(request.user, AuditEvent.Action.SEARCH, object_type="cases.planreview", note=note)
    context = {
        "form": form,
        "reviews": found,
        "milestones": actions.review_milestones(),
        "filtered": bool(filters.team or filters.worker),
        "page_title": page_title("Child protection and children in need plan reviews", form),
    }
    return render(request, "cases/plan_reviews.html", context)


@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Record a plan's review at a milestone, and its outcome."""
    _require_casework(request)
    if kind not in PLAN_KINDS:
        raise Http404("No such record")
    model = PLAN_KINDS[kind]
    plan = cast(
        "ChildProtectionPlan | CINPlan",
        get_for_user(model.objects.select_related("child"), request.user, pk=pk),
    )
    _changeable(request, plan)
    due = queries.review_due_for(plan)
    form = PlanReviewForm(
        request.POST or None, milestones=actions.review_milestones(), initial={"milestone": due}
    )
    if request.method == "GET":
        audit.record_view(request.user, plan, note="Record a plan review")
    if request.method == "POST" and form.is_valid():
        try:
            review = actions.record_plan_review(signed_in_user(request), plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            name = plan.child.first_name
            outcome = review.get_outcome_display().lower()
            messages.success(request, f"{review.milestone}-month review recorded for {name}: {outcome}")
            return redirect("cases:plan_reviews")
    context = {
        "form": form,
        "plan": plan,
        "child": plan.child,
        "kind": kind,
        "recorded": plan.reviews.order_by("milestone"),
        "milestones": [(m, queries.milestone_date(plan.start, m)) for m in actions.review_milestones()],
        "heading": f"Record a review of {plan.child.full_name}'s {plan._meta.verbose_name}",
    }
    return _form_page(request, "cases/plan_review_form.html", context)
