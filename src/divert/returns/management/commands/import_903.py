"""``divert import-903 PATH... [--authority CODE]``: load SSDA903 returns into the register.

All or nothing: on any error the command prints every problem (file, row, field), exits
non-zero and the database is unchanged. See ``divert.returns.import903`` for the rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from divert.core.models import Authority
from divert.returns.import903 import ImportFailed, import_903


class Command(BaseCommand):
    help = "Import SSDA903 returns (CSV files or folders, one or many years) into the register."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="CSV files or folders (searched recursively)")
        parser.add_argument(
            "--authority", help="ONS code or DfE LA number; optional when there is only one authority"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        authority = _authority(options.get("authority"))
        try:
            summary = import_903(options["paths"], authority, progress=self._progress)
        except ImportFailed as failed:
            raise CommandError(
                f"Import refused, nothing was written ({len(failed.errors)} error(s)):\n"
                + "\n".join(failed.errors)
            ) from None
        self.stdout.write(f"Imported SSDA903 returns for {authority.name}.")
        for line in summary.lines():
            self.stdout.write(line)

    def _progress(self, done: int, total: int, stage: str) -> None:
        """One line per step on stderr, so the summary on stdout stays clean for scripts."""
        self.stderr.write(f"[{done}/{total}] {stage}", style_func=lambda text: text)


def _authority(code: str | None) -> Authority:
    """The authority named by ``--authority``, or the only one there is."""
    if code:
        query = Q(code__iexact=code) | (Q(la_number=int(code)) if code.isdigit() else Q(pk__in=[]))
        found = Authority.objects.filter(query).first()
        if found is None:
            raise CommandError(f"No authority with code or LA number {code!r}.")
        return found
    authorities = list(Authority.objects.all()[:2])
    if len(authorities) != 1:
        raise CommandError(
            "Say which authority these returns belong to with --authority CODE "
            f"({'none exists yet' if not authorities else 'there is more than one'})."
        )
    return authorities[0]
