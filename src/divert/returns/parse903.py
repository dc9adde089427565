"""Reading SSDA903 CSV files into checked rows, with every problem named by file, row and field.

Nothing here touches the database: parsing and checking finish before the import writes, so a
broken file can never leave half a history behind. Row numbers count the header as row 1, as a
spreadsheet shows them, so an analyst can go straight to the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from divert.returns.codes import CURRENT_CODES, EARLIER_CODES
from divert.returns.tables import SSDA903_TABLES, table_for_header

MAX_ERRORS = 50
# A cell longer than this is not SSDA903 data; the csv module's own limit would otherwise
# surface as an unexplained "field larger than field limit".
MAX_CELL = 1000

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_DATE = re.compile(r"[0-9]{2}/[0-9]{2}/[0-9]{4}")
# Identifiers and postcodes may not start with a sign or "=" / "@": such cells are formula
# injection when the file is opened in a spreadsheet, and never valid SSDA903 data.
_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "CHILD": (re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,19}"), "1-20 letters, digits, _ . / -"),
    # Fits Professional.sw_id; a Social Work England number or the export's "DIV" + key.
    "SW_ID": (re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,19}"), "1-20 letters, digits, _ . / -"),
    "SW_REASON": (re.compile(r"[A-Z]{1,6}"), "a code of up to 6 capital letters, e.g. FCONTA or MANAGE"),
    "UPN": (re.compile(r"[A-Za-z0-9]{1,13}"), "up to 13 letters or digits"),
    "HOME_POST": (re.compile(r"[A-Za-z0-9][A-Za-z0-9 ]{0,7}"), "a postcode of up to 8 characters"),
    "PL_POST": (re.compile(r"[A-Za-z0-9][A-Za-z0-9 ]{0,7}"), "a postcode of up to 8 characters"),
    "URN": (re.compile(r"[A-Za-z0-9]{1,8}"), "up to 8 letters or digits"),
    "ACTIV": (re.compile(r"[A-Za-z0-9]{1,2}"), "a 2-character code"),
    "ACCOM": (re.compile(r"[A-Za-z0-9]{1,2}"), "a 2-character code"),
    "SEX_ADOPTR": (re.compile(r"[A-Za-z0-9]{1,2}"), "a 2-character code"),
    "LS_ADOPTR": (re.compile(r"[A-Za-z0-9]{1,3}"), "a code of up to 3 characters"),
    "REASON_PLACED_CEASED": (re.compile(r"[A-Za-z0-9]{1,3}"), "a code of up to 3 characters"),
    "NB_ADOPTR": (re.compile(r"[12]"), "1 or 2"),
    "MOTHER": (re.compile(r"[01]"), "0 or 1"),
    "FOSTER_CARE": (re.compile(r"[01]"), "0 or 1"),
}
# No SSDA903 value starts with these; a cell that does would run as a formula in a spreadsheet.
_FORMULA_START = frozenset("=+-@")
_DATE_FIELDS = frozenset(
    {"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED"}
    | {"DATE_PLACED_CEASED", "MIS_START", "MIS_END", "DATE_PERM", "SW_DECOM", "SW_DEC"}
)
# Columns that must have a value, by table (others may be blank).
REQUIRED: dict[str, frozenset[str]] = {
    "Header": frozenset({"CHILD", "SEX", "DOB"}),
    "Episodes": frozenset({"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE"}),
    "Reviews": frozenset({"CHILD", "REVIEW", "REVIEW_CODE"}),
    "UASC": frozenset({"CHILD"}),
    "OC3": frozenset({"CHILD", "DOB", "IN_TOUCH"}),
    "AD1": frozenset({"CHILD", "DATE_INT"}),
    "PlacedAdoption": frozenset({"CHILD", "DATE_PLACED"}),
    "Missing": frozenset({"CHILD", "MISSING", "MIS_START"}),
    "SWEpisodes": frozenset({"CHILD", "SW_ID", "SW_DECOM"}),
}
NOT_IMPORTED: frozenset[str] = frozenset()  # every table is imported (OC2, PrevPerm since 2026-11)


class TooManyErrors(Exception):
    """Raised once MAX_ERRORS problems are known: more would only bury the first ones."""


@dataclass(frozen=True, slots=True)  # slots: a national import holds millions of these
class Where:
    """A place in the input: file label, row (header = 1) and, when known, the field.

    In an XML file the "row" is the line of the element holding the values, and says so.
    """

    file: str
    row: int = 0
    field: str = ""

    def __str__(self) -> str:
        text = self.file
        if self.row:
            text += f" {'line' if self.file.lower().endswith('.xml') else 'row'} {self.row}"
        if self.field:
            text += f", field {self.field}"
        return text


@dataclass
class Problems:
    """Errors (which stop the import) and warnings (which are reported) gathered in one pass."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Problems noted so far, counted ones included: a cell that noted one is never cached.
    noted: int = 0
    _mapped: dict[tuple[str, str, str, str], list[int]] = field(default_factory=dict)

    def error(self, where: Where, message: str) -> None:
        self.noted += 1
        self.errors.append(f"{where}: {message}")
        if len(self.errors) >= MAX_ERRORS:
            raise TooManyErrors

    def warn(self, where: Where, message: str) -> None:
        self.noted += 1
        self.warnings.append(f"{where}: {message}")

    def mapped(self, table: str, where: Where, code: str, today: str) -> None:
        """An earlier year's code read as today's: one warning per table, column and code,
        naming the first cell and counting the rest (a national history has ~800,000 such
        cells, and a line each buried everything else). ``settle`` writes the counts."""
        key = (table, where.field, code, today)
        seen = self._mapped.get(key)
        if seen is None:
            self._mapped[key] = [len(self.warnings), 1]
            self.warn(where, f"earlier collection years' code {code!r} mapped to today's {today!r}")
        else:
            self.noted += 1
            seen[1] += 1

    def settle(self) -> None:
        """Give each counted warning its count (idempotent)."""
        for (table, _, _, _), (index, count) in self._mapped.items():
            if count > 1:
                text = self.warnings[index].partition(_COUNTED)[0]
                self.warnings[index] = f"{text}{_COUNTED}{count} {table} rows; the first is shown)"


