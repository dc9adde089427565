"""``divert calibration``: each figure the synthetic authority is calibrated to, beside its target.

JSON output is a list of objects with ``authority``, ``name``, ``target``, ``value``,
``relative_difference`` ((value - target) / target) and ``definition``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from divert.core.models import Authority
from divert.synth.calibration import Figure, figures, read_register
from divert.synth.timeline import latest_31_march_before


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-at must be a date written YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Print the synthetic authority's calibrated figures beside their targets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument(
            "--as-at",
            type=_date,
            default=None,
            help="Date of the figures (default: the latest 31 March before today).",
        )
        parser.add_argument("--years", type=int, default=10, help="Years of the period figures (default 10).")
        parser.add_argument("--authority", default=None, help="ONS code of one authority (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        as_at = options["as_at"] or latest_31_march_before(timezone.localdate())
        authorities = Authority.objects.order_by("pk")
        if options["authority"]:
            authorities = authorities.filter(code=options["authority"])
        results = [(a, figures(read_register(a, as_at), as_at, options["years"])) for a in authorities]
        if not results:
            raise CommandError("No authority on the register: run `divert synth` first.")
        if options["format"] == "json":
            rows = [{"authority": a.code, **f.as_dict()} for a, figs in results for f in figs]
            self.stdout.write(json.dumps(rows, indent=2, default=str))
            return
        for authority, figs in results:
            self.stdout.write(self._table(authority, figs, as_at))

    @staticmethod
    def _table(authority: Authority, figs: list[Figure], as_at: dt.date) -> str:
        lines = [
            f"{authority.name} ({authority.code}), as at {as_at:%d %B %Y}",
            f"{'figure':<36} {'target':>10} {'value':>10} {'difference':>11}",
        ]
        for f in figs:
            mark = "" if abs(f.relative_difference) <= 0.10 else "  outside 10%"
            lines.append(
                f"{f.name:<36} {f.target:>10.3f} {f.value:>10.3f} {f.relative_difference:>+10.1%}{mark}"
            )
        return "\n".join(lines) + "\n"
