"""Text that a spreadsheet would run as a formula comes out of every download as plain text.

A child ID or a typed name starting ``=``, ``+``, ``-`` or ``@`` is written with a leading
apostrophe in CSV files, and as a string cell (``write_string``, never a formula) in Excel
workbooks, where an apostrophe would show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter
from django.test import Client
from django.urls import reverse
from tests.conftest import World
from tests.programme.conftest import fee_plan

from divert.forecast.excel import _text
from divert.returns.export903 import to_csv

RISKY = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("value", RISKY)
def test_the_ssda903_tables_escape_formula_text(value: str) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(["CHILD", "SEX"], [(value, "1")]).decode())))
    assert rows[1] == ["'" + value, "1"]


@pytest.mark.parametrize("value", RISKY)
def test_the_forecast_workbooks_text_is_never_a_formula(value: str) -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Forecast")
    _text(sheet, 0, 0, value)
    book.close()
    with zipfile.ZipFile(out) as xlsx:
        strings = xlsx.read("xl/sharedStrings.xml").decode()
        cells = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in cells
    assert f"<t>{value}</t>" in strings  # a string cell: shown as typed, never run


def test_the_placement_review_savings_csv_escapes_a_childs_id(client: Client, world: World) -> None:
    child = world.child_north
    child.child_id = "=1+2"
    child.save()
    fee_plan(child, "5000", "4000", dt.date(2025, 1, 6))
    client.force_login(world.users["hos"])
    response = client.get(reverse("stepdown:savings_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == ["'=1+2"]
