"""Access-matrix rows for the frontdoor pages (merged by ``tests/access/rows.py``)."""

from __future__ import annotations

from tests.access import Page

# fmt: off
ROWS: dict[Page, tuple[str, ...]] = {
    #    alice     tom       sam       mo        pat       ana       hos       fin       adam      anonymous
}
# fmt: on
