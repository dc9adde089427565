"""Prove a PostgreSQL backup restores: dump, restore into a scratch database, compare every table.

The checksums of the source are taken in the very snapshot ``pg_dump`` dumps (a REPEATABLE READ
transaction exports its snapshot and ``pg_dump --snapshot`` uses it), so the comparison is
exact even while people keep working. The scratch database is dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from divert.transfer.checksums import table_checksums


@dataclass(frozen=True)
class Verified:
    tables: int
    rows: int
    differences: list[str]
    dump: Path | None


def tools_missing() -> list[str]:
    return [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]


def verify_restore(params: dict[str, Any], keep: Path | None = None) -> Verified:
    """Dump the database ``params`` names (psycopg connection keywords), restore it, compare."""
    with tempfile.TemporaryDirectory() as folder:
        dump = keep or Path(folder) / "backup.dump"
        source = _dump(params, dump)
        scratch = f"divert_verify_{uuid.uuid4().hex[:12]}"
        _admin(params, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        try:
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", scratch, str(dump)], params)
            with psycopg.connect(**{**params, "dbname": scratch}) as conn, conn.cursor() as cursor:
                restored = table_checksums(cursor)
        finally:
            _admin(params, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
    differences = [
        f"{table}: source {source.get(table)}, restored {restored.get(table)}"
        for table in sorted(source.keys() | restored.keys())
        if source.get(table) != restored.get(table)
    ]
    rows = sum(count for count, _ in source.values())
    return Verified(len(source), rows, differences, keep)


def _dump(params: dict[str, Any], dump: Path) -> dict[str, tuple[int, str]]:
    """``pg_dump -Fc`` of one snapshot, and the checksums of that same snapshot."""
    with psycopg.connect(**params) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone() or ("",)
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(dump)], params)
        os.chmod(dump, 0o600)
        checksums = table_checksums(cursor)
        conn.rollback()
    return checksums


def _admin(params: dict[str, Any], statement: sql.Composed) -> None:
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(statement)


def _run(command: list[str], params: dict[str, Any]) -> None:
    """Run a PostgreSQL client with the connection given through its PG* environment variables."""
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",  # pragma: allowlist secret (the name of the variable)
        "dbname": "PGDATABASE",
    }
    env = {**os.environ, **{var: str(params[key]) for key, var in names.items() if params.get(key)}}
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
