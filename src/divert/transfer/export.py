"""Write a whole installation's data to one zip: a JSON Lines file per table and a manifest.

The archive is streamed: rows are read in chunks (``.iterator(chunk_size=...)``, a server-side
cursor on PostgreSQL) and written to the zip as they come, so a national register never has
to fit in memory. Everything is read in one transaction, which on PostgreSQL is REPEATABLE
READ: the files are one consistent snapshot even while people keep working.

The file holds every child's record and every user's password hash: it is OFFICIAL-SENSITIVE.
It is written with mode 0600, to a temporary name that is renamed only once complete.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from itertools import islice
from pathlib import Path
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from divert.core import audit
from divert.core.models import AuditEvent
from divert.transfer.selection import applied_migrations, label, transferred_models

FORMAT = "divert-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2_000


@dataclass(frozen=True)
class Written:
    path: Path
    counts: dict[str, int]
    size: int


class ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def member_name(position: int, model: type[models.Model]) -> str:
    return f"data/{position:03d}-{label(model)}.jsonl"


def divert_version() -> str:
    try:
        return version("divert")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def export_all(path: Path, *, chunk_size: int = CHUNK, note: str = "") -> Written:
    """Write the archive to ``path`` (which must not exist yet) and audit the export."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            counts = _write_snapshot(archive, path.name, chunk_size, note)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Written(path, counts, path.stat().st_size)


def _write_snapshot(archive: zipfile.ZipFile, name: str, chunk_size: int, note: str) -> dict[str, int]:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # must be the transaction's first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # Recorded first, so the export's own audit row travels with the trail it exported.
        audit.record(
            None,
            AuditEvent.Action.VIEW,
            object_type="transfer.export",
            object_id=name[:40],
            note=f"divert export-all to {name} by {getpass.getuser()}. {note}".strip(),
        )
        entries = []
        for position, model in enumerate(transferred_models(), start=1):
            entries.append(_write_table(archive, member_name(position, model), model, chunk_size))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "divert_version": divert_version(),
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "migrations": applied_migrations(),
            "tables": entries,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return {entry["model"]: entry["rows"] for entry in entries}


def _write_table(
    archive: zipfile.ZipFile, member: str, model: type[models.Model], chunk_size: int
) -> dict[str, Any]:
    digest = hashlib.sha256()
    rows = 0
    with archive.open(member, "w", force_zip64=True) as out:
        for chunk in _chunks(model, chunk_size):
            data = "".join(line + "\n" for line in chunk).encode()
            digest.update(data)
            out.write(data)
            rows += len(chunk)
    return {"model": label(model), "file": member, "rows": rows, "sha256": digest.hexdigest()}


def _chunks(model: type[models.Model], chunk_size: int) -> Iterator[list[str]]:
    """The table's rows as JSON lines (Django's serializer format), in primary-key order."""
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    rows = model._base_manager.order_by("pk").iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        objects = serializers.serialize("python", chunk, fields=fields)
        yield [json.dumps(o, cls=ExactEncoder, ensure_ascii=False) for o in objects]
