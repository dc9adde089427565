"""Every indicator's ``counts`` shortcut gives exactly the series its facts give.

The facts are the truth (the drill-down lists them); ``counts`` only exists so that a
ten-year series over a national register does not make a row per child and date to count
them. Each shortcut is held to its facts on every small register the other indicator tests
build by hand, on generated registers full of awkward cases (a case starting and ending the
same day, a child with overlapping cases, cases ending on a period date, a worker holding
several cases at once, empty tables), each over monthly periods and over single days on and
either side of every date the register holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import random
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from divert.indicators import catalogue, compute
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency, periods
from tests.indicators import fd_builders as fd
from tests.indicators import lac_builders as lac

WITH_COUNTS = [i for i in catalogue.indicators() if i.counts is not None]
ONE_DAY = dt.timedelta(days=1)

# The test modules whose hand-built registers (functions taking nothing and returning Frames) are reused.
HAND_BUILT = (
    "test_looked_after",
    "test_placements",
    "test_stability",
    "test_adoption",
    "test_cin_cp",
    "test_carers_workforce",
    "test_front_door",
)


def _hand_built() -> Iterator[tuple[str, Callable[[], Frames]]]:
    yield "empty lac register", lambda: lac.register()
    yield "empty fd register", lambda: fd.register()
    for name in HAND_BUILT:
        module = importlib.import_module(f"tests.indicators.{name}")
        for attr, fn in vars(module).items():
            if attr.startswith("test") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if inspect.signature(fn).parameters:
                continue
            yield f"{name}.{attr}", fn


def _copy(frames: Frames) -> Frames:
    """The same register with nothing derived yet (a memo of its own)."""
    return dataclasses.replace(frames, _memo={})


def _dates_in(frames: Frames) -> list[dt.date]:
    found: set[dt.date] = set()
    for field in dataclasses.fields(frames):
        table = getattr(frames, field.name)
        if not isinstance(table, pl.DataFrame):
            continue
        for column, dtype in table.schema.items():
            if dtype == pl.Date:
                found.update(table.get_column(column).drop_nulls().to_list())
    return sorted(found)


def _probes(frames: Frames) -> list[pl.DataFrame]:
    """Monthly periods over ten years, and a day on and either side of each date in the register."""
    days = sorted({day + step * ONE_DAY for day in _dates_in(frames) for step in (-1, 0, 1)})
    probes = [periods(Frequency.MONTH, dt.date(2026, 3, 31), 120)]
    if days:
        probes.append(pl.DataFrame({"start": days, "date": days}, schema={"start": pl.Date, "date": pl.Date}))
    return probes


def assert_counts_match_facts(frames: Frames) -> None:
    for span in _probes(frames):
        for indicator in WITH_COUNTS:
            fast = compute.series(_copy(frames), indicator, span)
            slow = compute.series(_copy(frames), dataclasses.replace(indicator, counts=None), span)
            try:
                assert_frame_equal(fast, slow, check_dtypes=False, rel_tol=1e-12, abs_tol=0.0)
            except AssertionError as differs:
                raise AssertionError(f"{indicator.id} over {span.height} periods: {differs}") from None


def test_some_indicators_have_a_shortcut() -> None:
    assert {"cla_count", "cin_count", "caseload_per_worker", "allocated_qualified_pct"} <= {
        i.id for i in WITH_COUNTS
    }


@pytest.mark.parametrize(
    ("name", "build"), list(_hand_built()), ids=lambda x: x if isinstance(x, str) else ""
)
def test_the_shortcuts_match_the_facts_on_every_hand_built_register(
    name: str, build: Callable[[], Any]
) -> None:
    frames = build()
    if not isinstance(frames, Frames):
        pytest.skip(f"{name} is not a register")
    assert_counts_match_facts(frames)


# Dates crowded around month ends, so that cases often start, end or both on a period's date.
POOL = [
    dt.date(2024, 1, 31) + dt.timedelta(days=offset)
    for offset in (-1, 0, 1, 28, 29, 30, 59, 60, 61, 90, 180, 181, 365, 366, 400)
]


def _day(rng: random.Random) -> dt.date:
    return rng.choice(POOL)


def _end(rng: random.Random, start: dt.date) -> dt.date | None:
    """Open, ending the day it started, ending later, or (a recording slip) before it started."""
    roll = rng.random()
    if roll < 0.25:
        return None
    if roll < 0.4:
        return start
    if roll < 0.45:
        return start - 3 * ONE_DAY
    return max(start, _day(rng))


def generated(seed: int) -> Frames:
    """A register of a few children with every kind of case drawn from a small pool of dates."""
    rng = random.Random(seed)
    children = range(1, 7)
    households = range(1, 6)
    episodes, referrals, plans, allocations, homes = [], [], [], [], []
    for _ in range(rng.randint(0, 10)):
        start = _day(rng)
        episodes.append(
            {
                "child": rng.choice(children),
                "decom": start,
                "dec": _end(rng, start),
                "rne": rng.choice("SPB"),
                "ls": rng.choice(["C2", "C2", "V4", "E1"]),
                "place": rng.choice(["U4", "U1", "R1", "K2", "A3", None]),
                "place_provider": rng.choice(["PR1", "PR4", "PR5", None]),
                "planned_end": rng.choice([None, _day(rng)]),
                "carer": rng.choice([None, *households]),
                "rec": None,
            }
        )
    for n in range(rng.randint(0, 10)):
        start = _day(rng)
        referrals.append({"id": n, "child": rng.choice(children), "date": start, "closed": _end(rng, start)})
    for n in range(rng.randint(0, 6)):
        start = _day(rng)
        plans.append({"id": n, "child": rng.choice(children), "start": start, "end": _end(rng, start)})
    for _ in range(rng.randint(0, 12)):
        start = _day(rng)
        allocations.append(
            {
                "child": rng.choice(children),
                "worker": rng.choice([None, 1, 2, 3]),
                "qualified": rng.random() < 0.6,
                "team": rng.choice(["North", "South"]),
                "start": start,
                "end": _end(rng, start),
            }
        )
    for household in households:
        approved = rng.choice([None, _day(rng), _day(rng)])
        homes.append(
            {
                "household": household,
                "kind": rng.choice(["mainstream", "mainstream", "connected"]),
                "approved": approved,
                "deregistered": approved and _end(rng, approved),
            }
        )
    return fd.register(
        episodes=episodes,
        referrals=referrals,
        cp_plans=plans,
        allocations=allocations,
        households=homes,
        population=[{"year": 2023, "children": 1000}, {"year": 2024, "children": 1200}],
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_shortcuts_match_the_facts_on_generated_registers_with_awkward_cases(seed: int) -> None:
    assert_counts_match_facts(generated(seed))


def test_a_child_with_overlapping_referrals_and_a_worker_with_overlapping_cases_count_once() -> None:
    # Child 1's referrals overlap (1 Jan-open and 1 Feb-1 Mar): in need once on 31 Jan and 28 Feb.
    # Worker 7 holds children 1 and 2 on 28 Feb: 2 allocations / 1 worker = 2.0.
    frames = fd.register(
        referrals=[fd.referral(1, "2025-01-01", id=1), fd.referral(1, "2025-02-01", "2025-03-01", id=2)],
        allocations=[fd.allocation(1, 7, "2025-01-01"), fd.allocation(2, 7, "2025-02-01", "2025-02-28")],
    )
    months = fd.month("2025-02-28", 2)
    assert compute.series(frames, catalogue.get("cin_count"), months)["value"].to_list() == [1.0, 1.0]
    assert compute.series(frames, catalogue.get("caseload_per_worker"), months)["value"].to_list() == [
        1.0,
        2.0,
    ]
    assert_counts_match_facts(frames)


def test_a_narrowed_series_is_read_from_the_facts() -> None:
    # Child 1 with a North allocation, child 2 with a South one, both in need on 31 Jan: 1 in North.
    frames = fd.register(
        referrals=[fd.referral(1, "2025-01-01"), fd.referral(2, "2025-01-01")],
        allocations=[fd.allocation(1, 7, "2025-01-01"), fd.allocation(2, 8, "2025-01-01", team="South")],
    )
    span = fd.month("2025-01-31")
    cin = catalogue.get("cin_count")
    assert compute.series(frames, cin, span)["value"].to_list() == [2.0]
    assert compute.series(frames, cin, span, {"team": "North"})["value"].to_list() == [1.0]
