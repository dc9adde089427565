"""SSDA903 as the DfE's XML (the ``EXPSSDA903`` file case management systems produce), in and out.

The XML carries the same data as the CSV tables, one ``CHILD`` at a time::

    EXPSSDA903/CHILD/HEADER    CHILDID SEX DOB ETHNIC UPN MOTHER MC_DOB (Header),
                               UASC DUC (UASC), IN_TOUCH ACTIV ACCOM (OC3),
                               DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR (AD1),
                               and the groups AREVIEW (Reviews), AMISSING (Missing),
                               AD_PLACED (PlacedAdoption), OC2, PERMANENCE (PrevPerm)
    EXPSSDA903/CHILD/EPISODE   DECOM RNE LS CIN PL PLACE_PROVIDER DEC REC ... (Episodes; PL is PLACE)
    EXPSSDA903/CHILD/SWEPISODE SW_ID SW_DECOM SW_DEC SW_REASON (SWEpisodes)

This is the layout the DfE's own validator reads (``lac_validator.ingress.read_xml_from_text``).
That reader has no social worker episodes, so ``SWEPISODE`` is Divert's name for them.

Reading turns the XML into the very ``Table``/``Row`` values the CSV parser makes, so the import's
checks, code mapping, merging and messages are shared: a message names the file, the element's
line and the field. The files come from outside, so the reader refuses what a return never
needs and an attacker would: a DTD or entity declaration (the "billion laughs" and external
entity attacks), and any encoding but UTF-8. ``defusedxml`` is not installed here, so expat is
driven directly with those handlers, which also gives each element its line number.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from divert.returns.parse903 import MAX_CELL, Problems, Row, Table, Where, _check_row
from divert.returns.tables import SSDA903_TABLES

ROOT = "EXPSSDA903"
FILE_NAME = "SSDA903.xml"

# Elements under HEADER, by the table they belong to (CHILDID is the CSV's CHILD).
HEADER_LEAVES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILDID", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "UASC": ("UASC", "DUC"),
    "OC3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
}
# Repeating groups: element -> (table, where it sits).
GROUPS: dict[str, tuple[str, str]] = {
    "AREVIEW": ("Reviews", "HEADER"),
    "AMISSING": ("Missing", "HEADER"),
    "AD_PLACED": ("PlacedAdoption", "HEADER"),
    "OC2": ("OC2", "HEADER"),
    "PERMANENCE": ("PrevPerm", "HEADER"),
    "EPISODE": ("Episodes", "CHILD"),
    "SWEPISODE": ("SWEpisodes", "CHILD"),
}
# Columns the XML names differently from the CSV.
XML_NAME = {"CHILD": "CHILDID", "PLACE": "PL"}
CSV_NAME = {v: k for k, v in XML_NAME.items()}
# Columns a group does not repeat: they come from the child's HEADER.
FROM_HEADER = frozenset({"CHILD", "DOB"})
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Big enough for any authority's return, small enough that a runaway file is refused quickly.
MAX_BYTES = 500_000_000


def group_columns(table: str) -> tuple[str, ...]:
    """The columns a group element holds (its table's, less those taken from the HEADER)."""
    return tuple(c for c in SSDA903_TABLES[table] if c not in FROM_HEADER)


# -- writing -------------------------------------------------------------------------------------


def to_xml_903(tables: Mapping[str, Sequence[Sequence[str]]]) -> bytes:
    """The tables (as ``build_903`` gives them) as one XML file: children by CHILD, each table's
    rows in the order given, blank values left out, so the same rows always give the same bytes."""
    by_child: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for name, rows in tables.items():
        columns = SSDA903_TABLES[name]
        for row in rows:
            by_child[row[0]][name].append(dict(zip(columns, row, strict=True)))
    root = ET.Element(ROOT)
    for child_id in sorted(by_child):
        _write_child(ET.SubElement(root, "CHILD"), child_id, by_child[child_id])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _write_child(element: ET.Element, child_id: str, rows: Mapping[str, list[dict[str, str]]]) -> None:
    header = ET.SubElement(element, "HEADER")
    _leaf(header, "CHILDID", child_id)
    for table, leaves in HEADER_LEAVES.items():
        for row in rows.get(table, [])[:1]:  # one row per child in these tables
            values = row | {"UASC": "1"} if table == "UASC" else row
            for leaf in leaves[1:] if table == "Header" else leaves:
                _leaf(header, leaf, values.get(CSV_NAME.get(leaf, leaf), ""))
    for tag, (table, parent) in GROUPS.items():
        for row in rows.get(table, []):
            group = ET.SubElement(header if parent == "HEADER" else element, tag)
            for column in group_columns(table):
                # Blank values are written as empty elements: the DfE validator's reader fills
                # a missing one from another group of the child (e.g. the previous EPISODE).
                ET.SubElement(group, XML_NAME.get(column, column)).text = row[column] or None


def _leaf(parent: ET.Element, tag: str, value: str) -> None:
    if value:
        ET.SubElement(parent, tag).text = value


def export_903_xml(tables: Mapping[str, Sequence[Sequence[str]]], out: Path) -> Path:
    """Write the return as ``<out>/SSDA903.xml``; returns the file's path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE_NAME
    path.write_bytes(to_xml_903(tables))
    return path


# -- safe parsing --------------------------------------------------------------------------------


@dataclass
class Node:
    """An element as read: its tag, stripped text, line in the file and children."""

    tag: str
    line: int
    text: str = ""
    children: list[Node] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_xml(path: Path, label: str, problems: Problems) -> Node | None:
    """Read one XML file into Nodes; None (with an error naming file and line) if it cannot be.

    UTF-8 only (a BOM is allowed); no DTD, no entity declarations, no processing of external
    resources: a return never needs them, and they are how XML parsers are attacked.
    """
    try:
        if path.stat().st_size > MAX_BYTES:
            problems.error(Where(label), f"is larger than {MAX_BYTES // 1_000_000} MB; not a return file")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(Where(label), f"cannot be read ({exc.strerror or exc})")
        return None
    declared = _DECLARED.match(raw)
    if declared and declared[1].lower().replace(b"_", b"-") not in {b"utf-8", b"utf8"}:
        problems.error(
            Where(label, 1),
            f"declares encoding {declared[1].decode()!r}: only UTF-8 XML is accepted; save it as UTF-8",
        )
        return None
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(
            Where(label, line),
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
        )
        return None
    try:
        return _expat_tree(raw)
    except _Refused as refused:
        problems.error(Where(label, refused.line), refused.message)
    except xml.parsers.expat.ExpatError as exc:
        problems.error(
            Where(label, exc.lineno),
            f"is not well-formed XML ({xml.parsers.expat.ErrorString(exc.code)}, column {exc.offset + 1})",
        )
    return None


def _expat_tree(raw: bytes) -> Node:
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8")
    stack: list[Node] = []
    roots: list[Node] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        node = Node(tag, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(tag: str) -> None:
        node = stack.pop()
        node.text = node.text.strip()

    def text(data: str) -> None:
        if stack and (data.strip() or not stack[-1].children):  # not the indents between elements
            stack[-1].text += data
            if len(stack[-1].text) > MAX_CELL * 10:
                raise _Refused(parser.CurrentLineNumber, f"element <{stack[-1].tag}> holds too much text")

    def refuse(*_: object) -> None:
        raise _Refused(
            parser.CurrentLineNumber, "contains a DTD or entity declaration, which a return never needs"
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.Parse(raw, True)
    return roots[0]


# -- reading into tables -------------------------------------------------------------------------


def read_xml_903(path: Path, label: str, problems: Problems) -> list[Table] | None:
    """One SSDA903 XML file as the tables the CSV parser would give for the same data."""
    root = parse_xml(path, label, problems)
    if root is None:
        return None
    if root.tag != ROOT:
        problems.error(
            Where(label, root.line), f"root element is <{root.tag}>, expected <{ROOT}> (an SSDA903 XML file)"
        )
        return None
    rows: dict[str, list[Row]] = {name: [] for name in SSDA903_TABLES}
    for element in root.children:
        if element.tag != "CHILD":
            _unknown(label, element, ROOT, problems)
            continue
        _read_child(element, label, problems, rows)
    return [Table(name, path, label, found) for name, found in rows.items() if found]


def _unknown(label: str, node: Node, parent: str, problems: Problems) -> None:
    problems.error(Where(label, node.line), f"unknown element <{node.tag}> in <{parent}>")


def _read_child(element: Node, label: str, problems: Problems, rows: dict[str, list[Row]]) -> None:
    headers = [n for n in element.children if n.tag == "HEADER"]
    if len(headers) != 1:
        problems.error(
            Where(label, element.line), f"<CHILD> has {len(headers)} <HEADER> elements, expected 1"
        )
        return
    header = headers[0]
    leaves, groups = _split_header(header, label, problems)
    child = leaves.get("CHILDID", "")
    if not child:
        problems.error(Where(label, header.line, "CHILDID"), "is missing or blank but must have a value")
        return
    common = {"CHILD": child, "DOB": leaves.get("DOB", "")}
    here = Where(label, header.line)
    _header_rows(leaves, common, here, problems, rows)
    for node in groups:
        _group_row(node, GROUPS[node.tag][0], common, label, problems, rows)
    for node in element.children:
        if node.tag in GROUPS and GROUPS[node.tag][1] == "CHILD":
            _group_row(node, GROUPS[node.tag][0], common, label, problems, rows)
        elif node.tag != "HEADER":
            _unknown(label, node, "CHILD", problems)


def _split_header(header: Node, label: str, problems: Problems) -> tuple[dict[str, str], list[Node]]:
    known = {leaf for leaves in HEADER_LEAVES.values() for leaf in leaves}
    leaves: dict[str, str] = {}
    groups: list[Node] = []
    for node in header.children:
        if node.tag in GROUPS and GROUPS[node.tag][1] == "HEADER":
            groups.append(node)
        elif node.tag in known and not node.children:
            if node.tag in leaves:
                problems.error(Where(label, node.line, node.tag), "appears twice in <HEADER>")
            leaves[node.tag] = node.text
        else:
            _unknown(label, node, "HEADER", problems)
    return leaves, groups


def _header_rows(
    leaves: dict[str, str],
    common: dict[str, str],
    here: Where,
    problems: Problems,
    rows: dict[str, list[Row]],
) -> None:
    """Header, and UASC, OC3 and AD1 when any of their elements is present."""
    uasc = leaves.get("UASC", "")
    if uasc not in {"", "0", "1"}:
        problems.error(Where(here.file, here.row, "UASC"), f"{uasc[:40]!r} is not valid: expected 0 or 1")
        return
    if leaves.get("DUC") and uasc != "1":
        problems.error(Where(here.file, here.row, "DUC"), "is given but UASC is not 1")
        return
    for table, names in HEADER_LEAVES.items():
        present = [n for n in names if n in leaves and n != "CHILDID"]
        if table == "UASC" and uasc != "1":
            continue
        if table == "Header" or present:
            _add_row(table, common | {CSV_NAME.get(n, n): v for n, v in leaves.items()}, here, problems, rows)


def _group_row(
    node: Node, table: str, common: dict[str, str], label: str, problems: Problems, rows: dict[str, list[Row]]
) -> None:
    allowed = {XML_NAME.get(c, c): c for c in group_columns(table)}
    values = dict(common)
    for leaf in node.children:
        column = allowed.get(leaf.tag)
        if column is None or leaf.children:
            _unknown(label, leaf, node.tag, problems)
            return
        if column in values and column not in common:
            problems.error(Where(label, leaf.line, leaf.tag), f"appears twice in <{node.tag}>")
            return
        values[column] = leaf.text
    if node.text:
        problems.error(Where(label, node.line), f"<{node.tag}> holds text outside its elements")
        return
    _add_row(table, values, Where(label, node.line), problems, rows)


def _add_row(
    table: str, values: dict[str, str], where: Where, problems: Problems, rows: dict[str, list[Row]]
) -> None:
    cells = {column: _csv_date(values.get(column, "")) for column in SSDA903_TABLES[table]}
    row = _check_row(table, cells, where, problems)
    if row is not None:
        rows[table].append(row)


def _csv_date(value: str) -> str:
    """An ISO date (YYYY-MM-DD, as some systems write XML dates) in the CSV's dd/mm/YYYY."""
    match = _ISO_DATE.fullmatch(value)
    return f"{match[3]}/{match[2]}/{match[1]}" if match else value
