"""Random draws that land close to their targets, from one seeded stream.

A synthetic authority must hit published shares (15% of entries under one, 6% placed with
parents ...) in a few hundred cases, where independent draws would miss by a quarter. A
:class:`Deck` deals categories in shuffled blocks holding the exact proportions, so any
run of draws matches the target within one block; :class:`QuantileDeck` does the same for
continuous values by dealing shuffled quantiles. Both draw only from the ``random.Random``
they are given, so one seed gives one authority.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


def _apportion(weights: Sequence[float], size: int) -> list[int]:
    """Whole counts for ``size`` cards in proportion to ``weights`` (largest remainder)."""
    total = sum(weights)
    exact = [w * size / total for w in weights]
    counts = [math.floor(x) for x in exact]
    short = size - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[:short]:
        counts[i] += 1
    return counts


class Deck(Generic[T]):
    """Deals categories in shuffled blocks of ``size`` cards in the exact target proportions."""

    def __init__(self, rng: random.Random, weights: Mapping[T, float], size: int = 100) -> None:
        self._rng = rng
        self._items = list(weights)
        self._counts = _apportion([weights[k] for k in self._items], size)
        self._cards: list[T] = []

    def deal(self) -> T:
        if not self._cards:
            self._cards = [item for item, n in zip(self._items, self._counts, strict=True) for _ in range(n)]
            self._rng.shuffle(self._cards)
        return self._cards.pop()


class QuantileDeck:
    """Deals the ``size`` mid-quantiles of a distribution in shuffled order.

    ``ppf`` maps a probability in (0, 1) to a value. The mean of any full block is the
    distribution's mean to within discretisation, so averages converge fast.
    """

    def __init__(self, rng: random.Random, ppf: Callable[[float], float], size: int = 50) -> None:
        self._rng = rng
        self._values = [ppf((i + 0.5) / size) for i in range(size)]
        self._cards: list[float] = []

    def deal(self) -> float:
        if not self._cards:
            self._cards = list(self._values)
            self._rng.shuffle(self._cards)
        return self._cards.pop()


def normal_ppf(p: float) -> float:
    """Inverse of the standard normal distribution (Acklam's rational approximation)."""
    a = (
        -39.69683028665376,
        220.9460984245205,
        -275.9285104469687,
        138.3577518672690,
        -30.66479806614716,
        2.506628277459239,
    )
    b = (-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572)
    c = (
        -0.007784894002430293,
        -0.3223964580411365,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    )
    d = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416)
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        )
    if p > 1 - 0.02425:
        return -normal_ppf(1 - p)
    q = p - 0.5
    r = q * q
    return (
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    )


def lognormal_ppf(median: float, sigma: float) -> Callable[[float], float]:
    """The quantile function of a log-normal distribution with this median and spread."""
    return lambda p: median * math.exp(sigma * normal_ppf(p))


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth's method for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    k, product = 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def weighted(rng: random.Random, weights: Mapping[T, float]) -> T:
    """One independent draw (for choices where exact shares do not matter)."""
    items = list(weights)
    return rng.choices(items, weights=[weights[k] for k in items])[0]
