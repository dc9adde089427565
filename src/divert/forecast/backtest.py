"""Rolling-origin backtest: how accurate the forecast has been on this authority's own history.

At each past origin the model is fitted on what was known then (``history.as_at``) and run
ahead; its forecast at each horizon is compared with what the full register says happened.
The same code, with the same calibration, makes the forecast a head of service reads, so the
accuracy shown beside it is the accuracy of that forecast, not of a cousin.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from divert.core.calendar import add_months
from divert.forecast import history, states
from divert.forecast.model import CALIBRATION, Calibration, fit, month_end, quantiles, simulate, with_total
from divert.forecast.types import TOTAL, Accuracy, Backtest
from divert.indicators.frames import Frames


def last_known(frames: Frames) -> dt.date | None:
    """The latest date the register speaks of (an episode starting or ending)."""
    episodes = frames.episodes
    found = map(history.as_date, (episodes["decom"].max(), episodes["dec"].max()))
    dates = [d for d in found if d is not None]
    return max(dates) if dates else None


def default_origins(
    frames: Frames,
    horizons: tuple[int, ...],
    step_months: int,
    first_origin: dt.date | None,
    last_origin: dt.date | None,
    window_months: int,
) -> list[dt.date]:
    """Month ends from ``first_origin`` (default: a full reference window after the first
    episode) to ``last_origin`` (default: the shortest horizon before the register's last date)."""
    end = last_known(frames)
    start = history.as_date(frames.episodes["decom"].min())
    if end is None or start is None:
        return []
    first = first_origin or month_end(add_months(start.replace(day=1), window_months))
    last = last_origin or month_end(add_months(end.replace(day=1), -min(horizons) - 1))
    origins = []
    k = 0
    while (origin := month_end(add_months(first.replace(day=1), k * step_months))) <= last:
        origins.append(origin)
        k += 1
    return origins


def actual_counts(frames: Frames, dates: list[dt.date]) -> np.ndarray:
    """Children in care (under 18) at each date by category: (dates, categories)."""
    episodes = history.care_episodes(frames)
    counts = np.zeros((len(dates), len(states.CATEGORY_KEYS)))
    if not dates or episodes.height == 0:
        return counts
    snaps = history.with_dob(history.snapshots(episodes, dates), frames)
    snaps = snaps.filter(states.age_on(pl.col("dob"), pl.col("date")) < states.LEAVING_AGE)
    np.add.at(counts, (snaps["k"].to_numpy().astype(np.int64), snaps["cat"].to_numpy().astype(np.int64)), 1)
    return counts


#: One scored forecast: (central, 10th percentile, 90th percentile, actual), before band scaling.
Record = tuple[float, float, float, float]


def records(
    frames: Frames,
    origins: list[dt.date],
    horizons: tuple[int, ...],
    *,
    runs: int,
    seed: int,
    calibration: Calibration,
) -> dict[tuple[int, str], list[Record]]:
    """Forecast from each origin: for each (horizon, category or total), the forecast and the outcome."""
    end = last_known(frames)
    keys = [*states.CATEGORY_KEYS, TOTAL]
    found: dict[tuple[int, str], list[Record]] = {(h, key): [] for h in horizons for key in keys}
    for i, origin in enumerate(origins):
        sim = simulate(
            fit(frames, origin, calibration), max(horizons), runs=runs, seed=seed + i, calibration=calibration
        )
        due = [h for h in horizons if end is not None and month_end(sim.months[h - 1]) <= end]
        if not due:
            continue
        actual = with_total(actual_counts(frames, [month_end(sim.months[h - 1]) for h in due]))
        for row, h in enumerate(due):
            low, central, high = quantiles(with_total(sim.counts[h - 1].astype(float)), axis=0)
            for k, key in enumerate(keys):
                found[h, key].append((central[k], low[k], high[k], actual[row, k]))
    return found


def backtest(
    frames: Frames,
    *,
    horizons: tuple[int, ...] = (6, 12, 24),
    step_months: int = 3,
    first_origin: dt.date | None = None,
    last_origin: dt.date | None = None,
    runs: int = 200,
    seed: int = 0,
    calibration: Calibration = CALIBRATION,
) -> Backtest:
    """Forecast from each past origin and score the forecasts against what happened.

    Percentage errors are over the actual count and skip the (origin, category) pairs where the
    actual was 0 (a percentage of nothing); coverage counts every pair. The band is scaled as the
    forecast's is (``calibration.band_scale``)."""
    horizons = tuple(sorted(horizons))
    origins = default_origins(
        frames, horizons, step_months, first_origin, last_origin, calibration.window_months
    )
    found = records(frames, origins, horizons, runs=runs, seed=seed, calibration=calibration)
    return Backtest(
        origins=origins,
        horizons=horizons,
        accuracy=[_score(key, h, pairs, calibration.band_scale) for (h, key), pairs in found.items()],
    )


def _score(category: str, horizon: int, pairs: list[Record], band_scale: float) -> Accuracy:
    if not pairs:
        return Accuracy(category=category, horizon=horizon, error=0.0, bias=0.0, coverage=0.0, origins=0)
    central, low, high, actual = np.array(pairs).T
    low = np.maximum(central - band_scale * (central - low), 0.0)
    high = central + band_scale * (high - central)
    counted = actual > 0
    pct = (central[counted] - actual[counted]) / actual[counted] * 100.0
    return Accuracy(
        category=category,
        horizon=horizon,
        error=float(np.abs(pct).mean()) if counted.any() else 0.0,
        bias=float(pct.mean()) if counted.any() else 0.0,
        coverage=float(((low <= actual) & (actual <= high)).mean()),
        origins=len(pairs),
    )
