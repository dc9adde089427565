"""``divert verify-restore``: dump this PostgreSQL database, restore it into a scratch database, compare.

Every table must come back with the same rows (count and checksum). With ``--output`` the
verified dump is kept: a nightly backup that is known to restore. See ``docs/backup-and-restore.md``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from divert.transfer.restore_check import tools_missing, verify_restore


class Command(BaseCommand):
    help = "Dump the PostgreSQL database, restore it into a scratch database and check every table matches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="Keep the verified dump here (pg_dump custom format)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("verify-restore needs PostgreSQL (DATABASE_URL=postgres://...).")
        if missing := tools_missing():
            raise CommandError(f"{', '.join(missing)} not found: install the PostgreSQL client tools.")
        output = Path(options["output"]) if options["output"] else None
        if output and output.exists():
            raise CommandError(f"{output} already exists: choose a new file name.")
        # Only the plain keywords (host, port, user, password, sslmode ...), not Django's adapters.
        params = {k: v for k, v in connection.get_connection_params().items() if isinstance(v, str | int)}
        try:
            result = verify_restore(params, keep=output)
        except subprocess.CalledProcessError as error:
            raise CommandError(f"{error.cmd[0]} failed: {error.stderr.decode(errors='replace')}") from error
        for line in result.differences:
            self.stderr.write(line)
        if result.differences:
            raise CommandError(f"The restore differs from the database in {len(result.differences)} tables.")
        kept = f"; dump kept at {output}" if output else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore verified: {result.tables} tables, {result.rows:,} rows identical{kept}."
            )
        )
