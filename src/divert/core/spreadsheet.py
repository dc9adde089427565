"""Cells safe to open in a spreadsheet: every file Divert writes for Excel or LibreOffice goes through here.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` is read by a spreadsheet as a
formula, and a leading tab or carriage return can hide one; a formula in a download can run
commands or send data away when an analyst opens the file ("CSV injection"). Child IDs, names
and rule messages come from imported files and people's typing, so no text cell is trusted:
such a cell is written with a leading apostrophe, which spreadsheets show as text and do not
display. Numbers and dates are written as they are (they cannot hold a formula).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will show it, never run it: risky text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def write_csv(stream: IO[str], header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """Write a header and rows as CSV (UTF-8 text, ``\\r\\n`` lines), every cell through ``safe_cell``."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
