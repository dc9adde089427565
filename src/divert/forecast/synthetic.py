"""Synthetic care histories whose futures are known: what the forecast's accuracy is measured on.

Each history is an authority of about 400 children in care, simulated child by child over ten
years (after twenty years of warm-up, so the first year already holds children who came into
care long before) and returned as :class:`Frames`, the model's own input. The model is fitted on
the first part and its forecast compared with the rest, which was made by a process we wrote
down, so we know what a good forecast should have said:

- ``steady``: entries at a constant rate (17.5 a month); children in care stay near 400;
- ``rising``: entries rising 6% a year, as many authorities saw in the 2010s;
- ``capped``: steady until, part-way through, entries are held to 8 a month (the Peterborough
  plan in ``REFERENCE.md``): a change no history before it can foresee, but a scenario can.

The children are drawn to look like England's: age at entry as the DfE's 2024 figures (under 1
15%, 1-4 15%, 5-9 15%, 10-15 26%, 16 and over 29%), a third of stays short (a few months) and the
rest long (years), ending at 18 at the latest; the first placement depends on age (foster care
for the young, supported accommodation and residential care more often for teenagers), and
two in five longer stays have one move of placement.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from divert.core.ages import birthday
from divert.core.calendar import add_months
from divert.indicators.frames import Frames, frame

START = dt.date(2016, 4, 1)
YEARS = 10
WARM_UP_YEARS = 20
#: Entries a month giving about 400 children in care with the stays below.
STEADY_RATE = 17.5
GROWTH = 0.06
#: Entries a month at the start of ``rising``: about 330 children in care then, near 600 ten years on.
RISING_RATE = 15.0
CAP = 8
#: Months after the start when the cap begins in ``capped``.
CAP_FROM = 66

# Age at entry: (share, first age, last age), DfE 2024.
AGES = ((0.15, 0, 0), (0.15, 1, 4), (0.15, 5, 9), (0.26, 10, 15), (0.29, 16, 17))
SHORT_SHARE = 0.35
SHORT_DAYS = 110.0  # mean length of a short stay
LONG_DAYS = 1500.0  # mean length of a long one
MOVE_SHARE = 0.4
# (PLACE, PLACE_PROVIDER) and weight, by age at placement: under 5, 5 to 15, 16 and over.
PLACEMENTS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "young": (
        ("U4", "PR1", 0.38),
        ("U4", "PR4", 0.2),
        ("U1", "PR1", 0.2),
        ("P1", "PR1", 0.1),
        ("A5", "PR1", 0.07),
        ("Z1", "PR1", 0.05),
    ),
    "child": (
        ("U4", "PR1", 0.33),
        ("U4", "PR4", 0.25),
        ("U1", "PR1", 0.14),
        ("K2", "PR1", 0.04),
        ("K2", "PR4", 0.1),
        ("P1", "PR1", 0.07),
        ("Z1", "PR1", 0.07),
    ),
    "older": (
        ("U4", "PR1", 0.18),
        ("U4", "PR4", 0.14),
        ("U1", "PR1", 0.05),
        ("K3", "PR4", 0.35),
        ("K2", "PR4", 0.14),
        ("K2", "PR1", 0.04),
        ("Z1", "PR1", 0.1),
    ),
}


@dataclass(frozen=True)
class History:
    """A synthetic authority's whole history and what made it."""

    name: str
    about: str
    frames: Frames
    start: dt.date  # the first month of the history proper (warm-up before it)
    end: dt.date  # the last day of the history
    change: dt.date | None = None  # when the policy changed (``capped``)


def steady(seed: int = 1, rate: float = STEADY_RATE) -> History:
    frames = simulate(lambda m: rate, lambda m: None, seed)
    return History("steady", f"entries steady at {rate:g} a month", frames, START, _end())


def rising(seed: int = 2, rate: float = RISING_RATE, growth: float = GROWTH) -> History:
    """Entries growing by ``growth`` a year, through the warm-up too, ``rate`` a month at the start."""
    frames = simulate(lambda m: rate * (1 + growth) ** (m / 12), lambda m: None, seed)
    return History("rising", f"entries rising {growth:.0%} a year", frames, START, _end())


