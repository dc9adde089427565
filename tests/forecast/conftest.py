"""A small, known stand-in for the forecast model, so the pages' arithmetic can be worked by hand.

``fake_model`` replaces ``queries.run_forecast`` and ``run_backtest``: every month the baseline
has 100 children in in-house foster care, 80 in independent foster care, 10 in independent
residential care and 2 in in-house residential care (192 in all), with a band of 10% either
side. A scenario's one-off moves are applied from their month. Costs use ``WEEKLY``: the
baseline spends 100 x 500 + 80 x 900 + 10 x 4,000 + 2 x 3,000 = £168,000 a week, which is
168,000 x 52 / 12 = £728,000 a month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from divert.core.calendar import add_months
from divert.forecast import queries
from divert.forecast.types import TOTAL, Accuracy, Backtest, Projection, Row, Scenario

BASE = {
    "in_house_foster": 100,
    "independent_foster": 80,
    "residential_independent": 10,
    "residential_in_house": 2,
}
WEEKLY = {
    "in_house_foster": Decimal(500),
    "independent_foster": Decimal(900),
    "residential_independent": Decimal(4000),
    "residential_in_house": Decimal(3000),
}


def fake_forecast(frames: Any, origin: dt.date, months: int, scenario: Scenario | None) -> Projection:
    scenario = scenario or Scenario()
    rows: list[Row] = []
    costs: list[Row] = []
    for i in range(1, months + 1):
        month = add_months(origin.replace(day=1), i)
        counts = dict(BASE)
        for move in scenario.moves:
            if move.month <= month:
                counts[move.from_category] -= move.count
                counts[move.to_category] = counts.get(move.to_category, 0) + move.count
        for key, value in counts.items():
            rows.append(Row(month, key, value, value * 0.9, value * 1.1))
        total = sum(counts.values())
        rows.append(Row(month, TOTAL, total, total * 0.9, total * 1.1))
        spend = float(sum(WEEKLY[k] * v for k, v in counts.items()) * 52 / 12)
        costs.append(Row(month, TOTAL, spend, spend * 0.9, spend * 1.1))
    return Projection(origin, months, scenario, rows, costs, runs=10)


def fake_backtest(frames: Any) -> Backtest:
    accuracy = [
        Accuracy(TOTAL, 6, 3.0, 1.0, 0.83, 12),
        Accuracy(TOTAL, 12, 5.0, -2.0, 0.8, 10),
        Accuracy(TOTAL, 24, 8.4, 4.0, 0.75, 6),
        Accuracy("residential_independent", 24, 30.0, 10.0, 0.7, 6),
    ]
    return Backtest([dt.date(2022, 3, 31), dt.date(2022, 6, 30)], (6, 12, 24), accuracy)


@dataclass
class FakeModel:
    forecasts: int = 0
    backtests: int = 0
    scenarios: list[Scenario] = field(default_factory=list)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModel]:
    calls = FakeModel()

    def forecast(frames: Any, origin: dt.date, months: int, scenario: Scenario | None) -> Projection:
        calls.forecasts += 1
        calls.scenarios.append(scenario or Scenario())
        return fake_forecast(frames, origin, months, scenario)

    def backtest(frames: Any) -> Backtest:
        calls.backtests += 1
        return fake_backtest(frames)

    monkeypatch.setattr(queries, "run_forecast", forecast)
    monkeypatch.setattr(queries, "run_backtest", backtest)
    monkeypatch.setattr(queries, "default_costs", lambda day: dict(WEEKLY))
    yield calls


@pytest.fixture(autouse=True)
def _few_runs(settings: Any) -> None:
    """The real model, where a test uses it, runs few futures: fast, and the band still exists."""
    settings.DIVERT = {**settings.DIVERT, "FORECAST_RUNS": 20}
