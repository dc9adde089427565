"""Benchmark the children-in-care pages on the demo authority: time per page, queries per page.

    python bench/children_in_care.py                     # builds the demo authority in a scratch SQLite file
    python bench/children_in_care.py --database-url postgres://postgres@127.0.0.1:5432/divert_cic
    python bench/children_in_care.py --reuse --repeat 10

The pages a team manager and the head of service open each week (the statutory clocks, end
dates, early warning, the placement review programme and a meeting, the savings, permanence and
the adoption tracker, the chronology of the child with the longest history, and its PDF) are
requested in process with Django's test client, signed in as the head of service (who sees
every child, the largest lists) and as a team manager. Each page is asked once to warm up and
then ``--repeat`` times; the median and the slowest are printed with the number of queries
and the ratio to the target (a page under 1 s; the PDF under 3 s).

The database must be a scratch one: with ``--reuse`` an existing register is used as it is,
otherwise it is migrated and the demo authority built with ``divert synth --flush``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TODAY = "2026-11-24"
TARGET_PAGE = 1.0
TARGET_PDF = 3.0


@dataclass(frozen=True)
class Bench:
    label: str
    user: str
    url: Callable[[], str]
    target: float = TARGET_PAGE


def _setup(database_url: str | None, folder: str) -> None:
    os.environ["DEBUG"] = "1"
    os.environ["DIVERT_VAR_DIR"] = folder
    os.environ["ALLOWED_HOSTS"] = "testserver"  # Django's test client, in process
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "divert.settings")
    import django

    django.setup()


def _build(reuse: bool) -> None:
    from django.core.management import call_command

    from divert.people.models import Child

    call_command("migrate", verbosity=0)
    if not (reuse and Child.objects.exists()):
        started = time.perf_counter()
        call_command("synth", "--today", TODAY, "--flush", verbosity=0)
        print(f"built the demo authority in {time.perf_counter() - started:.1f} s")
    call_command("demo_users", verbosity=0)


def _longest_history_child() -> int:
    from django.db.models import Count

    from divert.care.models import Episode

    row = Episode.objects.values("child").annotate(n=Count("pk")).order_by("-n", "child").first()
    assert row is not None, "the demo authority has no episodes"
    return int(row["child"])


def _first(model_path: str, **filters: Any) -> int | None:
    from django.apps import apps

    model = apps.get_model(model_path)
    row = model._default_manager.filter(**filters).order_by("pk").values_list("pk", flat=True).first()
    return None if row is None else int(row)


def benches() -> list[Bench]:
    from django.urls import reverse

    child = _longest_history_child()
    meeting = _first("stepdown.PlacementReviewMeeting", closed=False)
    out = [
        Bench("Statutory clocks", "head.of.service", lambda: reverse("care:index")),
        Bench("Statutory clocks (team manager)", "team.manager", lambda: reverse("care:index")),
        Bench("Placement end dates", "head.of.service", lambda: reverse("care:end_dates")),
        Bench("Early warning", "head.of.service", lambda: reverse("care:early_warning")),
        Bench("Placement review programme", "head.of.service", lambda: reverse("stepdown:index")),
        Bench("Step-down savings", "head.of.service", lambda: reverse("stepdown:savings")),
        Bench("Permanence", "head.of.service", lambda: reverse("permanence:index")),
        Bench("Adoption tracker", "head.of.service", lambda: reverse("permanence:tracker")),
        Bench(
            "Chronology (longest history)",
            "head.of.service",
            lambda: reverse("chronology:child", args=[child]),
        ),
        Bench(
            "Chronology PDF (longest history)",
            "head.of.service",
            lambda: reverse("chronology:pdf", args=[child]),
            TARGET_PDF,
        ),
    ]
    if meeting is not None:
        meeting_url = reverse("stepdown:meeting", args=[meeting])
        out.insert(6, Bench("Placement review meeting", "head.of.service", lambda: meeting_url))
    return out


def measure(bench: Bench, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from divert.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=bench.user))
    url = bench.url()
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{bench.label}: {url} answered {response.status_code}")
    times = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
    return {
        "label": bench.label,
        "median": statistics.median(times),
        "max": max(times),
        "queries": len(queries.captured_queries) // repeat,
        "ratio": statistics.median(times) / bench.target,
        "bytes": len(response.content),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="a scratch database (default: a new SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="use the register already in the database")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="divert-bench-") as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        _setup(url, folder)
        _build(args.reuse)
        from django.utils import timezone

        print(f"database: {url.split('@')[-1]}; today {timezone.localdate()}; {args.repeat} requests a page")
        print(f"{'page':40} {'median ms':>10} {'max ms':>8} {'queries':>8} {'KB':>7} {'ratio':>6}")
        worst = 0.0
        for bench in benches():
            row = measure(bench, args.repeat)
            worst = max(worst, row["ratio"])
            print(
                f"{row['label']:40} {row['median'] * 1000:10.0f} {row['max'] * 1000:8.0f} "
                f"{row['queries']:8d} {row['bytes'] / 1024:7.0f} {row['ratio']:6.2f}"
            )
        print(f"worst ratio to target: {worst:.2f} ({'met' if worst <= 1 else 'MISSED'})")
        return 0


if __name__ == "__main__":
    sys.exit(main())
