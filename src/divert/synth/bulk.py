"""Insert plain rows straight into a table, with primary keys chosen before the insert.

The synthetic authority is hundreds of thousands of rows. ``QuerySet.bulk_create`` spends most of
its time building model instances and compiling each value (about 60 µs a row); this writes
tuples, with ``executemany`` of one statement on SQLite and ``COPY`` on PostgreSQL, converting
only the values the driver cannot take as they are (dates and times on SQLite): several times
faster. Columns
the loader does not give take the field's default, as ``bulk_create`` would.

Primary keys are taken from the table's sequence before rows are written (PostgreSQL's
``nextval``; SQLite's ``sqlite_sequence``, which moves past keys written explicitly), so a row
can point at a row written later in the same transaction (an enquiry at the early help episode
it steps up from, a resource request at its approved option): the foreign keys are checked at
commit, as Django declares them deferrable. On SQLite the loader must be the only writer to
its tables while it runs, as ``divert synth`` is (SQLite allows one writer at a time anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def reserve(model: type[models.Model], n: int) -> list[int]:
    """``n`` new primary keys from the table's own sequence, never a key used before (the audit
    trail keeps the ids of rows a flush deleted), for rows about to be written in order."""
    if n == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        used = cursor.fetchone()
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {quoted}")  # noqa: S608
        largest = max(used[0] if used else 0, cursor.fetchone()[0] or 0)
    return list(range(largest + 1, largest + 1 + n))


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """What a value of ``field`` needs before the driver takes it (None: nothing)."""
    kind = field.get_internal_type()
    if kind == "DateField":
        return connection.ops.adapt_datefield_value if connection.vendor == "sqlite" else None
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else None
    return None


def _default(field: models.Field[Any, Any]) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value: Any = timezone.now()
    else:
        value = field.get_default()
    return field.get_db_prep_save(value, connection)


def insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    ids: Sequence[int],
) -> None:
    """Write ``rows`` (values in the order of ``columns``, field attnames) with keys ``ids``."""
    meta = model._meta
    by_name = {f.attname: f for f in meta.concrete_fields}
    given = [by_name[c] for c in columns]
    rest = [f for f in meta.concrete_fields if f.attname not in columns and not f.primary_key]
    defaults = tuple(_default(f) for f in rest)
    converters = [(n, c) for n, c in enumerate(_converter(f) for f in given) if c is not None]
    names = [meta.pk.column, *(f.column for f in given), *(f.column for f in rest)]
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    table = connection.ops.quote_name(meta.db_table)

    def prepared() -> Iterable[tuple[Any, ...]]:
        for pk, row in zip(ids, rows, strict=True):
            values = list(row)
            for n, convert in converters:
                values[n] = convert(values[n])
            yield (pk, *values, *defaults)

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            one = "(" + ", ".join(["%s"] * len(names)) + ")"
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES {one}", list(prepared()))  # noqa: S608
        else:  # PostgreSQL: COPY, whose rows psycopg formats in C
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in prepared():
                    copy.write_row(row)


def bulk(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Any],
    make: Callable[[Any], Sequence[Any]],
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Write ``make(row)`` for each row; the new primary keys in order (``ids`` when reserved)."""
    keys = list(ids) if ids is not None else reserve(model, len(rows))
    insert(model, columns, (make(row) for row in rows), keys)
    return keys
