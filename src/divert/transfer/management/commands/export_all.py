"""``divert export-all --output FILE.zip``: the whole installation's data in one file.

For moving an authority to another installation (``docs/moving-an-authority.md``); backups are
``pg_dump`` (``docs/backup-and-restore.md``). The file is OFFICIAL-SENSITIVE: it holds every
child's record and every user's password hash. Keep it encrypted at rest and delete it once loaded.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.transfer.export import CHUNK, export_all


class Command(BaseCommand):
    help = "Write every Divert table, users and the audit trail to one zip (OFFICIAL-SENSITIVE, mode 0600)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="The zip to write (must not exist).")
        parser.add_argument(
            "--chunk-size", type=int, default=CHUNK, help=f"Rows read at a time (default {CHUNK})."
        )
        parser.add_argument("--note", default="", help="Why the export was made (kept in the audit trail).")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.exists():
            raise CommandError(f"{output} already exists: choose a new file name (nothing is overwritten).")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent} is not a folder.")
        began = time.perf_counter()
        written = export_all(output, chunk_size=options["chunk_size"], note=options["note"])
        for model, rows in written.counts.items():
            self.stdout.write(f"{model}: {rows:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {sum(written.counts.values()):,} rows from {len(written.counts)} tables to {output} "
                f"({written.size / 1e6:,.1f} MB) in {time.perf_counter() - began:.1f} seconds. The file is "
                "OFFICIAL-SENSITIVE: keep it encrypted at rest and delete it once loaded."
            )
        )
