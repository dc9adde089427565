"""The MASH's pages (the queue, an enquiry, its children added, matched or removed, requests to
partners, the decision) and the partner agencies' pages (the requests sent to them, and the answer).

Views only check the role, validate input, call a query or an action, and render. A page the
role may not use is a 403; an enquiry, request or contact the user may not read is the same
404 as one that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.core import audit, concurrency
from divert.core.access import may_answer_information_requests, may_read_front_door, may_work_front_door
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.frontdoor import actions, queries
from divert.frontdoor.forms import (
    AnswerForm,
    DecisionForm,
    EnquiryEditForm,
    EnquiryForm,
    InformationRequestForm,
    MatchForm,
    NamedChildForm,
    NewEnquiryForms,
    RemoveChildForm,
)
from divert.frontdoor.matching import find_matches
from divert.frontdoor.models import Enquiry, InformationRequest

#: Answered requests shown a page at a time (an agency answers thousands a year).
ANSWERED_PAGE_SIZE = 25

if TYPE_CHECKING:
    pass


def _readers_only(request: HttpRequest) -> None:
    if not may_read_front_door(request.user):
        raise PermissionDenied("Your role does not give access to the front door.")


def _workers_only(request: HttpRequest) -> None:
    if not may_work_front_door(request.user):
        raise PermissionDenied("Only MASH officers record work at the front door.")


def _partners_only(request: HttpRequest) -> None:
    if not may_answer_information_requests(request.user):
        raise PermissionDenied("Information requests are answered by partner agencies.")


def _open_enquiry(request: HttpRequest, pk: int) -> Enquiry:
    """The enquiry to work on: a MASH officer's, and still open (a closed one cannot be edited)."""
    _workers_only(request)
    enquiry = queries.get_enquiry(request.user, pk)
    if enquiry.closed is not None:
        raise PermissionDenied("This enquiry is closed, and a closed contact cannot be edited.")
    return enquiry


# The queue


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open enquiries, earliest decision due first, with their clocks, children and requests."""
    _readers_only(request)
    show = request.GET.get("show", "all")
    if show not in queries.SHOWS:
        show = "all"
    today = timezone.localdate()
    if show == "decided":
        enquiries = queries.recently_decided(request.user, today)
    else:
        enquiries = queries.open_enquiries(request.user, show, today)
    rows = queries.queue_rows(request.user, enquiries, today)
    audit.record(
        request.user, AuditEvent.Action.SEARCH, object_type="frontdoor.enquiry", note=f"MASH queue: {show}"
    )
    context = {
        "rows": rows,
        "figures": _figures(queries.counts(request.user, today)),
        "show": show,
        "show_label": queries.SHOWS[show],
        "shows": queries.SHOWS,
        "can_work": may_work_front_door(request.user),
        "page_title": f"Front door: {queries.SHOWS[show].lower()}",
    }
    return render(request, "frontdoor/queue.html", context)


def _figures(counts: queries.QueueCounts) -> list[tuple[str, int]]:
    return [
        ("Open", counts.open),
        ("Overdue", counts.overdue),
        ("Due today", counts.due_today),
        ("Decided today", counts.decided_today),
    ]


@require_http_methods(["GET", "POST"])
def new_enquiry(request: HttpRequest) -> HttpResponse:
    """Record what reached the MASH, naming the children as the referrer did."""
    _workers_only(request)
    forms = NewEnquiryForms(request.POST or None)
    if request.method == "POST" and forms.is_valid():
        try:
            enquiry = actions.record_enquiry(
                signed_in_user(request),
                authority=signed_in_user(request).authority,  # type: ignore[arg-type]  # may_work_front_door checked it
                children=forms.named_children(),
                household=forms.members(),
                **forms.main.changes(),
            )
        except ValidationError as error:
            forms.apply_errors(error)
        else:
            messages.success(request, f"Enquiry {enquiry.reference} recorded: now match the children")
            return redirect("frontdoor:enquiry", pk=enquiry.pk)
    context = {"forms": forms, "form": forms, "page_title": page_title("Record an enquiry", forms)}
    return render(request, "frontdoor/new.html", context)


# One enquiry


@require_GET
def enquiry(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one enquiry; each matched child's record read here is audited."""
    _readers_only(request)
    found = queries.get_enquiry(request.user, pk)
    detail = queries.enquiry_detail(request.user, found)
    for contact in detail.contacts:
        audit.record_view(request.user, contact, note=f"Enquiry {found.reference}")
    if not detail.contacts:
        audit.record(request.user, AuditEvent.Action.VIEW, found, note="Enquiry")
    context = {
        "detail": detail,
        "enquiry": found,
        "can_work": may_work_front_door(request.user) and found.closed is None,
        "page_title": f"Enquiry {found.reference}",
    }
    return render(request, "frontdoor/enquiry.html", context)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an open enquiry's details."""
    found = _open_enquiry(request, pk)
    initial = EnquiryForm.initial_for(found) | concurrency.versioned(found)
    form = EnquiryEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and concurrency.saved(
            form,
            found,
            lambda: actions.update_enquiry(signed_in_user(request), enquiry=found, **form.changes()),
        )
    ):
        messages.success(request, f"Enquiry {found.reference} has been updated")
        return redirect("frontdoor:enquiry", pk=found.pk)
    context = {
        "form": form,
        "enquiry": found,
        "page_title": page_title(f"Edit enquiry {found.reference}", form),
    }
    return render(request, "frontdoor/edit.html", context, status=concurrency.status(form))