# The tail of a counted warning: "... (in 12 Episodes rows; the first is shown)".
_COUNTED = " (in "
COUNTED_WARNING = re.compile(r" \(in ([0-9]+) [A-Za-z0-9]+ rows; the first is shown\)$")


class Layout:
    """A table's columns, shared by all its rows: a row is then a tuple of cells, not a dict
    (a national import holds 4 million rows at once, and a dict each was most of its memory)."""

    __slots__ = ("index", "names", "table")

    def __init__(self, table: str, names: tuple[str, ...]) -> None:
        self.table = table
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}


_LAYOUTS: dict[tuple[str, tuple[str, ...]], Layout] = {}


def layout(table: str, names: tuple[str, ...]) -> Layout:
    found = _LAYOUTS.get((table, names))
    if found is None:
        found = _LAYOUTS[(table, names)] = Layout(table, names)
    return found


class Row:
    """One checked data row: cleaned values (dates as ``date``, blanks as None) and its place.

    ``file`` and ``line`` are kept rather than a ``Where`` (made when asked for) to keep a
    national import's millions of rows small."""

    __slots__ = ("cells", "file", "layout", "line")

    def __init__(self, layout: Layout, cells: tuple[object, ...], file: str, line: int) -> None:
        self.layout = layout
        self.cells = cells
        self.file = file
        self.line = line

    @property
    def table(self) -> str:
        return self.layout.table

    @property
    def values(self) -> dict[str, object]:
        return dict(zip(self.layout.names, self.cells, strict=True))

    @property
    def where(self) -> Where:
        return Where(self.file, self.line)

    # Called millions of times while merging a national history: kept to one lookup each.
    def text(self, name: str) -> str:
        try:
            value = self.cells[self.layout.index[name]]
        except KeyError:  # a column this table (or this file) lacks
            return ""
        return value if type(value) is str else ""

    def date(self, name: str) -> dt.date | None:
        try:
            value = self.cells[self.layout.index[name]]
        except KeyError:
            return None
        return value if type(value) is dt.date else None


@dataclass
class Table:
    name: str
    path: Path
    label: str
    rows: list[Row]


