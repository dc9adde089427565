"""Reads for the forecast pages: who may see them, the saved scenarios, the projections and
the backtest, and the figures each page shows, worked out from them.

The forecast is about the whole authority and names no child, so there is no ``restrict``
by child here: the role decides (``core.access.may_read_forecast`` / ``may_save_scenarios``)
and scenarios are fetched within the reader's own authority, with the same 404 for another
council's scenario as for a missing one.

Projections come from ``forecast.model`` on the register's frames, kept per register version
(``indicators.cache.derived``) so a page shown twice does not run the model twice. The
backtest takes seconds, and depends only on the care history, so it is kept in the database
under a fingerprint of the children and episodes it read (``models.BacktestResult``): a
scenario saved or a visit recorded does not make the next reader wait for it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from divert.core.access import may_read_forecast, may_save_scenarios
from divert.core.calendar import add_months
from divert.forecast.models import BacktestResult, SavedScenario
from divert.forecast.types import (
    CATEGORIES,
    CATEGORY_LABELS,
    TOTAL,
    Accuracy,
    Backtest,
    Projection,
    Row,
    Scenario,
)
from divert.indicators import cache
from divert.indicators.frames import Frames
from divert.indicators.models import IndicatorTarget

#: The horizons the pages report (months ahead), as the programme's questions ask them.
HORIZONS = (6, 12, 24)
#: Residential care, in-house and independent: the programme's residential target counts both.
RESIDENTIAL = ("residential_in_house", "residential_independent")
#: At most this many saved scenarios are compared with the baseline at once.
MAX_COMPARED = 3


# ---------------------------------------------------------------- who may, and what is saved


def require_reader(user: Any) -> int:
    """The reader's authority, or a 403 for a role that does not use the forecast."""
    if not may_read_forecast(user):
        raise PermissionDenied("Your role does not give access to the forecast.")
    return int(user.authority_id)


def require_writer(user: Any) -> int:
    authority_id = require_reader(user)
    if not may_save_scenarios(user):
        raise PermissionDenied("Only the head of service, analysts and finance save scenarios.")
    return authority_id


def today() -> dt.date:
    return timezone.localdate()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def runs() -> int:
    """Simulated futures per projection: enough for a steady 80% band, fewer in tests."""
    value: Any = settings.DIVERT.get("FORECAST_RUNS", 500)
    return int(value)


def backtest_runs() -> int:
    """The backtest runs many forecasts, each with fewer futures (the band's edges still settle)."""
    return max(min(runs(), 200), 1)


def scenarios_for(user: Any) -> QuerySet[SavedScenario]:
    return SavedScenario.objects.filter(authority_id=require_reader(user)).select_related("created_by")


