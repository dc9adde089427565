"""A forecast as an Excel workbook: what a finance officer takes away to work with.

One sheet per projection (children at each month's end by placement category with the 80% band,
then the spend in each month), a comparison of every scenario with the first (the baseline),
and the backtest's accuracy, so the workbook says how far to trust the figures it holds.

Scenario names are typed by people, and a spreadsheet runs a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula: every piece of text is written as a string (``write_string``) and
the workbook is opened with ``strings_to_formulas`` off, so no text can become a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from divert.forecast.types import BAND, CATEGORIES, CATEGORY_LABELS, TOTAL, Backtest, Projection, Row

LABELS = {TOTAL: "All children in care", **CATEGORY_LABELS}
ORDER = [TOTAL, *(key for key, _ in CATEGORIES)]
BAND_TEXT = f"low and high bound the {BAND:.0%} band: {BAND:.0%} of outcomes should fall between them"
# Characters Excel refuses in a sheet's name.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")


def workbook(projections: list[Projection], backtest: Backtest | None = None) -> bytes:
    """The workbook's bytes: a sheet per projection, the comparison, the accuracy."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    styles = _Styles(book)
    names: set[str] = set()
    for projection in projections:
        sheet = book.add_worksheet(_sheet_name(projection.scenario.name, names))
        _projection_sheet(sheet, projection, styles)
    if projections:
        _comparison_sheet(book.add_worksheet(_sheet_name("Comparison", names)), projections, styles)
    _accuracy_sheet(book.add_worksheet(_sheet_name("Accuracy", names)), backtest, styles)
    book.close()
    return out.getvalue()


class _Styles:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        self.month = book.add_format({"num_format": "mmm yyyy", "align": "left"})
        self.count = book.add_format({"num_format": "0.0"})
        self.money = book.add_format({"num_format": "£#,##0"})
        self.share = book.add_format({"num_format": "0.0%"})


def _text(sheet: Worksheet, row: int, col: int, value: str, style: Any = None) -> None:
    """Text as text, never a formula, whatever it starts with."""
    sheet.write_string(row, col, value, style)


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A name Excel accepts (31 characters, none of ``[]:*?/\\'``), unique in the workbook."""
    base = _NOT_IN_SHEET_NAME.sub(" ", wanted).strip().lstrip("=+-@").strip() or "Scenario"
    name = base[:31]
    n = 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _by_month(rows: list[Row]) -> dict[dt.date, dict[str, Row]]:
    table: dict[dt.date, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        table[row.month][row.category] = row
    return dict(sorted(table.items()))


def _projection_sheet(sheet: Worksheet, projection: Projection, styles: _Styles) -> None:
    name = projection.scenario.name
    _text(sheet, 0, 0, f"Forecast: {name}", styles.title)
    _text(
        sheet,
        1,
        0,
        f"From {projection.origin:%d %B %Y}, {projection.months} months, "
        f"{projection.runs} runs; {BAND_TEXT}.",
    )
    below = _table(
        sheet, 3, "Children in care at the end of the month", projection.rows, styles.count, styles
    )
    _table(sheet, below + 2, "Spend in the month (£)", projection.costs, styles.money, styles)
    sheet.freeze_panes(6, 1)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 3 * len(ORDER), 11)


def _table(sheet: Worksheet, top: int, title: str, rows: list[Row], style: Any, styles: _Styles) -> int:
    """Months down, categories across (central, low, high each); return the last row written."""
    table = _by_month(rows)
    present = {category for by in table.values() for category in by}
    columns = [key for key in ORDER if key in present]
    _text(sheet, top, 0, title, styles.head)
    _text(sheet, top + 2, 0, "Month", styles.head)
    for i, key in enumerate(columns):
        col = 1 + 3 * i
        _text(sheet, top + 1, col, LABELS.get(key, key), styles.head)
        for j, part in enumerate(("Central", "Low", "High")):
            _text(sheet, top + 2, col + j, part, styles.head)
    line = top + 2
    for month, by in table.items():
        line += 1
        sheet.write_datetime(line, 0, dt.datetime(month.year, month.month, month.day), styles.month)
        for i, key in enumerate(columns):
            row = by.get(key)
            if row is not None:
                for j, value in enumerate((row.central, row.low, row.high)):
                    sheet.write_number(line, 1 + 3 * i + j, value, style)
    return line


def _totals(rows: list[Row]) -> dict[dt.date, float]:
    return {row.month: row.central for row in rows if row.category == TOTAL}


def _comparison_sheet(sheet: Worksheet, projections: list[Projection], styles: _Styles) -> None:
    """Each scenario's children in care and spend against the baseline (the first projection)."""
    baseline, others = projections[0], projections[1:]
    _text(sheet, 0, 0, f"Scenarios compared with {baseline.scenario.name}", styles.title)
    _text(sheet, 1, 0, "Central figures; the difference is the scenario's figure minus the baseline's.")
    heads = ["Month", "Children in care", "Spend (£)"]
    _text(sheet, 3, 1, baseline.scenario.name, styles.head)
    for i, projection in enumerate(others):
        _text(sheet, 3, 3 + 4 * i, projection.scenario.name, styles.head)
        heads += ["Children in care", "Difference", "Spend (£)", "Difference (£)"]
    for col, head in enumerate(heads):
        _text(sheet, 4, col, head, styles.head)
    base_children, base_spend = _totals(baseline.rows), _totals(baseline.costs)
    series = [(_totals(p.rows), _totals(p.costs)) for p in others]
    line = 4
    for month in sorted(base_children):
        line += 1
        sheet.write_datetime(line, 0, dt.datetime(month.year, month.month, 1), styles.month)
        sheet.write_number(line, 1, base_children[month], styles.count)
        sheet.write_number(line, 2, base_spend.get(month, 0.0), styles.money)
        for i, (children, spend) in enumerate(series):
            col = 3 + 4 * i
            if month in children:
                sheet.write_number(line, col, children[month], styles.count)
                sheet.write_number(line, col + 1, children[month] - base_children[month], styles.count)
            if month in spend:
                sheet.write_number(line, col + 2, spend[month], styles.money)
                sheet.write_number(line, col + 3, spend[month] - base_spend.get(month, 0.0), styles.money)
    line += 1
    _text(sheet, line, 0, "Whole period", styles.head)
    sheet.write_number(line, 2, sum(base_spend.values()), styles.money)
    for i, (_, spend) in enumerate(series):
        col = 3 + 4 * i
        sheet.write_number(line, col + 2, sum(spend.values()), styles.money)
        sheet.write_number(line, col + 3, sum(spend.values()) - sum(base_spend.values()), styles.money)
    sheet.freeze_panes(5, 1)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 2 + 4 * len(others), 14)


