"""Import CIN census XML files (one or many collection years) into the register, all or nothing.

The file is the layout ``exportcin`` writes and the DfE's ``cin_validator`` reads
(``Message/Header`` and ``Children/Child``). The import runs in the same three steps as the
SSDA903 import, and only the last touches the database:

1. read and check every file: well-formed UTF-8 XML without DTDs or entities, known elements
   only, real dates, valid codes (earlier years' ``GenderCurrent`` mapped to ``Sex`` with a
   warning); every problem names the file, the element's line and the field;
2. merge the files, oldest collection year first, into one history per child: a child is
   known by ``LAchildID`` (one already in the register is matched, never doubled), a referral
   by its child and ``CINreferralDate``, an assessment, plan or enquiry by its referral and start
   date. A value a later return gives wins; a value a return leaves out never clears one
   already known (a return does not know what happened after its 31 March);
3. write everything in one transaction with ``bulk_create``/``bulk_update`` and one audit event.

What the census does not carry is filled in so the register's rules hold and the export gives
the same file back:
- names: a new child is "Unknown" with their LAchildID as last name (as for SSDA903);
- the strategy discussion of a section 47 enquiry: the latest working day whose 15-working-day
  target is the file's ``InitialCPCtarget`` (the export computes the target from it);
- ``ReferralNFA`` 1 is the referral's route "no further action"; other routes are not in the
  census and are left as they are;
- an empty ``Disabilities`` list means disabled, impairment not recorded (what the export
  writes); ``NONE`` means not disabled.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, models, transaction

from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.core import audit
from divert.core.calendar import add_working_days, is_working_day
from divert.core.codes import CategoryOfNeed, CINClosureReason, CPCategory, Ethnicity, ReferralSource, Sex
from divert.core.models import Authority
from divert.frontdoor.models import Referral
from divert.people.models import Child
from divert.returns.exportcin import ICPC_TARGET_WORKING_DAYS
from divert.returns.import903 import WARNINGS_SHOWN, ImportFailed, Progress
from divert.returns.parse903 import Problems, TooManyErrors, Where
from divert.returns.xml903 import Node, parse_xml

ROOT = "Message"
GENDER_CURRENT = {"1": "M", "2": "F", "0": "U", "9": "U"}
NO_DISABILITY = "NONE"
_UPN = re.compile(r"[A-Za-z0-9]{13}")
_UPN_UNKNOWN = re.compile(r"UN(10|[1-9])")
_CHILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,19}")
_FACTOR = re.compile(r"[0-9]{1,2}[A-Z]?")
_DISABILITY = re.compile(r"[A-Za-z]{2,6}")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = frozenset({"1", "true"}), frozenset({"0", "false"})


def _codes(choices: type[models.TextChoices]) -> frozenset[str]:
    return frozenset(str(v) for v in choices.values)


CODES: dict[str, frozenset[str]] = {
    "Sex": _codes(Sex),
    "Ethnicity": _codes(Ethnicity),
    "ReferralSource": _codes(ReferralSource),
    "PrimaryNeedCode": _codes(CategoryOfNeed),
    "ReasonForClosure": _codes(CINClosureReason),
    "InitialCategoryOfAbuse": _codes(CPCategory),
    "LatestCategoryOfAbuse": _codes(CPCategory),
}

# The elements each element may hold: leaves (text) and groups (elements with children).
LEAVES: dict[str, frozenset[str]] = {
    "Message": frozenset(),
    "Header": frozenset(),
    "CollectionDetails": frozenset({"Collection", "Year", "ReferenceDate"}),
    "Source": frozenset({"SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"}),
    "Children": frozenset(),
    "Child": frozenset(),
    "ChildIdentifiers": frozenset(
        {"LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate"}
        | {"GenderCurrent", "Sex", "PersonDeathDate"}
    ),
    "ChildCharacteristics": frozenset({"Ethnicity"}),
    "Disabilities": frozenset(),
    "CINdetails": frozenset(
        {"CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure"}
        | {"DateOfInitialCPC", "ReferralNFA"}
    ),
    "Assessments": frozenset(
        {"AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate"}
    ),
    "FactorsIdentifiedAtAssessment": frozenset(),
    "CINPlanDates": frozenset({"CINPlanStartDate", "CINPlanEndDate"}),
    "Section47": frozenset({"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"}),
    "ChildProtectionPlans": frozenset(
        {
            "CPPstartDate",
            "CPPendDate",
            "InitialCategoryOfAbuse",
            "LatestCategoryOfAbuse",
            "NumberOfPreviousCPP",
        }
    ),
    "Reviews": frozenset(),
}
GROUPS: dict[str, frozenset[str]] = {
    "Message": frozenset({"Header", "Children"}),
    "Header": frozenset({"CollectionDetails", "Source"}),
    "Children": frozenset({"Child"}),
    "Child": frozenset({"ChildIdentifiers", "ChildCharacteristics", "CINdetails"}),
    "ChildCharacteristics": frozenset({"Disabilities"}),
    "CINdetails": frozenset({"Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"}),
    "Assessments": frozenset({"FactorsIdentifiedAtAssessment"}),
    "ChildProtectionPlans": frozenset({"Reviews"}),
}
# Leaves that may repeat inside their parent.
REPEATED = {"Disabilities": "Disability", "FactorsIdentifiedAtAssessment": "AssessmentFactors"}
REPEATED["Reviews"] = "CPPreviewDate"
# Where each element may appear (so a misplaced known element is reported as such).
SINGLE_GROUPS = frozenset(
    {"Header", "Children", "CollectionDetails", "ChildIdentifiers", "ChildCharacteristics"}
)


class _Bad(Exception):
    """One element could not be read; the error is already recorded."""


@dataclass
class Element:
    """A checked element: its leaves as text, its groups, and its place for messages."""

    node: Node
    where: Where
    leaves: dict[str, str]
    groups: dict[str, list[Node]]
    repeated: list[str] = field(default_factory=list)


@dataclass
class Item:
    """An assessment, plan, enquiry or child protection plan, with the values the file gave."""

    where: Where
    values: dict[str, Any]


@dataclass
class ReferralIn:
    where: Where
    values: dict[str, Any]
    items: dict[str, dict[dt.date, Item]] = field(default_factory=lambda: defaultdict(dict))


@dataclass
class ChildIn:
    where: Where
    values: dict[str, Any]
    referrals: dict[dt.date, ReferralIn] = field(default_factory=dict)


@dataclass
class CensusFile:
    label: str
    year: int
    children: list[ChildIn]


@dataclass
class Summary:
    files: list[tuple[str, int]] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Read {len(self.files)} file(s):"]
        out += [f"  {label}: collection year {year}" for label, year in self.files]
        for name, counts in self.counts.items():
            out.append(
                f"{name}: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("new", "updated", "unchanged"))
            )
        out.append(f"Warnings: {len(self.warnings)}")
        out += [f"  {w}" for w in self.warnings[:WARNINGS_SHOWN]]
        if len(self.warnings) > WARNINGS_SHOWN:
            out.append(f"  ... and {len(self.warnings) - WARNINGS_SHOWN} more")
        return out


def import_cin(
    paths: Sequence[Path], authority: Authority, actor: Any = None, progress: Progress | None = None
) -> Summary:
    """Import these census files (or folders of them) for ``authority``; raise ImportFailed
    (nothing written) on any error. ``progress`` is told of each of the three stages."""
    problems = Problems()
    summary = Summary()
    tell = progress or (lambda done, total, stage: None)
    try:
        tell(0, 3, "Reading the census files")
        files = _read_files(paths, authority, problems)
        summary.files = [(f.label, f.year) for f in files]
        tell(1, 3, "Checking the history as a whole")
        children = _merge(files)
        plan = _Plan(authority, children, problems, summary)
        plan.check()
    except TooManyErrors:
        problems.errors.append(f"... stopped after {len(problems.errors)} errors; fix these and import again")
    if problems.errors:
        raise ImportFailed(problems.errors, problems.warnings)
    summary.warnings = problems.warnings
    tell(2, 3, "Writing to the register")
    try:
        plan.write(actor)
    except IntegrityError as exc:
        raise ImportFailed([f"the register refused the import, nothing was written: {exc}"]) from exc
    tell(3, 3, "Written")
    return summary


# -- reading ---------------------------------------------------------------------------------


def _read_files(paths: Sequence[Path], authority: Authority, problems: Problems) -> list[CensusFile]:
    found: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            problems.error(Where(str(path)), "does not exist")
        elif path.is_dir():
            xml = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml")
            found += [(p, str(p.relative_to(path.parent))) for p in xml]
        else:
            found.append((path, path.name))
    if not found and not problems.errors:
        problems.error(Where(", ".join(str(p) for p in paths)), "holds no XML files")
    names = [label for _, label in found]
    found = [(p, f"{p.parent.name}/{label}" if names.count(label) > 1 else label) for p, label in found]
    files = [f for path, label in found if (f := _read_file(path, label, authority, problems)) is not None]
    return sorted(files, key=lambda f: (f.year, f.label))


def _read_file(path: Path, label: str, authority: Authority, problems: Problems) -> CensusFile | None:
    root = parse_xml(path, label, problems)
    if root is None:
        return None
    if root.tag != ROOT:
        problems.error(
            Where(label, root.line), f"root element is <{root.tag}>, expected <{ROOT}> (a CIN census file)"
        )
        return None
    reader = _Reader(label, problems)
    try:
        message = reader.element(root)
        year = reader.header(message, authority)
        listed = reader.one(message, "Children", required=False)
    except _Bad:
        return None
    children: list[ChildIn] = []
    for child_node in listed.groups.get("Child", []) if listed is not None else []:
        try:
            children.append(reader.child(child_node, year))
        except _Bad:
            continue  # recorded; read the other children so that every problem is reported
    return CensusFile(label, year, children)


class _Reader:
    """Reads one file's elements into checked values, recording each problem with its line."""

    def __init__(self, label: str, problems: Problems) -> None:
        self.label = label
        self.problems = problems

    def where(self, node: Node, name: str = "") -> Where:
        return Where(self.label, node.line, name)

    def fail(self, where: Where, message: str) -> None:
        self.problems.error(where, message)
        raise _Bad

    def element(self, node: Node) -> Element:
        """The node's leaves and groups, refusing unknown or repeated elements and stray text."""
        leaves: dict[str, str] = {}
        groups: dict[str, list[Node]] = defaultdict(list)
        repeated: list[str] = []
        if node.text:
            self.fail(self.where(node), f"<{node.tag}> holds text outside its elements")
        for sub in node.children:
            if sub.tag in LEAVES.get(node.tag, ()) and not sub.children:
                if sub.tag in leaves:
                    self.fail(self.where(sub, sub.tag), f"appears twice in <{node.tag}>")
                leaves[sub.tag] = sub.text
            elif sub.tag == REPEATED.get(node.tag) and not sub.children:
                repeated.append(sub.text)
            elif sub.tag in GROUPS.get(node.tag, ()):
                if sub.tag in SINGLE_GROUPS and groups.get(sub.tag):
                    self.fail(self.where(sub), f"<{sub.tag}> appears twice in <{node.tag}>")
                groups[sub.tag].append(sub)
            else:
                self.fail(self.where(sub), f"unknown element <{sub.tag}> in <{node.tag}>")
        return Element(node, self.where(node), leaves, groups, repeated)

    def one(self, parent: Element, tag: str, *, required: bool = True) -> Element | None:
        nodes = parent.groups.get(tag, [])
        if not nodes:
            if required:
                self.fail(parent.where, f"<{parent.node.tag}> has no <{tag}>")
            return None
        return self.element(nodes[0])

    # -- values --------------------------------------------------------------------------------
    def text(self, element: Element, name: str, *, required: bool = False) -> str | None:
        value = element.leaves.get(name, "")
        if not value:
            if required:
                self.fail(
                    Where(self.label, element.node.line, name), "is missing or blank but must have a value"
                )
            return None
        return value

    def date(self, element: Element, name: str, *, required: bool = False) -> dt.date | None:
        value = self.text(element, name, required=required)
        if value is None:
            return None
        where = Where(self.label, element.node.line, name)
        if _ISO.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                self.fail(where, f"{_show(value)} is not a real date (YYYY-MM-DD)")
        self.fail(where, f"{_show(value)} is not a date in the form YYYY-MM-DD")
        return None  # unreachable: fail raises

    def code(self, element: Element, name: str, *, required: bool = False) -> str | None:
        value = self.text(element, name, required=required)
        if value is not None and value.upper() not in CODES[name]:
            self.fail(
                Where(self.label, element.node.line, name), f"{_show(value)} is not a valid {name} code"
            )
        return None if value is None else value.upper()

    def flag(self, element: Element, name: str) -> bool | None:
        value = self.text(element, name)
        if value is None:
            return None
        if value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        self.fail(
            Where(self.label, element.node.line, name),
            f"{_show(value)} is not valid: expected 1/0 or true/false",
        )
        return None

    def matching(self, element: Element, name: str, pattern: re.Pattern[str], expected: str) -> str | None:
        value = self.text(element, name)
        if value is not None and not pattern.fullmatch(value):
            self.fail(
                Where(self.label, element.node.line, name),
                f"{_show(value)} is not valid: expected {expected}",
            )
        return value

    # -- parts of the file -----------------------------------------------------------------------
    def header(self, message: Element, authority: Authority) -> int:
        header = self.one(message, "Header")
        assert header is not None
        details = self.one(header, "CollectionDetails")
        assert details is not None
        year = self.text(details, "Year", required=True)
        assert year is not None
        if not re.fullmatch(r"20[0-9]{2}", year):
            self.fail(Where(self.label, details.node.line, "Year"), f"{_show(year)} is not a collection year")
        source = self.one(header, "Source", required=False)
        lea = self.text(source, "LEA") if source is not None else None
        if source is not None and lea is not None and lea != str(authority.la_number):
            self.fail(
                Where(self.label, source.node.line, "LEA"),
                f"is {lea} but {authority.name}'s LA number is {authority.la_number}: "
                "this census belongs to another authority",
            )
        return int(year)

    def child(self, node: Node, year: int) -> ChildIn:
        child = self.element(node)
        ids = self.one(child, "ChildIdentifiers")
        assert ids is not None
        child_id = self.matching(ids, "LAchildID", _CHILD_ID, "1-20 letters, digits, _ . / -")
        if child_id is None:
            self.fail(
                Where(self.label, ids.node.line, "LAchildID"), "is missing or blank but must have a value"
            )
        values: dict[str, Any] = {"child_id": child_id}
        values["date_of_birth"] = self.date(ids, "PersonBirthDate")
        expected = self.date(ids, "ExpectedPersonBirthDate")
        if values["date_of_birth"] is None and expected is not None:
            self.problems.warn(
                Where(self.label, ids.node.line, "ExpectedPersonBirthDate"),
                "an unborn child is recorded with the expected date as date of birth",
            )
            values["date_of_birth"] = expected
        values["sex"] = self._sex(ids)
        values["date_of_death"] = self.date(ids, "PersonDeathDate")
        upn = self.matching(ids, "UPN", _UPN, "13 letters or digits")
        unknown = self.matching(ids, "UPNunknown", _UPN_UNKNOWN, "UN1 to UN10")
        values["upn"] = upn or unknown
        characteristics = self.one(child, "ChildCharacteristics", required=False)
        values["ethnicity"] = values["disability"] = None
        if characteristics is not None:
            values["ethnicity"] = self.code(characteristics, "Ethnicity")
            values["disability"] = self._disability(characteristics)
        found = ChildIn(Where(self.label, ids.node.line), values)
        for details in child.groups.get("CINdetails", []):
            referral = self.referral(self.element(details))
            _stamp(referral, year)
            date = referral.values["date"]
            if date in found.referrals:
                _merge_referral(found.referrals[date], referral)
            else:
                found.referrals[date] = referral
        return found

    def _sex(self, ids: Element) -> str | None:
        sex = self.code(ids, "Sex")
        gender = self.text(ids, "GenderCurrent")
        if sex is not None or gender is None:
            return sex
        where = Where(self.label, ids.node.line, "GenderCurrent")
        if gender not in GENDER_CURRENT:
            self.fail(where, f"{_show(gender)} is not valid: expected 1, 2, 0 or 9")
        self.problems.warn(
            where, f"earlier collection years' code {gender!r} mapped to Sex {GENDER_CURRENT[gender]!r}"
        )
        return GENDER_CURRENT[gender]

    def _disability(self, characteristics: Element) -> bool | None:
        listed = self.one(characteristics, "Disabilities", required=False)
        if listed is None:
            return None
        for code in listed.repeated:
            if not _DISABILITY.fullmatch(code):
                self.fail(
                    Where(self.label, listed.node.line, "Disability"),
                    f"{_show(code)} is not a disability code",
                )
        return any(code.upper() != NO_DISABILITY for code in listed.repeated) or not listed.repeated

    def referral(self, details: Element) -> ReferralIn:
        values: dict[str, Any] = {"date": self.date(details, "CINreferralDate", required=True)}
        values["source"] = self.code(details, "ReferralSource")
        values["primary_need"] = self.code(details, "PrimaryNeedCode")
        values["closed"] = self.date(details, "CINclosureDate")
        values["closure_reason"] = self.code(details, "ReasonForClosure")
        values["initial_cpc"] = self.date(details, "DateOfInitialCPC")
        values["nfa"] = self.flag(details, "ReferralNFA")
        found = ReferralIn(details.where, values)
        for node in details.groups.get("Assessments", []):
            self._item(found, "assessment", self._assessment(self.element(node)))
        for node in details.groups.get("CINPlanDates", []):
            plan = self.element(node)
            start = self.date(plan, "CINPlanStartDate", required=True)
            self._item(
                found,
                "cin_plan",
                Item(plan.where, {"start": start, "end": self.date(plan, "CINPlanEndDate")}),
            )
        for node in details.groups.get("Section47", []):
            self._item(found, "section47", self._section47(self.element(node)))
        for node in details.groups.get("ChildProtectionPlans", []):
            self._item(found, "cp_plan", self._protection_plan(self.element(node)))
        return found

    def _item(self, referral: ReferralIn, kind: str, item: Item) -> None:
        held = referral.items[kind].get(item.values["start"])
        if held is None:
            referral.items[kind][item.values["start"]] = item
        else:
            _merge_values(held.values, item.values)

    def _assessment(self, element: Element) -> Item:
        values: dict[str, Any] = {"start": self.date(element, "AssessmentActualStartDate", required=True)}
        values["authorised"] = self.date(element, "AssessmentAuthorisationDate")
        factors = self.one(element, "FactorsIdentifiedAtAssessment", required=False)
        codes = factors.repeated if factors is not None else []
        for code in codes:
            if not _FACTOR.fullmatch(code):
                self.fail(
                    Where(self.label, element.node.line, "AssessmentFactors"),
                    f"{_show(code)} is not a factor code",
                )
        joined = ",".join(codes)
        if len(joined) > 200:
            self.fail(
                Where(self.label, element.node.line, "AssessmentFactors"),
                "lists more factors than the register holds",
            )
        values["factors"] = joined or None
        return Item(element.where, values)

    def _section47(self, element: Element) -> Item:
        values: dict[str, Any] = {"start": self.date(element, "S47ActualStartDate", required=True)}
        values["target"] = self.date(element, "InitialCPCtarget")
        values["conference"] = self.date(element, "DateOfInitialCPC")
        not_required = self.flag(element, "ICPCnotRequired")
        values["icpc_required"] = None if not_required is None else not not_required
        return Item(element.where, values)

    def _protection_plan(self, element: Element) -> Item:
        values: dict[str, Any] = {"start": self.date(element, "CPPstartDate", required=True)}
        values["end"] = self.date(element, "CPPendDate")
        latest = self.code(element, "LatestCategoryOfAbuse")
        values["category"] = latest or self.code(element, "InitialCategoryOfAbuse")
        previous = self.matching(element, "NumberOfPreviousCPP", re.compile(r"[0-9]{1,3}"), "a number")
        values["previous"] = None if previous is None else int(previous)
        reviews: set[dt.date] = set()
        for node in element.groups.get("Reviews", []):
            listed = self.element(node)
            for text in listed.repeated:
                reviews.add(self._review_date(listed, text))
        values["reviews"] = reviews
        return Item(element.where, values)

    def _review_date(self, listed: Element, text: str) -> dt.date:
        holder = Element(listed.node, listed.where, {"CPPreviewDate": text}, {})
        day = self.date(holder, "CPPreviewDate", required=True)
        assert day is not None
        return day


