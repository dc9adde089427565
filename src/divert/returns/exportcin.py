"""Export one year's children in need census from the register, as the DfE's XML.

A CIN episode (``CINdetails``) is a referral: the census holds every child with a referral open
at any time in the collection year (``year`` 2025 is 1 April 2024 to 31 March 2025), with the
assessments, CIN plans, section 47 enquiries and child protection plans of that episode. The
layout is what the DfE's ``cin_validator`` reads (``Message/Header/CollectionDetails`` and
``Children/Child``). The output is byte-deterministic: children by LAchildID, episodes by date.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.db.models import Q, QuerySet

from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.core.calendar import add_working_days
from divert.core.models import Authority
from divert.frontdoor.models import Referral
from divert.people.models import Child
from divert.returns.export903 import CollectionYear, default_authority

XML_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"
# An initial child protection conference is due within 15 working days of the strategy discussion.
ICPC_TARGET_WORKING_DAYS = 15


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _add(parent: ET.Element, tag: str, value: str | None) -> None:
    """A child element with text; an unknown value is left out, as the census expects."""
    if value not in (None, ""):
        ET.SubElement(parent, tag).text = value


def _sex(child: Child, year: int) -> tuple[str, str]:
    """Sex as the year codes it: GenderCurrent 1/2/0 until 2023/24, then Sex M/F/U."""
    if year <= 2024:
        return "GenderCurrent", {"M": "1", "F": "2"}.get(child.sex, "0")
    return "Sex", child.sex


def _header(root: ET.Element, year: int, authority: Authority) -> None:
    header = ET.SubElement(root, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(year))
    _add(details, "ReferenceDate", f"{year}-03-31")
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", str(authority.la_number))
    _add(source, "SoftwareCode", "Divert")
    _add(source, "Release", "1")
    _add(source, "SerialNo", "1")
    _add(source, "DateTime", f"{year}-03-31T00:00:00")  # fixed, so the file is reproducible


def _in_year(start: dt.date, end: dt.date | None, cy: CollectionYear) -> bool:
    return start <= cy.end and (end is None or end >= cy.start)


def _belongs(item_referral_id: int | None, day: dt.date, referral: Referral) -> bool:
    """An item belongs to the referral it names, or else to the referral open on its date."""
    if item_referral_id is not None:
        return item_referral_id == referral.pk
    return referral.date <= day and (referral.closed is None or day <= referral.closed)


_Dated = TypeVar("_Dated", Assessment, CINPlan, Section47, ChildProtectionPlan)


@dataclass
class _Activity:
    """Everything the census returns about the year's children, read in one query per table.

    Each list is in the order the census lists it (by date, then id); the export then works in
    memory, so its time does not grow with one query per referral.
    """

    assessments: dict[int, list[Assessment]] = field(default_factory=dict)
    cin_plans: dict[int, list[CINPlan]] = field(default_factory=dict)
    section47s: dict[int, list[Section47]] = field(default_factory=dict)
    cp_plans: dict[int, list[ChildProtectionPlan]] = field(default_factory=dict)
    # An enquiry's initial conference (the earliest), and the initial conferences held without one.
    icpc_of: dict[int, Conference] = field(default_factory=dict)
    lone_icpcs: dict[int, list[Conference]] = field(default_factory=dict)
    reviews: dict[int, list[Conference]] = field(default_factory=dict)  # by plan

    @classmethod
    def of(cls, children: QuerySet[Referral]) -> _Activity:
        ids = children.values("child_id")
        found = cls(
            assessments=_by_child(Assessment.objects.filter(child_id__in=ids)),
            cin_plans=_by_child(CINPlan.objects.filter(child_id__in=ids)),
            section47s=_by_child(Section47.objects.filter(child_id__in=ids)),
            cp_plans=_by_child(ChildProtectionPlan.objects.filter(child_id__in=ids)),
        )
        for c in Conference.objects.filter(child_id__in=ids).order_by("date", "pk"):
            if c.kind == "initial" and c.section47_id is not None:
                found.icpc_of.setdefault(c.section47_id, c)
            elif c.kind == "initial":
                found.lone_icpcs.setdefault(c.child_id, []).append(c)
            elif c.kind == "review" and c.plan_id is not None:
                found.reviews.setdefault(c.plan_id, []).append(c)
        return found


def _by_child(rows: QuerySet[_Dated]) -> dict[int, list[_Dated]]:
    """Each child's rows, by start date then id."""
    grouped: dict[int, list[_Dated]] = {}
    for row in rows.order_by("start", "pk"):
        grouped.setdefault(row.child_id, []).append(row)
    return grouped


def _cin_details(child_el: ET.Element, referral: Referral, cy: CollectionYear, found: _Activity) -> None:
    details = ET.SubElement(child_el, "CINdetails")
    child_id = referral.child_id
    _add(details, "CINreferralDate", iso(referral.date))
    _add(details, "ReferralSource", referral.source)
    _add(details, "PrimaryNeedCode", referral.primary_need)
    closed = cy.within(referral.closed)
    _add(details, "CINclosureDate", iso(closed))
    _add(details, "ReasonForClosure", referral.closure_reason if closed else None)
    # An initial conference that followed a section 47 enquiry is returned with that enquiry only.
    initial = [
        c
        for c in found.lone_icpcs.get(child_id, [])
        if cy.contains(c.date) and _belongs(None, c.date, referral)
    ]
    _add(details, "DateOfInitialCPC", iso(min((c.date for c in initial), default=None)))
    nfa = referral.route == "nfa" if referral.route else False
    _add(details, "ReferralNFA", "1" if nfa else "0")
    _assessments(details, referral, cy, found.assessments.get(child_id, []))
    _plans(details, referral, cy, found.cin_plans.get(child_id, []))
    _section47s(details, referral, cy, found)
    _protection_plans(details, referral, cy, found)


