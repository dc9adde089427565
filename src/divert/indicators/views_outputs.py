"""Downloads of the scorecard (JSON, CSV, Excel, PDF) and the monthly board pack.

The same people who may read the scorecard pages may download it (``access.may_see_scorecard``),
with the same filters checked by the same form, so a download is exactly the page's figures.
Files go out as attachments with their own content type and ``nosniff``, never as something a
browser might render, and each download is audited: a board pack leaves the building.

A PDF takes seconds of CPU to lay out (WeasyPrint), too long to hold a web worker, so it is
made by the task worker: a button starts a ``BoardPackJob`` and the person follows it on the
job's page, which offers the file when it is ready. The Excel workbook takes a fifth of a
second from the scorecard's cached figures and stays a plain download. The old PDF addresses
(``board-pack.pdf``, ``download/?format=pdf``) lead to the page with the button, so a bookmark
still works. Jobs are the authority's: a reader sees their colleagues' packs (a pack is made
once and shared) and never another authority's (a 404, as the returns jobs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from divert.core import audit
from divert.core.access import may_see_scorecard
from divert.core.downloads import attachment
from divert.core.models import AuditEvent
from divert.indicators import actions, cache, exports
from divert.indicators import boardpack as pack
from divert.indicators.exports import FORMATS, Scope
from divert.indicators.forms import FiltersForm
from divert.indicators.models import BoardPackJob
from divert.indicators.periods import Frequency

PACK_FORMATS = ("pdf", "xlsx")
RECENT_PACKS = 10


def _require_reader(user: Any) -> None:
    if not may_see_scorecard(user):
        raise PermissionDenied("Your role does not read the performance scorecard.")


def _scope(
    request: HttpRequest, *, default_as_at: dt.date | None = None, data: Any = None
) -> Scope | HttpResponse:
    """The filters from the query string (or ``data``, a form's POST) with ``as_at`` or ``date``,
    checked as the pages check them."""
    user: Any = request.user  # a scorecard reader: signed in, with an authority (``_require_reader``)
    data = (request.GET if data is None else data).copy()
    as_at = data.get("as_at", "")
    if as_at and not data.get("date"):
        data["date"] = as_at
    if not data.get("date") and default_as_at is not None:
        data["date"] = default_as_at.isoformat()
    form = FiltersForm(data, authority_id=user.authority_id)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(f"Cannot make this download: {problems}", content_type="text/plain")
    where = form.where
    return Scope(
        user.authority.pk,
        user.authority.name,
        form.as_at,
        form.frequency,
        team=where.get("team", ""),
        locality=where.get("locality", ""),
    )


def _content(scope: Scope, fmt: str) -> bytes:
    frames = cache.frames(scope.authority_id)
    if fmt in PACK_FORMATS:
        return pack.cached_build(scope, fmt, frames)
    rows = exports.rows_for(scope, frames=frames)
    text = exports.scorecard_json(rows, scope) if fmt == "json" else exports.scorecard_csv(rows, scope)
    # CSV starts with a byte-order mark so Excel reads it as UTF-8 (the "£" in the units).
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8")


@require_GET
def scorecard_download(request: HttpRequest) -> HttpResponse:
    """``?format=json|csv|xlsx|pdf`` with the page's filters: the scorecard as a file."""
    _require_reader(request.user)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponseBadRequest("format: choose json, csv, xlsx or pdf.", content_type="text/plain")
    if fmt == "pdf":  # made by the task worker: the page with the button, the page's period kept
        return _to_pack_page(request, keep_frequency=True)
    scope = _scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    content = _content(scope, fmt)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        object_type="indicators.scorecard",
        note=f"scorecard download ({fmt}, as at {scope.as_at}, {scope.part})",
    )
    return attachment(content, FORMATS[fmt][0], exports.filename(scope, "scorecard", fmt))


def _to_pack_page(request: HttpRequest, *, keep_frequency: bool = False) -> HttpResponse:
    """To the board pack page with the same filters: a PDF is asked for there, by a button."""
    names = ("as_at", "date", "team", "locality", *(("freq",) if keep_frequency else ()))
    query = urlencode({name: request.GET[name] for name in names if request.GET.get(name)})
    url = reverse("indicators:boardpack_start")
    return redirect(f"{url}?{query}" if query else url)


