"""``divert table-checksums``: each table's row count and content checksum (PostgreSQL).

Run it against the live database and against a restored copy; the outputs must be identical
(``docs/backup-and-restore.md``, ``scripts/verify-restore.sh``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from divert.transfer.checksums import table_checksums


class Command(BaseCommand):
    help = "Print every table's row count and a checksum of its rows (PostgreSQL), to compare a restore."
    requires_system_checks: list[str] = []  # it reads a database; the code's checks do not matter

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("table-checksums reads PostgreSQL; for SQLite, copy the file and compare it.")
        with connection.cursor() as cursor:
            for table, (rows, digest) in table_checksums(cursor).items():
                self.stdout.write(f"{table}\t{rows}\t{digest}")
