"""Benchmark the scorecard: extract, every indicator over ten years of months, national size.

    python bench/scorecard.py                          # builds the demo authority (divert synth) first
    python bench/scorecard.py --db /tmp/demo.sqlite3   # an existing demo database (read only)
    python bench/scorecard.py --database-url postgres://postgres@127.0.0.1:5432/divert_perf
    python bench/scorecard.py --skip-national

(a) Demo authority. ``extract`` (the register read into frames), then every catalogue
indicator's series over 120 months (``compute.series``) and the full scorecard with a 120-month
trend (``report.scorecard(..., trend_periods=120)``, which also reads targets and benchmarks),
each **cold** (a fresh ``Frames``: nothing derived yet, as after a change to the register) and
**warm** (the same ``Frames`` again: what a cached register gives the next request), the
median of ``--runs``. Also the page's own path: the 13-month scorecard through the cache
(``cache.scorecard``), cold (extract included: the first request after a change) and as a hit.
Target: 200 ms.

(b) National size. The demo's frames copied into 150 authorities holding about a million
episodes (``national_frames.py`` says how and why), then the full scorecard over 120 months,
cold and warm. Peak memory is ``ru_maxrss`` of that step's own process (``tracemalloc`` does
not see Polars' allocations): it holds Python, Django, the demo's frames, the national frames
and every derived frame. Target: 5 s.

Each part runs in its own process. An indicator that raises (others may be mid-edit) is left
out and named; the indicator count printed is those that ran.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_DEMO = 0.2
TARGET_NATIONAL = 5.0
TODAY = "2026-11-24"
AS_AT = "2026-10-31"
MONTHS = 120


# -- steps, each in a child process with Django set up ---------------------------------------------
def _timed(run: Callable[[], object], runs: int) -> dict[str, float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return {"median": statistics.median(seconds), "min": min(seconds), "max": max(seconds), "runs": runs}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fresh(frames: Any) -> Any:
    """The same register with nothing derived yet (as extracted)."""
    from dataclasses import fields

    from divert.indicators.frames import Frames

    return Frames(**{f.name: getattr(frames, f.name) for f in fields(frames) if f.name != "_memo"})


def _working(frames: Any, months: Any) -> tuple[list[Any], dict[str, str]]:
    """The catalogue's indicators that compute on these frames, and those that raise (by id)."""
    from divert.indicators import catalogue, compute

    ok, failed = [], {}
    for indicator in catalogue.indicators():
        try:
            compute.series(frames, indicator, months)
            ok.append(indicator)
        except Exception as error:  # reported below, not hidden: work in progress elsewhere
            failed[indicator.id] = f"{type(error).__name__}: {str(error)[:80]}"
    return ok, failed


def _card_runs(frames: Any, indicators: list[Any], as_at: Any, authority_id: int | None, runs: int) -> dict:
    from divert.indicators import compute, report
    from divert.indicators.periods import Frequency, periods

    months = periods(Frequency.MONTH, as_at, MONTHS)
    only = [i.id for i in indicators]

    def series() -> None:
        for indicator in indicators:
            compute.series(current, indicator, months)

    def card() -> None:
        report.scorecard(current, as_at, authority_id=authority_id, only=only, trend_periods=MONTHS)

    out: dict[str, Any] = {}
    for name, run in (("series", series), ("scorecard", card)):
        cold = []
        for _ in range(runs):
            current = _fresh(frames)
            cold.append(_timed(run, 1)["median"])
        out[f"{name}_cold"] = {
            "median": statistics.median(cold),
            "min": min(cold),
            "max": max(cold),
            "runs": runs,
        }
        out[f"{name}_warm"] = _timed(
            run, runs
        )  # ``current``: the last cold run's frames, derived frames kept
    current = _fresh(frames)
    slowest = {}
    for indicator in indicators:
        started = time.perf_counter()
        compute.series(current, indicator, months)
        slowest[indicator.id] = time.perf_counter() - started
    out["slowest"] = sorted(slowest.items(), key=lambda item: -item[1])[:8]
    return out


