"""The CIN census import: the export read back gives the same file, a known child is matched,
years merge into one history, and a broken or hostile file is refused naming the file, line and
field without writing anything."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.core.models import AuditEvent
from divert.frontdoor.models import Referral
from divert.people.models import Child
from divert.returns.exportcin import build_cin, export_cin, to_xml
from divert.returns.import903 import ImportFailed
from divert.returns.importcin import import_cin, strategy_discussion_for
from divert.synth.load import flush_register

pytestmark = pytest.mark.django_db

D = dt.date
CASES = (Child, Referral, Assessment, CINPlan, Section47, ChildProtectionPlan, Conference)
IGNORED = {"id", "created", "updated"}


def state() -> dict[str, list[tuple[Any, ...]]]:
    """Every value of the register's children in need tables (keys left out), to compare."""
    out = {}
    for model in CASES:
        names = sorted(f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED)
        names = [n for n in names if not n.endswith("_id") or n in {"child_id"}]
        out[model.__name__] = sorted(model._default_manager.values_list(*names), key=repr)
    return out


@pytest.fixture
def census(world: Any) -> Any:
    """Ava: a referral in the year with an assessment, a CIN plan, an enquiry with its conference
    and a plan with two reviews; Ben: disabled, a closed referral and a conference on its own."""
    ava = world.child_north
    referral = Referral.objects.create(child=ava, date=D(2024, 5, 2), source="5A", primary_need="N1")
    Assessment.objects.create(
        child=ava, referral=referral, start=D(2024, 5, 3), authorised=D(2024, 6, 20), factors="2A,3A"
    )
    CINPlan.objects.create(child=ava, referral=referral, start=D(2024, 6, 21), end=D(2024, 7, 18))
    s47 = Section47.objects.create(
        child=ava,
        referral=referral,
        strategy_discussion=D(2024, 7, 1),
        start=D(2024, 7, 2),
        icpc_required=True,
    )
    plan = ChildProtectionPlan.objects.create(
        child=ava, referral=referral, start=D(2024, 7, 19), category="NEG"
    )
    Conference.objects.create(child=ava, section47=s47, kind="initial", date=D(2024, 7, 19), plan_made=True)
    for day in (D(2024, 10, 18), D(2025, 1, 17)):
        Conference.objects.create(child=ava, plan=plan, kind="review", date=day, plan_made=True)
    ben = world.child_south
    ben.disability = True
    ben.save()
    Referral.objects.create(
        child=ben, date=D(2024, 9, 1), source="1A", route="nfa", closed=D(2024, 9, 30), closure_reason="RC8"
    )
    Conference.objects.create(child=ben, kind="initial", date=D(2024, 9, 20))
    return world


def _write(path: Path, year: int = 2025) -> Path:
    export_cin(year, path)
    return path


@pytest.fixture
def refused(world: Any) -> Any:
    """Run an import that must fail; assert nothing was written; return the errors."""

    def check(*paths: Path) -> list[str]:
        before, audits = state(), AuditEvent.objects.count()
        with pytest.raises(ImportFailed) as failed:
            import_cin(list(paths), world.authority)
        assert state() == before and AuditEvent.objects.count() == audits, (
            "a refused import must write nothing"
        )
        return failed.value.errors

    return check


# -- round trips ---------------------------------------------------------------------------------


def test_a_census_imported_into_an_empty_register_exports_again_byte_for_byte(
    census: Any, tmp_path: Path
) -> None:
    first = _write(tmp_path / "cin.xml").read_bytes()
    flush_register()
    summary = import_cin([tmp_path / "cin.xml"], census.authority)
    assert summary.warnings == []
    assert to_xml(build_cin(2025)) == first
    ava = Child.objects.get(child_id="N0001")
    assert (ava.first_name, ava.last_name) == ("Unknown", "N0001")  # the census carries no names
    s47 = Section47.objects.get()
    assert s47.strategy_discussion <= s47.start and s47.icpc_required
    assert Child.objects.get(child_id=census.child_south.child_id).disability


