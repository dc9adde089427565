"""Access-matrix rows for the programme (merged by ``tests/access/rows.py``)."""

from __future__ import annotations

from tests.access import Page

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
ROWS: dict[Page, tuple[str, ...]] = {}
