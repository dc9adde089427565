"""Import SSDA903 returns (CSV sets, one or many collection years) into the register, all or nothing.

The import runs in three steps, and only the last touches the database:

1. read and check every file (``parse903``): bad headers, encodings, dates and codes;
2. merge the years into one history per child and check it as a whole: an episode open at
   31 March in one return and repeated in the next (same CHILD and DECOM) is one episode, the
   later return's DEC/REC winning; identical rows are not doubled; a child's episodes (with
   those already in the register) must not overlap;
3. write everything in one transaction (new rows by COPY on PostgreSQL, ``bulk_create`` on
   SQLite; changed rows by ``bulk_update``) and one audit event.

Any error in steps 1-2 stops the import before step 3, so a broken file changes nothing, and
re-importing the same files finds every row unchanged.

Choices worth knowing:
- SSDA903 carries no names but the register requires them: a new child is recorded with first
  name "Unknown" and last name = their CHILD identifier, so they are findable and obviously
  awaiting their real name from the case management system.
- OC3 has no contact date: the contact is dated on the care leaver's birthday within the
  collection year (the return asks about contact "around the birthday").
- SWEpisodes become allocations (start SW_DECOM, end SW_DEC), keyed by (CHILD, SW_ID, SW_DECOM).
  SW_ID names a worker: a Professional of the authority with that ``sw_id`` (or, for the
  export's own "DIV" + 6-digit key, the worker with that key and no registration number).
  An unknown SW_ID gets a placeholder worker "Social worker <SW_ID>" in the team "Imported
  social workers", so the history is kept and the real worker can be linked later. A blank
  SW_DEC never reopens an allocation the register holds as ended (a return does not know ends
  after 31 March); SW_REASON is stored on the allocation, so the export writes it back as it came.
- OC2 rows are the health outcomes of the return's collection year (so, like OC3, they need
  the year in the folder name or the dates); PrevPerm is one record per child, the latest
  return's winning. MOTHER "1" records that the girl is a mother (with MC_DOB, her first
  child's date of birth); "0" or blank never unrecords it, since an earlier year's return
  says "not yet" about a mother the register already knows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connections, models, router, transaction

from divert.care.models import (
    AdoptionRecord,
    AnnualHealthOutcome,
    CareLeaverContact,
    Episode,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanenceOrder,
)
from divert.core import audit
from divert.core.ages import birthday
from divert.core.models import Authority
from divert.people.models import Allocation, Child, Professional, Team
from divert.returns.export903 import sw_id
from divert.returns.parse903 import (
    COUNTED_WARNING,
    NOT_IMPORTED,
    Problems,
    Row,
    Table,
    TooManyErrors,
    Where,
    discover,
    read_table,
    year_in,
)
from divert.returns.xml903 import read_xml_903

EPISODE_FIELDS = (
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "dec",
    "rec",
    "reason_place_change",
    "home_post",
    "pl_post",
    "urn",
)
WARNINGS_SHOWN = 20
IMPORTED_TEAM = "Imported social workers"
_EXPORT_KEY = re.compile(r"DIV([0-9]{6})")
# Rows per bulk_update query (and, by ten, per executemany where there is no COPY).
BATCH = 1000
CHILD_FIELDS = (
    "sex",
    "date_of_birth",
    "ethnicity",
    "upn",
    "uasc",
    "uasc_ceased",
    "is_mother",
    "first_child_born",
)
# OC2's yes/no items, as the register's fields name them.
HEALTH_FLAGS = {
    "CONVICTED": "convicted",
    "HEALTH_CHECK": "health_check",
    "IMMUNISATIONS": "immunisations",
    "TEETH_CHECK": "teeth_check",
    "HEALTH_ASSESSMENT": "health_assessment",
    "SUBSTANCE_MISUSE": "substance_misuse",
    "INTERVENTION_RECEIVED": "intervention_received",
    "INTERVENTION_OFFERED": "intervention_offered",
}
HEALTH_FIELDS = ("sdq_score", "sdq_reason", *HEALTH_FLAGS.values())
PERMANENCE_FIELDS = ("option", "la_code", "date")
_LA_PERM = re.compile(r"[0-9]{3}|WAL|SCO|NIR|NUK")


class ImportFailed(Exception):
    """The import was refused; ``errors`` says what and where. Nothing was written."""

    def __init__(self, errors: list[str], warnings: list[str] | None = None) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
        self.warnings = warnings or []


@dataclass
class Return:
    """The tables found in one folder: one collection year's return."""

    folder: str
    year: int | None
    tables: list[Table] = field(default_factory=list)


