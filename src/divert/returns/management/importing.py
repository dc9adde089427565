"""What ``divert import-903`` and ``divert import-cin`` share: the authority, the refusal, the summary.

Both imports are all or nothing and answer the same way, so a council's scripts can treat them
alike: every problem (file, row or line, field) on stderr with a non-zero exit, or the summary
on stdout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from divert.core.models import Authority
from divert.returns.import903 import ImportFailed


class ImportCommand(BaseCommand):
    """An import of one kind of return; subclasses say which files and how they are read."""

    #: What the files are, for the help and the summary ("SSDA903 returns").
    what = ""
    #: The kind of file, for the help ("CSV or XML files").
    files = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", type=Path, help=f"{self.files} or folders (searched recursively)"
        )
        parser.add_argument(
            "--authority", help="ONS code or DfE LA number; optional when there is only one authority"
        )

    def run(self, paths: Sequence[Path], authority: Authority, progress: Callable[..., None]) -> Any:
        """Import ``paths``; return a summary with ``lines()``, or raise ImportFailed."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        authority = authority_named(options.get("authority"))
        try:
            summary = self.run(options["paths"], authority, self._progress)
        except ImportFailed as failed:
            raise CommandError(
                f"Import refused, nothing was written ({len(failed.errors)} error(s)):\n"
                + "\n".join(failed.errors)
            ) from None
        self.stdout.write(f"Imported {self.what} for {authority.name}.")
        for line in summary.lines():
            self.stdout.write(line)

    def _progress(self, done: int, total: int, stage: str) -> None:
        """One line per step on stderr, so the summary on stdout stays clean for scripts."""
        self.stderr.write(f"[{done}/{total}] {stage}", style_func=lambda text: text)


def authority_named(code: str | None) -> Authority:
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
