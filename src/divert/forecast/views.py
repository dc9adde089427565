"""The forecast pages: the projection with its accuracy, the comparison of scenarios, the
scenario editor and the Excel download.

Views check the role (``queries.require_reader`` / ``require_writer``, which ask
``core.access``), validate the query string or the form, call a query or an action and
render. No child is named on any of these pages; each page view is still audited, as the
scorecard's lists are, so the audit trail shows who looked at which projection.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.core import audit, concurrency
from divert.core.access import may_save_scenarios
from divert.core.downloads import attachment
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.forecast import actions, charts, queries
from divert.forecast.forms import ChooseForm, CompareForm, ScenarioEditForm, ScenarioForm, initial_for
from divert.forecast.models import SavedScenario
from divert.forecast.types import CATEGORIES
from divert.indicators.catalogue import Unit

F = TypeVar("F", bound=ScenarioForm)


def _audit(request: HttpRequest, what: str, note: str) -> None:
    audit.record(request.user, AuditEvent.Action.VIEW, object_type=f"forecast.{what}", note=note)


def _choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in queries.scenarios_for(request.user)]


def _chosen(request: HttpRequest) -> tuple[ChooseForm, SavedScenario | None]:
    form = ChooseForm(request.GET or None, scenarios=_choices(request))
    saved = None
    if form.is_bound and form.is_valid() and form.scenario_pk is not None:
        saved = queries.get_scenario(request.user, form.scenario_pk)
    return form, saved


def _total_chart(page: queries.ForecastPage) -> str:
    references = []
    if "cla_count" in page.targets:
        references.append(charts.Reference("Target for children in care", page.targets["cla_count"]))
    baseline = queries.series(page.baseline.rows, "total") if page.baseline else None
    return charts.band_chart(
        page.months,
        [r.central for r in page.total],
        title=f"Children in care: {page.made.scenario.name if page.baseline else 'baseline'}",
        low=[r.low for r in page.total],
        high=[r.high for r in page.total],
        baseline=[r.central for r in baseline] if baseline else None,
        references=references,
        uid="total-chart",
    )


def _residential_chart(page: queries.ForecastPage) -> str:
    target = page.targets.get("residential_count")
    references = [charts.Reference("Target for residential care", target)] if target is not None else []
    base = queries.residential(page.baseline.rows) if page.baseline else None
    return charts.band_chart(
        [m for m, _ in page.residential],
        [v for _, v in page.residential],
        title="Children in residential care (in-house and independent)",
        baseline=[v for _, v in base] if base else None,
        references=references,
        uid="residential-chart",
    )


def _cost_chart(page: queries.ForecastPage) -> str:
    base = [c.baseline or 0.0 for c in page.costs] if page.baseline else None
    band = queries.series(page.made.costs, "total")
    return charts.band_chart(
        [c.month for c in page.costs],
        [c.cost for c in page.costs],
        title="Spend on placements each month",
        unit=Unit.GBP,
        low=[r.low for r in band] if len(band) == len(page.costs) else None,
        high=[r.high for r in band] if len(band) == len(page.costs) else None,
        baseline=base,
        uid="cost-chart",
    )


def _headline(page: queries.ForecastPage) -> list[tuple[int, str, str]]:
    """Children in care at 6, 12 and 24 months (those within the forecast), with the band."""
    total = page.categories[-1]
    return [
        (h, central, band)
        for h, (central, band), row in zip(queries.HORIZONS, total.cells, total.at, strict=True)
        if row is not None
    ]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The forecast from today (baseline or a saved scenario), with how accurate it has been."""
    authority_id = queries.require_reader(request.user)
    form, saved = _chosen(request)
    context: dict[str, Any] = {"form": form, "page_title": page_title("Forecast", form)}
    if form.is_bound and not form.is_valid():
        return render(request, "forecast/index.html", context, status=400)
    origin = queries.today()
    page = queries.forecast_page(authority_id, origin, form.month_count, saved)
    accuracy = queries.backtest_for(authority_id)
    _audit(
        request,
        "projection",
        f"Forecast from {origin:%d/%m/%Y}, {form.month_count} months: {saved.name if saved else 'baseline'}",
    )
    context |= {
        "page": page,
        "saved": saved,
        "origin": origin,
        "total_chart": mark_safe(_total_chart(page)),  # noqa: S308 - charts escape every text
        "residential_chart": mark_safe(_residential_chart(page)),  # noqa: S308
        "cost_chart": mark_safe(_cost_chart(page)),  # noqa: S308
        "headline": _headline(page),
        "residential_at": [
            queries.count_text(
                found[1] if (found := queries.at_horizon(page.residential, origin, h)) else None
            )
            for h in queries.HORIZONS
        ],
        "cost_rows": page.costs,
        "cost_total": queries.money_text(page.cost_total),
        "saving_total": queries.money_text(page.saving_total),
        "category_labels": [label for _, label in CATEGORIES],
        "horizons": queries.HORIZONS,
        "accuracy": accuracy,
        "accuracy_sentences": queries.accuracy_sentences(accuracy.backtest),
        "accuracy_lines": queries.accuracy_lines(accuracy.backtest),
        "excel_url": f"{reverse('forecast:excel')}?{request.GET.urlencode()}",
        "may_save": may_save_scenarios(request.user),
    }
    return render(request, "forecast/index.html", context)


