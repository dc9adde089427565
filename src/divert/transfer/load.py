"""Load an ``export-all`` archive into an empty, freshly migrated installation, all or nothing.

Checks come first and write nothing: the manifest's format, that this installation runs the
same migrations, that every file's SHA-256 and row count match the manifest, and that the
register is empty (bar the rows ``migrate`` seeds). The rows then go in with one transaction:
any failure, a malformed line or a broken link included, leaves the database as it was.

Rows are inserted raw, as ``loaddata`` does (``save_base(raw=True)``): stored values exactly as
exported, primary keys and ``auto_now`` dates kept, no ``save()`` overrides and no signals, so
the append-only audit trail loads (its triggers refuse only UPDATE and DELETE). Unlike
``loaddata`` it inserts a batch per statement, through the same raw insert ``save_base`` uses
(``QuerySet._insert(..., raw=True)``), so a national register loads in minutes, not hours.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction

from divert.core import audit
from divert.core.models import AuditEvent
from divert.transfer.export import FORMAT, FORMAT_VERSION, MANIFEST
from divert.transfer.selection import SEEDED_BY_MIGRATIONS, applied_migrations, label, transferred_models

CHUNK = 2_000


class ArchiveError(Exception):
    """The archive cannot be loaded here; the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    file: str
    rows: int
    sha256: str


def import_all(path: Path, *, dry_run: bool = False, note: str = "") -> dict[str, int]:
    """Check the archive and (unless ``dry_run``) load it; return the rows per table."""
    with zipfile.ZipFile(path) as archive:
        tables = check_archive(archive)
        refuse_unless_empty()
        if dry_run:
            return {label(t.model): sum(1 for _ in _objects(archive, t)) for t in tables}
        with transaction.atomic():
            refuse_unless_empty()
            counts = _load(archive, tables)
            audit.record(
                None,
                AuditEvent.Action.LOAD,
                object_type="transfer.import",
                object_id=path.name[:40],
                after=counts,
                note=f"divert import-all from {path.name}. {note}".strip(),
            )
    return counts


def check_archive(archive: zipfile.ZipFile) -> list[Table]:
    """The archive's tables, once its manifest, migrations, checksums and counts all hold."""
    manifest = _manifest(archive)
    _same_migrations(manifest.get("migrations"))
    tables = _tables(manifest)
    for table in tables:
        _check_file(archive, table)
    return tables


def refuse_unless_empty() -> None:
    holding = [
        label(model)
        for model in transferred_models()
        if label(model) not in SEEDED_BY_MIGRATIONS and model._base_manager.exists()
    ]
    if holding:
        more = f" and {len(holding) - 3} more tables" if len(holding) > 3 else ""
        raise ArchiveError(
            f"This installation already holds data (in {', '.join(holding[:3])}{more}). import-all loads "
            "into an empty, freshly migrated database only: create a new database, run `divert "
            "migrate`, and import into that."
        )


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        raise ArchiveError(f"{MANIFEST} is missing: this is not a divert export-all file.") from error
    except ValueError as error:
        raise ArchiveError(f"{MANIFEST} is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{MANIFEST} does not describe a divert export-all file.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"The file is format version {manifest.get('format_version')}; this Divert reads "
            f"version {FORMAT_VERSION}. Export again with the same Divert version."
        )
    return manifest


def _same_migrations(exported: Any) -> None:
    here = applied_migrations()
    if exported == here:
        return
    exported = exported if isinstance(exported, dict) else {}
    differ = [
        f"{app}: file {exported.get(app, 'none')}, here {here.get(app, 'none')}"
        for app in sorted(set(exported) | set(here))
        if exported.get(app) != here.get(app)
    ]
    raise ArchiveError(
        "The file was exported from a database at different migrations ("
        + "; ".join(differ)
        + "). Run `divert migrate` here first, or export from an installation at the same Divert version."
    )


