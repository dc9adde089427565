"""Profile the indicators one by one: where the scorecard's time goes, demo and national size.

    python bench/indicators_profile.py --db /tmp/demo.sqlite3
    python bench/indicators_profile.py --db /tmp/demo.sqlite3 --save /tmp/before.parquet
    python bench/indicators_profile.py --db /tmp/demo.sqlite3 --check /tmp/before.parquet
    python bench/indicators_profile.py --db /tmp/demo.sqlite3 --only visits_on_time_pct --skip-demo

Why per indicator and not just the whole card (``bench/scorecard.py``): a total says the card is
slow, not which definition makes it so. Each indicator's ``compute.series`` over 120 months is
timed on a fresh ``Frames`` (nothing derived yet, so it pays for the shared frames it reads),
then the whole catalogue on one ``Frames`` (the shared frames built once: the real case).

``--save`` writes every indicator's 120-month series on the demo frames (and on the national
register with ``--national-figures``) to a parquet file; ``--check`` compares against one, so a
change made for speed is shown to change no figure. The national register is
``bench/national_frames.national``: copies of the demo's frames, about a million episodes.
The demo's frames are read from the database once and kept as parquet (``--frames-dir``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import polars as pl

AS_AT = dt.date(2026, 3, 31)
MONTHS = 120


def _setup(db: str) -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "divert.settings")
    os.environ["DATABASE_URL"] = db if "://" in db else f"sqlite:///{db}"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import django

    django.setup()


def _demo_frames(frames_dir: Path) -> Any:
    """The demo authority's frames, read from the database once and kept as parquet."""
    from divert.indicators.frames import SCHEMAS, Frames

    if not (frames_dir / "episodes.parquet").exists():
        from divert.core.models import Authority
        from divert.indicators.extract import extract

        extracted = extract(Authority.objects.order_by("pk").first().pk)  # type: ignore[union-attr]
        frames_dir.mkdir(parents=True, exist_ok=True)
        for name in SCHEMAS:
            getattr(extracted, name).write_parquet(frames_dir / f"{name}.parquet")
        pl.DataFrame({"day": list(extracted.holidays)}, schema={"day": pl.Date}).write_parquet(
            frames_dir / "holidays.parquet"
        )
    # One chunk each, as an extract or the national copies are (parquet reads come in row groups).
    loaded: dict[str, Any] = {
        name: pl.read_parquet(frames_dir / f"{name}.parquet").rechunk() for name in SCHEMAS
    }
    holidays = tuple(pl.read_parquet(frames_dir / "holidays.parquet")["day"].to_list())
    return Frames(**loaded, holidays=holidays)


def _fresh(frames: Any) -> Any:
    """The same register with nothing derived yet."""
    from divert.indicators.frames import Frames

    return Frames(**{f.name: getattr(frames, f.name) for f in fields(frames) if f.name != "_memo"})