def _assessments(details: ET.Element, referral: Referral, cy: CollectionYear, held: list[Assessment]) -> None:
    for a in held:
        if not (_in_year(a.start, a.authorised, cy) and _belongs(a.referral_id, a.start, referral)):
            continue
        element = ET.SubElement(details, "Assessments")
        _add(element, "AssessmentActualStartDate", iso(a.start))
        authorised = cy.within(a.authorised)
        _add(element, "AssessmentAuthorisationDate", iso(authorised))
        factors = [f.strip() for f in a.factors.split(",") if f.strip()]
        if authorised and factors:
            listed = ET.SubElement(element, "FactorsIdentifiedAtAssessment")
            for factor in factors:
                _add(listed, "AssessmentFactors", factor)


def _plans(details: ET.Element, referral: Referral, cy: CollectionYear, held: list[CINPlan]) -> None:
    for plan in held:
        if _in_year(plan.start, plan.end, cy) and _belongs(plan.referral_id, plan.start, referral):
            element = ET.SubElement(details, "CINPlanDates")
            _add(element, "CINPlanStartDate", iso(plan.start))
            _add(element, "CINPlanEndDate", iso(cy.within(plan.end)))


def _section47s(details: ET.Element, referral: Referral, cy: CollectionYear, found: _Activity) -> None:
    """Enquiries open in the year, or whose initial conference fell in it (so the plan it made
    can be matched to its conference: rule 2885)."""
    for s47 in found.section47s.get(referral.child_id, []):
        conference = found.icpc_of.get(s47.pk)
        held = conference.date if conference and cy.contains(conference.date) else None
        in_year = _in_year(s47.start, s47.completed, cy) or held is not None
        if not (in_year and _belongs(s47.referral_id, s47.start, referral)):
            continue
        element = ET.SubElement(details, "Section47")
        _add(element, "S47ActualStartDate", iso(s47.start))
        target = add_working_days(s47.strategy_discussion, ICPC_TARGET_WORKING_DAYS)
        _add(element, "InitialCPCtarget", iso(target))
        _add(element, "DateOfInitialCPC", iso(held))
        _add(element, "ICPCnotRequired", "false" if s47.icpc_required else "true")


def _protection_plans(details: ET.Element, referral: Referral, cy: CollectionYear, found: _Activity) -> None:
    for index, plan in enumerate(found.cp_plans.get(referral.child_id, [])):
        if not (_in_year(plan.start, plan.end, cy) and _belongs(plan.referral_id, plan.start, referral)):
            continue
        element = ET.SubElement(details, "ChildProtectionPlans")
        _add(element, "CPPstartDate", iso(plan.start))
        _add(element, "CPPendDate", iso(cy.within(plan.end)))
        _add(element, "InitialCategoryOfAbuse", plan.category)
        _add(element, "LatestCategoryOfAbuse", plan.category)
        _add(element, "NumberOfPreviousCPP", str(index + plan.earlier_plans_not_held))
        for review in found.reviews.get(plan.pk, []):
            if cy.contains(review.date):
                _add(ET.SubElement(element, "Reviews"), "CPPreviewDate", iso(review.date))


def _child(
    children_el: ET.Element, child: Child, referrals: Iterable[Referral], cy: CollectionYear, found: _Activity
) -> None:
    element = ET.SubElement(children_el, "Child")
    ids = ET.SubElement(element, "ChildIdentifiers")
    _add(ids, "LAchildID", child.child_id)
    _add(ids, "UPN", child.upn if child.upn and not child.upn.startswith("UN") else None)
    _add(ids, "UPNunknown", child.upn if child.upn.startswith("UN") else None)
    _add(ids, "PersonBirthDate", iso(child.date_of_birth))
    tag, sex = _sex(child, cy.year)
    _add(ids, tag, sex)
    _add(ids, "PersonDeathDate", iso(cy.within(child.date_of_death)))
    characteristics = ET.SubElement(element, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", child.ethnicity)
    disabilities = ET.SubElement(characteristics, "Disabilities")
    # The register records whether a child is disabled, not how: NONE is returned only when not.
    _add(disabilities, "Disability", None if child.disability else "NONE")
    for referral in referrals:
        _cin_details(element, referral, cy, found)


def build_cin(year: int, authority: Authority | None = None) -> ET.Element:
    """The CIN census ``Message`` element for one collection year."""
    authority = authority or default_authority()
    cy = CollectionYear(year)
    root = ET.Element("Message")
    _header(root, year, authority)
    children_el = ET.SubElement(root, "Children")
    referrals = (
        Referral.objects.filter(child__authority=authority, date__lte=cy.end)
        .filter(Q(closed__isnull=True) | Q(closed__gte=cy.start))
        .select_related("child")
        .order_by("child__child_id", "date", "pk")
    )
    found = _Activity.of(referrals)
    by_child: dict[int, list[Referral]] = {}
    for referral in referrals:
        by_child.setdefault(referral.child_id, []).append(referral)
    for held in by_child.values():
        _child(children_el, held[0].child, held, cy, found)
    return root


def to_xml(root: ET.Element) -> bytes:
    """Indented UTF-8 XML with ``\\n`` line endings."""
    ET.indent(root)
    # Serialised to text and encoded once: the same bytes as ``encoding="utf-8"``, several times
    # faster (that path encodes each of the half a million pieces of a large census on its own).
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def export_cin(year: int, out: Path, authority: Authority | None = None) -> int:
    """Write the census XML to ``out``; returns the number of children."""
    root = build_cin(year, authority)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(to_xml(root))
    children = root.find("Children")
    return 0 if children is None else len(children)
