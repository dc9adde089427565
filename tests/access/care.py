"""Access-matrix rows for the children-in-care clocks (merged by ``tests/access/rows.py``).

The clocks page is for the casework roles (a 403 for the others); what it lists is narrowed by
``restrict`` (tested in ``tests/care/test_clocks_pages.py``).
"""

from __future__ import annotations

from tests.access import DENIED, OK, SIGN_IN, Page

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
ROWS: dict[Page, tuple[str, ...]] = {
    Page("care:index"): (OK, OK, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN),
    Page("care:end_dates"): (OK, OK, OK, OK, DENIED, OK, OK, DENIED, DENIED, SIGN_IN),
}