def capped(seed: int = 3, rate: float = STEADY_RATE, cap: int = CAP, cap_from: int = CAP_FROM) -> History:
    """Steady, then from ``cap_from`` months after the start at most ``cap`` entries a month."""
    frames = simulate(lambda m: rate, lambda m: cap if m >= cap_from else None, seed)
    change = add_months(START, cap_from)
    about = f"entries {rate:g} a month, held to {cap} a month from {change:%B %Y}"
    return History("capped", about, frames, START, _end(), change)


def histories() -> list[History]:
    return [steady(), rising(), capped()]


def _end() -> dt.date:
    return add_months(START, 12 * YEARS) - dt.timedelta(days=1)


def simulate(
    rate: Callable[[int], float], cap: Callable[[int], int | None], seed: int, years: int = YEARS
) -> Frames:
    """Children entering care month by month (month 0 is ``START``; warm-up months are negative):
    a Poisson number with mean ``rate(m)``, at most ``cap(m)``. Episodes still open at the end are
    left open, as a register on that day holds them."""
    rng = np.random.default_rng(seed)
    end = add_months(START, 12 * years) - dt.timedelta(days=1)
    children: list[tuple[Any, ...]] = []
    episodes: list[tuple[Any, ...]] = []
    for m in range(-12 * WARM_UP_YEARS, 12 * years):
        month = add_months(START, m)
        count = int(rng.poisson(rate(m)))
        limit = cap(m)
        if limit is not None:
            count = min(count, limit)
        days = calendar.monthrange(month.year, month.month)[1]
        for _ in range(count):
            entry = month + dt.timedelta(days=int(rng.integers(0, days)))
            child = len(children) + 1
            dob, spells = _child(rng, entry, end)
            if spells[-1][1] is not None and spells[-1][1] < START:
                continue  # left before the history begins: the register never held them
            children.append((child, "MF"[int(rng.integers(0, 2))], dob, False, None, None))
            episodes += [_episode(child, *spell) for spell in spells]
    return Frames(children=frame("children", children), episodes=frame("episodes", episodes))


def _child(
    rng: np.random.Generator, entry: dt.date, end: dt.date
) -> tuple[dt.date, list[tuple[dt.date, dt.date | None, str, str, str, str]]]:
    """A child's date of birth and episodes (start, end or None, RNE, REC, PLACE, PROVIDER)."""
    _, first, last = AGES[int(rng.choice(len(AGES), p=[share for share, _, _ in AGES]))]
    age_days = int(rng.integers(first * 365, (last + 1) * 365 - 1))
    dob = entry - dt.timedelta(days=age_days)
    eighteen = birthday(dob, dob.year + 18)
    mean = SHORT_DAYS if rng.random() < SHORT_SHARE else LONG_DAYS
    leave = min(entry + dt.timedelta(days=1 + int(rng.exponential(mean))), eighteen)
    moves = [entry]
    if (leave - entry).days > 180 and rng.random() < MOVE_SHARE:
        moves.append(entry + dt.timedelta(days=int(rng.integers(60, (leave - entry).days - 30))))
    spells = []
    for i, start in enumerate(moves):
        until = moves[i + 1] if i + 1 < len(moves) else leave
        place, provider = _placement(rng, (start - dob).days // 365)
        closed = until <= end
        rec = ("X1" if i + 1 < len(moves) else "E4A" if until < eighteen else "E8") if closed else ""
        spells.append((start, until if closed else None, "S" if i == 0 else "P", rec, place, provider))
        if not closed:
            break
    return dob, spells


def _placement(rng: np.random.Generator, age: int) -> tuple[str, str]:
    options = PLACEMENTS["young" if age < 5 else "child" if age < 16 else "older"]
    weights = np.array([w for *_, w in options])
    place, provider, _ = options[int(rng.choice(len(options), p=weights / weights.sum()))]
    return place, provider


def _episode(
    child: int, start: dt.date, until: dt.date | None, rne: str, rec: str, place: str, provider: str
) -> tuple[Any, ...]:
    return (child, start, rne, "C2", "N1", place, provider, until, rec or None, None, None, None, None, None)
