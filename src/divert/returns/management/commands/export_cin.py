"""``divert export-cin --year YYYY --out FILE``: write one year's children in need census as XML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.returns.export903 import authority_by_code
from divert.returns.exportcin import export_cin


class Command(BaseCommand):
    help = "Export the children in need census for the collection year ending 31 March YEAR as XML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends, e.g. 2025")
        parser.add_argument("--out", type=Path, required=True, help="The XML file to write")
        parser.add_argument("--authority", help="The authority's ONS code or LA number (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = authority_by_code(options["authority"])
        except LookupError as error:
            raise CommandError(str(error)) from error
        count = export_cin(options["year"], options["out"], authority)
        self.stdout.write(f"{count} children written to {options['out']}")