def _accuracy_sheet(sheet: Worksheet, backtest: Backtest | None, styles: _Styles) -> None:
    """How past forecasts compared with what happened: error, bias and band coverage."""
    _text(sheet, 0, 0, "How accurate past forecasts were", styles.title)
    if backtest is None or not backtest.accuracy or not backtest.origins:
        _text(sheet, 1, 0, "No backtest was run with this forecast, or the history is too short for one.")
        return
    first, last = min(backtest.origins), max(backtest.origins)
    _text(
        sheet,
        1,
        0,
        f"The model fitted at {len(backtest.origins)} past dates ({first:%B %Y} to {last:%B %Y}) "
        "and compared with what then happened.",
    )
    _text(
        sheet,
        2,
        0,
        "Error: the average miss, as a percentage of the actual figure. Bias: positive means too many "
        f"forecast. Band coverage: the share of actual figures inside the {BAND:.0%} band "
        f"(about {BAND:.0%} when the band can be trusted).",
    )
    heads = ["Category", "Months ahead", "Error (%)", "Bias (%)", "Band coverage", "Past forecasts compared"]
    for col, head in enumerate(heads):
        _text(sheet, 4, col, head, styles.head)
    rank = {key: i for i, key in enumerate(ORDER)}
    ordered = sorted(backtest.accuracy, key=lambda a: (rank.get(a.category, len(rank)), a.horizon))
    for line, accuracy in enumerate(ordered, start=5):
        _text(sheet, line, 0, LABELS.get(accuracy.category, accuracy.category))
        sheet.write_number(line, 1, accuracy.horizon)
        # Error and bias are percentages of the actual figure (the backtest's unit); coverage a share.
        sheet.write_number(line, 2, accuracy.error, styles.count)
        sheet.write_number(line, 3, accuracy.bias, styles.count)
        sheet.write_number(line, 4, accuracy.coverage, styles.share)
        sheet.write_number(line, 5, accuracy.origins)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 5, 14)
