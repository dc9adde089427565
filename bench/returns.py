"""Benchmark the statutory returns: a national-size SSDA903 import, exports, and the DfE validator.

    python bench/returns.py --database-url postgres://postgres@127.0.0.1:5432/divert_bench_returns
    python bench/returns.py --episodes 100000          # a smaller input, SQLite scratch files

1. The demo authority (``divert synth``) is built in a scratch SQLite file and its ten years of
   SSDA903 returns exported. The build is kept in ``--work`` and reused by later runs.
2. Those CSV sets are copied, each copy with its own CHILD and SW_ID values, until the ten years
   hold about ``--episodes`` episode rows (1 million: a national history), and imported into a
   fresh database. Then the demo's own ten years are imported alone into a fresh database.
3. One year (``--year``) is exported from the demo register (SSDA903 and CIN census) and from the
   national register (SSDA903), the DfE validator is run on each export, and its time is given
   as a ratio to our export and to our import of the same files.

Each step runs in its own process, so the peak memory reported is that step's (``ru_maxrss``).
The time is the step's own work, without Python and Django start-up. A PostgreSQL database
given with ``--database-url`` must be a scratch one: it is dropped and created for each import.
Generated data stays under ``--work`` (default in /tmp), never in the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 60.0
YEARS = range(2017, 2027)
TODAY = "2026-11-23"
RENAMED = ("CHILD", "SW_ID")


# -- steps, each run in a child process with Django set up -----------------------------------------
def _step(step: str, options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from divert.core.models import Authority

    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    result: dict[str, Any] = {}
    if step == "authority":
        Authority.objects.get_or_create(
            code=options["code"], defaults={"la_number": options["la_number"], "name": options["name"]}
        )
    elif step == "describe":
        authority = Authority.objects.get()
        result = {"code": authority.code, "la_number": authority.la_number, "name": authority.name}
    elif step == "import":
        from divert.returns.import903 import import_903

        summary = import_903([Path(p) for p in options["paths"]], Authority.objects.get())
        result = {"episodes": dict(summary.episodes), "children": dict(summary.children)}
    elif step == "export903":
        from divert.returns.export903 import export_903

        result = {"rows": export_903(options["year"], Path(options["out"]), Authority.objects.get())}
    elif step == "exportcin":
        from divert.returns.exportcin import export_cin

        result = {"children": export_cin(options["year"], Path(options["out"]), Authority.objects.get())}
    elif step == "validate":
        from divert.returns.validation import run_validator

        report = run_validator(options["kind"], options["year"], Path(options["out"]), options["code"])
        result = {"rules": len(report.rules), "failed": len(report.with_status("failed"))}
    seconds = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        **result,
        "seconds": seconds,
        "cpu": own.ru_utime + own.ru_stime - cpu_before,
        "peak_mb": own.ru_maxrss / 1024,
        "children_cpu": children.ru_utime + children.ru_stime,
        "children_peak_mb": children.ru_maxrss / 1024,
    }


class Runner:
    """Runs steps in child processes against one database (SQLite file or PostgreSQL URL)."""

    def __init__(self, database_url: str, work: Path) -> None:
        self.database_url = database_url
        # The steps run as in production (DEBUG off: no query log); synth needs DEBUG on.
        self.env = dict(
            os.environ, DEBUG="0", DIVERT_HTTPS="0", DATABASE_URL=database_url, DIVERT_VAR_DIR=str(work)
        )
        self.env.update(SECRET_KEY="bench-only-not-secret", DJANGO_SETTINGS_MODULE="divert.settings")  # noqa: S106

    def divert(self, *args: str) -> None:
        command = [sys.executable, "-m", "divert", *args]
        env = dict(self.env, DEBUG="1")
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own command

    def step(self, step: str, **options: Any) -> dict[str, Any]:
        command = [sys.executable, __file__, "--step", step, json.dumps(options, default=str)]
        done = subprocess.run(command, env=self.env, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def fresh(self) -> None:
        """An empty, migrated database."""
        if self.database_url.startswith("sqlite:"):
            Path(self.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            _recreate_postgres(self.database_url)
        self.divert("migrate", "-v0", "--skip-checks")


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')  # a scratch database, named by the caller
        connection.execute(f'CREATE DATABASE "{name}"')


# -- input ---------------------------------------------------------------------------------------------
def build_demo(work: Path, rebuild: bool) -> tuple[Runner, dict[str, Any]]:
    """The demo authority in a scratch SQLite file and its ten SSDA903 returns (kept for reuse)."""
    demo = Runner(f"sqlite:///{work / 'demo.sqlite3'}", work)
    done = work / "demo" / "complete"
    if rebuild or not done.exists():
        shutil.rmtree(work / "demo", ignore_errors=True)
        demo.fresh()
        demo.divert("synth", "--today", TODAY, "--flush")
        for year in YEARS:
            demo.step("export903", year=year, out=str(work / "demo" / f"903-{year}"))
        done.touch()
    demo.divert("migrate", "-v0", "--skip-checks")  # a kept build may predate the latest models
    return demo, demo.step("describe")


def build_national(demo: Path, out: Path, episodes: int) -> tuple[int, int]:
    """Copy the demo's returns with renamed CHILD/SW_ID until they hold ``episodes`` episode rows.

    Returns (copies, episode rows). Copy 0 keeps the demo's own identifiers."""
    per_copy = sum(_rows(demo / f"903-{y}" / "Episodes.csv") for y in YEARS)
    copies = max(1, math.ceil(episodes / per_copy))
    stamp = out / f"complete-{copies}"
    if not stamp.exists():
        shutil.rmtree(out, ignore_errors=True)
        for year in YEARS:
            for table in sorted((demo / f"903-{year}").glob("*.csv")):
                _replicate(table, out / f"903-{year}" / table.name, copies)
        stamp.touch()
    return copies, per_copy * copies