def test_reimporting_the_same_census_changes_nothing_and_each_import_is_audited_once(
    census: Any, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cin.xml")
    flush_register()
    audits = AuditEvent.objects.count()
    import_cin([path], census.authority)
    before = state()
    summary = import_cin([path], census.authority)
    assert state() == before
    assert "Referrals: 0 new, 0 updated, 2 unchanged" in summary.lines()
    assert AuditEvent.objects.filter(object_type="returns.cin").count() == 2
    assert AuditEvent.objects.count() == audits + 2


def test_a_census_imported_into_the_register_it_came_from_changes_nothing(
    census: Any, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cin.xml")
    before = state()
    summary = import_cin([path], census.authority)
    assert state() == before
    assert "Children: 0 new, 0 updated, 2 unchanged" in summary.lines()


def test_the_synthetic_census_comes_back_byte_for_byte(tmp_path: Path) -> None:
    """Plans that ended before the year are not in the census, yet its NumberOfPreviousCPP
    counts them: the import keeps the count, so the file comes back the same."""
    call_command("synth", "--children", "5000", "--years", "4", "--today", "2025-11-23")
    assert ChildProtectionPlan.objects.filter(end__lt=D(2024, 4, 1)).exists()
    call_command("export_cin", "--year", "2025", "--out", str(tmp_path / "a.xml"))
    flush_register()
    call_command("import_cin", str(tmp_path / "a.xml"))
    call_command("export_cin", "--year", "2025", "--out", str(tmp_path / "b.xml"))
    first, second = (tmp_path / "a.xml").read_bytes(), (tmp_path / "b.xml").read_bytes()
    assert first.count(b"<Section47>") > 10 and first.count(b"<CPPreviewDate>") > 10
    assert first == second


def test_a_plan_before_the_census_year_is_still_counted_after_the_import(census: Any, tmp_path: Path) -> None:
    ava = census.child_north
    ChildProtectionPlan.objects.create(child=ava, start=D(2020, 1, 6), end=D(2021, 1, 4), category="EMO")
    first = _write(tmp_path / "cin.xml").read_bytes()
    assert b"<NumberOfPreviousCPP>1<" in first
    flush_register()
    summary = import_cin([tmp_path / "cin.xml"], census.authority)
    assert summary.warnings == []
    assert [p.earlier_plans_not_held for p in ChildProtectionPlan.objects.all()] == [1]
    assert _write(tmp_path / "again.xml").read_bytes() == first


def test_a_count_lower_than_the_registers_is_warned_about(census: Any, tmp_path: Path) -> None:
    path = _write(tmp_path / "cin.xml")
    ChildProtectionPlan.objects.create(
        child=census.child_north, start=D(2019, 1, 7), end=D(2019, 9, 2), category="EMO"
    )
    summary = import_cin([path], census.authority)
    assert [w.split(": ", 1)[1] for w in summary.warnings] == [
        "is 0 but the register holds 1 earlier plan(s) for this child"
    ]
    assert summary.warnings[0].startswith("cin.xml line ")


# -- matching and merging ------------------------------------------------------------------------

CENSUS = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year></CollectionDetails>
    <Source><LEA>{lea}</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>{child}</LAchildID>
        <PersonBirthDate>2015-03-01</PersonBirthDate>
        {sex}
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-06-01</CINreferralDate>
        <ReferralSource>3A</ReferralSource>
        {closure}
        <ReferralNFA>0</ReferralNFA>
        {activity}
      </CINdetails>
    </Child>
  </Children>
</Message>
"""
S47 = """<Section47><S47ActualStartDate>2023-07-03</S47ActualStartDate>
<InitialCPCtarget>2023-07-21</InitialCPCtarget><ICPCnotRequired>true</ICPCnotRequired></Section47>"""


def _census(path: Path, *, year: int = 2024, child: str = "C9", **parts: str) -> Path:
    values = {"sex": "<Sex>F</Sex>", "closure": "", "activity": "", "lea": "879"} | parts
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CENSUS.format(year=year, child=child, **values), encoding="utf-8")
    return path


def test_a_child_already_in_the_register_is_matched_not_doubled(world: Any, tmp_path: Path) -> None:
    ava = world.child_north
    children = Child.objects.count()
    import_cin([_census(tmp_path / "cin.xml", child=ava.child_id)], world.authority)
    ava.refresh_from_db()
    assert Child.objects.count() == children
    assert ava.first_name != "Unknown" and ava.referrals.get().date == D(2023, 6, 1)


def test_several_years_merge_into_one_history(world: Any, tmp_path: Path) -> None:
    """The 2024 census has the enquiry open; the 2025 one closes the referral and, no longer
    returning the enquiry, shows that it had ended by 31 March 2024."""
    old = _census(tmp_path / "2024" / "cin.xml", sex="<GenderCurrent>2</GenderCurrent>", activity=S47)
    closure = "<CINclosureDate>2024-05-01</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
    new = _census(tmp_path / "2025" / "cin.xml", year=2025, closure=closure)
    summary = import_cin([new, old], world.authority)
    referral = Referral.objects.get(child__child_id="C9")
    assert (referral.closed, referral.closure_reason) == (D(2024, 5, 1), "RC7")
    s47 = Section47.objects.get(child__child_id="C9")
    assert s47.completed == D(2024, 3, 31) and not s47.icpc_required
    assert s47.strategy_discussion == strategy_discussion_for(D(2023, 7, 21)) == D(2023, 6, 30)
    assert Child.objects.get(child_id="C9").sex == "F"
    assert summary.warnings == [
        "2024/cin.xml line 9, field GenderCurrent: earlier collection years' code '2' mapped to Sex 'F'"
    ]


def test_a_later_census_that_leaves_a_value_out_does_not_clear_it(world: Any, tmp_path: Path) -> None:
    closure = "<CINclosureDate>2024-05-01</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
    import_cin([_census(tmp_path / "a" / "cin.xml", year=2025, closure=closure)], world.authority)
    import_cin([_census(tmp_path / "b" / "cin.xml", year=2025)], world.authority)
    assert Referral.objects.get(child__child_id="C9").closed == D(2024, 5, 1)


# -- refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "spoil", "expected"),
    [
        (
            {},
            lambda t: t.replace("2023-06-01", "2023-02-30"),
            r"line 15, field CINreferralDate: .* not a real date.*",
        ),
        (
            {},
            lambda t: t.replace("2023-06-01", "01/06/2023"),
            r"line 15, field CINreferralDate: .* YYYY-MM-DD",
        ),
        (
            {},
            lambda t: t.replace("<ReferralNFA>", "<Colour>red</Colour><ReferralNFA>"),
            r"line 19: unknown element <Colour> in <CINdetails>",
        ),
        (
            {},
            lambda t: t.replace("Message", "EXPSSDA903"),
            r"line 2: root element is <EXPSSDA903>, expected <Message> .*",
        ),
        ({}, lambda t: t[: len(t) // 2], r"line \d+: is not well-formed XML .*"),
        ({"lea": "301"}, lambda t: t, r"line 5, field LEA: is 301 but .* another authority"),
        (
            {"sex": ""},
            lambda t: t,
            r"line 9, field Sex: is missing for LAchildID C9, who is not in the register",
        ),
        (
            {},
            lambda t: t.replace("<ReferralSource>3A</ReferralSource>", ""),
            r"line 15, field ReferralSource: is missing.*",
        ),
        (
            {},
            lambda t: t.replace("3A", "ZZ"),
            r"line 15, field ReferralSource: \"ZZ\" is not a valid ReferralSource code",
        ),
        (
            {"closure": "<CINclosureDate>2024-05-01</CINclosureDate>"},
            lambda t: t,
            r"line 15, field ReasonForClosure: CINclosureDate and ReasonForClosure must both be given.*",
        ),
        (
            {},
            lambda t: t.replace("?>\n", '?>\n<!DOCTYPE Message [<!ENTITY x "y">]>\n', 1),
            r"line 2: contains a DTD or entity declaration, which a return never needs",
        ),
    ],
)
def test_a_broken_census_is_refused_naming_file_line_and_field(
    refused: Any, tmp_path: Path, parts: dict[str, str], spoil: Any, expected: str
) -> None:
    path = _census(tmp_path / "cin.xml", **parts)
    path.write_text(spoil(path.read_text(encoding="utf-8")), encoding="utf-8")
    errors = refused(path)
    assert any(re.fullmatch(r"cin\.xml " + expected, e) for e in errors), errors


def test_a_census_in_another_encoding_is_refused(refused: Any, tmp_path: Path) -> None:
    path = _census(tmp_path / "cin.xml")
    path.write_bytes(path.read_text(encoding="utf-8").replace("WBRI", "WBRI\u00e9").encode("latin-1"))
    assert refused(path)[0].startswith("cin.xml line 14: is not UTF-8 text (byte 0xe9")


# -- property: any spoiled census is refused clearly or read, never half-written --------------------

CLEAR = re.compile(r"^cin\.xml( line \d+)?(, field \w+)?: .+|^\.\.\. stopped after \d+ errors")
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Rollback(Exception):
    """Undo an accepted example so every example starts from the same register."""


@EXAMPLES
@given(data=st.data())
def test_any_spoiled_census_is_refused_clearly_or_imported_and_never_half_written(
    tmp_path: Path, world: Any, data: st.DataObject
) -> None:
    raw = _census(tmp_path / "cin.xml", activity=S47).read_bytes()
    kind = data.draw(st.sampled_from(["splice", "cut", "text"]))
    at = data.draw(st.integers(0, len(raw)))
    if kind == "splice":
        spoiled = raw[:at] + data.draw(st.binary(min_size=1, max_size=12)) + raw[at:]
    elif kind == "cut":
        spoiled = raw[:at]
    else:
        tag = data.draw(st.sampled_from(re.findall(rb"<(\w+)>[^<]+</\1>", raw)))
        value = data.draw(st.text(max_size=30)).encode("utf-8", "replace")
        value = value.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
        replacement = b"<" + tag + b">" + value + b"<"
        spoiled = re.sub(rb"<" + tag + rb">[^<]+<", lambda _: replacement, raw, count=1)
    (tmp_path / "cin.xml").write_bytes(spoiled)
    before, audits = state(), AuditEvent.objects.count()
    try:
        with transaction.atomic():
            import_cin([tmp_path / "cin.xml"], world.authority)
            raise _Rollback
    except ImportFailed as failed:
        assert failed.errors
        for error in failed.errors:
            assert CLEAR.match(error), error
        assert state() == before and AuditEvent.objects.count() == audits
    except _Rollback:
        pass


def test_the_command_shows_its_progress_on_stderr_and_the_summary_on_stdout(
    census: Any, tmp_path: Path
) -> None:
    import io

    path = _write(tmp_path / "cin.xml")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cin", str(path), "--authority", census.authority.code, stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "[0/3] Reading the census files",
        "[1/3] Checking the history as a whole",
        "[2/3] Writing to the register",
        "[3/3] Written",
    ]
    assert out.getvalue().startswith("Imported the CIN census for Plymptown Council.")
