"""Helpers for the SSDA903 import tests: small hand-written CSV sets, and a register digest.

``write_csv`` builds a table's CSV text from rows given as dicts (missing columns blank), so a
test shows only the values it is about. ``register_state`` captures every register table (rows
and values) plus the audit trail, so "nothing written" and "re-import changes nothing" are
checked on the data itself, not just on counts.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from django.db import models

from divert.care.models import (
    AdoptionRecord,
    AnnualHealthOutcome,
    CareLeaverContact,
    Episode,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanenceOrder,
)
from divert.core.models import AuditEvent
from divert.people.models import Child
from divert.returns.tables import SSDA903_TABLES

REGISTER_TABLES: tuple[type[models.Model], ...] = (
    Child,
    Episode,
    LookedAfterReview,
    CareLeaverContact,
    MissingEpisode,
    AdoptionRecord,
    AnnualHealthOutcome,
    PreviousPermanenceOrder,
)
IGNORED_COLUMNS = {"id", "created", "updated", "child_id"}


def csv_text(table: str, rows: Sequence[Mapping[str, str]]) -> str:
    """The CSV text of ``table`` with these rows (columns not given are blank)."""
    columns = SSDA903_TABLES[table]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"test bug: {table} has no column {unknown}"
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def write_return(folder: Path, tables: Mapping[str, Sequence[Mapping[str, str]]]) -> Path:
    """Write one return: a CSV file per table, named after the table."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        (folder / f"{table}.csv").write_text(csv_text(table, rows), encoding="utf-8")
    return folder


def header(child: str, **values: str) -> dict[str, str]:
    return {
        "CHILD": child,
        "SEX": "F",
        "DOB": "01/06/2010",
        "ETHNIC": "WBRI",
        "UPN": "A123456789012",
    } | values


def episode(child: str, decom: str, **values: str) -> dict[str, str]:
    row = {"CHILD": child, "DECOM": decom, "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4"}
    return row | {"PLACE_PROVIDER": "PR1", "HOME_POST": "PL4 8AA", "PL_POST": "PL1 2AA"} | values


def register_state() -> tuple[dict[str, int], str]:
    """Row counts of every register table and AuditEvent, and a digest of the register's values."""
    watched: tuple[type[models.Model], ...] = (*REGISTER_TABLES, AuditEvent)
    counts = {m.__name__: m._default_manager.count() for m in watched}
    digest = hashlib.sha256()
    for model in REGISTER_TABLES:
        names = sorted(f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED_COLUMNS)
        key = "child_id" if model is Child else "child__child_id"
        rows = model._default_manager.order_by(key, *names).values_list(key, *names)
        for row in rows:
            digest.update(repr((model.__name__, row)).encode())
    return counts, digest.hexdigest()


class Kit:
    """The helpers above, handed to tests as the ``kit`` fixture (a conftest is not importable)."""

    csv_text = staticmethod(csv_text)
    header = staticmethod(header)
    episode = staticmethod(episode)
    register_state = staticmethod(register_state)


@pytest.fixture
def kit() -> Kit:
    return Kit()


@pytest.fixture
def csv_set(tmp_path: Path) -> Callable[..., Path]:
    """``csv_set("2025", Header=[...], Episodes=[...])`` writes a return folder under tmp_path."""

    def make(name: str, **tables: Sequence[Mapping[str, str]]) -> Path:
        return write_return(tmp_path / "returns" / name, tables)

    return make