@dataclass
class Summary:
    files: int = 0
    returns: list[tuple[str, int | None]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    not_imported: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    children: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    episodes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    others: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Read {self.files} file(s) in {len(self.returns)} return(s):"]
        out += [f"  {folder or '.'}: collection year {year or 'unknown'}" for folder, year in self.returns]
        out.append("Rows by table: " + ", ".join(f"{k} {v}" for k, v in sorted(self.rows.items())))
        for name, count in sorted(self.not_imported.items()):
            out.append(f"Not imported yet: {name} ({count} rows read and checked, not stored)")
        out.append("Children: " + _counts(self.children))
        out.append("Episodes: " + _counts(self.episodes))
        out += [f"{name}: {_counts(c)}" for name, c in _grouped(self.others).items()]
        kinds: dict[str, int] = defaultdict(int)
        for warning in self.warnings:  # "file row N, field F: message" -> "F: message"
            place, _, message = warning.partition(": ")
            counted = COUNTED_WARNING.search(message)  # "... (in N Table rows; the first is shown)"
            if counted:
                message = message[: counted.start()]
            kinds[f"{place.rpartition('field ')[2]}: {message}"] += int(counted[1]) if counted else 1
        out.append(f"Warnings: {sum(kinds.values())}")  # cells, a counted warning's all included
        out += [f"  {count} x {kind}" for kind, count in sorted(kinds.items())]
        shown = self.warnings[:WARNINGS_SHOWN]
        out += [f"  {w}" for w in shown]
        if len(self.warnings) > len(shown):
            out.append(f"  ... and {len(self.warnings) - len(shown)} more")
        return out


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in ("new", "updated", "unchanged"))


def _grouped(others: dict[str, int]) -> dict[str, dict[str, int]]:
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    for key, count in others.items():
        name, kind = key.split(":")
        grouped[name][kind] = count
    return dict(sorted(grouped.items()))


# Told (steps done, steps in all, what is happening) as an import goes: a step per file read,
# one for checking the whole history and one for writing it. For a terminal or a job page.
Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, stage: str) -> None:
    return None


def import_903(
    paths: Sequence[Path], authority: Authority, actor: Any = None, progress: Progress | None = None
) -> Summary:
    """Import these files/folders for ``authority``; raise ImportFailed (nothing written) on error."""
    tell = progress or _no_progress
    plan = plan_903(paths, authority, tell)
    summary = plan.summary
    tell(summary.files + 1, summary.files + 2, "Writing to the register")
    try:
        plan.write(actor)
    except IntegrityError as exc:
        # The checks above mirror the models' constraints; this is the safety net for a clash
        # with a record already in the register (e.g. a recorded death before the DOB). The
        # transaction has rolled back, so nothing was written.
        raise ImportFailed([f"the register refused the import, nothing was written: {exc}"]) from exc
    tell(summary.files + 2, summary.files + 2, "Written")
    return summary


def plan_903(
    paths: Sequence[Path], authority: Authority | None = None, progress: Progress | None = None
) -> Plan:
    """Read and check these files/folders and merge them into one history, writing nothing.

    Steps 1 and 2 of the import, shared with ``divert forecast --from-903``, which reads a folder
    of returns the same way without a register: with no ``authority`` the history is checked on
    its own (no child or episode is held already). Raise ImportFailed naming every problem.
    """
    problems = Problems()
    summary = Summary()
    tell = progress or _no_progress
    plan = Plan(authority, problems, summary)
    try:
        returns = _read_returns(paths, problems, summary, tell)
        tell(summary.files, summary.files + 2, "Checking the history as a whole")
        plan.build(returns)
    except TooManyErrors:
        problems.errors.append(f"... stopped after {len(problems.errors)} errors; fix these and import again")
    problems.settle()
    if problems.errors:
        raise ImportFailed(problems.errors, problems.warnings)
    summary.warnings = problems.warnings
    return plan


def _read_returns(
    paths: Sequence[Path], problems: Problems, summary: Summary, tell: Progress = _no_progress
) -> list[Return]:
    for path in paths:
        if not path.exists():
            problems.error(Where(str(path)), "does not exist")
    by_folder: dict[tuple[str, str], Return] = {}
    files = discover(p for p in paths if p.exists())
    summary.files = len(files)
    if not files and not problems.errors:
        problems.error(Where(", ".join(str(p) for p in paths)), "holds no CSV or XML files")
    for done, (path, label, parts) in enumerate(files):
        tell(done, len(files) + 2, f"Reading {label}")
        # One XML file is a whole return's tables; a CSV file is one table.
        tables: Sequence[Table | None] | None
        if path.suffix.lower() == ".xml":
            tables = read_xml_903(path, label, problems)
        else:
            tables = [read_table(path, label, problems)]
        key = (str(path.parent), "/".join(parts))
        ret = by_folder.setdefault(
            key, Return(str(Path(*parts[1:])) if parts[1:] else parts[0], year_in(parts))
        )
        for table in tables or []:
            if table is None:
                continue
            ret.tables.append(table)
            target = summary.not_imported if table.name in NOT_IMPORTED else summary.rows
            target[table.name] += len(table.rows)
    returns = list(by_folder.values())
    for ret in returns:
        if ret.year is None:
            ret.year = year_from_dates(ret)
    returns.sort(key=lambda r: (r.year or 0, r.folder))
    summary.returns = [(r.folder, r.year) for r in returns]
    return returns


