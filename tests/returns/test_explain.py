"""Failures the DfE tool raises only because it sees two years are checked on the whole register.

An analyst relies on "explained" meaning the register itself shows each flagged child is fine,
and on a rule staying failed when even one child is not explained.
"""

from __future__ import annotations

import datetime as dt

from divert.people.models import Child
from divert.returns.explain import explain
from divert.returns.validation import EXPLAINED, FAILED, FailingRow, RuleResult, ValidationReport
from tests.conftest import World, make_child
from tests.people.conftest import episode


def report(code: str, *children: str, year: int = 2025) -> ValidationReport:
    rows = [FailingRow("OC3", n, child) for n, child in enumerate(children)]
    return ValidationReport("903", year, "lac2024_25", [RuleResult(code, "message", FAILED, rows=rows)])


def care_leaver(world: World, child_id: str, *, left: dt.date, entered: dt.date) -> Child:
    child = make_child(world.authority, child_id, "Lee", "Leaver", dt.date(2006, 6, 1))
    episode(child, entered, dec=left, rec="E8")
    return child


def test_a_care_leaver_whose_care_is_older_than_last_year_is_explained_for_1001_and_1002(
    world: World,
) -> None:
    # In care from 15 to 17, left in June 2023: before the 2024 return the tool is given as last year's.
    care_leaver(world, "L1", entered=dt.date(2021, 6, 1), left=dt.date(2023, 6, 1))
    for code in ("1001", "1002"):
        result = explain(report(code, "L1"), world.authority).rules[0]
        assert result.status == EXPLAINED
        assert "cannot see" in result.reason


def test_a_short_stay_after_14_does_not_make_a_relevant_child(world: World) -> None:
    # Four weeks in care at 16: not 13 weeks, so the register agrees with the tool.
    care_leaver(world, "L2", entered=dt.date(2022, 7, 1), left=dt.date(2022, 7, 29))
    result = explain(report("1001", "L2"), world.authority).rules[0]
    assert result.status == FAILED
    assert result.reason.startswith("0 of 1 children")


def test_one_unexplained_child_keeps_the_rule_failed(world: World) -> None:
    care_leaver(world, "L3", entered=dt.date(2021, 6, 1), left=dt.date(2023, 6, 1))
    make_child(world.authority, "L4", "Never", "InCare", dt.date(2006, 6, 1))
    result = explain(report("1002", "L3", "L4"), world.authority).rules[0]
    assert result.status == FAILED
    assert result.reason.startswith("1 of 2 children")


def test_a_mother_who_left_care_is_explained_for_624_only_if_not_looked_after_this_year(world: World) -> None:
    mother = care_leaver(world, "M1", entered=dt.date(2021, 6, 1), left=dt.date(2024, 2, 1))
    Child.objects.filter(pk=mother.pk).update(is_mother=True, first_child_born=dt.date(2023, 12, 1))
    assert explain(report("624", "M1"), world.authority).rules[0].status == EXPLAINED
    # Looked after again in the year: her motherhood details belong in the return, so 624 is real.
    episode(mother, dt.date(2024, 9, 1))
    assert explain(report("624", "M1"), world.authority).rules[0].status == FAILED


def test_rules_without_an_explanation_and_cin_reports_are_left_alone(world: World) -> None:
    care_leaver(world, "L5", entered=dt.date(2021, 6, 1), left=dt.date(2023, 6, 1))
    assert explain(report("435", "L5"), world.authority).rules[0].status == FAILED
    cin = ValidationReport(
        "cin", 2025, "cin2024_25", [RuleResult("1002", "m", FAILED, rows=[FailingRow("x", 0, "L5")])]
    )
    assert explain(cin, world.authority).rules[0].status == FAILED
