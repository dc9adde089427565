"""Check an exported return with the DfE's own rules, run in their own environment.

The DfE validators pin an older pandas and govuk-bank-holidays than Divert, so they live in a
separate virtualenv (``.venv-validators``, from ``requirements-validators.txt``) and are run as a
subprocess (``validator_runner.py``) that prints JSON. This module parses that JSON and groups
the results by rule. A rule that crashed or could not run is "not checked", never "passed".
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

RUNNER = Path(__file__).with_name("validator_runner.py")

PASSED = "passed"
FAILED = "failed"
NOT_CHECKED = "not checked"
#: A CIN rule whose code ends in Q flagged data: a query to check and explain, not an error.
QUERY = "query"
#: Failed by the tool, shown by the whole register to be a false positive (``explain.py``).
EXPLAINED = "explained"
STATUSES = (FAILED, QUERY, NOT_CHECKED, EXPLAINED, PASSED)


def count_text(counts: dict[str, int]) -> str:
    """ "2 failed, 1 query, 8 not checked, 0 explained, 301 passed": every status, always shown."""
    return ", ".join(
        f"{counts.get(s, 0)} {('queries' if counts.get(s, 0) != 1 else s) if s == QUERY else s}"
        for s in STATUSES
    )


class ValidatorUnavailable(RuntimeError):
    """The validators' interpreter is not installed (run ``make .venv-validators/bin/python``)."""


@dataclass(frozen=True)
class FailingRow:
    table: str
    row: int
    child: str | None


@dataclass
class RuleResult:
    """One DfE rule's outcome on one return."""

    code: str
    message: str
    status: str
    reason: str = ""
    rows: list[FailingRow] = field(default_factory=list)

    @property
    def children(self) -> list[str]:
        """The distinct children the rule flags, in order."""
        return sorted({r.child for r in self.rows if r.child})


@dataclass
class ValidationReport:
    kind: str
    year: int
    ruleset: str
    rules: list[RuleResult]

    def sort(self) -> None:
        """Failed rules first, then not checked, explained and passed; most children first."""
        self.rules.sort(key=lambda r: (STATUSES.index(r.status), -len(r.children), r.code))

    def with_status(self, status: str) -> list[RuleResult]:
        return [r for r in self.rules if r.status == status]

    @property
    def clean(self) -> bool:
        """No rule failed. Rules not checked are listed separately: they are not a pass."""
        return not self.with_status(FAILED)


def validator_python() -> Path:
    """The interpreter of the validators' environment, or ValidatorUnavailable."""
    configured = getattr(settings, "DIVERT_VALIDATOR_PYTHON", "") or ""
    if not configured or not Path(configured).exists():
        raise ValidatorUnavailable(
            "The DfE validators are not installed: run `make .venv-validators/bin/python` "
            "or set DIVERT_VALIDATOR_PYTHON."
        )
    return Path(configured)


def _status(raw: str, code: str) -> str:
    """Anything the runner did not positively report as passed or failed is not checked.

    The CIN rules whose code ends in Q are the Department's queries: the return may go with
    them once each is explained, so they are kept apart from the errors that stop it.
    """
    if raw == FAILED and code.endswith("Q"):
        return QUERY
    return raw if raw in (PASSED, FAILED) else NOT_CHECKED


def parse_report(data: dict[str, Any]) -> ValidationReport:
    """The runner's JSON as a report, failed rules first, then by code."""
    rules = [
        RuleResult(
            code=str(r["code"]),
            message=str(r.get("message", "")),
            status=_status(str(r.get("status", "")), str(r["code"])),
            reason=str(r.get("reason", "")),
            rows=[FailingRow(str(x["table"]), int(x["row"]), x.get("child")) for x in r.get("rows", [])],
        )
        for r in data.get("rules", [])
    ]
    report = ValidationReport(
        str(data.get("return", "")), int(data["year"]), str(data.get("ruleset", "")), rules
    )
    report.sort()
    return report


def run_validator(
    kind: str, year: int, path: Path, local_authority: str, previous: Path | None = None
) -> ValidationReport:
    """Run the DfE rules for ``kind`` ("903" or "cin") on an exported return at ``path``.

    ``previous`` is last year's SSDA903 return (a folder of tables): without it the rules that
    compare the two years are "not checked".
    """
    command = [str(validator_python()), str(RUNNER), kind, "--year", str(year), "--la", local_authority]
    if previous is not None:
        command += ["--previous", str(previous)]
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"The DfE validator did not run: {done.stderr.strip()[-2000:]}")
    return parse_report(json.loads(done.stdout))