def _rows(path: Path) -> int:
    with path.open(newline="") as file:
        return sum(1 for _ in file) - 1


def _replicate(source: Path, target: Path, copies: int) -> None:
    with source.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        rows = list(reader)
    renamed = [i for i, column in enumerate(header) if column in RENAMED]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for copy in range(copies):
            for row in rows:
                if copy:
                    row = list(row)
                    for i in renamed:
                        row[i] = f"{row[i]}.{copy}"
                writer.writerow(row)


# -- report --------------------------------------------------------------------------------------------
def _line(label: str, result: dict[str, Any], extra: str = "") -> None:
    figures = f"{result['seconds']:7.1f} s  {result['cpu']:5.1f} s  {result['peak_mb']:6.0f} MB"
    print(f"{label:<44} {figures}  {extra}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--episodes", type=int, default=1_000_000, help="episode rows in the national input")
    parser.add_argument("--database-url", default=None, help="a scratch PostgreSQL database (default SQLite)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/divert-bench-returns"))  # noqa: S108 - scratch
    parser.add_argument("--year", type=int, default=2026, help="the year exported and validated")
    parser.add_argument("--rebuild", action="store_true", help="build the demo again, not from --work")
    parser.add_argument("--skip-validator", action="store_true", help="do not run the DfE validator")
    parser.add_argument(
        "--validate-national", action="store_true", help="also validate the national year (slow)"
    )
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.step[0], json.loads(args.step[1]))))
        return
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    demo, authority = build_demo(work, args.rebuild)
    copies, rows = build_national(work / "demo", work / "national", args.episodes)
    target = Runner(args.database_url or f"sqlite:///{work / 'bench.sqlite3'}", work)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"SSDA903 returns on {database}: {copies} copies of the demo's 10 years, {rows:,} episode rows")
    print(f"{'step':<44} {'wall':>7}    {'CPU':>5}    {'peak':>6}")
    year = args.year

    national = _import(target, authority, [work / "national"])
    seconds = national["seconds"]
    episodes = sum(national["episodes"].values())
    _line("import, national (10 years)", national)
    ratio = seconds / TARGET_SECONDS
    print(f"  {rows / seconds:,.0f} episode rows/s, {episodes:,} episodes; ratio to 60 s: {ratio:.2f}")
    folder = work / "national-export" / f"903-{year}"
    export = target.step("export903", year=year, out=str(folder))
    _line(f"export SSDA903 {year}, national", export, f"{export['rows']['Episodes']:,} episode rows")
    if args.validate_national:
        _validate(args, target, authority, "903", export, folder, "national")

    demo_import = _import(target, authority, [work / "demo"])
    _line(
        "import, demo authority (10 years)",
        demo_import,
        f"{sum(demo_import['episodes'].values()):,} episodes",
    )
    folder = work / "demo-export" / f"903-{year}"
    export = target.step("export903", year=year, out=str(folder))
    _line(f"export SSDA903 {year}, demo", export, f"{export['rows']['Episodes']:,} episode rows")
    _validate(args, target, authority, "903", export, folder, "demo")
    cin = demo.step("exportcin", year=year, out=str(work / "demo-export" / "cin.xml"))
    _line(f"export CIN census {year}, demo (SQLite, synth)", cin, f"{cin['children']:,} children")
    _validate(args, demo, authority, "cin", cin, work / "demo-export" / "cin.xml", "demo")


def _ratio(slow: dict[str, Any], fast: dict[str, Any]) -> str:
    """Wall-time ratio, and CPU-time ratio (steadier on a shared machine)."""
    return f"{slow['seconds'] / fast['seconds']:.1f} (CPU x{slow['cpu'] / max(fast['cpu'], 0.01):.1f})"


def _import(target: Runner, authority: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    target.fresh()
    target.step("authority", **authority)
    return target.step("import", paths=[str(p) for p in paths])


def _validate(
    args: argparse.Namespace,
    runner: Runner,
    authority: dict[str, Any],
    kind: str,
    export: dict[str, Any],
    path: Path,
    label: str,
) -> None:
    """The validator's time on an export, as a ratio to our export and import of the same files."""
    if args.skip_validator:
        return
    checked = runner.step("validate", kind=kind, year=args.year, out=str(path), code=authority["code"])
    checked.update(peak_mb=checked["children_peak_mb"], cpu=checked["children_cpu"])
    ratios = f"x{_ratio(checked, export)} our export"
    if kind == "903":
        one_year = _import(runner, authority, [path])
        ratios += f", x{_ratio(checked, one_year)} our import of it ({one_year['seconds']:.1f} s)"
    _line(f"DfE validator {kind} {args.year}, {label}", checked, ratios)


if __name__ == "__main__":
    main()
