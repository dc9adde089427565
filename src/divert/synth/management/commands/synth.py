"""``divert synth``: fill the register with a realistic, deterministic synthetic local authority.

The same seed and options give the same register, row for row. Every name is invented and
every figure simulated; only the places (real authorities and postcodes) are real. See
``docs/synthetic-authority.md`` for what is simulated and the figures it is calibrated to.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from divert.synth.authorities import choose
from divert.synth.generate import generate
from divert.synth.load import flush_register, register_is_empty, write_authority, write_reference
from divert.synth.postcodes import load_books
from divert.synth.records import AuthorityData
from divert.synth.timeline import Window


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date written YYYY-MM-DD, not {value!r}") from error


def in_care_on(data: AuthorityData, day: dt.date) -> int:
    """Children with an episode open on ``day`` (short breaks excluded)."""
    return len(
        {
            e.child
            for e in data.episodes
            if e.ls not in {"V3", "V4"} and e.decom <= day and (e.dec is None or e.dec > day)
        }
    )


class Command(BaseCommand):
    help = "Fill the register with a deterministic synthetic local authority (or several)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--authorities", type=int, default=1, help="How many authorities (default 1).")
        parser.add_argument(
            "--children",
            type=int,
            default=None,
            help="Children aged 0-17 in each authority (default 60000 for the first; the others sized from "
            "their postcodes when not given).",
        )
        parser.add_argument("--years", type=int, default=10, help="Whole years of history (default 10).")
        parser.add_argument("--today", type=_date, default=None, help="The day to build up to (YYYY-MM-DD).")
        parser.add_argument("--flush", action="store_true", help="Delete the register's data first.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the register already holds data (for `make demo`, run again and again).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and not register_is_empty():
            self.stdout.write("The register already holds data; nothing to do (--if-empty).")
            return
        began = time.perf_counter()
        today = options["today"] or timezone.localdate()
        if options["children"] is not None and options["children"] < 1_000:
            raise CommandError("--children must be at least 1000")
        try:
            window = Window.for_today(today, options["years"])
            specs = choose(options["authorities"], options["children"], options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self._clear(options["flush"])
        books = load_books({s.code: (s.areas, s.postcodes) for s in specs})
        write_reference(window)
        totals = {"children": 0, "episodes": 0, "in_care": 0, "rows": 0}
        for spec in specs:
            started = time.perf_counter()
            data = generate(spec, books.pop(spec.code), options["seed"], window)
            write_authority(spec, data, window, options["seed"])
            counts = {
                "children": len(data.children),
                "episodes": len(data.episodes),
                "in_care": in_care_on(data, window.end),
                "rows": data.row_count(),
            }
            for key, value in counts.items():
                totals[key] += value
            if len(specs) > 1:
                self.stdout.write(
                    f"{spec.name}: {counts['children']:,} children, {counts['in_care']:,} in care, "
                    f"{counts['rows']:,} rows in {time.perf_counter() - started:.1f} s"
                )
                self.stdout.flush()  # progress shows as it happens, even through a pipe
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic register: {len(specs)} authorit{'y' if len(specs) == 1 else 'ies'}, "
                f"{totals['children']:,} children, {totals['episodes']:,} episodes, "
                f"{totals['in_care']:,} in care at {window.end:%d %B %Y}, {totals['rows']:,} rows, "
                f"{time.perf_counter() - began:.1f} seconds."
            )
        )

    def _clear(self, flush: bool) -> None:
        if register_is_empty():
            return
        if not flush:
            raise CommandError(
                "The register already holds children, teams or providers. `divert synth` fills an empty "
                "register only: run it with --flush to delete the existing register data first."
            )
        flush_register()
