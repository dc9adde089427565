"""``divert import-cin FILE... [--authority CODE]``: load CIN census XML files into the register.

All or nothing: on any error the command prints every problem (file, line, field), exits
non-zero and the database is unchanged. See ``divert.returns.importcin`` for the rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.returns.import903 import ImportFailed
from divert.returns.importcin import import_cin
from divert.returns.management.commands.import_903 import _authority


class Command(BaseCommand):
    help = "Import CIN census XML files (or folders of them, one or many years) into the register."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="XML files or folders (searched recursively)")
        parser.add_argument(
            "--authority", help="ONS code or DfE LA number; optional when there is only one authority"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        authority = _authority(options.get("authority"))
        try:
            summary = import_cin(options["paths"], authority)
        except ImportFailed as failed:
            raise CommandError(
                f"Import refused, nothing was written ({len(failed.errors)} error(s)):\n"
                + "\n".join(failed.errors)
            ) from None
        self.stdout.write(f"Imported the CIN census for {authority.name}.")
        for line in summary.lines():
            self.stdout.write(line)
