"""Every cell Divert writes for a spreadsheet is shown as text, never run as a formula."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from divert.core.spreadsheet import ESCAPE, FORMULA_STARTS, safe_cell, write_csv

risky = st.builds(lambda first, rest: first + rest, st.sampled_from(FORMULA_STARTS), st.text())


@given(st.text())
def test_no_text_cell_starts_like_a_formula(text: str) -> None:
    assert not str(safe_cell(text)).startswith(FORMULA_STARTS)


@given(risky)
def test_a_risky_cell_keeps_its_text_after_the_apostrophe(text: str) -> None:
    assert safe_cell(text) == ESCAPE + text


@given(st.text().filter(lambda t: not t.startswith(FORMULA_STARTS)))
def test_other_text_is_written_unchanged(text: str) -> None:
    assert safe_cell(text) == text


@given(st.integers() | st.floats(allow_nan=False))
def test_numbers_are_written_as_numbers(number: float) -> None:
    assert safe_cell(number) == number


# Text that already starts with an apostrophe is left alone (it is no formula), so only the
# rest round-trips exactly.
@given(st.lists(st.text().filter(lambda t: not t.startswith(ESCAPE)), min_size=1, max_size=5))
def test_a_csv_row_read_back_has_no_formula_cell(cells: list[str]) -> None:
    out = io.StringIO()
    write_csv(out, ["a"] * len(cells), [cells])
    written = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in written)
    unescaped = [c[1:] if c.startswith(ESCAPE) and c[1:].startswith(FORMULA_STARTS) else c for c in written]
    assert unescaped == cells


def test_none_is_an_empty_cell() -> None:
    assert safe_cell(None) == ""
