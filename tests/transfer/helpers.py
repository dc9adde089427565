"""What the transfer tests share: a fingerprint of every table, and emptying an installation."""

from __future__ import annotations

import hashlib
import importlib

from django.db import connection

from divert.core.models import RegisterVersion
from divert.transfer.selection import label, transferred_models


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each transferred table's row count and a SHA-256 of its rows, every column, in id order.

    Read with ``values_list`` (not the export's serializer), so a value the export or the
    import changed (a date, a decimal, a JSON document) changes the fingerprint.
    """
    prints = {}
    for model in transferred_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values_list(*columns))
        prints[label(model)] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return prints


def empty_installation() -> None:
    """Delete every transferred row, as a freshly migrated database would be (inside the test's transaction).

    The audit trail's append-only trigger is lifted for the deletion and put back (the
    migration's own SQL); the register version row ``migrate`` seeds is put back too.
    """
    migration = importlib.import_module("divert.core.migrations.0003_audit_append_only")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks may block ALTER TABLE
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_change")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # rows pointing at each other go together
        else:
            for statement in migration.SQLITE_DOWN:
                cursor.execute(statement)
        for model in reversed(transferred_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_change")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for statement in migration.SQLITE_UP:
                cursor.execute(statement)
    RegisterVersion.objects.create(pk=RegisterVersion.SINGLE, value=0)
