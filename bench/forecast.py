"""Benchmark the forecast: speed for one and ten authorities, the full backtest, peak memory, and
accuracy on synthetic histories whose futures are known.

    python bench/forecast.py                          # a synthetic authority of about 400 in care
    python bench/forecast.py --db /tmp/demo.sqlite3   # the demo authority (divert synth), read only
    python bench/forecast.py --runs 500 --repeat 5

(a) One authority: ``model.forecast`` for 24 months with the 80% band (``--runs`` simulation
runs), cold (the first call in the process) and the median of ``--repeat`` more, for the baseline
and for the "Done when" scenario (entries held to 8 a month, 10 children moved out of independent
residential care). Target: 1 s. The register's extract is timed apart (the page caches it).

(b) Ten authorities together: ten synthetic authorities (seeds 11-20; or the demo's frames ten
times over with ``--db``), each forecast in turn, wall time for all ten.

(c) The full backtest (horizons 6, 12 and 24 months, an origin every 3 months, 200 runs) on the
one authority: wall time and the number of origins (for a synthetic authority, from three years
into its history, as in (e)).

(d) Peak memory: ``ru_maxrss`` of the child process that ran (a) to (e) (``tracemalloc`` does not
see Polars), and the ``tracemalloc`` peak of one forecast (numpy's arrays).

(e) Accuracy on the synthetic histories (``forecast.synthetic``): steady, entries rising 6% a
year, entries capped at 8 a month part-way through. A backtest from three years into each
history, 24 months ahead: mean absolute percentage error of the total and its bias, and the share
of actual figures inside the 80% band (total, and all categories pooled). For the capped history
also one forecast made at the change, without and with the cap set as a scenario, against what
happened 24 months later.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

TARGET_ONE = 1.0
MONTHS = 24


def _timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
    started = time.perf_counter()
    run()
    cold = time.perf_counter() - started
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return {"cold": cold, "median": statistics.median(seconds), "min": min(seconds), "max": max(seconds)}


def _first_origin(history: Any) -> dt.date:
    """Three years into a synthetic history: before it, the frames hold only the warm-up's
    children still in care at its start, as a register that began then would."""
    from divert.core.calendar import add_months
    from divert.forecast.model import month_end

    return month_end(add_months(history.start, 36) - dt.timedelta(days=1))


def _one_authority(options: dict[str, Any]) -> tuple[Any, dt.date, str, float, dt.date | None]:
    """The frames to forecast, the origin, a label, the extract's seconds, the backtest's first origin."""
    from divert.forecast import synthetic

    if not options["db"]:
        history = synthetic.steady()
        return (
            history.frames,
            history.end,
            f"synthetic authority ({history.about})",
            0.0,
            _first_origin(history),
        )
    from divert.core.models import Authority
    from divert.forecast.model import month_end
    from divert.forecast.sources import frames_for_authority

    authority = Authority.objects.order_by("pk").first()
    assert authority is not None, "the database holds no authority"
    started = time.perf_counter()
    frames = frames_for_authority(authority)
    seconds = time.perf_counter() - started
    last: dt.date = frames.episodes["decom"].max()  # type: ignore[assignment]
    origin = month_end(last.replace(day=1) - dt.timedelta(days=1))  # the last whole month
    return frames, origin, f"demo authority {authority.name}", seconds, None


def _done_when(origin: dt.date) -> Any:
    from divert.core.calendar import add_months
    from divert.forecast.types import Move, Scenario

    first = add_months(origin.replace(day=1), 1)
    move = Move(add_months(first, 2), 10, "residential_independent", "in_house_foster")
    return Scenario(name="Entries 8 a month, 10 out of residential", entries_cap=8, moves=(move,))


def _speed(options: dict[str, Any]) -> dict[str, Any]:
    from divert.forecast import synthetic
    from divert.forecast.backtest import backtest
    from divert.forecast.model import forecast

    frames, origin, label, extract_seconds, first_origin = _one_authority(options)
    runs, repeat = options["runs"], options["repeat"]
    result: dict[str, Any] = {"label": label, "origin": origin.isoformat(), "extract": extract_seconds}
    result["in_care"] = sum(
        r.central for r in forecast(frames, origin, 1, runs=runs).rows if r.category == "total"
    )
    result["baseline"] = _timed(lambda: forecast(frames, origin, MONTHS, runs=runs), repeat)
    scenario = _done_when(origin)
    result["scenario"] = _timed(lambda: forecast(frames, origin, MONTHS, scenario, runs=runs), repeat)
    tracemalloc.start()
    forecast(frames, origin, MONTHS, runs=runs)
    result["tracemalloc_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    if options["db"]:
        many = [(frames, origin)] * 10
    else:
        built = [synthetic.steady(seed=seed) for seed in range(11, 21)]
        many = [(h.frames, h.end) for h in built]
    started = time.perf_counter()
    for each, at in many:
        forecast(each, at, MONTHS, runs=runs)
    result["ten"] = time.perf_counter() - started

    started = time.perf_counter()
    made = backtest(frames, runs=200, first_origin=first_origin)
    result["backtest"] = {"seconds": time.perf_counter() - started, "origins": len(made.origins)}
    return result


def _accuracy(options: dict[str, Any]) -> list[dict[str, Any]]:
    import numpy as np

    from divert.core.calendar import add_months
    from divert.forecast import synthetic
    from divert.forecast.backtest import actual_counts, backtest
    from divert.forecast.model import forecast, month_end
    from divert.forecast.types import TOTAL, Scenario

    found = []
    for history in synthetic.histories():
        made = backtest(history.frames, horizons=(MONTHS,), first_origin=_first_origin(history), runs=200)
        total = next(a for a in made.accuracy if a.category == TOTAL)
        pooled = [a for a in made.accuracy if a.category != TOTAL and a.origins]
        coverage = sum(a.coverage * a.origins for a in pooled) / max(1, sum(a.origins for a in pooled))
        row: dict[str, Any] = {
            "name": history.name,
            "about": history.about,
            "origins": len(made.origins),
            "error": total.error,
            "bias": total.bias,
            "coverage": total.coverage,
            "coverage_categories": coverage,
        }
        if history.change is not None:
            origin = history.change - dt.timedelta(days=1)
            due = month_end(add_months(history.change, MONTHS - 1))
            actual = float(np.sum(actual_counts(history.frames, [due])))
            lever = Scenario(name="Capped", entries_cap=synthetic.CAP, entries_from=history.change)
            for key, scenario in (("without", None), ("with", lever)):
                projection = forecast(history.frames, origin, MONTHS, scenario, runs=500)
                last = next(r for r in reversed(projection.rows) if r.category == TOTAL)
                row[key] = {"central": last.central, "low": last.low, "high": last.high}
            row["actual"] = actual
        found.append(row)
    return found


def _step(options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    result: dict[str, Any] = {"speed": _speed(options), "accuracy": _accuracy(options)}
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _report(result: dict[str, Any], options: dict[str, Any]) -> None:
    speed = result["speed"]
    print(
        f"Forecast benchmark: {speed['label']}, origin {speed['origin']}, "
        f"{MONTHS} months, {options['runs']} runs"
    )
    print(f"  children in care at the start (first month's central): {speed['in_care']:.0f}")
    if options["db"]:
        print(
            f"  extract (the register read into frames, cached by the page): {speed['extract'] * 1000:.0f} ms"
        )
    for key, name in (("baseline", "baseline"), ("scenario", "entries 8 a month + 10 moved")):
        t = speed[key]
        print(
            f"  one authority, {name:<29} median {t['median'] * 1000:6.0f} ms (min {t['min'] * 1000:.0f}, "
            f"max {t['max'] * 1000:.0f}, cold {t['cold'] * 1000:.0f})  ratio to {TARGET_ONE:.0f} s: "
            f"{t['median'] / TARGET_ONE:.2f}"
        )
    print(
        f"  ten authorities together:                   {speed['ten']:6.2f} s "
        f"({speed['ten'] / 10 * 1000:.0f} ms each)"
    )
    backtested = speed["backtest"]
    print(
        f"  full backtest (6/12/24 months, every 3 months, 200 runs): {backtested['seconds']:.1f} s, "
        f"{backtested['origins']} origins "
        f"({backtested['seconds'] / max(1, backtested['origins']) * 1000:.0f} ms each)"
    )
    print(f"  peak memory: {result['peak_mb']:.0f} MB (ru_maxrss of the bench's child process)")
    print(f"  one forecast's numpy peak (tracemalloc): {speed['tracemalloc_mb']:.1f} MB")
    print(f"Accuracy at {MONTHS} months on synthetic histories (backtest from three years in):")
    for row in result["accuracy"]:
        print(
            f"  {row['name']:<8} ({row['about']}): {row['origins']} origins, "
            f"total error {row['error']:.1f}%, "
            f"bias {row['bias']:+.1f}%, 80% band coverage {row['coverage']:.0%} (total), "
            f"{row['coverage_categories']:.0%} (categories)"
        )
        if "actual" in row:
            for key in ("without", "with"):
                f = row[key]
                print(
                    f"    forecast at the change, {key} the cap as a scenario: {f['central']:.0f} "
                    f"(band {f['low']:.0f}-{f['high']:.0f}); actual {row['actual']:.0f}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=None, help="an existing demo SQLite database (read only)")
    parser.add_argument("--runs", type=int, default=500, help="simulation runs per forecast")
    parser.add_argument("--repeat", type=int, default=5, help="timed forecasts after the cold one")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(json.loads(args.step)), default=str))
        return
    options = {"db": args.db, "runs": args.runs, "repeat": args.repeat}
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="divert.settings", DEBUG="1")
    if args.db:
        env["DATABASE_URL"] = f"sqlite:///{os.path.abspath(args.db)}"
    command = [sys.executable, __file__, "--step", json.dumps(options)]
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
    _report(json.loads(done.stdout.strip().splitlines()[-1]), options)


if __name__ == "__main__":
    main()
