"""The CIN census export: which referrals and activity fall in the year, and the XML the DfE's
validator reads."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.frontdoor.models import Referral
from divert.returns.exportcin import build_cin

D = dt.date


@pytest.fixture
def census(world: Any) -> Any:
    """Ava: an old closed referral, and one in the year with an assessment, S47 and a CP plan."""
    ava = world.child_north
    Referral.objects.create(
        child=ava, date=D(2022, 1, 5), source="1A", closed=D(2022, 3, 1), closure_reason="RC8"
    )
    referral = Referral.objects.create(child=ava, date=D(2024, 5, 2), source="5A", primary_need="N1")
    Assessment.objects.create(
        child=ava, referral=referral, start=D(2024, 5, 3), authorised=D(2024, 6, 20), factors="2A, 3A"
    )
    s47 = Section47.objects.create(
        child=ava,
        referral=referral,
        strategy_discussion=D(2024, 7, 1),
        start=D(2024, 7, 1),
        icpc_required=True,
    )
    plan = ChildProtectionPlan.objects.create(
        child=ava, referral=referral, start=D(2024, 7, 19), category="NEG"
    )
    Conference.objects.create(child=ava, section47=s47, kind="initial", date=D(2024, 7, 19), plan_made=True)
    Conference.objects.create(child=ava, plan=plan, kind="review", date=D(2024, 10, 18), plan_made=True)
    CINPlan.objects.create(child=ava, referral=referral, start=D(2025, 4, 2))  # after the year: left out
    return world


def _text(element: ET.Element, path: str) -> list[str]:
    return [e.text or "" for e in element.findall(path)]


def test_the_census_holds_the_years_referral_with_its_activity(census: Any) -> None:
    root = build_cin(2025)
    assert _text(root, "Header/CollectionDetails/ReferenceDate") == ["2025-03-31"]
    assert _text(root, "Header/Source/LEA") == ["879"]
    children = root.findall("Children/Child")
    assert [_text(c, "ChildIdentifiers/LAchildID")[0] for c in children] == ["N0001"]
    details = children[0].findall("CINdetails")
    assert _text(details[0], "CINreferralDate") == ["2024-05-02"]
    assert _text(details[0], "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors") == ["2A", "3A"]
    assert _text(details[0], "Section47/DateOfInitialCPC") == ["2024-07-19"]
    # 15 working days after the strategy discussion of Monday 1 July 2024.
    assert _text(details[0], "Section47/InitialCPCtarget") == ["2024-07-22"]
    assert _text(details[0], "DateOfInitialCPC") == []  # held at the section 47 level only
    assert _text(details[0], "ChildProtectionPlans/Reviews/CPPreviewDate") == ["2024-10-18"]
    assert details[0].findall("CINPlanDates") == []


def test_sex_is_coded_as_the_census_year_does(census: Any) -> None:
    assert _text(build_cin(2025), "Children/Child/ChildIdentifiers/Sex") == ["F"]
    Referral.objects.filter(date=D(2024, 5, 2)).update(date=D(2023, 5, 2))
    assert _text(build_cin(2024), "Children/Child/ChildIdentifiers/GenderCurrent") == ["2"]


def test_the_census_file_is_byte_for_byte_the_same_each_time(census: Any, tmp_path: Path) -> None:
    call_command("export_cin", "--year", "2025", "--out", str(tmp_path / "a.xml"))
    call_command("export_cin", "--year", "2025", "--out", str(tmp_path / "b.xml"))
    data = (tmp_path / "a.xml").read_bytes()
    assert data == (tmp_path / "b.xml").read_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<Message>")


def test_an_enquiry_completed_before_the_year_is_returned_when_its_conference_fell_in_it(census: Any) -> None:
    s47 = Section47.objects.get()
    Section47.objects.filter(pk=s47.pk).update(start=D(2024, 3, 20), strategy_discussion=D(2024, 3, 20))
    Section47.objects.filter(pk=s47.pk).update(completed=D(2024, 3, 28))
    Conference.objects.filter(kind="initial").update(date=D(2024, 4, 10))
    ChildProtectionPlan.objects.update(start=D(2024, 4, 10))
    Referral.objects.filter(date=D(2024, 5, 2)).update(date=D(2024, 3, 1))
    details = build_cin(2025).findall("Children/Child/CINdetails")[-1]
    assert _text(details, "Section47/S47ActualStartDate") == ["2024-03-20"]
    assert _text(details, "Section47/DateOfInitialCPC") == ["2024-04-10"]
    assert _text(details, "ChildProtectionPlans/CPPstartDate") == ["2024-04-10"]


def test_the_census_reads_the_register_in_the_same_few_queries_however_many_referrals(census: Any) -> None:
    """One query per table, not one per referral (the demo authority's census made 30,000)."""
    with CaptureQueriesContext(connection) as one_child:
        build_cin(2025)
    sid = census.child_south
    referral = Referral.objects.create(child=sid, date=D(2024, 6, 3), source="2A", primary_need="N2")
    Assessment.objects.create(child=sid, referral=referral, start=D(2024, 6, 3), authorised=D(2024, 7, 1))
    s47 = Section47.objects.create(
        child=sid,
        referral=referral,
        strategy_discussion=D(2024, 6, 10),
        start=D(2024, 6, 10),
        icpc_required=True,
    )
    plan = ChildProtectionPlan.objects.create(
        child=sid, referral=referral, start=D(2024, 6, 28), category="PHY"
    )
    Conference.objects.create(child=sid, section47=s47, kind="initial", date=D(2024, 6, 28), plan_made=True)
    Conference.objects.create(child=sid, plan=plan, kind="review", date=D(2024, 9, 20), plan_made=True)
    CINPlan.objects.create(child=sid, referral=referral, start=D(2024, 7, 1))
    with CaptureQueriesContext(connection) as two_children:
        root = build_cin(2025)
    assert len(root.findall("Children/Child")) == 2
    assert len(two_children.captured_queries) == len(one_child.captured_queries) <= 8