@require_GET
def boardpack(request: HttpRequest, fmt: str) -> HttpResponse:
    """The board pack as Excel: monthly, as at the end of the last whole month unless asked.

    The PDF is made by the task worker: this address leads to the page that starts it.
    """
    _require_reader(request.user)
    if fmt not in PACK_FORMATS:
        return HttpResponseBadRequest("The board pack is a pdf or an xlsx file.", content_type="text/plain")
    if fmt == "pdf":
        return _to_pack_page(request)
    scope = _pack_scope(request, request.GET, monthly=True)
    if isinstance(scope, HttpResponse):
        return scope
    content = pack.cached_build(scope, fmt, cache.frames(scope.authority_id))
    _audit_pack(request.user, fmt, scope)
    return attachment(content, FORMATS[fmt][0], exports.filename(scope, "board-pack", fmt))


def _pack_scope(request: HttpRequest, data: Any, *, monthly: bool) -> Scope | HttpResponse:
    """The filters for a pack, as at the end of the last whole month unless a date is given.

    The board pack is monthly whatever the scorecard showed (``monthly``); the PDF page keeps a
    period it is given, which only the scorecard's own PDF download passes on.
    """
    scope = _scope(request, default_as_at=pack.last_month_end(), data=data)
    if isinstance(scope, HttpResponse) or (data.get("freq") and not monthly):
        return scope
    return dataclasses.replace(scope, frequency=Frequency.MONTH)


def _audit_pack(user: Any, fmt: str, scope: Scope | BoardPackJob) -> None:
    audit.record(
        user,
        AuditEvent.Action.VIEW,
        object_type="indicators.boardpack",
        note=f"board pack ({fmt}, as at {scope.as_at}, {scope.part})",
    )


# --- The PDF, made by the task worker -------------------------------------------------------------


def _jobs(user: Any) -> QuerySet[BoardPackJob]:
    """The board packs of the reader's authority, newest first."""
    _require_reader(user)
    return BoardPackJob.objects.filter(authority_id=user.authority_id).select_related("created_by")


def _job(user: Any, pk: int) -> BoardPackJob:
    try:
        return _jobs(user).get(pk=pk)
    except BoardPackJob.DoesNotExist as exc:
        raise Http404("No such board pack") from exc


@require_http_methods(["GET", "POST"])
def boardpack_start(request: HttpRequest) -> HttpResponse:
    """GET: the button that makes the pack for the filters given, and the recent packs.
    POST: start the job (a PDF unless ``format=xlsx``) and follow it on its page."""
    jobs = _jobs(request.user)
    data = request.POST if request.method == "POST" else request.GET
    fmt = data.get("format", BoardPackJob.Format.PDF)
    if fmt not in PACK_FORMATS:
        return HttpResponseBadRequest("The board pack is a pdf or an xlsx file.", content_type="text/plain")
    scope = _pack_scope(request, data, monthly=False)
    if isinstance(scope, HttpResponse):
        return scope
    if request.method == "POST":
        job = actions.start_boardpack(request.user, scope, fmt)
        return redirect("indicators:boardpack_job", pk=job.pk)
    context = {"page_title": "Board pack", "scope": scope, "jobs": jobs[:RECENT_PACKS]}
    return render(request, "indicators/boardpack_job_start.html", context)


@require_GET
def boardpack_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A pack's progress, then its file (or why it could not be made)."""
    job = _job(request.user, pk)
    context = {
        "page_title": f"Board pack {job.pk}",
        "job": job,
        "file": job.file(),
        "kept_until": job.finished + actions.PACK_KEPT if job.finished else None,
        "jobs": _jobs(request.user).exclude(pk=job.pk)[:RECENT_PACKS],
        "others": True,
    }
    return render(request, "indicators/boardpack_job.html", context)


@require_GET
def boardpack_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress for the page's script: numbers and a stage."""
    return JsonResponse(_job(request.user, pk).status_data())


@require_GET
def boardpack_file(request: HttpRequest, pk: int) -> FileResponse:
    """A finished pack as an attachment, audited as the direct download was."""
    job = _job(request.user, pk)
    path = job.file()
    if path is None:
        raise Http404("This board pack has no file: it is not finished, or was deleted after a week")
    _audit_pack(request.user, job.format, job)
    scope = Scope(job.authority_id, "", job.as_at, Frequency(job.frequency), job.team, job.locality)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=exports.filename(scope, "board-pack", job.format),
        content_type=FORMATS[job.format][0],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