def discover(paths: Iterable[Path]) -> list[tuple[Path, str, list[str]]]:
    """Each input file with a label for messages and the path parts that may name its year.

    A folder is searched recursively for ``*.csv`` and ``*.xml`` (any case; an XML file is a
    whole return, see ``xml903``); a file named on the command line is read whatever it is
    called, since tables are known by their headers.
    """
    found: list[tuple[Path, str, list[str]]] = []
    arguments: list[Path] = []
    for path in paths:
        if path.is_dir():
            wanted = {".csv", ".xml"}
            for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted):
                relative = file.relative_to(path)
                found.append((file, str(relative), [path.name, *relative.parent.parts]))
                arguments.append(path)
        else:
            found.append((path, path.name, [path.parent.name]))
            arguments.append(path.parent)
    return _unique_labels(found, arguments)


def _unique_labels(
    found: list[tuple[Path, str, list[str]]], arguments: list[Path]
) -> list[tuple[Path, str, list[str]]]:
    """Labels that name one file each: the import tells files apart by label (a row repeated
    within one file is an error, across returns it is the later year's), so two folders given
    on the command line that both hold "Episodes.csv" must not share it. A clashing label is
    prefixed with the argument as given, and with its position if that is not enough."""
    counts = Counter(label for _, label, _ in found)
    if all(count == 1 for count in counts.values()):
        return found
    labelled = [
        (file, f"{argument}/{label}" if counts[label] > 1 else label, parts)
        for (file, label, parts), argument in zip(found, arguments, strict=True)
    ]
    counts = Counter(label for _, label, _ in labelled)
    order = {argument: index for index, argument in enumerate(dict.fromkeys(arguments), start=1)}
    return [
        (file, f"[argument {order[argument]}] {label}" if counts[label] > 1 else label, parts)
        for (file, label, parts), argument in zip(labelled, arguments, strict=True)
    ]


def year_in(parts: Iterable[str]) -> int | None:
    """The last 4-digit year 2000-2099 in these path parts (the nearest folder wins)."""
    years = [int(m) for part in parts for m in _YEAR.findall(part)]
    return years[-1] if years else None


def read_table(path: Path, label: str, problems: Problems) -> Table | None:
    """Decode, split and check one CSV file; None (with errors recorded) if it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(Where(label), f"cannot be read ({exc.strerror or exc})")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(
            Where(label, line),
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as CSV UTF-8 and import again",
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.error(Where(label, line), "contains a NUL byte: this is not a CSV text file")
        return None
    records = _split(text, label, problems)
    if records is None:
        return None
    if not records:
        problems.error(Where(label), "is empty: expected a header row naming an SSDA903 table's columns")
        return None
    header = records[0]
    name = table_for_header(header)
    if name is None:
        problems.error(
            Where(label, 1),
            f"header {','.join(header)[:200]!r} matches no SSDA903 table "
            f"({', '.join(SSDA903_TABLES)}); check the column names",
        )
        return None
    columns = [h.strip().upper() for h in header]
    shape = layout(name, tuple(columns))
    width = len(columns)
    # A row whose every cell has been seen clean before (the usual case: codes, dates and
    # workers repeat) is made from the caches alone; any other row is checked cell by cell.
    caches = [_clean_cells(name, column) for column in columns]
    rows = []
    required = REQUIRED.get(name, _CHILD_ONLY)
    for number, record in enumerate(records[1:], start=2):
        if len(record) == width:
            cells = [c.get(v, _UNSEEN) for c, v in zip(caches, record, strict=True)]
            if _UNSEEN not in cells:
                rows.append(Row(shape, tuple(cells), label, number))
                continue
            if record[0].strip():  # not a blank line: check only the cells not seen before
                ok = True
                for i, value in enumerate(cells):
                    if value is _UNSEEN:
                        value = _check_cell(name, columns[i], record[i], label, number, required, problems)
                        ok = ok and value is not _BAD
                        cells[i] = value
                if ok:
                    rows.append(Row(shape, tuple(cells), label, number))
                continue
        if not "".join(record).strip():
            continue  # a blank line, e.g. at the end of a hand-edited file
        if len(record) != width:
            problems.error(
                Where(label, number),
                f"has {len(record)} values but the header has {width} columns "
                "(a truncated or misaligned row)",
            )
            continue
        row = _check_row(name, dict(zip(columns, record, strict=True)), Where(label, number), problems)
        if row is not None:
            rows.append(row)
    return Table(name, path, label, rows)


def _split(text: str, label: str, problems: Problems) -> list[list[str]] | None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return [record for record in reader]
    except csv.Error as exc:
        problems.error(Where(label, reader.line_num), f"is not valid CSV ({exc})")
        return None


def _check_row(table: str, cells: dict[str, str], where: Where, problems: Problems) -> Row | None:
    """Clean one row's cells; record each bad cell as an error naming its field."""
    required = REQUIRED.get(table, _CHILD_ONLY)
    values = [
        _check_cell(table, name, raw, where.file, where.row, required, problems)
        for name, raw in cells.items()
    ]
    if any(value is _BAD for value in values):
        return None
    return Row(layout(table, tuple(cells)), tuple(values), where.file, where.row)


