"""The board pack: the monthly scorecard for directors and elected members, as PDF and Excel.

Members read it on paper or a tablet, often away from the system, so every figure carries its
definition, its target and rating in words as well as colour (a printed page may be grey), its
change since last month, the England and comparator figures, and two years of trend. The PDF is
HTML and CSS rendered by WeasyPrint (A4 landscape, page numbers in the footer); the workbook is
``exports.workbook`` with native Excel charts. Both come from one ``report.scorecard`` call with
24 months of trend, so the two files always show the same numbers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from divert.core.audit import register_version
from divert.indicators import exports
from divert.indicators.catalogue import Indicator
from divert.indicators.exports import Scope, direction, display
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency
from divert.indicators.rag import RAG_LABELS
from divert.indicators.report import Row

PACK_MONTHS = 24  # two years of monthly trend: this year against last, and the direction before that
TABLE_MONTHS = 12  # the small data table under each chart: the last year

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Item:
    """One indicator as the board pack prints it: every figure already in words."""

    row: Row
    value: str
    target: str
    previous: str
    change: str
    direction: str
    england: str
    comparator: str
    rag: str
    rag_label: str
    chart: SafeString
    table: list[tuple[str, str]]

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator


def last_month_end(today: dt.date | None = None) -> dt.date:
    """The last day of the last complete month: a board pack reports whole months."""
    today = today or timezone.localdate()
    return today.replace(day=1) - dt.timedelta(days=1)


def pack_rows(scope: Scope, frames: Frames | None = None) -> list[Row]:
    """The scorecard with 24 periods of trend (two years of months for the monthly pack)."""
    return exports.rows_for(scope, trend_periods=PACK_MONTHS, frames=frames)


def _label(day: dt.date, frequency: Frequency) -> str:
    return f"{day:%b %Y}" if frequency is Frequency.MONTH else f"{day:%-d %b %Y}"


def chart(row: Row) -> SafeString:
    """The trend as an SVG line chart, with the target and the benchmarks as reference lines.

    ``charts.line_chart`` escapes every text it draws, so its output is safe to place in the page.
    """
    from divert.indicators import charts

    ind = row.indicator
    benchmarks = {
        name: value
        for name, value in (("England", row.england), ("Comparator", row.comparator))
        if value is not None
    }
    svg = charts.line_chart(
        row.trend,
        title=ind.title,
        unit=ind.unit,
        target=row.target,
        benchmarks=benchmarks,
        decimals=ind.decimals,
        uid=f"pack-{ind.id}",  # ids unique in the document, and the same on every run
    )
    return mark_safe(svg)  # noqa: S308  (built by charts.py, which escapes all text)


def item(row: Row, *, with_chart: bool = True) -> Item:
    ind = row.indicator
    recent = row.trend[-TABLE_MONTHS:]
    return Item(
        row=row,
        value=display(row.value, ind),
        target=display(row.target, ind, missing="None set"),
        previous=display(row.previous, ind),
        change=display(row.change, ind, signed=True, missing="not known"),
        direction=direction(row),
        england=display(row.england, ind, missing="Not published"),
        comparator=display(row.comparator, ind, missing="Not published"),
        rag=row.rag,
        rag_label=RAG_LABELS[row.rag],
        chart=chart(row) if with_chart else mark_safe(""),
        table=[(_label(day, row.frequency), display(value, ind)) for day, value in recent],
    )


def context(rows: list[Row], scope: Scope, *, with_charts: bool = True) -> dict[str, Any]:
    """What the template needs: the scope in words and the items grouped by section."""
    sections = [
        (section, [item(row, with_chart=with_charts) for row in members])
        for section, members in exports.by_section(rows)
    ]
    start = rows[0].period_start if rows else scope.as_at
    return {
        "scope": scope,
        "period": _period(start, scope),
        "generated_at": timezone.localtime(scope.generated_at),
        "sections": sections,
        "count": len(rows),
        "rag_counts": {label: sum(1 for r in rows if r.rag == key) for key, label in RAG_LABELS.items()},
    }


def _period(start: dt.date, scope: Scope) -> str:
    """The period reported: "March 2026" for a whole month, else "1 March 2026 to 15 March 2026"."""
    end = scope.as_at
    if scope.frequency is Frequency.MONTH and start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        return f"{end:%B %Y}"
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def html(rows: list[Row], scope: Scope) -> str:
    """The board pack as print HTML (the PDF's source; tests read it for titles and figures)."""
    return render_to_string("indicators/boardpack.html", context(rows, scope))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The pack is self-contained: refuse every URL, so no text in it can make the server fetch one."""
    raise ValueError(f"The board pack fetches nothing ({url[:40]!r})")


def document(rows: list[Row], scope: Scope) -> Any:
    """The board pack laid out in pages (a WeasyPrint ``Document``: its ``pages``, ``write_pdf()``)."""
    from weasyprint import HTML

    return HTML(string=html(rows, scope), url_fetcher=_no_fetching, base_url=".").render()


def pdf(rows: list[Row], scope: Scope) -> bytes:
    """The board pack as an A4 landscape PDF."""
    return bytes(document(rows, scope).write_pdf())


def xlsx(rows: list[Row], scope: Scope) -> bytes:
    """The board pack as an Excel workbook (Summary, Series, and a sheet of charts per section)."""
    return exports.workbook(rows, scope)


#: The steps ``build`` reports: the figures, then the file (the PDF's layout is most of the time).
BUILD_STEPS = 2


def build(scope: Scope, fmt: str, frames: Frames | None = None, progress: Progress | None = None) -> bytes:
    """The board pack for ``scope`` in ``fmt`` ("pdf" or "xlsx"), computed from the register.

    ``progress(done, total, stage)`` hears of each step, for the job page that follows a pack.
    """
    tell = progress or _silent
    tell(0, BUILD_STEPS, "Working out the figures")
    rows = pack_rows(scope, frames)
    tell(1, BUILD_STEPS, "Laying out the pages" if fmt == "pdf" else "Writing the workbook")
    return pdf(rows, scope) if fmt == "pdf" else xlsx(rows, scope)


def _silent(done: int, total: int, stage: str) -> None:
    """No one is following this build (the command, a download)."""


# Packs made, kept per process by register version: when a pack is published, directors and
# members download it within the hour, and the PDF takes several seconds to lay out.
PACKS_KEPT = 8
_packs: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_packs_lock = threading.Lock()


def cached_build(scope: Scope, fmt: str, frames: Frames | None = None) -> bytes:
    """``build``, remembered until the register changes (``core.RegisterVersion``) in this process.

    Caching follows the register cache's switch (``DIVERT_FRAMES_CACHE = 0`` turns both off, as
    the tests do). A pack made earlier keeps its "generated" time: it is the same pack.
    """
    if settings.DIVERT_FRAMES_CACHE <= 0:
        return build(scope, fmt, frames)
    key = (
        str(connection.settings_dict["NAME"]),
        register_version(),
        scope.authority_id,
        scope.as_at,
        str(scope.frequency),
        scope.team,
        scope.locality,
        fmt,
    )
    with _packs_lock:
        if key in _packs:
            _packs.move_to_end(key)
            return _packs[key]
    content = build(scope, fmt, frames)
    with _packs_lock:
        _packs[key] = content
        while len(_packs) > PACKS_KEPT:
            _packs.popitem(last=False)
    return content
