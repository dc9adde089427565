"""Forms of the children-in-care pages."""

from __future__ import annotations

from divert.cases.forms import ClocksFilterForm


class CareClocksFilterForm(ClocksFilterForm):
    """Narrow the clocks to one team's or one worker's children (the same filter as the assessment clocks)."""
