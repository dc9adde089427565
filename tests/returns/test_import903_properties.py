"""Property-based: malformed SSDA903 files always get a clear error and never write anything.

A valid two-child return is spoiled in one place (random text in a random cell, a formula
injection string, a very long cell, random bytes spliced into the file); the import must
either accept it (when the spoiled value happens to be valid) or refuse it with messages that
each name the file and row, and leave the register exactly as it was. It must never crash.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divert.returns.import903 import ImportFailed, import_903
from divert.returns.tables import SSDA903_TABLES

pytestmark = pytest.mark.django_db

EPISODE_COLUMNS = SSDA903_TABLES["Episodes"]
ROWS = 4
FORMULAS = [
    '=HYPERLINK("http://example.invalid","click")',
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@",
]
# Every message names a file and row (or is the "stopped after" note).
CLEAR = re.compile(
    r"^(Episodes|Header)\.csv( row \d+)?(, field [A-Z_]+)?: .+|^\.\.\. stopped after \d+ errors"
)
EXAMPLES = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Rollback(Exception):
    """Undo an accepted example so every example starts from the same register."""


def _episode_rows() -> list[list[str]]:
    rows = []
    for n in range(ROWS):
        child = "C1" if n < 2 else "C2"
        start = f"0{n + 1}/05/2023"
        dec, rec = (f"0{n + 2}/05/2023", "X1") if n in {0, 2} else ("", "")
        values = {"CHILD": child, "DECOM": start, "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4"}
        values |= {"PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec, "HOME_POST": "PL4 8AA"}
        rows.append([values.get(c, "") for c in EPISODE_COLUMNS])
    return rows


def _write(folder: Path, episodes: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    header = (
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nC1,F,01/06/2010,WBRI,,,\r\nC2,M,01/06/2011,WBRI,,,\r\n"
    )
    (folder / "Header.csv").write_text(header, encoding="utf-8")
    (folder / "Episodes.csv").write_bytes(episodes)
    return folder


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EPISODE_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _attempt(world: Any, kit: Any, folder: Path) -> list[str] | None:
    """Import; None when accepted (then rolled back), else the errors, checking nothing was written."""
    before = kit.register_state()
    try:
        with transaction.atomic():
            import_903([folder], world.authority)
            raise _Rollback
    except _Rollback:
        return None
    except ImportFailed as failed:
        assert kit.register_state() == before, "a refused import must write nothing"
        assert failed.errors, "a refusal must say why"
        for message in failed.errors:
            assert CLEAR.match(message), f"unclear message: {message!r}"
        return failed.errors


cells = st.tuples(st.integers(0, ROWS - 1), st.integers(0, len(EPISODE_COLUMNS) - 1))


@EXAMPLES
@given(where=cells, garbage=st.text(max_size=60))
def test_random_text_in_any_episode_cell_is_accepted_or_clearly_refused(
    world: Any, kit: Any, tmp_path_factory: pytest.TempPathFactory, where: tuple[int, int], garbage: str
) -> None:
    rows = _episode_rows()
    rows[where[0]][where[1]] = garbage
    folder = _write(tmp_path_factory.mktemp("garbage") / "2024", _csv(rows))

    _attempt(world, kit, folder)


@EXAMPLES
@given(where=cells, formula=st.sampled_from(FORMULAS))
def test_formula_injection_in_any_episode_cell_is_refused(
    world: Any, kit: Any, tmp_path_factory: pytest.TempPathFactory, where: tuple[int, int], formula: str
) -> None:
    rows = _episode_rows()
    rows[where[0]][where[1]] = formula
    folder = _write(tmp_path_factory.mktemp("formula") / "2024", _csv(rows))

    errors = _attempt(world, kit, folder)

    assert errors is not None
    assert errors[0].startswith(f"Episodes.csv row {where[0] + 2}, field {EPISODE_COLUMNS[where[1]]}: ")


@EXAMPLES
@given(where=cells, length=st.integers(1_000, 300_000))
def test_a_very_long_cell_is_refused(
    world: Any, kit: Any, tmp_path_factory: pytest.TempPathFactory, where: tuple[int, int], length: int
) -> None:
    rows = _episode_rows()
    rows[where[0]][where[1]] = "9" * length
    folder = _write(tmp_path_factory.mktemp("long") / "2024", _csv(rows))

    errors = _attempt(world, kit, folder)

    assert errors is not None
    assert errors[0].startswith(f"Episodes.csv row {where[0] + 2}")


@EXAMPLES
@given(data=st.data(), junk=st.binary(min_size=1, max_size=40))
def test_random_bytes_spliced_into_the_file_are_accepted_or_clearly_refused(
    world: Any, kit: Any, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, junk: bytes
) -> None:
    original = _csv(_episode_rows())
    at = data.draw(st.integers(0, len(original)))
    cut = data.draw(st.integers(0, 20))
    folder = _write(tmp_path_factory.mktemp("bytes") / "2024", original[:at] + junk + original[at + cut :])

    _attempt(world, kit, folder)
