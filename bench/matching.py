"""Benchmark the MASH's child matching against the demo register (about 44,000 children).

    python bench/matching.py                                   # builds /tmp/mash-demo.sqlite3 if missing
    python bench/matching.py --database-url postgres://postgres@127.0.0.1:5432/divert_bench_matching
    python bench/matching.py --samples 500 --seed 7

Children are drawn from the register and named as a referrer might name them: a misspelt first
name or surname (Katherine for Catherine, Smyth for Smith), the day and month of birth swapped,
the date of birth unknown. Each is matched as a MASH officer would (``find_matches``: the
database query for candidates, then the scoring in Python). The median and 95th percentile time
of one match are printed, and how often the true child was offered (and offered first).
The demo build (``divert synth``) takes about a minute; the file is kept and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = Path("/tmp/mash-demo.sqlite3")  # noqa: S108 - a scratch build, as the brief asks
SPELLINGS = [
    ("c", "k"),
    ("k", "c"),
    ("i", "y"),
    ("y", "i"),
    ("ph", "f"),
    ("th", "t"),
    ("ee", "ea"),
    ("ll", "l"),
]


def divert(url: str, *command: str) -> None:
    """Run one of our own ``divert`` commands against the benchmark's database."""
    env = os.environ | {"DEBUG": "1", "DATABASE_URL": url}
    subprocess.run([str(ROOT / ".venv" / "bin" / "divert"), *command], env=env, check=True)  # noqa: S603


def misspell(name: str, rng: random.Random) -> str:
    """The name as someone might write it down from a phone call."""
    lowered = name.lower()
    options = [(a, b) for a, b in SPELLINGS if a in lowered]
    if options and rng.random() < 0.7:
        a, b = rng.choice(options)
        return lowered.replace(a, b, 1).capitalize()
    if len(name) > 4:
        i = rng.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # two letters swapped
    return name


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=f"sqlite:///{DEMO}")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    divert(options.database_url, "migrate", "-v0")
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "divert.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from divert.core.models import Authority, User
    from divert.core.roles import Role
    from divert.frontdoor.matching import Wanted, find_matches
    from divert.people.models import Child

    authority = Authority.objects.order_by("pk").first()
    if authority is None:  # a new database: build the demo authority in it (about a minute)
        divert(options.database_url, "synth")
        authority = Authority.objects.order_by("pk").first()
    assert authority is not None
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum keeps them in service
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    officer = User(username="bench-mash", role=Role.MASH_OFFICER, authority=authority, is_active=True)
    rng = random.Random(options.seed)
    pks = list(Child.objects.filter(authority=authority).values_list("pk", flat=True))
    register = len(pks)
    chosen = Child.objects.in_bulk(rng.sample(pks, min(options.samples, register)))
    times: list[float] = []
    offered = first = 0
    for child in chosen.values():
        born = child.date_of_birth
        roll = rng.random()
        if roll < 0.15 and born.day <= 12 and born.day != born.month:
            born = born.replace(day=born.month, month=born.day)
        elif roll < 0.25:
            born = None
        wanted = Wanted(
            first_name=misspell(child.first_name, rng) if rng.random() < 0.5 else child.first_name,
            last_name=misspell(child.last_name, rng) if rng.random() < 0.5 else child.last_name,
            date_of_birth=born,
            postcode=child.home_postcode if rng.random() < 0.6 else "",
        )
        started = time.perf_counter()
        found = find_matches(officer, wanted=wanted)
        times.append((time.perf_counter() - started) * 1000)
        pks_found = [c.child.pk for c in found]
        offered += child.pk in pks_found
        first += bool(pks_found) and pks_found[0] == child.pk
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"register: {register:,} children; {len(times)} matches ({options.database_url.split(':')[0]})")
    print(f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms")
    print(f"true child offered {offered / len(times):.0%}, offered first {first / len(times):.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