def _demo(options: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from divert.core.models import Authority
    from divert.indicators import cache, report
    from divert.indicators.extract import extract
    from divert.indicators.periods import Frequency, periods

    as_at = dt.date.fromisoformat(options["as_at"])
    runs = options["runs"]
    authority = Authority.objects.order_by("pk").first()
    assert authority is not None, "no authority: run divert synth first"
    frames = extract(authority.pk)
    result: dict[str, Any] = {"extract": _timed(lambda: extract(authority.pk), runs)}
    result["rows"] = {
        n: getattr(frames, n).height for n in ("children", "episodes", "contacts", "allocations")
    }
    indicators, failed = _working(_fresh(frames), periods(Frequency.MONTH, as_at, MONTHS))
    result.update(indicators=len(indicators), failed=failed)
    result.update(_card_runs(frames, indicators, as_at, authority.pk, runs))
    only = [i.id for i in indicators]

    def page_cold() -> None:
        cache.clear()
        cache.scorecard(authority.pk, as_at, Frequency.MONTH, only=only)

    result["page_cold"] = _timed(page_cold, runs)
    result["page_hit"] = _timed(lambda: cache.scorecard(authority.pk, as_at, Frequency.MONTH, only=only), 50)
    result["card13_cold"] = _timed(
        lambda: report.scorecard(_fresh(frames), as_at, authority_id=authority.pk, only=only), runs
    )
    _save(frames, Path(options["frames"]))
    result["peak_mb"] = _peak_mb()
    return result


def _save(frames: Any, folder: Path) -> None:
    from divert.indicators.frames import SCHEMAS

    folder.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        getattr(frames, name).write_parquet(folder / f"{name}.parquet")
    (folder / "holidays.json").write_text(json.dumps([d.isoformat() for d in frames.holidays]))


def _load(folder: Path) -> Any:
    import datetime as dt

    import polars as pl

    from divert.indicators.frames import SCHEMAS, Frames

    holidays = tuple(dt.date.fromisoformat(d) for d in json.loads((folder / "holidays.json").read_text()))
    tables: dict[str, Any] = {n: pl.read_parquet(folder / f"{n}.parquet") for n in SCHEMAS}
    return Frames(**tables, holidays=holidays)


def _national(options: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from divert.core.models import Authority
    from divert.indicators.periods import Frequency, periods
    from national_frames import national

    as_at = dt.date.fromisoformat(options["as_at"])
    demo = _load(Path(options["frames"]))
    started = time.perf_counter()
    frames = national(demo, options["copies"], options["episodes"])
    built = time.perf_counter() - started
    result: dict[str, Any] = {
        "build_seconds": built,
        "rows": {n: getattr(frames, n).height for n in ("children", "episodes", "contacts", "allocations")},
        "frames_mb": sum(
            getattr(frames, n).estimated_size("mb")
            for n in frames.__dataclass_fields__
            if n[0] != "_" and hasattr(getattr(frames, n), "estimated_size")
        ),
        "peak_after_build_mb": _peak_mb(),
    }
    authority = Authority.objects.order_by("pk").first()
    indicators, failed = _working(_fresh(frames), periods(Frequency.MONTH, as_at, MONTHS))
    result.update(indicators=len(indicators), failed=failed)
    result.update(_card_runs(frames, indicators, as_at, authority.pk if authority else None, options["runs"]))
    result["peak_mb"] = _peak_mb()
    return result


STEPS = {"demo": _demo, "national": _national}


def _step(step: str, options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    return STEPS[step](options)


# -- the runner ---------------------------------------------------------------------------------------
def _environment(database_url: str, work: Path) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url, DIVERT_VAR_DIR=str(work), DEBUG="0", DIVERT_HTTPS="0")
    env.update(SECRET_KEY="bench-only-not-secret", DJANGO_SETTINGS_MODULE="divert.settings")  # noqa: S106
    return env


def _run_step(env: dict[str, str], step: str, **options: Any) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, json.dumps(options)]
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _migrate(env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "divert", "migrate", "-v0"]
    subprocess.run(command, env=dict(env, DEBUG="1"), check=True)  # noqa: S603 - our own command


def _build_demo(env: dict[str, str]) -> None:
    divert = [sys.executable, "-m", "divert"]
    env = dict(env, DEBUG="1")
    _migrate(env)
    print("building the demo authority with divert synth (about a minute) ...", flush=True)
    synth = [*divert, "synth", "--today", TODAY, "--flush"]
    subprocess.run(synth, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own command


def _ms(figure: dict[str, float]) -> str:
    return (
        f"{figure['median'] * 1000:8.0f} ms  (min {figure['min'] * 1000:.0f}, max {figure['max'] * 1000:.0f})"
    )


def _ratio(figure: dict[str, float], target: float) -> str:
    return f"ratio to {target * 1000:.0f} ms: {figure['median'] / target:.2f}"


def _report_cards(result: dict[str, Any], target: float) -> None:
    for label, key in (("cold", "series_cold"), ("warm", "series_warm")):
        print(
            f"  all series, {MONTHS} months, {label}      {_ms(result[key])}  {_ratio(result[key], target)}"
        )
    print(
        f"  scorecard, {MONTHS}-month trend, cold  {_ms(result['scorecard_cold'])}  "
        f"{_ratio(result['scorecard_cold'], target)}"
    )
    print(
        f"  scorecard, {MONTHS}-month trend, warm  {_ms(result['scorecard_warm'])}  "
        f"{_ratio(result['scorecard_warm'], target)}"
    )
    slow = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in result["slowest"])
    print(f"  slowest indicators cold (ms): {slow}")
    if result["failed"]:
        print(f"  left out (raised): {', '.join(f'{k} ({v})' for k, v in result['failed'].items())}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, default=None, help="an existing demo SQLite database (read only)")
    parser.add_argument("--database-url", default=None, help="an existing demo database by URL (PostgreSQL)")
    parser.add_argument("--as-at", default=AS_AT, help="the scorecard's date (YYYY-MM-DD)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is shown)")
    parser.add_argument("--national-runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=150, help="authorities in the national register")
    parser.add_argument("--episodes", type=int, default=1_000_000, help="episodes in the national register")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.step[0], json.loads(args.step[1])), default=str))
        return
    with tempfile.TemporaryDirectory(prefix="divert-bench-scorecard-") as folder:
        work = Path(folder)
        if args.database_url:
            url, label = args.database_url, "PostgreSQL"
        elif args.db:  # a copy, migrated: the original stays as it was
            shutil.copyfile(args.db, work / "demo.sqlite3")
            url, label = f"sqlite:///{work / 'demo.sqlite3'}", f"SQLite (a copy of {args.db})"
        else:
            url, label = f"sqlite:///{work / 'demo.sqlite3'}", "SQLite (built now)"
        env = _environment(url, work)
        if not args.db and not args.database_url:
            _build_demo(env)
        else:
            _migrate(env)
        frames = str(work / "frames")
        demo = _run_step(env, "demo", as_at=args.as_at, runs=args.runs, frames=frames)
        rows = demo["rows"]
        print(
            f"(a) demo authority on {label}, as at {args.as_at}: {rows['children']:,} children, "
            f"{rows['episodes']:,} episodes, {rows['contacts']:,} contacts, "
            f"{rows['allocations']:,} allocations; {demo['indicators']} indicators; "
            f"median of {args.runs} runs; 2 cores"
        )
        print(f"  extract                           {_ms(demo['extract'])}")
        _report_cards(demo, TARGET_DEMO)
        print(f"  page path, 13 months, cold (extract + scorecard)  {_ms(demo['page_cold'])}")
        print(f"  page path, 13 months, cached                      {_ms(demo['page_hit'])}")
        print(f"  scorecard, 13 months, cold (no extract)           {_ms(demo['card13_cold'])}")
        print(f"  peak memory (ru_maxrss)            {demo['peak_mb']:8.0f} MB")
        if args.skip_national:
            return
        national = _run_step(
            env,
            "national",
            as_at=args.as_at,
            runs=args.national_runs,
            frames=frames,
            copies=args.copies,
            episodes=args.episodes,
        )
        rows = national["rows"]
        print(
            f"(b) national: {args.copies} copies of the demo's frames, {rows['children']:,} children, "
            f"{rows['episodes']:,} episodes, {rows['contacts']:,} contacts, "
            f"{rows['allocations']:,} allocations; {national['indicators']} indicators; "
            f"median of {args.national_runs} runs"
        )
        print(
            f"  frames built in {national['build_seconds']:.1f} s, {national['frames_mb']:.0f} MB of frames; "
            f"peak after building {national['peak_after_build_mb']:.0f} MB"
        )
        _report_cards(national, TARGET_NATIONAL)
        print(f"  peak memory (ru_maxrss of the step) {national['peak_mb']:7.0f} MB")


if __name__ == "__main__":
    main()