def _comparison_rows(columns: list[queries.Column]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The comparison as table rows: a question per row, a scenario per column."""
    rows: list[tuple[str, list[tuple[str, str]]]] = []
    for i, h in enumerate(queries.HORIZONS):
        rows.append((f"Children in care in {h} months", [c.totals_text[i] for c in columns]))
    for i, h in enumerate(queries.HORIZONS):
        rows.append((f"In residential care in {h} months", [(c.residential_text[i], "") for c in columns]))
    rows.append(("Spend on placements over 24 months", [(c.cost_text, "") for c in columns]))
    rows.append(
        (
            "Saving against the baseline over 24 months",
            [(c.saving_text or "None: this is the baseline", "") for c in columns],
        )
    )
    return rows


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """The baseline and up to three saved scenarios side by side over the next two years."""
    authority_id = queries.require_reader(request.user)
    choices = _choices(request)
    form = CompareForm(request.GET or None, scenarios=choices)
    context: dict[str, Any] = {"form": form, "page_title": page_title("Compare scenarios", form)}
    if form.is_bound and not form.is_valid():
        return render(request, "forecast/compare.html", context, status=400)
    wanted = (
        form.cleaned_data["scenarios"] if form.is_bound else [pk for pk, _ in choices[: queries.MAX_COMPARED]]
    )
    chosen = [queries.get_scenario(request.user, pk) for pk in wanted]
    origin = queries.today()
    columns = queries.comparison(authority_id, origin, chosen)
    _audit(
        request,
        "comparison",
        f"Compared from {origin:%d/%m/%Y}: baseline, " + ", ".join(s.name for s in chosen),
    )
    context |= {
        "columns": columns,
        "table_rows": _comparison_rows(columns),
        "may_save": may_save_scenarios(request.user),
        "origin": origin,
        "horizons": queries.HORIZONS,
        "targets": queries.targets(authority_id),
        "chosen": wanted,
    }
    return render(request, "forecast/compare.html", context)


@require_GET
def scenarios(request: HttpRequest) -> HttpResponse:
    queries.require_reader(request.user)
    return render(
        request,
        "forecast/scenarios.html",
        {
            "scenarios": list(queries.scenarios_for(request.user)),
            "may_save": may_save_scenarios(request.user),
            "page_title": "Forecast scenarios",
        },
    )


def _scenario_form(request: HttpRequest, saved: SavedScenario | None, kind: type[F]) -> F:
    """A new scenario's form, or a saved one's carrying its version stamp (core.concurrency)."""
    origin = queries.today()
    defaults = queries.default_costs(origin)
    if request.method == "POST":
        return kind(request.POST, origin=origin, defaults=defaults)
    initial = initial_for(
        saved.scenario if saved else None,
        saved.name if saved else "",
        saved.description if saved else "",
        defaults,
    )
    if saved:
        initial |= concurrency.versioned(saved)
    return kind(initial=initial, origin=origin, defaults=defaults)


def _render_form(request: HttpRequest, form: ScenarioForm, saved: SavedScenario | None) -> HttpResponse:
    title = f"Change {saved.name}" if saved else "New scenario"
    return render(
        request,
        "forecast/scenario_form.html",
        {"form": form, "saved": saved, "page_title": page_title(title, form), "heading": title},
        status=400 if form.is_bound and form.errors else concurrency.status(form),
    )


def _saved_message(request: HttpRequest, message: str, saved: SavedScenario) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{reverse('forecast:index')}?scenario={saved.pk}")


@require_http_methods(["GET", "POST"])
def scenario_new(request: HttpRequest) -> HttpResponse:
    queries.require_writer(request.user)
    form = _scenario_form(request, None, ScenarioForm)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_scenario(
                signed_in_user(request),
                authority=request.user.authority,  # type: ignore[union-attr,arg-type]
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                scenario=form.scenario(),
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return _saved_message(request, f"The scenario {saved.name} has been saved", saved)
    return _render_form(request, form, None)


@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queries.require_writer(request.user)
    saved = queries.get_scenario(request.user, pk)
    form = _scenario_form(request, saved, ScenarioEditForm)
    if (
        request.method == "POST"
        and form.is_valid()
        and concurrency.saved(
            form,
            saved,
            lambda: actions.update_scenario(
                signed_in_user(request),
                saved,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                scenario=form.scenario(),
            ),
        )
    ):
        return _saved_message(request, f"The scenario {saved.name} has been changed", saved)
    return _render_form(request, form, saved)


@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    queries.require_writer(request.user)
    saved = queries.get_scenario(request.user, pk)
    name = saved.name
    actions.delete_scenario(signed_in_user(request), saved)
    messages.success(request, f"The scenario {name} has been deleted")
    return redirect("forecast:scenarios")


@require_GET
def excel(request: HttpRequest) -> HttpResponse:
    """The projection shown on the page (and, for a scenario, the baseline) with the backtest, as Excel."""
    from divert.forecast.excel import workbook

    authority_id = queries.require_reader(request.user)
    form, saved = _chosen(request)
    if form.is_bound and not form.is_valid():
        return index(request)
    origin = queries.today()
    baseline = queries.projection(authority_id, origin, form.month_count)
    made = (
        [baseline]
        if saved is None
        else [baseline, queries.projection(authority_id, origin, form.month_count, saved.scenario)]
    )
    _audit(
        request,
        "projection",
        f"Forecast downloaded as Excel from {origin:%d/%m/%Y}: {saved.name if saved else 'baseline'}",
    )
    checked = queries.backtest_for(authority_id).backtest
    content = workbook(made, checked if checked.origins else None)  # no history yet: no accuracy sheet
    name = f"forecast-{origin:%Y-%m-%d}{'-' + str(saved.pk) if saved else ''}.xlsx"
    return attachment(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name)