@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer takes the enquiry: it is theirs to work and shows in "Mine"."""
    found = _open_enquiry(request, pk)
    actions.take_enquiry(signed_in_user(request), enquiry=found)
    messages.success(request, f"You have taken enquiry {found.reference}")
    return redirect("frontdoor:enquiry", pk=found.pk)


@require_http_methods(["GET", "POST"])
def match(request: HttpRequest, pk: int) -> HttpResponse:
    """Match a named child to the register, or add a new child on purpose."""
    _workers_only(request)
    named = queries.get_named(request.user, pk)
    found = named.enquiry
    if found.closed is not None or named.child_id is not None:
        return redirect("frontdoor:enquiry", pk=found.pk)
    candidates = find_matches(request.user, named=named)
    audit.record(
        request.user,
        AuditEvent.Action.SEARCH,
        object_type="people.child",
        note=f"Match for {found.reference}",
    )
    form = MatchForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = form.chosen()
            if chosen is not None:
                actions.match_child(signed_in_user(request), named=named, child=chosen.child)
            elif form.cleaned_data["choice"] == MatchForm.OTHER:
                other = queries.child_by_id(request.user, form.cleaned_data["other_child_id"])
                actions.match_child(signed_in_user(request), named=named, child=other)
            else:
                actions.add_new_child(
                    signed_in_user(request),
                    named=named,
                    confirm_no_match=form.cleaned_data["confirm_no_match"],
                    **form.new_child_fields(),
                )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"{named} has been matched")
            return redirect("frontdoor:enquiry", pk=found.pk)
    context = {
        "form": form,
        "named": named,
        "enquiry": found,
        "candidates": candidates,
        "strong": [c for c in candidates if c.strength == "strong"],
        "page_title": page_title(f"Match {named}", form),
    }
    return render(request, "frontdoor/match.html", context)


@require_http_methods(["GET", "POST"])
def add_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Name another child on an open enquiry: a sibling the MASH learnt of in its checks."""
    found = _open_enquiry(request, pk)
    form = NamedChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            named = actions.add_named_child(signed_in_user(request), enquiry=found, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"{named} has been added to the enquiry: now match them")
            return redirect("frontdoor:enquiry", pk=found.pk)
    context = {
        "form": form,
        "enquiry": found,
        "named": list(found.children.all()),
        "page_title": page_title(f"Add a child - {found.reference}", form),
    }
    return render(request, "frontdoor/add_child.html", context)


