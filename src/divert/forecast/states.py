"""The forecast's states: a child's placement category and age band, as vectorised Polars expressions.

The categories (``types.CATEGORIES``) split foster and residential care by who provides them,
because that is where the money is: PLACE_PROVIDER PR4/PR5 (private and voluntary) is the
independent sector; anything else (own authority PR1, another authority PR2, other public PR3)
counts as in-house, the authority's own or public provision it does not buy on the market.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from divert.core.codes import (
    ADOPTION_PLACEMENTS,
    INDEPENDENT_PROVIDERS,
    KINSHIP_PLACEMENTS,
    NON_KINSHIP_FOSTER,
    RESIDENTIAL_PLACEMENTS,
)
from divert.forecast.types import AGE_BANDS, CATEGORIES

CATEGORY_KEYS: tuple[str, ...] = tuple(key for key, _ in CATEGORIES)
BAND_KEYS: tuple[str, ...] = tuple(key for key, *_ in AGE_BANDS)
#: First age of each band after the first: ``np.digitize(age, BAND_EDGES)`` is the band's index.
BAND_EDGES = np.array([first for _, _, first, _ in AGE_BANDS[1:]])
#: Children leave care on their 18th birthday.
LEAVING_AGE = 18

#: Supported accommodation: K3 now; H5 (semi-independent living) and P2 in returns before 2023.
SUPPORTED = frozenset({"K3", "H5", "P2"})


def category(place: pl.Expr, provider: pl.Expr) -> pl.Expr:
    """The forecast category key of a placement (PLACE, PLACE_PROVIDER)."""
    independent = provider.is_in(sorted(INDEPENDENT_PROVIDERS)).fill_null(False)
    return (
        pl.when(place.is_in(sorted(KINSHIP_PLACEMENTS)))
        .then(pl.lit("kinship"))
        .when(place.is_in(sorted(NON_KINSHIP_FOSTER)) & independent)
        .then(pl.lit("independent_foster"))
        .when(place.is_in(sorted(NON_KINSHIP_FOSTER)))
        .then(pl.lit("in_house_foster"))
        .when(place.is_in(sorted(RESIDENTIAL_PLACEMENTS)) & independent)
        .then(pl.lit("residential_independent"))
        .when(place.is_in(sorted(RESIDENTIAL_PLACEMENTS)))
        .then(pl.lit("residential_in_house"))
        .when(place.is_in(sorted(SUPPORTED)))
        .then(pl.lit("supported"))
        .when(place == "P1")
        .then(pl.lit("placed_with_parents"))
        .when(place.is_in(sorted(ADOPTION_PLACEMENTS)))
        .then(pl.lit("adoption"))
        .otherwise(pl.lit("other"))
    )


def category_index(place: pl.Expr, provider: pl.Expr) -> pl.Expr:
    """The category's position in ``CATEGORIES`` (what the simulation's arrays hold)."""
    return category(place, provider).replace_strict(
        {key: i for i, key in enumerate(CATEGORY_KEYS)}, return_dtype=pl.Int8
    )


def age_on(dob: pl.Expr, day: pl.Expr | dt.date) -> pl.Expr:
    """Whole years on ``day``; a 29 February birthday falls on 1 March in other years."""
    on = pl.lit(day) if isinstance(day, dt.date) else day

    def month_day(d: pl.Expr) -> pl.Expr:
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)

    return (
        on.dt.year().cast(pl.Int32)
        - dob.dt.year().cast(pl.Int32)
        - (month_day(on) < month_day(dob)).cast(pl.Int32)
    )


def band_index(age: pl.Expr) -> pl.Expr:
    """The age band's position in ``AGE_BANDS`` (17 and over fall in the last band)."""
    index = pl.lit(0, dtype=pl.Int8)
    for i, (_, _, first, _) in enumerate(AGE_BANDS[1:], start=1):
        index = pl.when(age >= first).then(pl.lit(i, dtype=pl.Int8)).otherwise(index)
    return index


def band(age: pl.Expr) -> pl.Expr:
    """The age band key."""
    return band_index(age).replace_strict(dict(enumerate(BAND_KEYS)), return_dtype=pl.Utf8)


# --- The same on numpy arrays, for the simulation ---------------------------------------------


def ages(dob_year: np.ndarray, dob_md: np.ndarray, day: dt.date) -> np.ndarray:
    """Whole years on ``day`` of children born ``dob_year`` and month*100+day ``dob_md``."""
    md = day.month * 100 + day.day
    return day.year - dob_year - (md < dob_md)


def bands(age: np.ndarray) -> np.ndarray:
    """The age band's index of each age (17 and over in the last)."""
    index = np.zeros(age.shape, dtype=np.int64)
    for edge in BAND_EDGES:
        index += age >= edge
    return index


def split_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dates as days since 1970-01-01 to (year, month*100+day), vectorised."""
    d = days.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = d.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (d - month_start).astype(np.int64) + 1
    return year.astype(np.int32), (month * 100 + day).astype(np.int32)
