"""``divert export-903 --year YYYY --out DIR [--format csv|xml]``: write one year's SSDA903 return.

CSV (the default) is one file per table; XML is the DfE's single ``EXPSSDA903`` file
(``divert.returns.xml903``), written from the same rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.returns.export903 import authority_by_code, build_903, export_903
from divert.returns.xml903 import export_903_xml


class Command(BaseCommand):
    help = "Export the SSDA903 return for the collection year ending 31 March YEAR as CSV tables or XML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends, e.g. 2025")
        parser.add_argument("--out", type=Path, required=True, help="The folder to write the tables into")
        parser.add_argument(
            "--format", choices=["csv", "xml"], default="csv", help="csv: a file per table; xml: one file"
        )
        parser.add_argument("--authority", help="The authority's ONS code or LA number (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = authority_by_code(options["authority"])
        except LookupError as error:
            raise CommandError(str(error)) from error
        if options["format"] == "xml":
            tables = build_903(options["year"], authority)
            path = export_903_xml(tables, options["out"])
            counts = {name: len(rows) for name, rows in tables.items()}
            self.stdout.write(f"Written to {path}")
        else:
            counts = export_903(options["year"], options["out"], authority)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} rows")
