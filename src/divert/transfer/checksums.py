"""A fingerprint of every table in a PostgreSQL database: its row count and an MD5 of its rows.

Two databases with the same fingerprints hold the same rows (in any physical order), so a
restored backup is checked against its source table by table (``divert table-checksums``,
``scripts/verify-restore.sh``). Each row is hashed on its own and the hashes combined in order,
so the work is one pass per table and the memory 32 bytes a row, not the table's size.
"""

from __future__ import annotations

from typing import Any

TABLES = """
    SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)
    FROM pg_catalog.pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1
"""
FINGERPRINT = (
    "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
    "FROM (SELECT md5(t::text) AS h FROM {table} AS t) AS rows"
)


def table_checksums(cursor: Any) -> dict[str, tuple[int, str]]:
    """``{schema.table: (rows, md5)}`` for every table, through a DB-API cursor on PostgreSQL."""
    cursor.execute(TABLES)
    tables = [row[0] for row in cursor.fetchall()]
    found = {}
    for table in tables:  # names come from the catalogue, quoted by quote_ident
        cursor.execute(FINGERPRINT.format(table=table))
        rows, digest = cursor.fetchone()
        found[table] = (int(rows), str(digest))
    return found
