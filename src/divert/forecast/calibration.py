"""Choosing the band's width by backtest, so that an 80% band holds the outcome 80% of the time.

The simulation's spread reflects the randomness it knows of (who leaves, how many come in, how
sure the rates are). Real registers are more or less regular than that: a history more regular
than chance (a gatekeeping panel that admits a steady number each month) gives a band too wide, a
history with shocks a band too narrow. One factor corrects both: the band's distance from the
median is multiplied by the factor whose rolling-origin backtest holds the outcome nearest 80% of
the time (``CALIBRATION.band_scale`` was chosen so on the demo authority: see
``docs/forecast-method.md``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from divert.forecast.backtest import default_origins, records
from divert.forecast.model import CALIBRATION, Calibration
from divert.forecast.types import BAND
from divert.indicators.frames import Frames

#: The band scales tried: from half the simulation's band to three times it.
CANDIDATES = tuple(round(0.5 + 0.05 * i, 2) for i in range(51))


def coverage(rows: np.ndarray, scale: float) -> float:
    """The share of outcomes inside bands scaled by ``scale`` (rows of central, low, high, actual)."""
    central, low, high, actual = rows.T
    inside = (np.maximum(central - scale * (central - low), 0.0) <= actual) & (
        actual <= central + scale * (high - central)
    )
    return float(inside.mean())


def band_scale(
    frames: Frames,
    *,
    horizons: tuple[int, ...] = (6, 12, 24),
    step_months: int = 3,
    first_origin: dt.date | None = None,
    last_origin: dt.date | None = None,
    runs: int = 200,
    seed: int = 0,
    calibration: Calibration = CALIBRATION,
) -> float:
    """The band scale whose backtested coverage is nearest 80% on ``frames``' own history, pooled
    over every category, the total and every horizon (each origin's forecast counts once per series).

    A search over ``CANDIDATES`` rather than a percentile of the misses: counts are whole numbers
    and small categories' bands are a child or two wide, so many outcomes sit exactly on a band's
    edge and coverage jumps at a scale of 1; the nearest scale is the honest choice."""
    base = dataclasses.replace(calibration, band_scale=1.0)
    origins = default_origins(frames, horizons, step_months, first_origin, last_origin, base.window_months)
    found = records(frames, origins, tuple(sorted(horizons)), runs=runs, seed=seed, calibration=base)
    rows = np.array([row for pairs in found.values() for row in pairs])
    if not len(rows):
        return calibration.band_scale
    return min(CANDIDATES, key=lambda scale: (abs(coverage(rows, scale) - BAND), scale))