def _seconds(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """Best wall-clock and process CPU seconds of ``runs`` (CPU too: on a shared machine the wall
    clock also counts other processes' turns, the CPU time only this one's work)."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        run()
        wall, cpu = min(wall, time.perf_counter() - started), min(cpu, time.process_time() - used)
    return wall, cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _profile(
    label: str, frames: Any, wanted: list[Any], months: pl.DataFrame, runs: int
) -> dict[str, tuple[float, float]]:
    """Each indicator alone on a fresh ``Frames`` (best of ``runs``), then all of them together."""
    from divert.indicators import compute

    timings: dict[str, tuple[float, float]] = {}
    print(f"\n== {label}: {frames.episodes.height:,} episodes, {frames.children.height:,} children")
    print(f"{'indicator (fresh Frames each)':40s} {'wall':>10s}    {'cpu':>10s}")
    for indicator in wanted:
        try:

            def alone(i: Any = indicator) -> None:
                compute.series(_fresh(frames), i, months)

            timings[indicator.id] = _seconds(alone, runs)
        except Exception as error:
            print(f"{indicator.id:40s} FAILED {type(error).__name__}: {error}")
            continue
        wall, cpu = timings[indicator.id]
        print(f"{indicator.id:40s} {wall * 1000:10.0f} ms {cpu * 1000:10.0f} ms", flush=True)

    marginal: dict[str, float] = {}

    def whole() -> None:
        shared = _fresh(frames)
        for indicator in wanted:
            if indicator.id in timings:
                started = time.perf_counter()
                compute.series(shared, indicator, months)
                took = time.perf_counter() - started
                marginal[indicator.id] = min(marginal.get(indicator.id, took), took)

    total = _seconds(whole, runs)
    print("\nin the catalogue's order on one Frames (what each adds once shared frames exist):")
    for name, took in sorted(marginal.items(), key=lambda item: -item[1])[:15]:
        print(f"  {name:38s} {took * 1000:10.0f} ms")
    print(
        f"{'ALL (one Frames, shared memo)':40s} {total[0] * 1000:10.0f} ms {total[1] * 1000:10.0f} ms"
        f"   peak RSS {_peak_mb():,.0f} MB"
    )
    timings["ALL"] = total
    return timings


def _figures(label: str, frames: Any, wanted: list[Any], months: pl.DataFrame) -> pl.DataFrame:
    """Every indicator's series (value, num, den per date), long, for a before/after comparison."""
    from divert.indicators import compute

    shared = _fresh(frames)
    parts = []
    for indicator in wanted:
        try:
            out = compute.series(shared, indicator, months)
        except Exception:  # noqa: S112
            continue
        parts.append(
            out.select(
                pl.lit(label).alias("register"),
                pl.lit(indicator.id).alias("indicator"),
                "date",
                pl.col("value").cast(pl.Float64),
                pl.col("num").cast(pl.Float64),
                pl.col("den").cast(pl.Float64),
            )
        )
    return pl.concat(parts)


def _save_facts(frames: Any, wanted: list[Any], months: pl.DataFrame, folder: Path) -> None:
    """Every indicator's facts (the drill-down rows), sorted, one parquet file each."""
    from divert.indicators import compute

    folder.mkdir(parents=True, exist_ok=True)
    shared = _fresh(frames)
    for indicator in wanted:
        try:
            rows = compute.facts(shared, indicator, months)
        except Exception:  # noqa: S112
            continue
        rows.sort(rows.columns, nulls_last=True).write_parquet(folder / f"{indicator.id}.parquet")


def _check_facts(frames: Any, wanted: list[Any], months: pl.DataFrame, folder: Path) -> int:
    """Compare every indicator's facts with those saved: same columns, types and rows (any order)."""
    from polars.testing import assert_frame_equal

    from divert.indicators import compute

    shared = _fresh(frames)
    bad = 0
    for indicator in wanted:
        saved = folder / f"{indicator.id}.parquet"
        if not saved.exists():
            continue
        rows = compute.facts(shared, indicator, months)
        try:
            assert_frame_equal(rows.sort(rows.columns, nulls_last=True), pl.read_parquet(saved))
        except AssertionError as error:
            bad += 1
            print(f"facts of {indicator.id} DIFFER: {str(error)[:300]}")
    print(f"Facts: {bad} indicators' drill-down rows differ from those saved")
    return bad


def _compare(now: pl.DataFrame, before: pl.DataFrame) -> int:
    """Print every figure that differs from ``before``; the number of indicators that differ."""
    keys = ["register", "indicator", "date"]
    common = (
        before.select("register", "indicator")
        .unique()
        .join(now.select("register", "indicator").unique(), on=["register", "indicator"])
    )
    joined = (
        before.join(common, on=["register", "indicator"])
        .join(now, on=keys, how="full", suffix="_now", coalesce=True)
        .filter(pl.col("indicator").is_in(common["indicator"].implode()))
    )
    differs = pl.lit(False)
    for column in ("value", "num", "den"):
        a, b = pl.col(column), pl.col(f"{column}_now")
        # Sums of costs in pounds and pence may differ in the last bit when rows come in another
        # order (Polars adds each thread's share, then the shares): 1e-12 relative is far below a penny.
        same = (a.is_null() & b.is_null()) | ((a - b).abs() <= 1e-12 * a.abs()).fill_null(False)
        differs = differs | ~same
    exact = joined.filter(pl.col("value") != pl.col("value_now"))
    if not exact.is_empty():
        worst = exact.select(
            ((pl.col("value") - pl.col("value_now")).abs() / pl.col("value").abs()).max()
        ).item()
        names = sorted(set(exact["indicator"]))
        print(
            f"\nlast-bit differences (largest {worst:.1e} relative) in {len(names)} series:",
            ", ".join(names),
        )
    bad = joined.filter(differs)
    checked = common.height
    if bad.is_empty():
        print(f"\nFigures: all {checked} (register, indicator) series identical to the saved ones")
        return 0
    print(f"\nFigures DIFFER in {bad.select('register', 'indicator').unique().height} series:")
    print(bad.head(40))
    return bad.select("register", "indicator").unique().height


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    demo_db = "/tmp/demo.sqlite3"  # noqa: S108  (the shared demo database, read only)
    parser.add_argument("--db", default=demo_db, help="demo database: a SQLite path or a URL")
    parser.add_argument(
        "--frames-dir", default=str(Path(tempfile.gettempdir()) / "indicators_profile_frames")
    )
    parser.add_argument("--only", nargs="*", help="indicator ids (default: the whole catalogue)")
    parser.add_argument("--runs", type=int, default=3, help="demo runs (best kept)")
    parser.add_argument("--national-runs", type=int, default=1)
    parser.add_argument("--copies", type=int, default=150)
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--save", help="write every series to this parquet file")
    parser.add_argument("--check", help="compare every series with this parquet file")
    parser.add_argument("--save-facts", help="write every indicator's demo facts to this folder")
    parser.add_argument("--check-facts", help="compare every indicator's demo facts with this folder")
    parser.add_argument("--national-figures", action="store_true", help="also save/check national series")
    args = parser.parse_args()

    _setup(args.db)
    from divert.indicators import catalogue
    from divert.indicators.periods import Frequency, periods

    months = periods(Frequency.MONTH, AS_AT, MONTHS)
    wanted = [i for i in catalogue.indicators() if not args.only or i.id in args.only]
    demo = _demo_frames(Path(args.frames_dir))

    if not args.skip_demo:
        _profile("demo", demo, wanted, months, args.runs)
    if args.save_facts:
        _save_facts(demo, wanted, months, Path(args.save_facts))
    failures = _check_facts(demo, wanted, months, Path(args.check_facts)) if args.check_facts else 0
    figures = [] if not (args.save or args.check) else [_figures("demo", demo, wanted, months)]
    if not args.skip_national or args.national_figures:
        from national_frames import national

        started = time.perf_counter()
        big = national(demo, args.copies, args.episodes)
        print(f"\nnational register built in {time.perf_counter() - started:.1f} s")
        if not args.skip_national:
            _profile("national", big, wanted, months, args.national_runs)
        if args.national_figures and (args.save or args.check):
            figures.append(_figures("national", big, wanted, months))
    if args.save:
        pl.concat(figures).write_parquet(args.save)
        print(f"\nsaved {sum(f.height for f in figures):,} figures to {args.save}")
    if args.check:
        failures += _compare(pl.concat(figures), pl.read_parquet(args.check))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
