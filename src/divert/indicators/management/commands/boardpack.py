"""``divert boardpack --out FILE.pdf|FILE.xlsx [--as-at DATE] [--authority CODE]``: the monthly board pack.

For the performance team's month-end routine (or a scheduled job): the pack as at the end of
the last whole month unless a date is given, in the format the file's name ends with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.indicators import boardpack
from divert.indicators.management.commands.scorecard import choose_authority, scope_from


class Command(BaseCommand):
    help = "Write the monthly board pack as a PDF or an Excel workbook (from the name of --out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="The file to write: a .pdf or an .xlsx")
        parser.add_argument("--as-at", dest="as_at", help="YYYY-MM-DD (default: the last day of last month)")
        parser.add_argument(
            "--authority", help="The authority's ONS code or LA number (if there are several)"
        )
        parser.add_argument("--team", default="", help="Only children allocated to this team (its name)")
        parser.add_argument("--locality", default="", help="Only children in this locality (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("pdf", "xlsx"):
            raise CommandError(f"--out: name a .pdf or an .xlsx file, not {out.name!r}.")
        if not out.parent.is_dir():
            raise CommandError(f"--out: the folder {str(out.parent)!r} does not exist.")
        options = {
            **options,
            "frequency": "month",
            "as_at": options["as_at"] or str(boardpack.last_month_end()),
        }
        scope = scope_from(options, choose_authority(options["authority"]))
        out.write_bytes(boardpack.build(scope, fmt))
        self.stderr.write(f"Board pack as at {scope.as_at:%-d %B %Y} written to {out}")
