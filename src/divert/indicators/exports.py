"""The scorecard as files: JSON and CSV for analysts and scripts, an Excel workbook for people.

Every format is written from the same :class:`report.Row` list, so a download, the command's
output and the board pack never disagree with the pages. Output is deterministic for the same
register (sorted keys, numbers rounded to a fixed number of places, nothing that depends on the
clock), so two runs can be diffed to see what changed. Every text cell written for a
spreadsheet goes through ``core.spreadsheet.safe_cell``: team and locality names are typed by
people and a name like ``=cmd()`` must open as text, never run.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from django.utils import timezone

from divert.core.spreadsheet import safe_cell, write_csv
from divert.indicators.catalogue import Indicator, Section, Unit
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency
from divert.indicators.rag import RAG_LABELS
from divert.indicators.report import TREND_PERIODS, Row, frames_for, scorecard

PLACES = 6  # decimal places kept in JSON and CSV numbers: exact enough, and stable to diff

# The scorecard's columns, in the order CSV and the Summary sheet show them.
COLUMNS = (
    "id",
    "title",
    "section",
    "value",
    "unit",
    "target",
    "tolerance",
    "rag",
    "as_at",
    "frequency",
    "period_start",
    "previous",
    "change",
    "good_direction",
    "england",
    "comparator",
    "benchmark_year",
    "team",
    "locality",
    "definition",
)

RAG_COLOURS = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c", "none": "#b1b4b6"}


class BadOption(ValueError):
    """An option a person gave that cannot be used; ``option`` names it so the message can say which."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


@dataclass(frozen=True)
class Scope:
    """Whose figures, as at when, how often: what every export states at its top."""

    authority_id: int
    authority: str
    as_at: dt.date
    frequency: Frequency = Frequency.MONTH
    team: str = ""
    locality: str = ""
    generated_at: dt.datetime = field(default_factory=timezone.now, compare=False)

    @property
    def where(self) -> dict[str, str] | None:
        """The ``where`` narrowing for ``report.scorecard``: a team, a locality, or the whole authority."""
        narrowing = {
            name: value for name, value in (("team", self.team), ("locality", self.locality)) if value
        }
        return narrowing or None

    @property
    def part(self) -> str:
        """Which part of the authority, in words ("North team, Plymouth locality" or the whole)."""
        parts = [
            f"Team: {self.team}" if self.team else "",
            f"Locality: {self.locality}" if self.locality else "",
        ]
        return ", ".join(p for p in parts if p) or "Whole authority"


def parse_scope(
    authority: Any,
    *,
    as_at: str | None,
    frequency: str | None,
    team: str | None = None,
    locality: str | None = None,
) -> Scope:
    """Check options typed by a person (command line or query string) and say which one is wrong.

    A team or locality must be one of the authority's own: an unknown name would otherwise give
    a scorecard of zeros that looks like a real (and alarming) answer.
    """
    from divert.people.models import Locality, Team

    day = timezone.localdate()
    if as_at:
        try:
            day = dt.date.fromisoformat(as_at)
        except ValueError as error:
            raise BadOption("as_at", f"{as_at!r} is not a date; give it as YYYY-MM-DD.") from error
    try:
        freq = Frequency(frequency or Frequency.MONTH)
    except ValueError as error:
        choices = ", ".join(f.value for f in Frequency)
        raise BadOption("frequency", f"{frequency!r} is not a frequency; choose one of {choices}.") from error
    team, locality = (team or "").strip(), (locality or "").strip()
    if team and not Team.objects.filter(authority=authority, name=team).exists():
        raise BadOption("team", f"There is no team called {team!r} in {authority.name}.")
    if locality and not Locality.objects.filter(authority=authority, name=locality).exists():
        raise BadOption("locality", f"There is no locality called {locality!r} in {authority.name}.")
    return Scope(authority.pk, authority.name, day, freq, team, locality)


def rows_for(scope: Scope, trend_periods: int = TREND_PERIODS, *, frames: Frames | None = None) -> list[Row]:
    """The scorecard for a scope, from ``frames`` (the web's cached register) or read afresh."""
    return scorecard(
        frames if frames is not None else frames_for(scope.authority_id),
        scope.as_at,
        scope.frequency,
        authority_id=scope.authority_id,
        where=scope.where,
        trend_periods=trend_periods,
    )


# --- JSON and CSV -------------------------------------------------------------------------------