def _show(value: str) -> str:
    shown = value if len(value) <= 40 else value[:40] + "..."
    return '"' + shown.replace('"', '\\"') + '"'


# -- merging ---------------------------------------------------------------------------------


def _merge_values(held: dict[str, Any], later: dict[str, Any]) -> None:
    """A later value wins; a value left out (None) never clears one already known."""
    for key, value in later.items():
        if key in {"reviews", "years"}:
            held[key] = held.get(key, set()) | value
        elif value is not None:
            held[key] = value


def _merge_referral(held: ReferralIn, later: ReferralIn) -> None:
    _merge_values(held.values, later.values)
    for kind, items in later.items.items():
        for start, item in items.items():
            if start in held.items[kind]:
                _merge_values(held.items[kind][start].values, item.values)
            else:
                held.items[kind][start] = item


def _stamp(referral: ReferralIn, year: int) -> None:
    """Note the collection year that returned the referral and each of its items."""
    referral.values["years"] = {year}
    for items in referral.items.values():
        for item in items.values():
            item.values["years"] = {year}


def _merge(files: list[CensusFile]) -> dict[str, ChildIn]:
    """One history per child, files oldest collection year first so later ones win."""
    children: dict[str, ChildIn] = {}
    for census in files:
        for child in census.children:
            held = children.get(child.values["child_id"])
            if held is None:
                children[child.values["child_id"]] = child
                continue
            _merge_values(held.values, child.values)
            for date, referral in child.referrals.items():
                if date in held.referrals:
                    _merge_referral(held.referrals[date], referral)
                else:
                    held.referrals[date] = referral
    return children


