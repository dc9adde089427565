"""Benchmark ``divert synth``: wall time, peak memory, rows written, rows a second, ratio to 60 s.

    python bench/synth.py                      # the default authority into a fresh SQLite file
    python bench/synth.py --national           # 150 authorities (about 12 million children)
    python bench/synth.py --database-url postgres://postgres@127.0.0.1:5432/divert_bench

A PostgreSQL database given with ``--database-url`` must be a scratch one: it is migrated and
its register flushed. The run happens in a child process, so the peak memory reported is
the generator's own (``ru_maxrss`` of that process). A national run that passes
``--timeout`` is stopped and reported as far as it got, with its rate per authority.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
SUMMARY = re.compile(r"([\d,]+) children, ([\d,]+) episodes, ([\d,]+) in care .*?, ([\d,]+) rows")
PER_AUTHORITY = re.compile(r": ([\d,]+) children, ([\d,]+) in care, ([\d,]+) rows in ([\d.]+) s")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _divert() -> list[str]:
    return [sys.executable, "-m", "divert"]


def _environment(database_url: str | None, folder: str) -> dict[str, str]:
    env = dict(os.environ, DEBUG="1", DIVERT_VAR_DIR=folder)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def _run(args: argparse.Namespace, folder: str) -> dict[str, float | str]:
    env = _environment(args.database_url, folder)
    subprocess.run([*_divert(), "migrate", "-v0"], env=env, check=True)  # noqa: S603 - our own command
    command = [*_divert(), "synth", "--seed", str(args.seed), "--today", args.today, "--flush"]
    if args.national:
        command += ["--authorities", "150"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own command
    lines: list[str] = []
    assert child.stdout is not None
    deadline = started + args.timeout
    for line in child.stdout:
        lines.append(line.rstrip())
        if time.perf_counter() > deadline:
            child.kill()
            break
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    result: dict[str, float | str] = {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}
    result.update(_progress(lines, seconds, finished=status == 0))
    return result


def _progress(lines: list[str], seconds: float, *, finished: bool) -> dict[str, float | str]:
    summary = next((SUMMARY.search(line) for line in lines if line.startswith("Synthetic register")), None)
    done = [PER_AUTHORITY.search(line) for line in lines]
    authorities = [m for m in done if m]
    if summary and finished:
        rows = _number(summary.group(4))
        return {
            "status": "finished",
            "rows": rows,
            "children": _number(summary.group(1)),
            "in_care": _number(summary.group(3)),
            "authorities": max(1, len(authorities)),
        }
    rows = sum(_number(m.group(3)) for m in authorities)
    return {
        "status": "stopped" if not finished else "failed",
        "rows": rows,
        "authorities": len(authorities),
        "in_care": sum(_number(m.group(2)) for m in authorities),
        "seconds_per_authority": seconds / max(1, len(authorities)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--national", action="store_true", help="150 authorities instead of one")
    parser.add_argument("--database-url", default=None, help="a scratch PostgreSQL database (default SQLite)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default="2025-11-23", help="fixed so that runs compare (YYYY-MM-DD)")
    parser.add_argument("--timeout", type=float, default=20 * 60, help="stop after this many seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="divert-bench-") as folder:
        result = _run(args, folder)
        database = "PostgreSQL" if args.database_url else f"SQLite ({Path(folder, 'divert.sqlite3').name})"
    seconds = float(result["seconds"])
    rows = float(result["rows"])
    print(f"divert synth {'--authorities 150' if args.national else '(default authority)'} on {database}")
    print(f"status:            {result['status']}")
    print(f"wall time:         {seconds:.1f} s")
    print(f"peak memory:       {float(result['peak_mb']):.0f} MB (ru_maxrss of the child process)")
    print(f"authorities:       {result['authorities']}")
    print(f"children in care:  {result['in_care']:,}")
    print(f"rows written:      {rows:,.0f}")
    print(f"rows per second:   {rows / seconds:,.0f}")
    if args.national:
        print(f"seconds/authority: {seconds / max(1, float(result['authorities'])):.1f}")
    else:
        print(f"ratio to 60 s:     {seconds / TARGET_SECONDS:.2f}")


if __name__ == "__main__":
    main()
