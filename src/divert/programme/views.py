"""The programme's pages: the overview, work streams and actions, the risk register, the savings
plan, and the monthly report (page, PDF, Excel).

Who may do what is ``core.access``'s: programme readers (head of service, analysts, finance, team
managers) read, everyone else gets a 403; the head of service, analysts and finance keep the
programme. A record of another authority is the same 404 as a missing one. No child is named.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from divert.core import concurrency
from divert.core.access import may_read_programme, may_run_programme
from divert.core.pages import page_title, signed_in_user
from divert.indicators import catalogue
from divert.programme import actions, queries, report
from divert.programme.forms import (
    AchievedForm,
    ActionFilterForm,
    ActionForm,
    DoneForm,
    OnTrackForm,
    RescoreForm,
    RiskForm,
    SavingsLineForm,
    WorkStreamForm,
)
from divert.programme.models import Action, Risk, SavingsLine, WorkStream, financial_year_of


def _reader(request: HttpRequest) -> int:
    """The reader's authority, or a 403 for a role that does not use the programme."""
    if not may_read_programme(request.user):
        raise PermissionDenied("Your role does not use the programme.")
    return int(request.user.authority_id)  # type: ignore[union-attr,arg-type]  # checked above


def _runner(request: HttpRequest) -> int:
    authority_id = _reader(request)
    if not may_run_programme(request.user):
        raise PermissionDenied("Only the head of service, analysts and finance keep the programme.")
    return authority_id


def _found(get: Any, *args: Any) -> Any:
    """Another authority's record is the same 404 as a missing one."""
    try:
        return get(*args)
    except ObjectDoesNotExist as missing:
        raise Http404("Not found") from missing