def _tables(manifest: dict[str, Any]) -> list[Table]:
    expected = {label(m): m for m in transferred_models()}
    try:
        tables = [
            Table(expected[e["model"]], str(e["file"]), int(e["rows"]), str(e["sha256"]))
            for e in manifest["tables"]
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise ArchiveError(f"{MANIFEST} lists a table this installation does not have: {error}") from error
    missing = sorted(expected.keys() - {label(t.model) for t in tables})
    if missing:
        raise ArchiveError(f"The file has no data for {', '.join(missing)}: export from the same version.")
    return tables


def _check_file(archive: zipfile.ZipFile, table: Table) -> None:
    digest = hashlib.sha256()
    lines = 0
    try:
        with archive.open(table.file) as data:
            while block := data.read(1 << 20):
                digest.update(block)
                lines += block.count(b"\n")
    except KeyError as error:
        raise ArchiveError(f"{table.file} is listed in the manifest but missing from the file.") from error
    except (zipfile.BadZipFile, OSError) as error:  # a damaged zip fails its CRC check
        raise ArchiveError(f"{table.file} is damaged: {error}") from error
    if digest.hexdigest() != table.sha256:
        raise ArchiveError(
            f"{table.file} does not match its SHA-256 checksum: the file is damaged or altered."
        )
    if lines != table.rows:
        raise ArchiveError(f"{table.file} holds {lines} rows; the manifest says {table.rows}.")


def _objects(archive: zipfile.ZipFile, table: Table) -> Iterator[models.Model]:
    """The file's rows as unsaved model instances; a bad line is named by file and line number."""
    with archive.open(table.file) as data:
        numbered = enumerate(data, start=1)
        while chunk := list(islice(numbered, CHUNK)):
            parsed = [_parse(table, number, line) for number, line in chunk]
            found = serializers.deserialize("python", parsed)
            for number, _ in chunk:
                try:
                    yield next(found).object
                except (DeserializationError, ValidationError, ValueError, TypeError, LookupError) as error:
                    raise ArchiveError(f"{table.file} line {number}: {error}") from error


def _parse(table: Table, number: int, line: bytes) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except ValueError as error:
        raise ArchiveError(f"{table.file} line {number}: not a JSON object ({error}).") from error
    if not isinstance(row, dict) or row.get("model") != label(table.model) or "fields" not in row:
        raise ArchiveError(f"{table.file} line {number}: not a {label(table.model)} row.")
    return row


def _load(archive: zipfile.ZipFile, tables: list[Table]) -> dict[str, int]:
    for table in tables:
        if label(table.model) in SEEDED_BY_MIGRATIONS:
            table.model._base_manager.all().delete()  # the exported rows replace the seeded ones
    counts = {label(t.model): _insert(archive, t) for t in tables}
    try:
        connection.check_constraints(table_names=[t.model._meta.db_table for t in tables])
    except DatabaseError as error:
        raise ArchiveError(f"The rows do not link up (a foreign key points at no row): {error}") from error
    _reset_sequences([t.model for t in tables])
    return counts


def _insert(archive: zipfile.ZipFile, table: Table) -> int:
    model = table.model
    fields = model._meta.local_concrete_fields
    batch = max(1, min(CHUNK, connection.ops.bulk_batch_size(list(fields), [])))
    objects = _objects(archive, table)
    rows = 0
    while chunk := list(islice(objects, batch)):
        try:
            model._base_manager._insert(chunk, fields=fields, raw=True)  # type: ignore[attr-defined]
        except DatabaseError as error:
            raise ArchiveError(
                f"{table.file}: rows {rows + 1}-{rows + len(chunk)} refused: {error}"
            ) from error
        rows += len(chunk)
    if rows != table.rows:  # cannot happen after the line count, but cheap to be sure
        raise ArchiveError(f"{table.file}: loaded {rows} rows, the manifest says {table.rows}.")
    return rows


def _reset_sequences(models_loaded: list[type[models.Model]]) -> None:
    """Move each id sequence past the loaded ids, so new rows don't collide (``sqlsequencereset``)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_loaded):
            cursor.execute(statement)