def strategy_discussion_for(target: dt.date) -> dt.date:
    """The latest working day whose initial conference target (15 working days on) is ``target``."""
    day = target
    remaining = ICPC_TARGET_WORKING_DAYS
    while remaining:
        if is_working_day(day):
            remaining -= 1
        day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


# -- checking and writing --------------------------------------------------------------------

ITEM_MODELS: dict[str, type[models.Model]] = {
    "assessment": Assessment,
    "cin_plan": CINPlan,
    "section47": Section47,
    "cp_plan": ChildProtectionPlan,
}
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "assessment": ("authorised", "factors"),
    "cin_plan": ("end",),
    "section47": ("strategy_discussion", "icpc_required", "completed"),
    "cp_plan": ("end", "category", "earlier_plans_not_held"),
}
ITEM_END = {"assessment": "authorised", "cin_plan": "end", "section47": None, "cp_plan": "end"}
CHILD_FIELDS = ("sex", "date_of_birth", "ethnicity", "upn", "disability", "date_of_death")
REFERRAL_FIELDS = ("source", "primary_need", "closed", "closure_reason", "route")
LABELS = {
    "child": "Children",
    "referral": "Referrals",
    "assessment": "Assessments",
    "cin_plan": "CIN plans",
    "section47": "Section 47 enquiries",
    "cp_plan": "Child protection plans",
    "conference": "Conferences",
}


