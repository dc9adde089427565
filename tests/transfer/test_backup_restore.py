"""A PostgreSQL backup (``pg_dump -Fc``) restores into a new database with every row of every table."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from divert.transfer.checksums import table_checksums
from divert.transfer.restore_check import verify_restore

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore are PostgreSQL's"),
    pytest.mark.skipif(
        shutil.which("pg_dump") is None, reason="the PostgreSQL client tools are not installed"
    ),
]


def params() -> dict[str, object]:
    """The test database's connection keywords (its name is test_<DATABASE_URL's name>, never divert_ci)."""
    return {k: v for k, v in connection.get_connection_params().items() if isinstance(v, str | int)}


@pytest.fixture
def committed_authority(audit_rows_cleared_after: None) -> None:
    """A small synthetic authority, committed, so pg_dump (another session) sees it."""
    call_command("synth", children=1000, years=1, today=dt.date(2026, 3, 31), verbosity=0)


def test_a_restored_backup_holds_every_row_of_every_table(committed_authority: None, tmp_path: Path) -> None:
    dump = tmp_path / "backup.dump"
    result = verify_restore(params(), keep=dump)
    assert result.differences == []
    assert result.rows > 3_000
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    with psycopg.connect(**params()) as conn, conn.cursor() as cursor:  # type: ignore[arg-type]
        source = table_checksums(cursor)
    assert source["public.people_child"][0] > 100
    assert source["public.core_auditevent"][0] >= 1
    assert "public.django_migrations" in source


def test_the_comparison_sees_a_missing_row(committed_authority: None) -> None:
    """The checksums are what the restore test relies on: one row fewer must show."""
    with psycopg.connect(**params()) as conn, conn.cursor() as cursor:  # type: ignore[arg-type]
        before = table_checksums(cursor)
        cursor.execute("DELETE FROM people_familymember WHERE id = (SELECT min(id) FROM people_familymember)")
        after = table_checksums(cursor)
        conn.rollback()
    changed = [table for table in before if before[table] != after[table]]
    assert changed == ["public.people_familymember"]
