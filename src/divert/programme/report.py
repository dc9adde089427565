"""The monthly programme report as a PDF (WeasyPrint) and an Excel workbook (xlsxwriter).

The page, the PDF and the workbook show the same ``queries.Report``: progress by work stream,
barriers (blocked actions), actions overdue and due, the top risks, and the savings plan with
its forecast and achieved figures in separate columns. Text from the programme is written to
Excel as strings, never formulas, so an action that begins "=" cannot run in a reader's Excel.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string

from divert.core.models import Authority
from divert.programme.queries import Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """Text as Excel should show it: one starting like a formula is prefixed with an apostrophe too,
    so it stays inert when the sheet is copied or saved as CSV."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def context(report: Report, authority: Authority) -> dict[str, Any]:
    return {"report": report, "authority": authority}


def html(report: Report, authority: Authority) -> str:
    """The report as print HTML (the PDF's source)."""
    return render_to_string("programme/report_print.html", context(report, authority))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The report is self-contained: refuse every URL, so no text in it can make the server fetch one."""
    raise ValueError(f"The programme report fetches nothing ({url[:40]!r})")


def pdf(report: Report, authority: Authority) -> bytes:
    """The report as an A4 landscape PDF."""
    from weasyprint import HTML

    return bytes(HTML(string=html(report, authority), url_fetcher=_no_fetching, base_url=".").write_pdf())


class _Sheet:
    """One worksheet written row by row, text always through ``write_string``."""

    def __init__(self, book: Any, name: str, heads: list[tuple[str, int]], head_fmt: Any, wrap: Any) -> None:
        self.ws = book.add_worksheet(name)
        self.wrap = wrap
        for c, (head, width) in enumerate(heads):
            self.ws.set_column(c, c, width)
            self.ws.write_string(0, c, head, head_fmt)
        self.ws.freeze_panes(1, 0)
        self.row = 1

    def add(self, *values: Any) -> None:
        for c, value in enumerate(values):
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                self.ws.write_number(self.row, c, float(value))
            elif value is None:
                self.ws.write_blank(self.row, c, None)
            else:
                self.ws.write_string(self.row, c, safe_text(value), self.wrap)
        self.row += 1


def _date(day: Any) -> str:
    return f"{day:%-d %b %Y}" if day else ""


def xlsx(report: Report, authority: Authority) -> bytes:
    """The report as a workbook: Progress, Barriers, Actions due, Risks, Savings."""
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(
        stream, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    head = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    progress = _Sheet(
        book,
        "Progress",
        [
            ("Work stream", 40),
            ("Lead", 24),
            ("Not started", 12),
            ("In progress", 12),
            ("Done", 10),
            ("Blocked", 10),
            ("Overdue", 10),
            ("Due in 4 weeks", 14),
        ],
        head,
        wrap,
    )
    for p in report.progress:
        c = p.counts
        progress.add(
            p.stream.name,
            p.stream.lead,
            c["not_started"],
            c["in_progress"],
            c["done"],
            c["blocked"],
            p.overdue,
            p.due_soon,
        )
    progress.ws.write_string(
        progress.row + 1, 0, safe_text(f"{authority.name}: programme report as at {_date(report.on)}")
    )

    action_heads = [
        ("Work stream", 30),
        ("Action", 50),
        ("Owner", 24),
        ("Due", 14),
        ("Status", 14),
        ("Barrier", 50),
    ]
    barriers = _Sheet(book, "Barriers", action_heads, head, wrap)
    for a in report.barriers:
        barriers.add(a.stream.name, a.what, a.owner, _date(a.due), a.get_status_display(), a.barrier)
    due = _Sheet(book, "Actions due", [("When", 12), *action_heads[:5]], head, wrap)
    for when, rows in (("Overdue", report.due.overdue), ("Due soon", report.due.due_soon)):
        for a in rows:
            due.add(when, a.stream.name, a.what, a.owner, _date(a.due), a.get_status_display())

    risks = _Sheet(
        book,
        "Risks",
        [
            ("Risk", 50),
            ("Owner", 20),
            ("Probability", 11),
            ("Impact", 9),
            ("Score", 8),
            ("Rating", 10),
            ("Mitigation", 50),
            ("Last scored", 14),
        ],
        head,
        wrap,
    )
    for r in report.risks:
        latest = r.scores.all()[0] if r.scores.all() else None
        risks.add(
            r.title,
            r.owner,
            r.probability,
            r.impact,
            r.score,
            r.rating,
            r.mitigation,
            _date(latest.date) if latest else "",
        )

    savings = _Sheet(
        book,
        "Savings",
        [
            ("Year", 10),
            ("Area", 36),
            ("Target £000", 12),
            ("FTE", 8),
            ("On track (forecast)", 20),
            ("Achieved £000", 14),
            ("Achieved as at", 14),
            ("Source of achieved", 24),
        ],
        head,
        wrap,
    )
    for y in report.savings.years:
        for v in y.lines:
            line = v.line
            savings.add(
                y.label,
                line.get_area_display(),
                line.target_k,
                line.fte,
                line.get_on_track_display() or "Not rated",
                v.achieved_k,
                _date(v.achieved_on),
                "Placement review (register)" if v.from_register else "Recorded",
            )
        savings.add(y.label, "Total", y.target_k, y.fte, "", y.achieved_k, "", "")
    book.close()
    return stream.getvalue()
