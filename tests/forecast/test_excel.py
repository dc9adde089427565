"""The forecast's Excel workbook: a sheet per scenario, the comparison, the accuracy, no formulas."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree

from divert.forecast.excel import workbook
from divert.forecast.types import Accuracy, Backtest, Projection, Row, Scenario

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
MONTHS = [dt.date(2026, 4, 1), dt.date(2026, 5, 1)]


def projection(name: str, children: list[float], spend: list[float], **levers: object) -> Projection:
    """A made-up projection: ``children`` and ``spend`` are the total's central figures by month;
    the in-house foster figure is the total less 10."""
    rows, costs = [], []
    for month, total, pounds in zip(MONTHS, children, spend, strict=True):
        rows += [
            Row(month, "total", total, total - 5, total + 5),
            Row(month, "in_house_foster", total - 10, total - 12, total - 8),
        ]
        costs.append(Row(month, "total", pounds, pounds * 0.9, pounds * 1.1))
    return Projection(dt.date(2026, 3, 31), 2, Scenario(name=name, **levers), rows, costs, runs=100)  # type: ignore[arg-type]


def parse(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314 - the test's own workbook, not untrusted input


def read(book: bytes) -> dict[str, dict[str, object]]:
    """Each sheet's cells by reference ("B6"), text and numbers as Excel holds them; a formula
    cell's value is "FORMULA"."""
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in parse(z.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        names = [s.get("name") for s in parse(z.read("xl/workbook.xml")).iter(f"{{{NS['m']}}}sheet")]
        sheets: dict[str, dict[str, object]] = {}
        for n, name in enumerate(names, start=1):
            cells: dict[str, object] = {}
            for c in parse(z.read(f"xl/worksheets/sheet{n}.xml")).iter(f"{{{NS['m']}}}c"):
                value = c.find("m:v", NS)
                if c.find("m:f", NS) is not None:
                    cells[c.get("r", "")] = "FORMULA"
                elif value is not None:
                    cells[c.get("r", "")] = (
                        shared[int(value.text or 0)] if c.get("t") == "s" else float(value.text or 0)
                    )
            sheets[str(name)] = cells
    return sheets


def test_there_is_a_sheet_per_scenario_then_the_comparison_and_the_accuracy() -> None:
    sheets = read(
        workbook(
            [
                projection("Baseline", [400, 410], [1e6, 1.1e6]),
                projection("Held to 8", [395, 390], [9e5, 8e5]),
            ]
        )
    )

    assert list(sheets) == ["Baseline", "Held to 8", "Comparison", "Accuracy"]
    baseline = sheets["Baseline"]
    # Children: title row 4, category row 5, Central/Low/High row 6, April in row 7; the total first.
    assert baseline["B5"] == "All children in care"
    assert (baseline["B6"], baseline["C6"], baseline["D6"]) == ("Central", "Low", "High")
    assert (baseline["B7"], baseline["C7"], baseline["D7"]) == (400, 395, 405)
    assert baseline["E5"] == "In-house foster care"
    assert baseline["E8"] == 400  # May: 410 - 10
    # Spend below, its title in row 10 (a blank row after May's row 8): May's total in row 14.
    assert baseline["A10"] == "Spend in the month (£)"
    assert baseline["B14"] == 1.1e6


def test_the_comparison_gives_each_scenario_s_difference_from_the_baseline() -> None:
    sheets = read(
        workbook(
            [
                projection("Baseline", [400, 410], [1e6, 1.1e6]),
                projection("Held to 8", [395, 390], [9e5, 8e5]),
            ]
        )
    )

    comparison = sheets["Comparison"]
    # May: 390 - 410 = -20 children; £800,000 - £1,100,000 = -£300,000.
    assert (comparison["B7"], comparison["D7"], comparison["E7"]) == (410, 390, -20)
    assert (comparison["F7"], comparison["G7"]) == (8e5, -3e5)
    # Whole period: £1.7m against £2.1m, £400,000 less.
    assert comparison["A8"] == "Whole period"
    assert (comparison["C8"], comparison["F8"], comparison["G8"]) == (2.1e6, 1.7e6, -4e5)


def test_the_accuracy_sheet_lists_the_backtest() -> None:
    made = Backtest(
        origins=[dt.date(2022, 3, 31), dt.date(2023, 3, 31)],
        horizons=(6, 24),
        accuracy=[
            Accuracy("in_house_foster", 6, error=8.0, bias=-2.0, coverage=0.75, origins=2),
            Accuracy("total", 24, error=6.5, bias=3.0, coverage=0.8, origins=1),
            Accuracy("total", 6, error=4.0, bias=1.0, coverage=1.0, origins=2),
        ],
    )

    accuracy = read(workbook([projection("Baseline", [400, 410], [1e6, 1.1e6])], made))["Accuracy"]

    # The total first, by horizon, then the categories.
    assert [accuracy[f"A{r}"] for r in (6, 7, 8)] == [
        "All children in care",
        "All children in care",
        "In-house foster care",
    ]
    assert [accuracy[f"{c}6"] for c in "BCDEF"] == [6, 4.0, 1.0, 1.0, 2]
    assert [accuracy[f"{c}7"] for c in "BCDEF"] == [24, 6.5, 3.0, 0.8, 1]


def test_without_a_backtest_the_accuracy_sheet_says_so() -> None:
    accuracy = read(workbook([projection("Baseline", [400, 410], [1e6, 1.1e6])]))["Accuracy"]

    assert accuracy["A2"].startswith("No backtest was run with this forecast")


def test_a_scenario_named_like_a_formula_is_written_as_text() -> None:
    book = workbook(
        [projection("Baseline", [1, 1], [1, 1]), projection('=HYPERLINK("http://x","y")', [1, 1], [1, 1])]
    )

    sheets = read(book)

    assert all(value != "FORMULA" for cells in sheets.values() for value in cells.values())
    assert sheets["Comparison"]["D4"] == '=HYPERLINK("http://x","y")'
    # The sheet's own name loses the leading "=" and the characters Excel refuses (":", "/").
    assert list(sheets)[1] == 'HYPERLINK("http   x","y")'


def test_two_scenarios_with_one_name_get_two_sheets() -> None:
    names = list(read(workbook([projection("Plan", [1, 1], [1, 1]), projection("Plan", [1, 1], [1, 1])])))

    assert names[:2] == ["Plan", "Plan (2)"]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
