"""``divert import-all FILE.zip``: load an ``export-all`` file into an empty installation.

All or nothing: the file is checked (format, migrations, checksums, counts, an empty register)
before anything is written, and the rows go in with one transaction. See
``docs/moving-an-authority.md``.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.transfer.load import ArchiveError, import_all


class Command(BaseCommand):
    help = "Load a `divert export-all` file into an empty, freshly migrated installation (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The zip written by `divert export-all`.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and this database; write nothing."
        )
        parser.add_argument("--note", default="", help="Why the load was made (kept in the audit trail).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        began = time.perf_counter()
        try:
            counts = import_all(path, dry_run=options["dry_run"], note=options["note"])
        except FileNotFoundError as error:
            raise CommandError(f"{path} does not exist.") from error
        except zipfile.BadZipFile as error:
            raise CommandError(f"{path} is not a zip file: {error}") from error
        except ArchiveError as error:
            raise CommandError(f"{error} Nothing was written.") from error
        for model, rows in counts.items():
            self.stdout.write(f"{model}: {rows:,}")
        done = "checked; nothing was written (--dry-run)" if options["dry_run"] else "loaded"
        self.stdout.write(
            self.style.SUCCESS(
                f"{sum(counts.values()):,} rows in {len(counts)} tables {done}, "
                f"in {time.perf_counter() - began:.1f} seconds."
            )
        )