def _saved(request: HttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


def _base(request: HttpRequest, title: str, form: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "page_title": page_title(title, form),
        "may_run": may_run_programme(request.user),
        "form": form,
        **extra,
    }


# --- Overview, work streams and actions ------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Work streams with their actions overdue and due, the top risks, and the savings summary."""
    authority_id = _reader(request)
    on = queries.today()
    context = _base(
        request,
        "Programme",
        on=on,
        progress=queries.progress(authority_id, on),
        due=queries.due(list(queries.actions(authority_id)), on),
        risks=queries.top_risks(authority_id),
        savings=queries.savings_plan(authority_id, on),
        window=queries.DUE_WINDOW_DAYS,
    )
    return render(request, "programme/index.html", context)


@require_GET
def workstream(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _reader(request)
    stream = _found(queries.get_stream, authority_id, pk)
    on = queries.today()
    rows = queries.filtered_actions(authority_id, stream=stream.pk, on=on)
    titles = {i.id: i.title for i in catalogue.indicators()}
    for row in rows:
        row.indicator_links = [(i, titles.get(i, i)) for i in row.indicators]  # type: ignore[attr-defined]
    return render(
        request,
        "programme/workstream.html",
        _base(request, stream.name, stream=stream, actions=rows, on=on),
    )


@require_http_methods(["GET", "POST"])
def workstream_new(request: HttpRequest) -> HttpResponse:
    authority_id = _runner(request)
    form = WorkStreamForm(request.POST or None)
    if form.is_valid():
        try:
            stream = actions.create_stream(
                signed_in_user(request), authority_id=authority_id, **form.cleaned_data
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The work stream has been added", "programme:workstream", stream.pk)
    return render(request, "programme/workstream_form.html", _base(request, "Add a work stream", form))


@require_http_methods(["GET", "POST"])
def workstream_edit(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _runner(request)
    stream: WorkStream = _found(queries.get_stream, authority_id, pk)
    initial = {"name": stream.name, "lead": stream.lead, "order": stream.order}
    form = WorkStreamForm(request.POST or None, initial=initial | concurrency.versioned(stream))
    if form.is_valid() and concurrency.saved(
        form, stream, lambda: actions.update_stream(signed_in_user(request), stream, **form.cleaned_data)
    ):
        return _saved(request, "The work stream has been updated", "programme:workstream", stream.pk)
    return render(
        request,
        "programme/workstream_form.html",
        _base(request, "Change a work stream", form, stream=stream),
        status=concurrency.status(form),
    )


@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    """Every action, filtered by stream, owner and status, overdue first."""
    authority_id = _reader(request)
    on = queries.today()
    form = ActionFilterForm(request.GET or None, authority_id=authority_id)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = queries.filtered_actions(
        authority_id,
        stream=chosen.get("stream"),
        owner=chosen.get("owner") or "",
        status=chosen.get("status") or "",
        on=on,
    )
    return render(
        request, "programme/actions.html", _base(request, "Actions", filters=form, actions=rows, on=on)
    )


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    authority_id = _runner(request)
    form = ActionForm(request.POST or None, authority_id=authority_id, new=True, initial=request.GET.dict())
    if form.is_valid():
        try:
            action = actions.create_action(signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The action has been added", "programme:workstream", action.stream_id)
    return render(request, "programme/action_form.html", _base(request, "Add an action", form))


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _runner(request)
    action: Action = _found(queries.get_action, authority_id, pk)
    initial = {
        f: getattr(action, f)
        for f in (
            "what",
            "how",
            "measure",
            "due",
            "resources",
            "owner",
            "status",
            "done_on",
            "barrier",
            "indicators",
        )
    } | {"stream": action.stream_id}
    form = ActionForm(
        request.POST or None, authority_id=authority_id, initial=initial | concurrency.versioned(action)
    )
    if form.is_valid() and concurrency.saved(
        form, action, lambda: actions.update_action(signed_in_user(request), action, **form.cleaned_data)
    ):
        return _saved(request, "The action has been updated", "programme:workstream", action.stream_id)
    return render(
        request,
        "programme/action_form.html",
        _base(request, "Change an action", form, action=action),
        status=concurrency.status(form),
    )


@require_http_methods(["GET", "POST"])
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _runner(request)
    action: Action = _found(queries.get_action, authority_id, pk)
    form = DoneForm(request.POST or None, initial={"done_on": queries.today()})
    if form.is_valid():
        try:
            actions.mark_done(signed_in_user(request), action, form.cleaned_data["done_on"])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The action is marked done", "programme:workstream", action.stream_id)
    return render(
        request,
        "programme/done_form.html",
        _base(request, "Mark an action done", form, action=action),
    )


# --- Risks ----------------------------------------------------------------------------------------


@require_GET
def risks(request: HttpRequest) -> HttpResponse:
    """The open risks by score, a 5x5 heat map, the closed risks apart, and each risk's history."""
    authority_id = _reader(request)
    rows = queries.register(authority_id)
    return render(
        request,
        "programme/risks.html",
        _base(
            request,
            "Risk register",
            risks=rows,
            open_risks=[r for r in rows if r.status == Risk.Status.OPEN],
            closed_risks=[r for r in rows if r.status == Risk.Status.CLOSED],
            heat=queries.heat_map(rows),
            impacts=range(1, 6),
        ),
    )


@require_http_methods(["GET", "POST"])
def risk(request: HttpRequest, pk: int) -> HttpResponse:
    """One risk, its scoring history, and (for those who keep the programme) the re-score form."""
    authority_id = _reader(request)
    found: Risk = _found(queries.get_risk, authority_id, pk)
    form = None
    if may_run_programme(request.user):
        initial = {
            "probability": found.probability,
            "impact": found.impact,
            "date": queries.today(),
            "status": found.status,
        }
        form = RescoreForm(request.POST or None, initial=initial | concurrency.versioned(found))
        if form.is_valid() and concurrency.saved(
            form, found, lambda: actions.rescore_risk(signed_in_user(request), found, **form.cleaned_data)
        ):
            return _saved(request, "The risk has been re-scored", "programme:risk", pk)
    elif request.method == "POST":
        raise PermissionDenied("Only the head of service, analysts and finance re-score risks.")
    context = _base(request, found.title, form, risk=found)
    return render(request, "programme/risk.html", context, status=concurrency.status(form))


@require_http_methods(["GET", "POST"])
def risk_new(request: HttpRequest) -> HttpResponse:
    """A new risk and its first score, where its history starts."""
    authority_id = _runner(request)
    form = RiskForm(request.POST or None, new=True)
    if form.is_valid():
        try:
            found = actions.create_risk(
                signed_in_user(request), authority_id=authority_id, on=queries.today(), **form.cleaned_data
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, "The risk has been added", "programme:risk", found.pk)
    return render(request, "programme/risk_form.html", _base(request, "Add a risk", form))


@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A risk's words, and closing or reopening it with a reason (its history is kept)."""
    authority_id = _runner(request)
    found: Risk = _found(queries.get_risk, authority_id, pk)
    initial = {f: getattr(found, f) for f in ("title", "description", "owner", "mitigation", "status")}
    form = RiskForm(request.POST or None, initial=initial | concurrency.versioned(found))
    if form.is_valid() and concurrency.saved(
        form,
        found,
        lambda: actions.update_risk(signed_in_user(request), found, on=queries.today(), **form.cleaned_data),
    ):
        return _saved(request, "The risk has been updated", "programme:risk", pk)
    context = _base(request, "Change a risk", form, risk=found)
    return render(request, "programme/risk_form.html", context, status=concurrency.status(form))


# --- Savings --------------------------------------------------------------------------------------


@require_GET
def savings(request: HttpRequest) -> HttpResponse:
    authority_id = _reader(request)
    plan = queries.savings_plan(authority_id)
    return render(request, "programme/savings.html", _base(request, "Efficiency savings plan", plan=plan))


@require_http_methods(["GET", "POST"])
def saving_new(request: HttpRequest) -> HttpResponse:
    authority_id = _runner(request)
    form = SavingsLineForm(request.POST or None, initial={"year": financial_year_of(queries.today())})
    if form.is_valid():
        try:
            line = actions.create_line(
                signed_in_user(request), authority_id=authority_id, **form.cleaned_data
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved(request, f"The savings line for {line} has been added", "programme:savings")
    return render(request, "programme/saving_form.html", _base(request, "Add a savings line", form))


@require_http_methods(["GET", "POST"])
def saving_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A line's area, year, target, FTE and description; never what it achieved."""
    authority_id = _runner(request)
    line: SavingsLine = _found(queries.get_line, authority_id, pk)
    initial = {f: getattr(line, f) for f in ("area", "year", "target_k", "fte", "comment")}
    form = SavingsLineForm(request.POST or None, initial=initial | concurrency.versioned(line))
    if form.is_valid() and concurrency.saved(
        form, line, lambda: actions.update_line(signed_in_user(request), line, **form.cleaned_data)
    ):
        return _saved(request, f"The savings line for {line} has been updated", "programme:savings")
    context = _base(request, "Change a savings line", form, line=line)
    return render(request, "programme/saving_form.html", context, status=concurrency.status(form))


@require_http_methods(["GET", "POST"])
def saving_achieved(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _runner(request)
    line: SavingsLine = _found(queries.get_line, authority_id, pk)
    if line.from_register:
        raise Http404("The placements line's achieved saving comes from the placement review")
    initial = {"achieved_k": line.achieved_k, "achieved_on": queries.today()}
    form = AchievedForm(request.POST or None, initial=initial | concurrency.versioned(line))
    if form.is_valid() and concurrency.saved(
        form, line, lambda: actions.record_saving(signed_in_user(request), line, **form.cleaned_data)
    ):
        return _saved(request, f"The saving achieved for {line} has been recorded", "programme:savings")
    title = "Record the saving achieved"
    return render(
        request,
        "programme/line_form.html",
        _base(request, title, form, line=line, heading=title, button="Record the saving"),
        status=concurrency.status(form),
    )


@require_http_methods(["GET", "POST"])
def saving_on_track(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _runner(request)
    line: SavingsLine = _found(queries.get_line, authority_id, pk)
    initial = {"on_track": line.on_track, "note": line.on_track_note}
    form = OnTrackForm(request.POST or None, initial=initial | concurrency.versioned(line))
    if form.is_valid() and concurrency.saved(
        form, line, lambda: actions.set_on_track(signed_in_user(request), line, **form.cleaned_data)
    ):
        return _saved(request, f"The forecast for {line} has been set", "programme:savings")
    title = "Set the forecast"
    return render(
        request,
        "programme/line_form.html",
        _base(request, title, form, line=line, heading=title, button="Set the forecast"),
        status=concurrency.status(form),
    )


# --- The monthly report ---------------------------------------------------------------------------


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    authority_id = _reader(request)
    found = queries.report(authority_id)
    return render(request, "programme/report.html", _base(request, "Monthly programme report", report=found))


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    authority_id = _reader(request)
    found = queries.report(authority_id)
    user = signed_in_user(request)
    authority = user.authority
    assert authority is not None
    actions.report_downloaded(user, fmt, found.on)
    name = f"programme-report-{found.on:%Y-%m-%d}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(report.pdf(found, authority), content_type="application/pdf")
    else:
        response = HttpResponse(
            report.xlsx(found, authority),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")
