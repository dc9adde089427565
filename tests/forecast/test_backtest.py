"""The rolling-origin backtest: on a history whose future follows its past, the forecast should be
close and its 80% band should hold the outcome about 80% of the time."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from divert.forecast.backtest import actual_counts, backtest, default_origins
from divert.forecast.calibration import CANDIDATES, band_scale, coverage
from divert.forecast.model import CALIBRATION
from divert.forecast.types import TOTAL
from tests.forecast.test_model import steady_history
from tests.indicators.lac_builders import child, episode, register


def test_origins_run_from_a_full_window_after_the_first_episode_to_the_shortest_horizon_before_the_last():
    frames = register(
        [episode(1, "2020-01-15"), episode(2, "2024-06-01", "2024-12-20", rec="E4A")],
        children=[child(1, "2015-01-01"), child(2, "2015-01-01")],
    )
    # First: 36 months after January 2020, at the month's end; last date known 20 December 2024,
    # so the last origin leaves 6 months before it: 31 May 2024. Every 3 months between.
    origins = default_origins(frames, (6, 12), 3, None, None, 36)
    assert origins[0] == dt.date(2023, 1, 31)
    assert origins[-1] == dt.date(2024, 4, 30)
    assert len(origins) == 6


def test_actual_counts_are_children_under_18_in_care_on_the_date_by_category():
    frames = register(
        [
            episode(1, "2020-01-15", place="U6", place_provider="PR4"),
            episode(2, "2020-01-15"),
            episode(3, "2020-01-15"),
        ],
        children=[child(1, "2015-01-01"), child(2, "2015-01-01"), child(3, "2002-01-01")],  # 3 is 18 in 2020
    )
    counts = actual_counts(frames, [dt.date(2020, 1, 14), dt.date(2020, 1, 31)])
    assert counts.sum(axis=1).tolist() == [0, 2]
    assert counts[1, 0] == 1 and counts[1, 1] == 1  # one in-house, one independent foster


def test_a_steady_history_is_forecast_closely_with_a_band_that_holds_the_outcome_about_80_percent():
    frames = steady_history()
    result = backtest(frames, first_origin=dt.date(2017, 12, 31), step_months=6, runs=100)
    totals = {a.horizon: a for a in result.accuracy if a.category == TOTAL}
    assert set(totals) == {6, 12, 24}
    # Every 6 months from December 2017 to December 2025 (the last with 6 months known after it):
    # 17 origins; the 24-month horizon has happened only for the 14 up to June 2024.
    assert totals[6].origins == 17 and totals[24].origins == 14
    for horizon, accuracy in totals.items():
        assert accuracy.error < 10, horizon
        assert abs(accuracy.bias) < 6, horizon
        assert 0.55 <= accuracy.coverage <= 1.0, horizon
    assert len(result.accuracy) == 3 * 10  # nine categories and the total at each horizon


def test_a_register_with_no_history_has_no_origins():
    result = backtest(register([]))
    assert result.origins == []
    assert all(a.origins == 0 for a in result.accuracy)


def test_coverage_counts_outcomes_inside_the_scaled_band():
    # (central, low, high, actual): a band of 90 to 110 around 100.
    rows = np.array(
        [[100, 90, 110, 95], [100, 90, 110, 108], [100, 90, 110, 112], [100, 90, 110, 80]], dtype=float
    )
    assert coverage(rows, 1.0) == 0.5  # 95 and 108 inside
    assert coverage(rows, 1.2) == 0.75  # 88 to 112: 112 too
    assert coverage(rows, 0.5) == 0.25  # 95 to 105: only 95


def test_the_calibrated_scale_is_the_candidate_whose_coverage_is_nearest_80_percent():
    frames = steady_history()
    scale = band_scale(frames, first_origin=dt.date(2017, 12, 31), step_months=6, runs=100)
    assert scale in CANDIDATES
    calibrated = dataclasses.replace(CALIBRATION, band_scale=scale)
    result = backtest(
        frames, first_origin=dt.date(2017, 12, 31), step_months=6, runs=100, calibration=calibrated
    )
    pooled = np.mean([a.coverage for a in result.accuracy])
    assert pooled == pytest.approx(0.8, abs=0.08)