class _Plan:
    """The merged census checked against the register, then written in one transaction."""

    def __init__(
        self, authority: Authority, children: dict[str, ChildIn], problems: Problems, summary: Summary
    ) -> None:
        self.authority = authority
        self.children = children
        self.problems = problems
        self.summary = summary
        self.held = {
            c.child_id: c for c in Child.objects.filter(authority=authority, child_id__in=list(children))
        }
        self.counts: dict[str, dict[str, int]] = {k: defaultdict(int) for k in LABELS}
        self.held_referrals = set(
            Referral.objects.filter(child__in=self.held.values()).values_list("child__child_id", "date")
        )

    # -- checks ---------------------------------------------------------------------------------
    def check(self) -> None:
        for child_id, child in sorted(self.children.items()):
            self._check_child(child_id, child)
            for date, referral in child.referrals.items():
                if referral.values["source"] is None and (child_id, date) not in self.held_referrals:
                    self.problems.error(
                        Where(referral.where.file, referral.where.row, "ReferralSource"),
                        "is missing or blank but must have a value",
                    )
                self._check_referral(referral)
        self._check_previous_plans()

    def _check_child(self, child_id: str, child: ChildIn) -> None:
        held = self.held.get(child_id)
        values = child.values
        if held is None:
            for name, element in (("date_of_birth", "PersonBirthDate"), ("sex", "Sex")):
                if values[name] is None:
                    self.problems.error(
                        Where(child.where.file, child.where.row, element),
                        f"is missing for LAchildID {child_id}, who is not in the register",
                    )
        born = values["date_of_birth"] or (held.date_of_birth if held else None)
        died = values["date_of_death"]
        if born and died and died < born:
            self.problems.error(
                Where(child.where.file, child.where.row, "PersonDeathDate"), "is before the date of birth"
            )

    def _check_referral(self, referral: ReferralIn) -> None:
        values, where = referral.values, referral.where
        closed, reason = values["closed"], values["closure_reason"]
        if closed is not None and closed < values["date"]:
            self.problems.error(Where(where.file, where.row, "CINclosureDate"), "is before CINreferralDate")
        if (closed is None) != (reason is None):
            self.problems.error(
                Where(where.file, where.row, "ReasonForClosure"),
                "CINclosureDate and ReasonForClosure must both be given or both be left out",
            )
        for kind, items in referral.items.items():
            end_name = ITEM_END[kind]
            for start, item in items.items():
                end = item.values.get(end_name) if end_name else None
                if end is not None and end < start:
                    self.problems.error(
                        item.where, f"ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})"
                    )
                if kind == "section47":
                    self._check_section47(item)
                    self._completed_by(referral, item)
                if kind == "cp_plan" and item.values["category"] is None:
                    self.problems.error(
                        Where(item.where.file, item.where.row, "LatestCategoryOfAbuse"),
                        "is missing (and so is InitialCategoryOfAbuse)",
                    )

    def _check_section47(self, item: Item) -> None:
        """The strategy discussion the target implies (None when the file gives no target)."""
        start, target = item.values["start"], item.values["target"]
        strategy = None if target is None else strategy_discussion_for(target)
        if strategy is not None and (
            strategy > start or add_working_days(strategy, ICPC_TARGET_WORKING_DAYS) != target
        ):
            self.problems.warn(
                Where(item.where.file, item.where.row, "InitialCPCtarget"),
                "is not 15 working days after a strategy discussion before the enquiry started; "
                "the strategy discussion is recorded on the enquiry's start date",
            )
            strategy = start
        item.values["strategy_discussion"] = strategy

    def _completed_by(self, referral: ReferralIn, item: Item) -> None:
        """The census has no completion date for an enquiry, but one that a later census leaves
        out while still returning its referral had ended before that census's year began: it is
        recorded as completed on 31 March of the last year that returned it, the latest it can
        have been (otherwise the register would hold it open for ever)."""
        last = max(item.values["years"])
        if max(referral.values["years"]) > last:
            item.values["completed_by"] = dt.date(last, 3, 31)

    def _check_previous_plans(self) -> None:
        """NumberOfPreviousCPP counts plans the register may not hold (ended before the years
        imported): the difference is kept on the plan so that the census says the same again.
        A count lower than the register's own is reported, not refused."""
        held: dict[str, set[dt.date]] = defaultdict(set)
        for child_id, start in ChildProtectionPlan.objects.filter(child__in=self.held.values()).values_list(
            "child__child_id", "start"
        ):
            held[child_id].add(start)
        for child_id, child in self.children.items():
            starts = set(held[child_id])
            plans = [item for r in child.referrals.values() for item in r.items.get("cp_plan", {}).values()]
            starts |= {p.values["start"] for p in plans}
            for plan in plans:
                previous, known = plan.values["previous"], sum(1 for s in starts if s < plan.values["start"])
                if previous is None:
                    continue
                plan.values["earlier_plans_not_held"] = max(previous - known, 0)
                if previous < known:
                    self.problems.warn(
                        Where(plan.where.file, plan.where.row, "NumberOfPreviousCPP"),
                        f"is {previous} but the register holds {known} earlier plan(s) for this child",
                    )

    # -- writing --------------------------------------------------------------------------------
    def write(self, actor: Any) -> None:
        with transaction.atomic():
            children = self._write_children()
            referrals = self._write_referrals(children)
            written: dict[str, dict[tuple[int, dt.date], Any]] = {}
            for kind in ITEM_MODELS:
                written[kind] = self._write_items(kind, children, referrals)
            self._write_conferences(children, referrals, written)
            self.summary.counts = {LABELS[k]: dict(v) for k, v in self.counts.items()}
            audit.record(
                actor,
                "load",
                object_type="returns.cin",
                note=(
                    f"CIN census import: {len(self.summary.files)} files; "
                    + "; ".join(
                        f"{LABELS[k].lower()} {v.get('new', 0)} new {v.get('updated', 0)} updated"
                        for k, v in self.counts.items()
                    )
                ),
            )

    def _count(self, kind: str, new: int, changed: int, total: int) -> None:
        self.counts[kind]["new"] += new
        self.counts[kind]["updated"] += changed
        self.counts[kind]["unchanged"] += total - new - changed

    def _write_children(self) -> dict[str, Child]:
        new: list[Child] = []
        changed: list[Child] = []
        for child_id, found in sorted(self.children.items()):
            child = self.held.get(child_id) or Child(
                authority=self.authority, child_id=child_id, first_name="Unknown", last_name=child_id
            )
            before = {f: getattr(child, f) for f in CHILD_FIELDS}
            for name in CHILD_FIELDS:
                if found.values[name] is not None:
                    setattr(child, name, found.values[name])
            if child.pk is None:
                new.append(child)
            elif {f: getattr(child, f) for f in CHILD_FIELDS} != before:
                changed.append(child)
        Child.objects.bulk_create(new, batch_size=1000)
        Child.objects.bulk_update(changed, list(CHILD_FIELDS), batch_size=1000)
        self._count("child", len(new), len(changed), len(self.children))
        return {
            c.child_id: c
            for c in Child.objects.filter(authority=self.authority, child_id__in=list(self.children))
        }

    def _write_referrals(self, children: dict[str, Child]) -> dict[tuple[str, dt.date], Referral]:
        held: dict[tuple[str, dt.date], Referral] = {}
        for referral in (
            Referral.objects.filter(child__in=children.values()).select_related("child").order_by("pk")
        ):
            held.setdefault((referral.child.child_id, referral.date), referral)
        new: list[Referral] = []
        changed: list[Referral] = []
        total = 0
        for child_id, found in sorted(self.children.items()):
            for date, referral_in in sorted(found.referrals.items()):
                total += 1
                referral = held.get((child_id, date)) or Referral(child=children[child_id], date=date)
                before = {f: getattr(referral, f) for f in REFERRAL_FIELDS}
                _apply_referral(referral, referral_in.values)
                if referral.pk is None:
                    new.append(referral)
                    held[(child_id, date)] = referral
                elif {f: getattr(referral, f) for f in REFERRAL_FIELDS} != before:
                    changed.append(referral)
        Referral.objects.bulk_create(new, batch_size=1000)
        Referral.objects.bulk_update(changed, list(REFERRAL_FIELDS), batch_size=1000)
        self._count("referral", len(new), len(changed), total)
        return held

    def _write_items(
        self, kind: str, children: dict[str, Child], referrals: dict[tuple[str, dt.date], Referral]
    ) -> dict[tuple[int, dt.date], Any]:
        """Items keyed by (referral, start). One held with no referral (belonging to the referral
        open on its date) is matched too, and keeps having none."""
        model = ITEM_MODELS[kind]
        fields = ITEM_FIELDS[kind]
        held: dict[tuple[int, dt.date], list[Any]] = defaultdict(list)
        query: Any = model._default_manager.filter(child__in=children.values()).order_by("pk")
        for held_obj in query:
            held[(held_obj.child_id, held_obj.start)].append(held_obj)
        written: dict[tuple[int, dt.date], Any] = {}
        new: list[Any] = []
        changed: list[Any] = []
        total = 0
        for child_id, found in sorted(self.children.items()):
            child = children[child_id]
            for date, referral_in in sorted(found.referrals.items()):
                referral = referrals[(child_id, date)]
                for start, item in sorted(referral_in.items.get(kind, {}).items()):
                    total += 1
                    candidates = held[(child.pk, start)]
                    obj: Any = next((o for o in candidates if o.referral_id == referral.pk), None) or next(
                        (o for o in candidates if o.referral_id is None), None
                    )
                    if obj is None:
                        obj = model(child=child, referral=referral, start=start)
                        _defaults(kind, obj, item.values)
                    before = {f: getattr(obj, f) for f in fields}
                    if item.values.get("completed_by") and obj.completed is None:
                        obj.completed = item.values["completed_by"]
                    for name in fields:
                        if name == "strategy_discussion" and _same_target(obj, item.values["target"]):
                            continue
                        if item.values.get(name) is not None:
                            setattr(obj, name, item.values[name])
                    if obj.pk is None:
                        new.append(obj)
                        candidates.append(obj)
                    elif {f: getattr(obj, f) for f in fields} != before:
                        changed.append(obj)
                    written[(referral.pk, start)] = obj
        model._default_manager.bulk_create(new, batch_size=1000)
        model._default_manager.bulk_update(changed, list(fields), batch_size=1000)
        self._count(kind, len(new), len(changed), total)
        return written

    def _write_conferences(
        self,
        children: dict[str, Child],
        referrals: dict[tuple[str, dt.date], Referral],
        written: dict[str, dict[tuple[int, dt.date], Any]],
    ) -> None:
        """Initial conferences (after an enquiry, or on their own) and plan reviews."""
        held = Conference.objects.filter(child__in=children.values()).order_by("date", "pk")
        after_enquiry: dict[int, Conference] = {}
        alone: set[tuple[int, dt.date]] = set()
        reviews: set[tuple[int, dt.date]] = set()
        for c in held:
            if c.kind == Conference.Kind.INITIAL and c.section47_id is not None:
                after_enquiry.setdefault(c.section47_id, c)  # the earliest is the one returned
            elif c.kind == Conference.Kind.INITIAL:
                alone.add((c.child_id, c.date))
            elif c.plan_id is not None:
                reviews.add((c.plan_id, c.date))
        plan_starts = {(p.child_id, start) for (_, start), p in written["cp_plan"].items()}
        new: list[Conference] = []
        changed: list[Conference] = []
        total = 0
        for child_id, found in sorted(self.children.items()):
            child = children[child_id]
            for date, referral_in in sorted(found.referrals.items()):
                referral = referrals[(child_id, date)]
                enquiry_days = set()
                for start, item in sorted(referral_in.items.get("section47", {}).items()):
                    day = item.values["conference"]
                    if day is None:
                        continue
                    total += 1
                    enquiry_days.add(day)
                    s47 = written["section47"][(referral.pk, start)]
                    conference = after_enquiry.get(s47.pk)
                    if conference is None:
                        made = (child.pk, day) in plan_starts
                        conference = Conference(
                            child=child, section47=s47, kind="initial", date=day, plan_made=made
                        )
                        after_enquiry[s47.pk] = conference
                        new.append(conference)
                    elif conference.date != day:
                        conference.date = day
                        changed.append(conference)
                day = referral_in.values["initial_cpc"]
                if day is not None and day not in enquiry_days:
                    total += 1
                    if (child.pk, day) not in alone:
                        made = (child.pk, day) in plan_starts
                        new.append(Conference(child=child, kind="initial", date=day, plan_made=made))
                        alone.add((child.pk, day))
                for start, item in sorted(referral_in.items.get("cp_plan", {}).items()):
                    plan = written["cp_plan"][(referral.pk, start)]
                    for review in sorted(item.values["reviews"]):
                        total += 1
                        if (plan.pk, review) not in reviews:
                            new.append(
                                Conference(child=child, plan=plan, kind="review", date=review, plan_made=True)
                            )
                            reviews.add((plan.pk, review))
        Conference.objects.bulk_create(new, batch_size=1000)
        Conference.objects.bulk_update(changed, ["date"], batch_size=1000)
        self._count("conference", len(new), len(changed), total)


def _apply_referral(referral: Referral, values: dict[str, Any]) -> None:
    for name in ("source", "primary_need", "closed", "closure_reason"):
        if values[name] is not None:
            setattr(referral, name, values[name])
    if values["nfa"]:
        referral.route = Referral.Route.NO_FURTHER_ACTION
    elif values["nfa"] is False and referral.route == Referral.Route.NO_FURTHER_ACTION:
        referral.route = ""


def _defaults(kind: str, obj: Any, values: dict[str, Any]) -> None:
    """What a new item needs that the census may leave out."""
    if kind == "section47":
        obj.strategy_discussion = values["strategy_discussion"] or values["start"]
        obj.icpc_required = (
            values["icpc_required"] if values["icpc_required"] is not None else bool(values["conference"])
        )
    if kind == "assessment":
        obj.factors = ""


def _same_target(obj: Any, target: dt.date | None) -> bool:
    """An enquiry held whose strategy discussion already gives this target keeps its date."""
    held = getattr(obj, "strategy_discussion", None)
    return (
        held is not None and target is not None and add_working_days(held, ICPC_TARGET_WORKING_DAYS) == target
    )
