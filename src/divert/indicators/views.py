"""The scorecard, an indicator's page, the children behind a figure, and a series as CSV.

Views check the role (``queries.require_scorecard_user``, which asks ``core.access``),
validate the query string with a form, call a query and render. Filters with a mistake are
shown back with the GOV.UK error and no figures (a 400), never a server error. Every list of
children or households behind a figure is audited, as a child search is. The CSV is an
attachment written through ``core.spreadsheet``, never HTML.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from divert.core import audit
from divert.core.downloads import attachment
from divert.core.models import AuditEvent
from divert.core.pages import page_title
from divert.core.spreadsheet import write_csv
from divert.indicators import queries
from divert.indicators.forms import NOT_RECORDED, FiltersForm, IndicatorForm, MembersForm


def _render(request: HttpRequest, template: str, form: Any, context: dict[str, Any]) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def _downloads(params: dict[str, str]) -> list[tuple[str, str]]:
    formats = [("csv", "CSV"), ("xlsx", "Excel"), ("pdf", "PDF"), ("json", "JSON")]
    return [
        (label, queries.page_url("indicators:scorecard_download", **params, format=fmt))
        for fmt, label in formats
    ]


def _boardpack_xlsx(params: dict[str, str]) -> str:
    """The Excel board pack is quick enough to download directly (the PDF is made as a job)."""
    return f"{reverse('indicators:boardpack', args=['xlsx'])}?{urlencode(params)}"


@require_GET
def scorecard(request: HttpRequest) -> HttpResponse:
    """Every indicator for a period, with its target, rating, change, trend and benchmarks."""
    authority_id = queries.require_scorecard_user(request.user)
    form = FiltersForm(request.GET or None, authority_id=authority_id)
    context: dict[str, Any] = {"page_title": page_title("Performance scorecard", form)}
    if not form.is_bound or form.is_valid():
        card = queries.scorecard_for(
            request.user,
            form.as_at,
            form.frequency,
            form.where.get("team", ""),
            form.where.get("locality", ""),
        )
        params = queries.filter_params(card.as_at, card.frequency, card.where)
        context |= {"card": card, "downloads": _downloads(params), "boardpack_xlsx": _boardpack_xlsx(params)}
    return _render(request, "indicators/scorecard.html", form, context)


def _indicator_page(request: HttpRequest, indicator_id: str) -> tuple[IndicatorForm, Any]:
    authority_id = queries.require_scorecard_user(request.user)
    indicator = queries.get_indicator(indicator_id)
    form = IndicatorForm(request.GET or None, authority_id=authority_id)
    if form.is_bound and not form.is_valid():
        return form, indicator
    where = form.where
    page = queries.indicator_page_for(
        request.user,
        indicator,
        form.as_at,
        form.frequency,
        form.months,
        where.get("team", ""),
        where.get("locality", ""),
    )
    return form, page


GOOD_WORDS = {
    "up": "Higher is better",
    "down": "Lower is better",
    "neither": "Neither higher nor lower is better",
}


def _definition(page: queries.IndicatorPage) -> dict[str, Any]:
    """The words for how the indicator is judged: its target (pro-rated to the period) and direction."""
    ind = page.indicator
    has_target = page.period_target is not None
    return {
        "target_text": queries.value_text(ind, page.period_target) if has_target else "",
        "tolerance_text": queries.value_text(ind, page.period_tolerance)
        if has_target and page.period_tolerance
        else "",
        "pro_rated": has_target and ind.kind == "flow" and page.frequency != ind.target_frequency,
        "good_text": GOOD_WORDS[str(ind.good)],
        "unit_text": str(ind.unit).capitalize(),
        "series_newest_first": list(reversed(page.series)),
    }


@require_GET
def detail(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """What an indicator means and how it is judged, its trend as a chart and a table, and its breakdowns."""
    form, found = _indicator_page(request, indicator_id)
    page = found if isinstance(found, queries.IndicatorPage) else None
    indicator = page.indicator if page else found
    context: dict[str, Any] = {
        "indicator": indicator,
        "page": page,
        "page_title": page_title(indicator.title, form),
    }
    if page:
        context |= _definition(page)
        params = {**queries.filter_params(page.as_at, page.frequency, page.where), "span": form.value("span")}
        context["csv_url"] = queries.page_url("indicators:series_csv", indicator, **params)
        context["scorecard_url"] = queries.page_url(
            "indicators:scorecard", **queries.filter_params(page.as_at, page.frequency, page.where)
        )
    return _render(request, "indicators/detail.html", form, context)


@require_GET
def series_csv(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """The indicator's series, as on its page, as CSV. Figures only: no child is named."""
    _, found = _indicator_page(request, indicator_id)
    if not isinstance(found, queries.IndicatorPage):
        return detail(request, indicator_id)
    out = io.StringIO()
    write_csv(out, queries.SERIES_COLUMNS, queries.series_csv_rows(found))
    name = f"{found.indicator.id}-{found.frequency.value}-{found.as_at.isoformat()}.csv"
    return attachment(out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", name)


@require_GET
def members(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """The children (or households) behind a figure that the user may see, 50 a page; audited."""
    authority_id = queries.require_scorecard_user(request.user)
    indicator = queries.get_indicator(indicator_id)
    form = MembersForm(request.GET or None, authority_id=authority_id)
    context: dict[str, Any] = {
        "indicator": indicator,
        "page_title": page_title(f"{indicator.title}: who is counted", form),
    }
    if not form.is_bound or form.is_valid():
        found = queries.members_for(
            request.user,
            indicator,
            form.as_at,
            form.frequency,
            narrowing=form.narrowing,
            denominator=bool(form.value("all")),
            page=form.value("page"),
        )
        if found.rows:
            audit.record(
                request.user,
                AuditEvent.Action.VIEW,
                object_type=f"indicators.{found.subject}",
                object_id=indicator.id,
                note=found.describe,
            )
        query = request.GET.copy()
        query.pop("page", None)
        where = {k: v for k, v in found.narrowing.items() if k in ("team", "locality") and v != NOT_RECORDED}
        base = queries.filter_params(found.date, found.frequency, where)
        context |= {
            "found": found,
            "page": found.page,
            "page_numbers": found.page.paginator.get_elided_page_range(
                found.page.number, on_each_side=2, on_ends=1
            ),
            "query": query.urlencode(),
            "counted_url": queries.members_url(indicator, found.date, found.frequency, **found.narrowing),
            "all_url": queries.members_url(
                indicator, found.date, found.frequency, **found.narrowing, all="1"
            ),
            "detail_url": queries.page_url("indicators:detail", indicator, **base),
            "filters": [(queries.column_label(k), v) for k, v in found.narrowing.items()],
            "hidden_fields": [(n, form.value(n)) for n in (*MembersForm.EXTRA, "all") if form.value(n)],
        }
    return _render(request, "indicators/members.html", form, context)