def year_from_dates(ret: Return) -> int | None:
    """The collection year (ending 31 March) holding the return's latest DECOM, DEC or review."""
    dates = [
        d
        for table in ret.tables
        for row in table.rows
        for d in (row.date("DECOM"), row.date("DEC"), row.date("REVIEW"))
        if d is not None
    ]
    if not dates:
        return None
    latest = max(dates)
    return latest.year + 1 if latest.month >= 4 else latest.year


def birthday_in_year(dob: dt.date, year: int) -> dt.date:
    """The birthday falling in collection year ``year`` (1 April year-1 to 31 March year)."""
    for y in (year - 1, year):
        day = birthday(dob, y)
        if dt.date(year - 1, 4, 1) <= day <= dt.date(year, 3, 31):
            return day
    raise AssertionError("unreachable: one of two consecutive birthdays falls in the year")


_Place = tuple[str, int]  # file label and row: a Where without its cost


class Plan:
    """The merged history and the rows to create or update, built before anything is written."""

    def __init__(self, authority: Authority | None, problems: Problems, summary: Summary) -> None:
        self.authority = authority
        self.problems = problems
        self.summary = summary
        self.headers: dict[str, Row] = {}
        self.uasc: dict[str, Row] = {}
        self.episodes: dict[tuple[str, dt.date], Row] = {}
        # kind -> (CHILD, key) -> (values, (file, row))
        self.keyed: dict[str, dict[tuple[str, Any], tuple[dict[str, Any], _Place]]] = defaultdict(dict)
        self.adoption: dict[str, dict[str, Any]] = {}
        # (CHILD, SW_ID, SW_DECOM) -> the SWEpisodes row (its SW_DEC is the allocation's end)
        self.allocations: dict[tuple[str, str, dt.date], Row] = {}
        self.existing: dict[str, Child] = {}
        self.missing_closed = 0
        # CHILD -> first child's date of birth (None: not given) for each girl returned a mother
        self.mothers: dict[str, dt.date | None] = {}

    # -- merging ---------------------------------------------------------------------------
    def build(self, returns: list[Return]) -> None:
        for ret in returns:  # oldest first, so a later return overrides an earlier one
            for table in ret.tables:
                self._take(ret, table)
        if self.authority is not None:  # None: a forecast's read, with no register to meet
            self.existing = {
                c.child_id: c
                for c in Child.objects.filter(authority=self.authority, child_id__in=self._child_ids())
            }
        self._drop_missing_since_closed()
        self._check_children_known()
        self._check_overlaps()
        self._check_adoption()

    def _take(self, ret: Return, table: Table) -> None:
        for row in table.rows:
            child = row.text("CHILD")
            if table.name == "Header":
                self.headers[child] = row
                self._take_mother(row)
            elif table.name == "UASC":
                self.uasc[child] = row
            elif table.name == "Episodes":
                self._take_episode(ret, row)
            elif table.name == "Reviews":
                self._keyed(
                    "review", row, (child, row.date("REVIEW")), {"participation": row.text("REVIEW_CODE")}
                )
            elif table.name == "Missing":
                key = (row.text("MISSING"), row.date("MIS_START"), row.date("MIS_END"))
                self._keyed("missing", row, (child, key), {})
            elif table.name == "OC3":
                self._take_oc3(ret, row)
            elif table.name in {"AD1", "PlacedAdoption"}:
                self._take_adoption(row)
            elif table.name == "SWEpisodes":
                self._take_allocation(row)
            elif table.name == "OC2":
                self._take_oc2(ret, row)
            elif table.name == "PrevPerm":
                self._take_previous_permanence(row)

    def _take_mother(self, row: Row) -> None:
        """MOTHER 1 (with MC_DOB) records a mother; MC_DOB without it, or for a boy, is refused."""
        mother, born, dob = row.text("MOTHER"), row.date("MC_DOB"), row.date("DOB")
        where = Where(row.where.file, row.where.row, "MC_DOB")
        if born is not None and mother != "1":
            self.problems.error(where, "is given but MOTHER is not 1")
        elif mother == "1" and row.text("SEX") == "M":
            self.problems.error(Where(row.where.file, row.where.row, "MOTHER"), "is 1 for a boy")
        elif born is not None and dob is not None and born <= dob:
            self.problems.error(where, "is not after the mother's own date of birth")
        elif mother == "1":
            self.mothers[row.text("CHILD")] = born or self.mothers.get(row.text("CHILD"))

    def _take_oc2(self, ret: Return, row: Row) -> None:
        """One child's health outcomes for the return's year, checked as the register holds them."""
        if ret.year is None:
            self.problems.error(
                Where(row.where.file, row.where.row),
                "OC2 describes a collection year and the year of this return is not known: "
                "put the year (e.g. 2025) in the folder name",
            )
            return
        values: dict[str, Any] = {"sdq_reason": row.text("SDQ_REASON"), "sdq_score": None}
        score = row.text("SDQ_SCORE")
        if score:
            if not score.isdigit() or int(score) > 40:
                self.problems.error(Where(row.where.file, row.where.row, "SDQ_SCORE"), "is not 0 to 40")
                return
            values["sdq_score"] = int(score)
        for column, name in HEALTH_FLAGS.items():
            flag = row.text(column)
            if flag not in {"", "0", "1"}:
                self.problems.error(Where(row.where.file, row.where.row, column), "is not 0, 1 or blank")
                return
            values[name] = None if flag == "" else flag == "1"
        problem = _health_problem(values)
        if problem:
            self.problems.error(Where(row.where.file, row.where.row), problem)
            return
        self._keyed("health", row, (row.text("CHILD"), ret.year), values)

    def _take_previous_permanence(self, row: Row) -> None:
        """The child's previous permanence; a later return's row wins (one per child)."""
        option, la_code, date = row.text("PREV_PERM"), row.text("LA_PERM"), row.date("DATE_PERM")
        if not option:
            if la_code or date:
                self.problems.error(Where(row.where.file, row.where.row, "PREV_PERM"), "is blank")
            return
        if la_code and not _LA_PERM.fullmatch(la_code):
            self.problems.error(
                Where(row.where.file, row.where.row, "LA_PERM"),
                "is not a three-digit LA number or WAL, SCO, NIR, NUK",
            )
            return
        if option == "Z1" and (la_code or date):
            self.problems.error(
                Where(row.where.file, row.where.row), "PREV_PERM Z1 (none) has LA_PERM or DATE_PERM"
            )
            return
        values = {"option": option, "la_code": la_code, "date": date}
        self._keyed("permanence", row, (row.text("CHILD"), ()), values)

    def _take_episode(self, ret: Return, row: Row) -> None:
        decom = row.date("DECOM")
        assert decom is not None  # required, checked when read
        key = (row.text("CHILD"), decom)
        dec = row.date("DEC")
        if dec is not None and dec < decom:
            self.problems.error(Where(row.where.file, row.where.row, "DEC"), "is before DECOM")
            return
        if (row.date("DEC") is None) != (row.text("REC") == ""):
            self.problems.error(
                Where(row.where.file, row.where.row, "REC"), "DEC and REC must both be given or both be blank"
            )
            return
        earlier = self.episodes.get(key)
        if earlier is not None and earlier.file == row.file and earlier.cells != row.cells:
            self.problems.error(
                row.where,
                f"repeats the episode of CHILD {key[0]} starting {key[1]:%d/%m/%Y} "
                f"(row {earlier.where.row}) with different values",
            )
            return
        self.episodes[key] = row  # a later return's row (e.g. now with DEC/REC) wins

    def _take_allocation(self, row: Row) -> None:
        """One social worker episode; a later return's row (e.g. now with SW_DEC) wins."""
        start = row.date("SW_DECOM")
        assert start is not None  # required, checked when read
        end = row.date("SW_DEC")
        if end is not None and end < start:
            self.problems.error(Where(row.where.file, row.where.row, "SW_DEC"), "is before SW_DECOM")
            return
        key = (row.text("CHILD"), row.text("SW_ID"), start)
        earlier = self.allocations.get(key)
        if earlier is not None and earlier.file == row.file and earlier.cells != row.cells:
            self.problems.error(
                row.where,
                f"repeats the social worker episode of CHILD {key[0]} with SW_ID {key[1]} starting "
                f"{start:%d/%m/%Y} (row {earlier.where.row}) with different values",
            )
            return
        self.allocations[key] = row

    def _keyed(self, kind: str, row: Row, key: tuple[str, Any], values: dict[str, Any]) -> None:
        if None in key:
            return
        self.keyed[kind][key] = (values, (row.file, row.line))  # not a Where: millions

    def _take_oc3(self, ret: Return, row: Row) -> None:
        dob = row.date("DOB")
        if ret.year is None or dob is None:
            self.problems.error(
                Where(row.where.file, row.where.row),
                "OC3 has no contact date and the collection year of this return is not known: "
                "put the year (e.g. 2025) in the folder name",
            )
            return
        values = {
            "in_touch": row.text("IN_TOUCH"),
            "activity": row.text("ACTIV"),
            "accommodation": row.text("ACCOM"),
        }
        self._keyed("contact", row, (row.text("CHILD"), birthday_in_year(dob, ret.year)), values)

    def _take_adoption(self, row: Row) -> None:
        """AD1 and PlacedAdoption both carry the decision that the child should be placed for
        adoption (DATE_INT, DATE_PLACED: the DfE's name misleads); AD1's wins when both exist.
        The model's ``placed`` date is not in either table, so the import leaves it alone."""
        record = self.adoption.setdefault(row.text("CHILD"), {"where": row.where})
        if row.table == "AD1":
            record.update(
                decision=row.date("DATE_INT"),
                matched=row.date("DATE_MATCH"),
                foster_care=row.text("FOSTER_CARE") == "1",
                number_of_adopters=row.text("NB_ADOPTR"),
                sex_of_adopters=row.text("SEX_ADOPTR"),
                legal_status_of_adopters=row.text("LS_ADOPTR"),
                where=row.where,
                from_ad1=True,
            )
        else:
            if not record.get("from_ad1"):
                record["decision"] = row.date("DATE_PLACED")
            record.update(
                placed_ceased=row.date("DATE_PLACED_CEASED"),
                reason_placed_ceased=row.text("REASON_PLACED_CEASED"),
            )

    def _drop_missing_since_closed(self) -> None:
        """A missing episode open in one return and closed in a later one is one episode.

        Missing episodes are keyed by (CHILD, MISSING, MIS_START, MIS_END), not by start alone:
        a child can go missing twice on one day. An open row is dropped when the same start
        has a closed row."""
        rows = self.keyed.get("missing", {})
        closed = {(child, kind, start) for child, (kind, start, end) in rows if end is not None}
        for child, (kind, start, end) in list(rows):
            if end is None and (child, kind, start) in closed:
                del rows[(child, (kind, start, end))]

    def _child_ids(self) -> set[str]:
        ids = set(self.headers) | set(self.uasc) | {c for c, _ in self.episodes} | set(self.adoption)
        ids |= {c for c, _, _ in self.allocations}
        for rows in self.keyed.values():
            ids |= {c for c, _ in rows}
        return ids

    def _check_children_known(self) -> None:
        """Every CHILD needs a Header row (sex, DOB) unless the register already holds them."""
        places: dict[str, _Place] = {}
        for (child, _), row in self.episodes.items():
            places.setdefault(child, (row.file, row.line))
        for child, row in self.uasc.items():
            places.setdefault(child, (row.file, row.line))
        for rows in self.keyed.values():
            for (child, _), (_, place) in rows.items():
                places.setdefault(child, place)
        for child, record in self.adoption.items():
            places.setdefault(child, (record["where"].file, record["where"].row))
        for (child, _, _), row in self.allocations.items():
            places.setdefault(child, (row.file, row.line))
        for child, (file, line) in sorted(places.items()):
            if child not in self.headers and child not in self.existing:
                self.problems.error(
                    Where(file, line, "CHILD"),
                    f"{child!r} has no Header row and is not in the register",
                )

    def _check_overlaps(self) -> None:
        """A child's episodes (imported and already held) must not overlap; DEC is exclusive."""
        # Each span's place is its Row, or the register's episode described: a Where per
        # imported episode, made only to be thrown away, cost seconds in a national import.
        by_child: dict[str, list[tuple[dt.date, dt.date | None, Row | str]]] = defaultdict(list)
        for (child, decom), row in self.episodes.items():
            by_child[child].append((decom, row.date("DEC"), row))
        held: Iterable[tuple[str, dt.date, dt.date | None]] = []
        if self.authority is not None:  # None: a forecast's read, with no register to meet
            held = Episode.objects.filter(child__authority=self.authority).values_list(
                "child__child_id", "decom", "dec"
            )
        for child, decom, dec in held:
            if (child, decom) not in self.episodes:
                by_child[child].append((decom, dec, f"the register's episode from {decom:%d/%m/%Y}"))
        for child, spans in sorted(by_child.items()):
            spans.sort(key=lambda s: s[0])
            for (start, end, here), (next_start, _, there) in itertools.pairwise(spans):
                if end is None or end > next_start:
                    if isinstance(there, Row):
                        there = str(there.where)
                    self.problems.error(
                        here.where if isinstance(here, Row) else Where(here),
                        f"episode of CHILD {child} from {start:%d/%m/%Y} "
                        f"({'open' if end is None else f'to {end:%d/%m/%Y}'}) overlaps {there}, "
                        f"which starts {next_start:%d/%m/%Y}",
                    )

    def _check_adoption(self) -> None:
        for record in self.adoption.values():
            where = record["where"]
            decision, matched = record.get("decision"), record.get("matched")
            if matched is not None and decision is not None and matched < decision:
                self.problems.error(Where(where.file, where.row, "DATE_MATCH"), "is before DATE_INT")

    # -- writing ---------------------------------------------------------------------------
    def write(self, actor: Any) -> None:
        with transaction.atomic():
            _tune_transaction()
            children = self._write_children()
            self._write_episodes(children)
            self._write_keyed(
                LookedAfterReview, "review", children, lambda k: {"date": k}, ("participation",)
            )
            self._write_keyed(
                CareLeaverContact,
                "contact",
                children,
                lambda k: {"date": k},
                ("in_touch", "activity", "accommodation"),
            )
            self._close_held_missing(children)
            self._write_keyed(
                MissingEpisode, "missing", children, lambda k: {"kind": k[0], "start": k[1], "end": k[2]}, ()
            )
            self._write_adoption(children)
            self._write_allocations(children)
            self._write_keyed(AnnualHealthOutcome, "health", children, lambda k: {"year": k}, HEALTH_FIELDS)
            # One per child: the key after CHILD is empty.
            self._write_keyed(
                PreviousPermanenceOrder, "permanence", children, lambda k: {}, PERMANENCE_FIELDS
            )
            audit.record(
                actor,
                "load",
                object_type="returns.ssda903",
                note=(
                    f"SSDA903 import: {self.summary.files} files, "
                    f"children {_counts(self.summary.children)}; "
                    f"episodes {_counts(self.summary.episodes)}"
                ),
            )

    def _write_children(self) -> dict[str, int]:
        """Write the children; return each one's primary key by CHILD, all the other writers need."""
        authority = self.authority
        assert authority is not None, "a history read without an authority is never written"
        new: list[dict[str, Any]] = []
        changed: list[Child] = []
        for child_id in sorted(self._child_ids()):
            held = self.existing.get(child_id)
            values = self._child_values(child_id, held)
            if held is None:
                names = {"first_name": "Unknown", "last_name": child_id}
                new.append({"authority_id": authority.pk, "child_id": child_id, **names, **values})
            elif any(getattr(held, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(held, f, v)
                changed.append(held)
        _insert(Child, new)
        Child.objects.bulk_update(changed, list(CHILD_FIELDS), batch_size=BATCH)
        held_count = len(self.existing) - len(changed)
        self.summary.children.update(new=len(new), updated=len(changed), unchanged=held_count)
        if not new:
            return {child_id: child.pk for child_id, child in self.existing.items()}
        # Keys only, not models: a model per new child cost seconds in a national import.
        return dict(Child.objects.filter(authority=self.authority).values_list("child_id", "pk"))

    def _child_values(self, child_id: str, held: Child | None) -> dict[str, Any]:
        """The CHILD_FIELDS the returns give for this child (Header, UASC); others are kept."""
        values: dict[str, Any] = {}
        header = self.headers.get(child_id)
        if header is not None:
            values["sex"] = header.text("SEX")
            values["date_of_birth"] = header.date("DOB")
            values["ethnicity"] = header.text("ETHNIC") or (held.ethnicity if held else "") or "NOBT"
            values["upn"] = header.text("UPN")
        uasc = self.uasc.get(child_id)
        if uasc is not None:
            values["uasc"] = True
            values["uasc_ceased"] = uasc.date("DUC")
        if child_id in self.mothers:
            values["is_mother"] = True
            values["first_child_born"] = self.mothers[child_id] or (held.first_child_born if held else None)
        return values

    def _write_episodes(self, children: dict[str, int]) -> None:
        """Compare with the register as plain tuples: building a model per held row is the
        slowest part of a large import, and only changed rows need one."""
        held = {
            (row[0], row[1]): row[2:]
            for row in Episode.objects.filter(child__authority=self.authority).values_list(
                "child__child_id", "decom", "pk", *EPISODE_FIELDS
            )
        }
        new: list[dict[str, Any]] = []
        changed: list[Episode] = []
        for (child_id, decom), row in sorted(self.episodes.items()):
            values = _episode_values(row)
            found = held.get((child_id, decom))
            if found is None:
                pk = children[child_id]
                new.append({"child_id": pk, "decom": decom, "weekly_cost": Decimal("0"), **values})
            elif tuple(found[1:]) != tuple(values[f] for f in EPISODE_FIELDS):
                changed.append(Episode(pk=found[0], child_id=children[child_id], decom=decom, **values))
        if changed:
            Episode.objects.bulk_update(changed, list(EPISODE_FIELDS), batch_size=BATCH)
        _insert(Episode, new)
        unchanged = len(self.episodes) - len(new) - len(changed)
        self.summary.episodes.update(new=len(new), updated=len(changed), unchanged=unchanged)

    def _write_keyed(
        self,
        model: type[models.Model],
        kind: str,
        children: dict[str, int],
        lookup: Any,
        fields: tuple[str, ...],
    ) -> None:
        """Create or update rows keyed by (child, natural key); count new/updated/unchanged.

        ``fields`` are the values' names (those an import may change). Held rows are compared
        as plain tuples, and new rows go in as plain values: no model instance per row."""
        rows = self.keyed.get(kind, {})
        if not rows:
            return
        key_fields = list(lookup(next(iter(rows))[1]))
        width = len(key_fields)
        held = {
            (row[0], row[2] if width == 1 else tuple(row[2 : 2 + width])): (row[1], tuple(row[2 + width :]))
            for row in model._default_manager.filter(child__authority=self.authority).values_list(
                "child__child_id", "pk", *key_fields, *fields
            )
        }
        new: list[dict[str, Any]] = []
        changed: list[models.Model] = []
        for (child_id, key), (values, _) in rows.items():
            found = held.get((child_id, key))
            if found is None:
                new.append({"child_id": children[child_id], **lookup(key), **values})
            elif found[1] != tuple(values[f] for f in fields):
                changed.append(model(pk=found[0], child_id=children[child_id], **lookup(key), **values))
        if changed:
            model._default_manager.bulk_update(changed, list(fields), batch_size=BATCH)
        _insert(model, new)
        label = model._meta.verbose_name_plural.capitalize()  # type: ignore[union-attr]
        closed = self.missing_closed if model is MissingEpisode else 0
        self.summary.others[f"{label}:new"] = len(new)
        self.summary.others[f"{label}:updated"] = len(changed) + closed
        self.summary.others[f"{label}:unchanged"] = len(rows) - len(new) - len(changed) - closed

    def _close_held_missing(self, children: dict[str, int]) -> None:
        """Give an open missing episode in the register the end a later return reports."""
        rows = self.keyed.get("missing", {})
        ends = {(c, kind, start): end for c, (kind, start, end) in rows if end is not None}
        held = MissingEpisode.objects.filter(
            child__authority=self.authority, end__isnull=True
        ).select_related("child")
        closing = []
        for obj in held:
            end = ends.get((obj.child.child_id, obj.kind, obj.start))
            if (
                end is not None
                and not MissingEpisode.objects.filter(
                    child=obj.child, kind=obj.kind, start=obj.start, end=end
                ).exists()
            ):
                obj.end = end
                closing.append(obj)
        MissingEpisode.objects.bulk_update(closing, ["end"], batch_size=1000)
        self.missing_closed = len(closing)

    def _write_adoption(self, children: dict[str, int]) -> None:
        if not self.adoption:
            return
        held = {
            a.child.child_id: a
            for a in AdoptionRecord.objects.filter(child__authority=self.authority).select_related("child")
        }
        new: list[dict[str, Any]] = []
        changed = []
        names = list(_ADOPTION_FIELDS)
        for child_id, record in self.adoption.items():
            values = {k: v for k, v in record.items() if k in _ADOPTION_FIELDS}
            obj = held.get(child_id)
            if obj is None:
                new.append({"child_id": children[child_id], **values})
            elif any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                changed.append(obj)
        AdoptionRecord.objects.bulk_update(changed, names, batch_size=BATCH)
        _insert(AdoptionRecord, new)
        self.summary.others["Adoption records:new"] = len(new)
        self.summary.others["Adoption records:updated"] = len(changed)
        self.summary.others["Adoption records:unchanged"] = len(self.adoption) - len(new) - len(changed)

    def _write_allocations(self, children: dict[str, int]) -> None:
        """Create or close allocations keyed by (CHILD, SW_ID, start), the SW_ID read as the export
        writes it, so re-importing an export of this register finds every allocation unchanged."""
        if not self.allocations:
            return
        workers = self._workers({sw for _, sw, _ in self.allocations})
        held = {
            (a.child.child_id, sw_id(a), a.start): a
            for a in Allocation.objects.filter(child__authority=self.authority).select_related(
                "child", "worker"
            )
        }
        new: list[dict[str, Any]] = []
        changed = []
        for (child_id, worker_id, start), row in sorted(self.allocations.items()):
            end, reason = row.date("SW_DEC"), row.text("SW_REASON")
            obj = held.get((child_id, worker_id, start))
            if obj is None:
                worker = workers[worker_id]
                new.append(
                    {
                        "child_id": children[child_id],
                        "worker_id": worker.pk,
                        "team_id": worker.team_id,
                        "start": start,
                        "end": end,
                        "sw_reason": reason,
                    }
                )
            elif (end is not None and obj.end != end) or (reason and obj.sw_reason != reason):
                obj.end = end if end is not None else obj.end
                obj.sw_reason = reason or obj.sw_reason
                changed.append(obj)
        Allocation.objects.bulk_update(changed, ["end", "sw_reason"], batch_size=BATCH)
        _insert(Allocation, new)
        self.summary.others["Social worker allocations:new"] = len(new)
        self.summary.others["Social worker allocations:updated"] = len(changed)
        unchanged = len(self.allocations) - len(new) - len(changed)
        self.summary.others["Social worker allocations:unchanged"] = unchanged

    def _workers(self, ids: set[str]) -> dict[str, Professional]:
        """The worker each SW_ID names, creating a placeholder for each one the register lacks."""
        staff = Professional.objects.filter(team__authority=self.authority).order_by("pk")
        found: dict[str, Professional] = {}
        for worker in staff.filter(sw_id__in=ids):
            found.setdefault(worker.sw_id, worker)
        keys = {int(m[1]): i for i in ids - found.keys() if (m := _EXPORT_KEY.fullmatch(i))}
        for worker in staff.filter(pk__in=keys, sw_id=""):
            found[keys[worker.pk]] = worker
        missing = sorted(ids - found.keys())
        if missing:
            team, _ = Team.objects.get_or_create(
                authority=self.authority, name=IMPORTED_TEAM, defaults={"kind": Team.Kind.CHILDREN_IN_CARE}
            )
            # Plain rows, then their keys read back: a national history names tens of
            # thousands of workers, and a model per placeholder cost seconds.
            _insert(
                Professional,
                [
                    {"name": f"Social worker {i}", "job_title": "Social worker", "team_id": team.pk}
                    | {"sw_id": i}
                    for i in missing
                ],
            )
            added = set(missing)
            for worker in Professional.objects.filter(team=team).only("id", "team_id", "sw_id"):
                if worker.sw_id in added:
                    found.setdefault(worker.sw_id, worker)
        self.summary.others["Social workers:new"] = len(missing)
        self.summary.others["Social workers:unchanged"] = len(ids) - len(missing)
        return found


_ADOPTION_FIELDS = (
    "decision",
    "matched",
    "foster_care",
    "number_of_adopters",
    "sex_of_adopters",
    "legal_status_of_adopters",
    "placed_ceased",
    "reason_placed_ceased",
)


def _tune_transaction() -> None:
    """On PostgreSQL, do not wait at commit for the import's WAL to reach the disk.

    ``SET LOCAL`` lasts only until this transaction ends. Every constraint is still checked and
    the import is still all or nothing; a server crash in the moment after the commit could at
    worst lose the whole import (never part of it), which is then simply run again. A national
    import commits millions of rows, and waiting for their flush was time the user saw."""
    connection = connections[router.db_for_write(Episode)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert new rows, each given as {field attname: value}, inside the caller's transaction.

    A national history is millions of rows, and a model instance per row (``bulk_create``) was
    most of the import's time. Rows go in as plain values instead: one COPY per table on
    PostgreSQL, ``executemany`` elsewhere (SQLite, where the driver adapts dates and decimals as
    Django does). Every constraint (unique, check, the episodes' exclusion) is still checked, so
    a clash raises IntegrityError and the import rolls back as before. Fields a row does not give
    take the model's default, as ``Model()`` would; ``auto_now`` fields get one timestamp.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    blank = model()
    default = {
        name: f.get_db_prep_save(f.pre_save(blank, add=True), connection) for name, f in fields.items()
    }
    given = list(dict.fromkeys(itertools.chain.from_iterable(rows)))  # every field any row gives
    others = [name for name in fields if name not in given]
    constant = tuple(default[name] for name in others)
    pick = itemgetter(*given) if len(given) > 1 else lambda row: (row[given[0]],)
    values = (
        pick(row) + constant
        if len(row) == len(given)
        else tuple(row.get(name, default[name]) for name in given) + constant
        for row in rows
    )
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(fields[name].column) for name in given + others)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        marks = ", ".join(["%s"] * (len(given) + len(others)))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
        while batch := list(itertools.islice(values, 10 * BATCH)):
            cursor.executemany(sql, batch)


def _health_problem(values: dict[str, Any]) -> str:
    """Why these OC2 values cannot be held together (the DfE's rules 197a, 193, 158), or ""."""
    if values["sdq_score"] is not None and values["sdq_reason"]:
        return "SDQ_SCORE and SDQ_REASON are both given"
    if values["substance_misuse"] is not True and (
        values["intervention_received"] is not None or values["intervention_offered"] is not None
    ):
        return "an intervention is recorded but SUBSTANCE_MISUSE is not 1"
    if values["intervention_offered"] is not None and values["intervention_received"] is not False:
        return "INTERVENTION_OFFERED is given but INTERVENTION_RECEIVED is not 0"
    return ""


def _episode_values(row: Row) -> dict[str, Any]:
    return {
        "rne": row.text("RNE"),
        "ls": row.text("LS"),
        "cin": row.text("CIN"),
        "place": row.text("PLACE"),
        "place_provider": row.text("PLACE_PROVIDER"),
        "dec": row.date("DEC"),
        "rec": row.text("REC"),
        "reason_place_change": row.text("REASON_PLACE_CHANGE"),
        "home_post": row.text("HOME_POST"),
        "pl_post": row.text("PL_POST"),
        "urn": row.text("URN"),
    }