def get_scenario(user: Any, pk: int | str) -> SavedScenario:
    """A saved scenario of the reader's own authority; the same 404 for another council's as a missing one."""
    try:
        return scenarios_for(user).get(pk=int(pk))
    except (SavedScenario.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such scenario") from exc


def default_costs(day: dt.date) -> dict[str, Decimal]:
    """The reference weekly cost of each category in ``day``'s financial year."""
    from divert.forecast.costs import default_weekly_costs

    # UnitCost.year names the financial year by the year it ends (2026 is April 2025 to March 2026).
    year = day.year + 1 if day.month >= 4 else day.year
    return default_weekly_costs(year)


def targets(authority_id: int) -> dict[str, float]:
    """The authority's own targets for children in care and residential care, where set."""
    found = IndicatorTarget.objects.filter(
        authority_id=authority_id, indicator__in=("cla_count", "residential_count"), target__isnull=False
    ).values_list("indicator", "target")
    return {name: float(value) for name, value in found if value is not None}


# ---------------------------------------------------------------- running the model


def run_forecast(frames: Frames, origin: dt.date, months: int, scenario: Scenario | None) -> Projection:
    from divert.forecast.model import forecast

    return forecast(frames, origin, months, scenario, runs=runs(), weekly_costs=default_costs(origin))


#: How many years of past origins the page's backtest scores.
BACKTEST_YEARS = 6


def run_backtest(frames: Frames) -> Backtest:
    from divert.forecast.backtest import backtest

    # Origins over the last BACKTEST_YEARS years that have their 24 months of outcome: what the
    # service's recent history says about the model, in seconds rather than the 16 s that every
    # origin since the oldest episode took on the demo.
    last = add_months(timezone.localdate(), -max(HORIZONS))
    first = add_months(last, -12 * BACKTEST_YEARS)
    return backtest(frames, horizons=HORIZONS, runs=backtest_runs(), first_origin=first, last_origin=last)


def projection(
    authority_id: int, origin: dt.date, months: int, scenario: Scenario | None = None
) -> Projection:
    """The forecast from ``origin``, computed once per register version, scenario and length."""
    scenario = scenario or Scenario()
    levers = json.dumps({**scenario.to_json(), "name": ""}, sort_keys=True)
    key = ("forecast", origin, months, levers, runs())

    def build(frames: Frames) -> Projection:
        made = run_forecast(frames, origin, months, None if scenario.is_baseline else scenario)
        return made if made.scenario.name == scenario.name else _renamed(made, scenario)

    return cache.derived(authority_id, key, build)


def _renamed(made: Projection, scenario: Scenario) -> Projection:
    from dataclasses import replace

    return replace(made, scenario=scenario)


def fingerprint(frames: Frames) -> str:
    """A digest of the care history the backtest reads: children (birthdays) and episodes."""
    digest = hashlib.sha256()
    for frame in (frames.children.select("child", "dob"), frames.episodes):
        digest.update(str(frame.height).encode())
        if frame.height:
            digest.update(str(frame.sort(frame.columns[:2]).hash_rows(seed=7).sum()).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Accuracy24:
    """The backtest as the page shows it, with when it was worked out and how long it took."""

    backtest: Backtest
    computed: dt.datetime
    seconds: float


def backtest_for(authority_id: int) -> Accuracy24:
    """The authority's backtest for its current care history: stored once, then read back."""
    from divert.forecast import actions

    frames = cache.frames(authority_id)
    key = fingerprint(frames)
    stored = BacktestResult.objects.filter(
        authority_id=authority_id, fingerprint=key, runs=backtest_runs()
    ).first()
    if stored is None:
        started = time.perf_counter()
        made = run_backtest(frames)
        stored = actions.store_backtest(
            authority_id, key, backtest_runs(), backtest_to_json(made), time.perf_counter() - started
        )
    return Accuracy24(backtest_from_json(stored.data), stored.computed, stored.seconds)


def backtest_to_json(made: Backtest) -> dict[str, Any]:
    return {
        "origins": [day.isoformat() for day in made.origins],
        "horizons": list(made.horizons),
        "accuracy": [vars(a) for a in made.accuracy],
    }


def backtest_from_json(data: dict[str, Any]) -> Backtest:
    return Backtest(
        origins=[dt.date.fromisoformat(day) for day in data["origins"]],
        horizons=tuple(data["horizons"]),
        accuracy=[Accuracy(**a) for a in data["accuracy"]],
    )


# ---------------------------------------------------------------- figures for the pages


def months_of(rows: Sequence[Row]) -> list[dt.date]:
    return sorted({row.month for row in rows})


def series(rows: Sequence[Row], category: str) -> list[Row]:
    return sorted((row for row in rows if row.category == category), key=lambda r: r.month)


def residential(rows: Sequence[Row]) -> list[tuple[dt.date, float]]:
    """Children in residential care (in-house and independent) each month, central figures.

    The two categories' bands cannot be added (their highs do not happen together), so only
    the central figure is given.
    """
    by_month: dict[dt.date, float] = {}
    for row in rows:
        if row.category in RESIDENTIAL:
            by_month[row.month] = by_month.get(row.month, 0.0) + row.central
    return sorted(by_month.items())


def at_horizon(items: Sequence[Any], origin: dt.date, horizon: int) -> Any | None:
    """The figure ``horizon`` months after the origin's month (``items`` by month, rows or pairs)."""
    wanted = add_months(month_start(origin), horizon)
    for item in items:
        month = item.month if isinstance(item, Row) else item[0]
        if month == wanted:
            return item
    return None


def monthly_cost(made: Projection) -> list[tuple[dt.date, float]]:
    """Spend each month in pounds (the total over categories)."""
    total = series(made.costs, TOTAL)
    if total:
        return [(row.month, row.central) for row in total]
    by_month: dict[dt.date, float] = {}
    for row in made.costs:
        by_month[row.month] = by_month.get(row.month, 0.0) + row.central
    return sorted(by_month.items())


def cost_over(made: Projection, months: int) -> float:
    """Spend over the first ``months`` months of the projection."""
    return sum(value for _, value in monthly_cost(made)[:months])


@dataclass(frozen=True)
class CostMonth:
    month: dt.date
    cost: float
    cumulative: float
    baseline: float | None
    saving: float | None
    cumulative_saving: float | None

    def text(self) -> dict[str, str]:
        """Each figure as the table shows it ("£1,234,567", "-£2,000")."""
        return {
            "cost": money_text(self.cost),
            "cumulative": money_text(self.cumulative),
            "baseline": money_text(self.baseline),
            "saving": money_text(self.saving),
            "cumulative_saving": money_text(self.cumulative_saving),
        }


def cost_table(made: Projection, baseline: Projection | None) -> list[CostMonth]:
    """Each month's spend and running total and, for a scenario, the saving against the baseline
    (baseline spend minus the scenario's: positive is money saved)."""
    base = dict(monthly_cost(baseline)) if baseline is not None else {}
    out: list[CostMonth] = []
    running = saved = 0.0
    for month, cost in monthly_cost(made):
        running += cost
        before = base.get(month)
        saving = before - cost if before is not None else None
        saved += saving or 0.0
        out.append(CostMonth(month, cost, running, before, saving, saved if baseline is not None else None))
    return out


@dataclass(frozen=True)
class CategoryRow:
    key: str
    label: str
    at: list[Row | None]  # one per horizon

    @property
    def cells(self) -> list[tuple[str, str]]:
        return [(count_text(r.central if r else None), band_text(r)) for r in self.at]


def category_rows(made: Projection, horizons: Sequence[int] = HORIZONS) -> list[CategoryRow]:
    out = []
    for key, label in (*CATEGORIES, (TOTAL, "All children in care")):
        rows = series(made.rows, key)
        out.append(CategoryRow(key, label, [at_horizon(rows, made.origin, h) for h in horizons]))
    return out


def month_table(made: Projection) -> list[tuple[dt.date, list[float]]]:
    """Month by category (and total), central figures: the table behind the category chart."""
    keys = [key for key, _ in CATEGORIES] + [TOTAL]
    cells = {(row.month, row.category): row.central for row in made.rows}
    return [(month, [cells.get((month, key), 0.0) for key in keys]) for month in months_of(made.rows)]


# ---------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Column:
    """One scenario's answers to the programme's questions, beside the baseline's."""

    name: str
    pk: int | None
    totals: list[Row | None]
    residential: list[float | None]
    cost: float
    saving: float | None

    @property
    def cost_text(self) -> str:
        return money_text(self.cost)

    @property
    def saving_text(self) -> str:
        return "" if self.saving is None else money_text(self.saving)

    @property
    def totals_text(self) -> list[tuple[str, str]]:
        return [(count_text(r.central if r else None), band_text(r)) for r in self.totals]

    @property
    def residential_text(self) -> list[str]:
        return [count_text(v) for v in self.residential]


def column(made: Projection, baseline: Projection, pk: int | None, months: int = 24) -> Column:
    res = residential(made.rows)
    cost = cost_over(made, months)
    return Column(
        name=made.scenario.name,
        pk=pk,
        totals=[at_horizon(series(made.rows, TOTAL), made.origin, h) for h in HORIZONS],
        residential=[(found[1] if (found := at_horizon(res, made.origin, h)) else None) for h in HORIZONS],
        cost=cost,
        saving=None if pk is None else cost_over(baseline, months) - cost,
    )


# ---------------------------------------------------------------- accuracy in words


@dataclass(frozen=True)
class AccuracyLine:
    label: str
    horizon: int
    error: float
    bias: float
    coverage: float
    origins: int

    @property
    def error_text(self) -> str:
        return percent_text(self.error)

    @property
    def bias_text(self) -> str:
        if abs(self.bias) < 0.5:
            return "About right"
        return f"{percent_text(abs(self.bias))} too {'high' if self.bias > 0 else 'low'}"

    @property
    def coverage_text(self) -> str:
        return f"{self.coverage:.0%}"


def percent_text(points: float) -> str:
    """A percentage the backtest gives in points (2.4 is 2.4%): one decimal below 10%."""
    return f"{points:.1f}%" if abs(points) < 10 else f"{points:.0f}%"


def accuracy_lines(made: Backtest) -> list[AccuracyLine]:
    """The backtest's rows, total first then the categories in page order, by horizon."""
    order = {key: i for i, (key, _) in enumerate(((TOTAL, ""), *CATEGORIES))}
    labels = {TOTAL: "All children in care", **CATEGORY_LABELS}
    rows = sorted(made.accuracy, key=lambda a: (order.get(a.category, 99), a.horizon))
    return [
        AccuracyLine(labels.get(a.category, a.category), a.horizon, a.error, a.bias, a.coverage, a.origins)
        for a in rows
    ]


def accuracy_sentences(made: Backtest) -> list[str]:
    """The total's accuracy at each horizon, as a sentence a head of service reads once.

    ``error`` and ``bias`` come in percentage points (``backtest._score``), ``coverage`` as a share.
    """
    out = []
    for a in sorted((a for a in made.accuracy if a.category == TOTAL), key=lambda a: a.horizon):
        if not a.origins:
            continue
        leaning = (
            "it was about right on average"
            if abs(a.bias) < 0.5
            else f"it tended to forecast {'too many' if a.bias > 0 else 'too few'} "
            f"by {percent_text(abs(a.bias))}"
        )
        out.append(
            f"In the past, {a.horizon} months ahead, the total was within {percent_text(a.error)} "
            "on average and "
            f"{leaning}; the 80% band held the actual number {a.coverage:.0%} of the time "
            f"({a.origins} forecast{'' if a.origins == 1 else 's'} checked)."
        )
    return out


# ---------------------------------------------------------------- what the pages show


def count_text(value: float | None) -> str:
    return "No figure" if value is None else f"{value:,.0f}"


def money_text(value: float | None) -> str:
    if value is None:
        return "No figure"
    return f"-£{abs(value):,.0f}" if round(value) < 0 else f"£{value:,.0f}"


def band_text(row: Row | None) -> str:
    return "No figure" if row is None else f"{row.low:,.0f} to {row.high:,.0f}"


@dataclass(frozen=True)
class ForecastPage:
    """Everything the forecast page shows, worked out from a projection (and its baseline)."""

    made: Projection
    baseline: Projection | None  # None when ``made`` is the baseline
    targets: dict[str, float]
    total: list[Row]
    residential: list[tuple[dt.date, float]]
    categories: list[CategoryRow]
    months_table: list[tuple[dt.date, list[float]]]
    costs: list[CostMonth]

    @property
    def months(self) -> list[dt.date]:
        return [row.month for row in self.total]

    @property
    def cost_total(self) -> float:
        return self.costs[-1].cumulative if self.costs else 0.0

    @property
    def saving_total(self) -> float | None:
        return self.costs[-1].cumulative_saving if self.costs and self.baseline is not None else None


def forecast_page(
    authority_id: int, origin: dt.date, months: int, saved: SavedScenario | None = None
) -> ForecastPage:
    baseline = projection(authority_id, origin, months)
    made = projection(authority_id, origin, months, saved.scenario) if saved is not None else baseline
    return ForecastPage(
        made=made,
        baseline=baseline if saved is not None else None,
        targets=targets(authority_id),
        total=series(made.rows, TOTAL),
        residential=residential(made.rows),
        categories=category_rows(made),
        months_table=month_table(made),
        costs=cost_table(made, baseline if saved is not None else None),
    )


def comparison(authority_id: int, origin: dt.date, chosen: Sequence[SavedScenario]) -> list[Column]:
    """The baseline and each chosen scenario over 24 months, in the order chosen."""
    baseline = projection(authority_id, origin, 24)
    columns = [column(baseline, baseline, None)]
    for saved in chosen[:MAX_COMPARED]:
        columns.append(column(projection(authority_id, origin, 24, saved.scenario), baseline, saved.pk))
    return columns