def _check_cell(
    table: str, name: str, raw: str, file: str, line: int, required: frozenset[str], problems: Problems
) -> object:
    """One cell's clean value, or ``_BAD`` with the problem recorded."""
    clean = _clean_cells(table, name)
    known = clean.get(raw, _UNSEEN)
    if known is not _UNSEEN:
        return known
    value = raw.strip()
    if not value:
        if name in required:
            problems.error(Where(file, line, name), "is blank but must have a value")
            return _BAD
        clean[raw] = None
        return None
    here = Where(file, line, name)
    if len(value) > MAX_CELL:
        problems.error(here, f"is {len(value)} characters long; no SSDA903 field is longer than 20")
        return _BAD
    if value[0] in _FORMULA_START:
        problems.error(
            here, f"{_show(value)} starts with {value[0]!r}: a spreadsheet formula, not SSDA903 data"
        )
        return _BAD
    noted = problems.noted
    checked = _check_value(table, name, value, here, problems)
    if checked is None:
        return _BAD
    if problems.noted == noted:
        clean[raw] = checked
    return checked


# Cells already checked and found clean, by table and column, then raw text. Codes, dates,
# postcodes and workers repeat across a return, and checking each afresh was most of the
# reading time of a national-size import; sharing the cleaned value also keeps one ``date``
# object per date. A cell that raised an error or a warning is never kept, so every problem is
# still reported at its own row; a blank is kept only where the table allows it. A column's
# cache is cleared when it grows large, so a long-running worker's memory stays bounded.
_CLEAN: dict[tuple[str, str], dict[str, object]] = {}
_CLEAN_LIMIT = 200_000
_UNSEEN = object()
_BAD = object()
_CHILD_ONLY = frozenset({"CHILD"})


def _clean_cells(table: str, column: str) -> dict[str, object]:
    cache = _CLEAN.get((table, column))
    if cache is None:
        cache = _CLEAN[(table, column)] = {}
    elif len(cache) > _CLEAN_LIMIT:
        cache.clear()
    return cache


def _check_value(table: str, name: str, value: str, where: Where, problems: Problems) -> object | None:
    if name in _DATE_FIELDS:
        return parse_date(value, where, problems)
    if name in CURRENT_CODES:
        return _check_code(table, name, value.upper(), where, problems)
    pattern = _PATTERNS.get(name)
    if pattern is not None and not pattern[0].fullmatch(value):
        problems.error(where, f"{_show(value)} is not valid: expected {pattern[1]}")
        return None
    return value.upper() if name in {"HOME_POST", "PL_POST", "UPN"} else value


def _check_code(table: str, name: str, code: str, where: Where, problems: Problems) -> str | None:
    mapped = EARLIER_CODES.get(name, {}).get(code)
    if mapped is not None:
        problems.mapped(table, where, code, mapped)
        return mapped
    if code in CURRENT_CODES[name]:
        return code
    problems.error(where, f"{_show(code)} is not a valid {name} code")
    return None


def parse_date(value: str, where: Where, problems: Problems) -> dt.date | None:
    """A dd/mm/YYYY date (sliced by hand: ``strptime`` is the slowest step of a large import)."""
    if _DATE.fullmatch(value):
        try:
            return dt.date(int(value[6:10]), int(value[3:5]), int(value[0:2]))
        except ValueError:
            pass
        problems.error(where, f"{_show(value)} is not a real date (dd/mm/YYYY)")
        return None
    problems.error(where, f"{_show(value)} is not a date in the form dd/mm/YYYY")
    return None


def _show(value: str) -> str:
    """The value as quoted in a message, cut short so a huge cell cannot flood the terminal."""
    shown = value if len(value) <= 40 else value[:40] + "..."
    return '"' + shown.replace('"', '\\"') + '"'
