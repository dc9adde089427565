"""Checking a return with the DfE validators: results grouped by rule, and a rule that did not
run is "not checked", never passed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from divert.returns import validation
from divert.returns.export903 import export_903
from divert.returns.exportcin import export_cin
from divert.returns.validation import FAILED, NOT_CHECKED, PASSED, QUERY, count_text, parse_report

RUNNER_OUTPUT: dict[str, Any] = {
    "return": "903",
    "year": 2025,
    "ruleset": "lac2024_25",
    "rules": [
        {"code": "101", "message": "Gender code is not valid.", "status": "passed", "rows": []},
        {"code": "231", "message": "UASC ages", "status": "not checked", "reason": "the rule crashed"},
        {"code": "999", "message": "An unknown outcome", "status": "errored"},
        {
            "code": "393",
            "message": "Mother field is not completed.",
            "status": "failed",
            "rows": [
                {"table": "Header", "row": 0, "child": "A1"},
                {"table": "Header", "row": 4, "child": "B2"},
                {"table": "Episodes", "row": 9, "child": "A1"},
            ],
        },
    ],
}


def test_results_are_grouped_by_rule_with_the_number_of_children() -> None:
    report = parse_report(RUNNER_OUTPUT)
    failed = report.with_status(FAILED)
    assert [r.code for r in failed] == ["393"]
    assert failed[0].children == ["A1", "B2"]
    assert [r.code for r in report.rules] == ["393", "231", "999", "101"]
    assert not report.clean


def test_a_rule_that_crashed_or_reported_anything_else_is_not_checked_never_passed() -> None:
    report = parse_report(RUNNER_OUTPUT)
    assert {r.code for r in report.with_status(NOT_CHECKED)} == {"231", "999"}
    assert [r.code for r in report.with_status(PASSED)] == ["101"]


def test_the_command_prints_failed_and_not_checked_rules(
    world: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        assert command[2:5] == ["903", "--year", "2025"]
        return subprocess.CompletedProcess(command, 0, json.dumps(RUNNER_OUTPUT), "")

    monkeypatch.setattr(validation, "validator_python", lambda: Path("/fake/python"))
    monkeypatch.setattr(validation.subprocess, "run", fake_run)
    with pytest.raises(CommandError, match="1 rules failed"):
        call_command("validate_returns", "--year", "2025", "--return", "903")
    out = capsys.readouterr().out
    assert "1 failed, 0 queries, 2 not checked, 0 explained, 1 passed" in out
    assert "FAILED 393: 2 children" in out
    assert "NOT CHECKED 231 (the rule crashed)" in out


def test_missing_validators_are_reported_not_passed(world: Any, settings: Any) -> None:
    settings.DIVERT_VALIDATOR_PYTHON = "/nowhere/python"
    with pytest.raises(CommandError, match="validators are not installed"):
        call_command("validate_returns", "--year", "2025")


# Rules the export itself is responsible for (codes by year, OC3 "0", MOTHER, URN, UASC
# postcodes, care leavers at 17-18): they must pass on the synthetic authority.
EXPORT_RULES = {"101", "146", "132", "133", "153", "344", "165", "393", "607", "628", "406", "1016"}


@pytest.mark.slow
def test_the_real_validators_check_a_synthetic_authoritys_return(db: None, tmp_path: Path) -> None:
    python = getattr(settings, "DIVERT_VALIDATOR_PYTHON", "")
    if not python or not Path(python).exists():
        pytest.skip("the DfE validators' python is not installed (make .venv-validators/bin/python)")
    call_command("synth", "--children", "5000", "--years", "4", "--today", "2025-11-23")
    export_903(2025, tmp_path)
    report = validation.run_validator("903", 2025, tmp_path, "E06000026")
    assert report.ruleset == "lac2024_25"
    by_code = {r.code: r for r in report.rules}
    assert len(by_code) > 250
    assert by_code["231"].status == NOT_CHECKED  # it raises on every run
    assert {code: by_code[code].status for code in EXPORT_RULES} == dict.fromkeys(EXPORT_RULES, PASSED)
    # The CIN census of the same authority: every rule ran, and the rules the export is
    # responsible for (one initial conference per level, in the census year) pass.
    export_cin(2025, tmp_path / "cin.xml")
    cin = validation.run_validator("cin", 2025, tmp_path / "cin.xml", "E06000026")
    cin_by_code = {r.code: r for r in cin.rules}
    assert cin.ruleset == "cin2024_25" and len(cin_by_code) > 100
    assert {cin_by_code[c].status for c in ("2884", "8715", "8750", "100")} == {PASSED}


def test_a_cin_query_is_kept_apart_from_the_errors_that_stop_a_return() -> None:
    def rule(code: str) -> dict[str, object]:
        return {
            "code": code,
            "message": code,
            "status": "failed",
            "rows": [{"table": "x", "row": 0, "child": "A1"}],
        }

    both = parse_report(
        {"return": "cin", "year": 2025, "ruleset": "cin2024_25", "rules": [rule("8670Q"), rule("2990")]}
    )
    assert [(r.code, r.status) for r in both.rules] == [("2990", FAILED), ("8670Q", QUERY)]
    assert not both.clean
    queries_only = parse_report(
        {"return": "cin", "year": 2025, "ruleset": "cin2024_25", "rules": [rule("8670Q")]}
    )
    assert queries_only.clean
    assert count_text({QUERY: 1}) == "0 failed, 1 query, 0 not checked, 0 explained, 0 passed"