@require_http_methods(["GET", "POST"])
def remove_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, with a reason, that a child not yet matched was named in error, and remove them."""
    _workers_only(request)
    named = queries.get_named(request.user, pk)
    found = named.enquiry
    if found.closed is not None or named.child_id is not None:
        return redirect("frontdoor:enquiry", pk=found.pk)
    form = RemoveChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.remove_named_child(
                signed_in_user(request), named=named, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"{named} has been removed from the enquiry")
            return redirect("frontdoor:enquiry", pk=found.pk)
    context = {
        "form": form,
        "named": named,
        "enquiry": found,
        "page_title": page_title(f"Remove {named}", form),
    }
    return render(request, "frontdoor/remove_child.html", context)


@require_http_methods(["GET", "POST"])
def request_information(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a partner agency what it knows about the household."""
    found = _open_enquiry(request, pk)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.request_information(
                signed_in_user(request),
                enquiry=found,
                agency=form.cleaned_data["agency"],
                question=form.cleaned_data["question"],
                due=form.due(),
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Request sent to {sent.get_agency_display()}")
            return redirect("frontdoor:enquiry", pk=found.pk)
    context = {
        "form": form,
        "enquiry": found,
        "default_due": actions.default_due(found),
        "page_title": page_title(f"Request information - {found.reference}", form),
    }
    return render(request, "frontdoor/request_information.html", context)


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the threshold decision for one matched child, and start what it decides."""
    _workers_only(request)
    contact = queries.get_contact(request.user, pk)
    found = contact.enquiry
    assert found is not None  # get_contact finds only contacts made at the front door
    if contact.decision:
        messages.success(request, f"A decision has already been recorded for {contact.child.full_name}")
        return redirect("frontdoor:enquiry", pk=found.pk)
    if request.method == "GET":
        audit.record_view(request.user, contact, note="Record decision")
    open_case = queries.open_cases(request.user, [contact.child_id]).get(contact.child_id)
    form = DecisionForm(request.POST or None, contact=contact, open_case=open_case is not None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_contact(
                signed_in_user(request), contact=contact, decided=timezone.now(), **form.changes()
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Decision recorded for {contact.child.full_name}")
            return redirect("frontdoor:enquiry", pk=found.pk)
    context = {
        "form": form,
        "contact": contact,
        "enquiry": found,
        "open_case": open_case,
        "page_title": page_title(f"Record decision - {contact.child.full_name}", form),
    }
    return render(request, "frontdoor/decide.html", context)


# Partner agencies


@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    """The requests sent to the user's agency: open ones first, soonest due first."""
    _partners_only(request)
    answered: Page[InformationRequest] = Paginator(
        queries.partner_answered_requests(request.user), ANSWERED_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    audit.record(
        request.user, AuditEvent.Action.SEARCH, object_type="frontdoor.informationrequest", note="Requests"
    )
    context = {
        "groups": [
            ("Waiting for your answer", list(queries.partner_open_requests(request.user)), "open"),
            ("Answered", list(answered), "answered"),
        ],
        "page": answered,
        "page_numbers": answered.paginator.get_elided_page_range(answered.number, on_each_side=2, on_ends=1),
        "query": "",
        "page_title": "Information requests",
    }
    return render(request, "frontdoor/requests.html", context)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: the question, the children and household it is about, and the answer form.

    Nothing else of the enquiry is shown: not the concerns, the decisions, nor other agencies'
    requests. The people it names are personal data, so reading it is audited.
    """
    _partners_only(request)
    sent = queries.get_request(request.user, pk)
    if request.method == "GET":
        audit.record(request.user, AuditEvent.Action.VIEW, sent, note="Information request")
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and sent.responded is None and form.is_valid():
        try:
            actions.answer_information_request(
                signed_in_user(request), request=sent, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Your answer has been sent to the MASH")
            return redirect("frontdoor:requests")
    context = {
        "form": form,
        "sent": sent,
        "children": list(sent.enquiry.children.all()),
        "household": list(sent.enquiry.household.all()),
        "page_title": page_title("Answer an information request", form),
    }
    return render(request, "frontdoor/answer.html", context)
