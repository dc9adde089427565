"""The monthly programme report: page, PDF and Excel, and the Excel's text kept inert."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.test import Client
from django.utils import timezone

from divert.programme.report import safe_text
from tests.conftest import World
from tests.programme.conftest import action, line, risk


def _programme(world: World) -> None:
    today = timezone.localdate()
    a = world.authority
    action(
        a, '=HYPERLINK("http://evil")', today - dt.timedelta(days=2), "blocked", barrier="+cmd|' /C calc'!A0"
    )
    action(a, "Information evenings", today + dt.timedelta(days=7), "in_progress")
    risk(a, "Rise in number of children in care", 4, 5)
    line(a, "care_leavers", today.year, "130", on_track="green")


def test_the_report_page_has_every_section(client: Client, world: World) -> None:
    _programme(world)
    client.force_login(world.users["hos"])
    html = client.get("/programme/report/").content.decode()
    for heading in (
        "Progress",
        "Barriers",
        "Actions overdue",
        "Actions due in the next 4 weeks",
        "Top risks",
        "Savings plan",
    ):
        assert f">{heading}</h2>" in html
    assert "Rise in number of children in care" in html and "Information evenings" in html


def test_the_report_downloads_as_pdf_and_excel(client: Client, world: World) -> None:
    _programme(world)
    client.force_login(world.users["fin"])
    pdf = client.get("/programme/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get("/programme/report.xlsx")
    book = zipfile.ZipFile(io.BytesIO(xlsx.content))
    assert "xl/worksheets/sheet5.xml" in book.namelist()
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings
    sheets = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets  # no formulas at all


def test_text_that_looks_like_a_formula_is_made_inert() -> None:
    assert [safe_text(t) for t in ("=1+1", "+1", "-2", "@SUM(A1)", "Hub")] == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "Hub",
    ]
