"""Downloads of the scorecard (JSON, CSV, Excel, PDF) and the monthly board pack.

The same people who may read the scorecard pages may download it (``access.may_see_scorecard``),
with the same filters checked by the same form, so a download is exactly the page's figures.
Files go out as attachments with their own content type and ``nosniff``, never as something a
browser might render, and each download is audited: a board pack leaves the building.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from divert.core import audit
from divert.core.access import may_see_scorecard
from divert.core.models import AuditEvent
from divert.indicators import boardpack as pack
from divert.indicators import cache, exports
from divert.indicators.exports import FORMATS, Scope
from divert.indicators.forms import FiltersForm
from divert.indicators.periods import Frequency

PACK_FORMATS = ("pdf", "xlsx")


def _require_reader(user: Any) -> None:
    if not may_see_scorecard(user):
        raise PermissionDenied("Your role does not read the performance scorecard.")


def _scope(request: HttpRequest, *, default_as_at: dt.date | None = None) -> Scope | HttpResponse:
    """The filters from the query string (``as_at`` or ``date``), checked as the pages check them."""
    user: Any = request.user  # a scorecard reader: signed in, with an authority (``_require_reader``)
    data = request.GET.copy()
    as_at = request.GET.get("as_at", "")
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


def _attachment(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    return _attachment(content, fmt, exports.filename(scope, "scorecard", fmt))


@require_GET
def boardpack(request: HttpRequest, fmt: str) -> HttpResponse:
    """The board pack as PDF or Excel: monthly, as at the end of the last whole month unless asked."""
    _require_reader(request.user)
    if fmt not in PACK_FORMATS:
        return HttpResponseBadRequest("The board pack is a pdf or an xlsx file.", content_type="text/plain")
    scope = _scope(request, default_as_at=pack.last_month_end())
    if isinstance(scope, HttpResponse):
        return scope
    scope = Scope(
        scope.authority_id, scope.authority, scope.as_at, Frequency.MONTH, scope.team, scope.locality
    )
    content = pack.cached_build(scope, fmt, cache.frames(scope.authority_id))
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        object_type="indicators.boardpack",
        note=f"board pack ({fmt}, as at {scope.as_at}, {scope.part})",
    )
    return _attachment(content, fmt, exports.filename(scope, "board-pack", fmt))