def fixed(value: Any) -> Any:
    """A number rounded to ``PLACES`` (floats, never -0.0); anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    number = round(float(value), PLACES)
    return 0.0 if number == 0 else number


def row_data(row: Row, scope: Scope) -> dict[str, Any]:
    """A row as plain data: ``Row.as_dict()`` with numbers fixed, the part of the authority and the trend."""
    data = {name: fixed(value) for name, value in row.as_dict().items()}
    data["team"] = scope.team
    data["locality"] = scope.locality
    data["trend"] = [{"date": day.isoformat(), "value": fixed(value)} for day, value in row.trend]
    return data


def scorecard_json(rows: list[Row], scope: Scope) -> str:
    """The whole scorecard as one JSON document (sorted keys, two-space indent, a final newline)."""
    document = {
        "authority": scope.authority,
        "as_at": scope.as_at.isoformat(),
        "frequency": str(scope.frequency),
        "team": scope.team,
        "locality": scope.locality,
        "rows": [row_data(row, scope) for row in rows],
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _csv_number(value: Any) -> Any:
    """A number as CSV writes it: whole numbers without ".0", others to ``PLACES`` at most.

    Left a number (never formatted to text), so a negative change is not taken for a formula
    and escaped: "-7" must stay -7 in a spreadsheet.
    """
    value = fixed(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def scorecard_csv(rows: list[Row], scope: Scope) -> str:
    """One line per indicator with the ``COLUMNS``; every cell escaped for spreadsheets."""
    out = io.StringIO()
    lines = ([_csv_number(row_data(row, scope)[name]) for name in COLUMNS] for row in rows)
    write_csv(out, COLUMNS, lines)
    return out.getvalue()


def series_csv(rows: list[Row]) -> str:
    """The trend in long form (id, title, date, value): one line per indicator and period."""
    out = io.StringIO()
    lines = (
        [row.indicator.id, row.indicator.title, day.isoformat(), _csv_number(value)]
        for row in rows
        for day, value in row.trend
    )
    write_csv(out, ("id", "title", "date", "value"), lines)
    return out.getvalue()


# --- Display ------------------------------------------------------------------------------------


def display(
    value: float | None, indicator: Indicator, *, signed: bool = False, missing: str = "No figure"
) -> str:
    """A figure as the pages show it ("375", "12.5%", "£1,250"), ``missing`` for none.

    A change (``signed``) carries its sign, and a change in a percentage is in points: 12% to
    15% is "+3.0 points", not "+3.0%", which a reader could take for a relative rise.
    """
    from divert.indicators.charts import format_value

    if value is None:
        return missing
    text = format_value(value, indicator.unit, indicator.decimals)
    if signed and indicator.unit is Unit.PERCENT:
        text = text.removesuffix("%") + " points"
    return f"+{text}" if signed and value > 0 and not _rounds_to_zero(value, indicator) else text


def _places(indicator: Indicator) -> int:
    """Decimal places a figure is shown to (a rate per 10,000 always to one)."""
    return max(indicator.decimals, 1) if indicator.unit is Unit.PER_10K else indicator.decimals


def _rounds_to_zero(value: float, indicator: Indicator) -> bool:
    return abs(value) < 0.5 * 10 ** -_places(indicator)


def direction(row: Row) -> str:
    """Whether the change since last period is better, worse or neither, in words.

    A change too small to show (0.02 points on a figure shown to one place) is "no change":
    a board should not read "worse" beside "0.0".
    """
    change = row.change
    if change is None:
        return ""
    if _rounds_to_zero(change, row.indicator):
        return "no change"
    good = str(row.indicator.good)
    if good == "neither":
        return "up" if change > 0 else "down"
    return "better" if (change > 0) == (good == "up") else "worse"


def number_format(indicator: Indicator) -> str:
    """An Excel number format matching ``display`` (percentages are 0-100, not fractions)."""
    places = indicator.decimals or (1 if indicator.unit in (Unit.PER_10K, Unit.RATIO) else 0)
    base = "#,##0" + ("." + "0" * places if places else "")
    if indicator.unit is Unit.PERCENT:
        return base + '"%"'
    if indicator.unit in (Unit.GBP, Unit.GBP_WEEK):
        return '"£"' + base
    return base


def by_section(rows: Iterable[Row]) -> Iterator[tuple[Section, list[Row]]]:
    """Rows grouped by catalogue section, in scorecard order (the rows already are)."""
    groups: dict[Section, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.indicator.section, []).append(row)
    yield from groups.items()


# --- Excel --------------------------------------------------------------------------------------

SUMMARY_HEADINGS = (
    ("Section", 26),
    ("Indicator", 44),
    ("Value", 12),
    ("Unit", 14),
    ("Target", 12),
    ("RAG", 8),
    ("Rating", 12),
    ("Previous", 12),
    ("Change", 12),
    ("Better or worse", 14),
    ("England", 12),
    ("Comparator", 12),
    ("Benchmark year", 10),
    ("Definition", 70),
)


class _Book:
    """An xlsxwriter workbook with the few cell styles the scorecard uses, text always made safe."""

    def __init__(self, stream: io.BytesIO) -> None:
        # Never let a string become a formula or a link, whatever safe_cell missed.
        self.wb = xlsxwriter.Workbook(
            stream, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        self.bold = self.wb.add_format({"bold": True})
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self.head = self.wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.month = self.wb.add_format({"num_format": "mmm yyyy"})
        self.rag = {
            name: self.wb.add_format({"bg_color": colour, "font_color": "#ffffff", "bold": True})
            for name, colour in RAG_COLOURS.items()
        }
        self._numbers: dict[str, Any] = {}

    def number(self, indicator: Indicator) -> Any:
        fmt = number_format(indicator)
        if fmt not in self._numbers:
            self._numbers[fmt] = self.wb.add_format({"num_format": fmt})
        return self._numbers[fmt]

    @staticmethod
    def text(ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
        ws.write_string(r, c, str(safe_cell(value)), fmt)

    @staticmethod
    def num(ws: Any, r: int, c: int, value: float | int | None, fmt: Any = None) -> None:
        if value is None:
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_number(r, c, value, fmt)


def _heading(book: _Book, ws: Any, scope: Scope, what: str) -> None:
    book.text(ws, 0, 0, f"{scope.authority}: {what}", book.title)
    book.text(
        ws, 1, 0, f"As at {scope.as_at:%-d %B %Y}, {scope.frequency.label.lower()} figures. {scope.part}."
    )


def _summary_sheet(book: _Book, rows: list[Row], scope: Scope) -> None:
    ws = book.wb.add_worksheet("Summary")
    _heading(book, ws, scope, "performance scorecard")
    top = 3
    for c, (name, width) in enumerate(SUMMARY_HEADINGS):
        book.text(ws, top, c, name, book.head)
        ws.set_column(c, c, width)
    for r, row in enumerate(rows, start=top + 1):
        ind, number = row.indicator, book.number(row.indicator)
        book.text(ws, r, 0, str(ind.section), book.wrap)
        book.text(ws, r, 1, ind.title, book.wrap)
        book.num(ws, r, 2, row.value, number)
        book.text(ws, r, 3, str(ind.unit))
        book.num(ws, r, 4, row.target, number)
        book.text(ws, r, 5, row.rag)
        book.text(ws, r, 6, RAG_LABELS[row.rag])
        book.num(ws, r, 7, row.previous, number)
        book.num(ws, r, 8, row.change, number)
        book.text(ws, r, 9, direction(row))
        book.num(ws, r, 10, row.england, number)
        book.num(ws, r, 11, row.comparator, number)
        book.num(ws, r, 12, row.benchmark_year)
        book.text(ws, r, 13, ind.definition, book.wrap)
    last = top + len(rows)
    for name, fmt in book.rag.items():
        ws.conditional_format(
            top + 1,
            5,
            max(last, top + 1),
            5,
            {"type": "cell", "criteria": "==", "value": f'"{name}"', "format": fmt},
        )
    ws.freeze_panes(top + 1, 2)
    if rows:
        ws.autofilter(top, 0, last, len(SUMMARY_HEADINGS) - 1)


def _series_sheet(book: _Book, rows: list[Row], scope: Scope) -> None:
    """One line per indicator, one column per period: the numbers behind every chart."""
    ws = book.wb.add_worksheet("Series")
    _heading(book, ws, scope, "series")
    top = 3
    dates = [day for day, _ in rows[0].trend] if rows else []
    for c, name in enumerate(("Indicator id", "Indicator", "Unit")):
        book.text(ws, top, c, name, book.head)
    period = "mmm yyyy" if scope.frequency is Frequency.MONTH else "d mmm yyyy"
    dated = book.wb.add_format({"num_format": period, "bold": True, "bottom": 1})
    for c, day in enumerate(dates, start=3):
        ws.write_datetime(top, c, dt.datetime.combine(day, dt.time()), dated)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 14)
    ws.set_column(3, 3 + max(len(dates) - 1, 0), 11)
    for r, row in enumerate(rows, start=top + 1):
        book.text(ws, r, 0, row.indicator.id)
        book.text(ws, r, 1, row.indicator.title)
        book.text(ws, r, 2, str(row.indicator.unit))
        for c, (_, value) in enumerate(row.trend, start=3):
            book.num(ws, r, c, value, book.number(row.indicator))
    ws.freeze_panes(top + 1, 2)


def sheet_names(sections: Iterable[Section]) -> dict[Section, str]:
    """A worksheet name per section: at most 31 characters, none of ``[]:*?/\\``, all different.

    Long titles are shortened ("and" to "&", then at a word) rather than cut mid-word; the
    sheet's first row gives the section's full title.
    """
    names: dict[Section, str] = {}
    taken = {"summary", "series"}
    for section in sections:
        base = re.sub(r"[\[\]:*?/\\']", " ", str(section)).strip()
        if len(base) > 31:
            base = base.replace(" and ", " & ")
        if len(base) > 31:
            base = base[:32].rsplit(" ", 1)[0].rstrip(" &")
        name, n = base, 2
        while name.lower() in taken:
            suffix = f" {n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        taken.add(name.lower())
        names[section] = name
    return names


CHART_ROWS = 18  # each indicator's block on a section sheet: heading, definition, then chart and data


def _section_sheet(book: _Book, name: str, rows: list[Row], scope: Scope) -> None:
    """Each indicator: title, definition, a small data table, and a native line chart drawn from it."""
    ws = book.wb.add_worksheet(name)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 3, 11)
    ws.set_column(4, 4, 2)
    if rows:
        book.text(ws, 0, 0, f"{rows[0].indicator.section}: {scope.authority}", book.title)
    top = 2
    for row in rows:
        top = _indicator_block(book, ws, name, row, scope, top)


def _indicator_block(book: _Book, ws: Any, sheet: str, row: Row, scope: Scope, top: int) -> int:
    ind = row.indicator
    book.text(ws, top, 0, ind.title, book.bold)
    ws.merge_range(top + 1, 0, top + 1, 12, "", book.wrap)
    book.text(ws, top + 1, 0, ind.definition, book.wrap)
    ws.set_row(top + 1, 30)
    rating = (
        f"{display(row.value, ind)} against a target of {display(row.target, ind)}: {RAG_LABELS[row.rag]}"
    )
    book.text(ws, top + 2, 0, rating, book.rag[row.rag] if row.rag != "none" else book.bold)
    head = top + 3
    for c, label in enumerate(("Period", "Value", "Target", "England")):
        book.text(ws, head, c, label, book.head)
    number = book.number(ind)
    for i, (day, value) in enumerate(row.trend, start=head + 1):
        ws.write_datetime(i, 0, dt.datetime.combine(day, dt.time()), book.month)
        book.num(ws, i, 1, value, number)
        book.num(ws, i, 2, row.target, number)
        book.num(ws, i, 3, row.england, number)
    first, last = head + 1, head + max(len(row.trend), 1)
    chart = book.wb.add_chart({"type": "line"})
    quoted = "'" + sheet.replace("'", "''") + "'"
    cats = [quoted, first, 0, last, 0]
    chart.add_series(
        {
            "name": "Value",
            "categories": cats,
            "values": [quoted, first, 1, last, 1],
            "marker": {"type": "circle", "size": 4},
        }
    )
    if row.target is not None:
        chart.add_series(
            {
                "name": "Target",
                "categories": cats,
                "values": [quoted, first, 2, last, 2],
                "line": {"dash_type": "dash", "color": "#505a5f"},
            }
        )
    if row.england is not None:
        chart.add_series(
            {
                "name": "England",
                "categories": cats,
                "values": [quoted, first, 3, last, 3],
                "line": {"dash_type": "round_dot", "color": "#1d70b8"},
            }
        )
    chart.set_title({"name": ind.title, "name_font": {"size": 11}})
    chart.set_y_axis({"name": str(ind.unit), "num_format": number_format(ind)})
    chart.set_x_axis({"date_axis": True, "num_format": "mmm yy"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 300})
    ws.insert_chart(head, 5, chart)
    return max(last, head + CHART_ROWS) + 2


def workbook(rows: list[Row], scope: Scope) -> bytes:
    """The scorecard as an Excel workbook: Summary, Series, then a sheet of charts per section."""
    stream = io.BytesIO()
    book = _Book(stream)
    book.wb.set_properties({"title": f"{scope.authority} scorecard as at {scope.as_at}", "author": "Divert"})
    _summary_sheet(book, rows, scope)
    _series_sheet(book, rows, scope)
    groups = list(by_section(rows))
    names = sheet_names(section for section, _ in groups)
    for section, members in groups:
        _section_sheet(book, names[section], members, scope)
    book.wb.close()
    return stream.getvalue()


FORMATS = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


def filename(scope: Scope, what: str, fmt: str) -> str:
    """A download's name: what, as at, part of the authority, all in safe characters."""
    part = "-".join(p for p in (scope.team, scope.locality) if p)
    stem = "-".join(p for p in (what, scope.as_at.isoformat(), str(scope.frequency), part) if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-").lower() + "." + FORMATS[fmt][1]
