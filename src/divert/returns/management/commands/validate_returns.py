"""``divert validate-returns --year YYYY``: export the SSDA903 and CIN returns, check them by DfE rules.

The SSDA903 return of the year before is exported too and given to the validator as last
year's, so that the rules comparing the two years run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.returns.checking import check_register
from divert.returns.export903 import authority_by_code
from divert.returns.validation import (
    EXPLAINED,
    FAILED,
    NOT_CHECKED,
    QUERY,
    STATUSES,
    ValidationReport,
    ValidatorUnavailable,
    count_text,
)


class Command(BaseCommand):
    help = "Export the SSDA903 return for a collection year and print the DfE rules' results by rule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends, e.g. 2025")
        parser.add_argument("--authority", help="The authority's ONS code or LA number (default: the first)")
        parser.add_argument("--dir", type=Path, help="Keep the exported tables in this folder")
        parser.add_argument("--all", action="store_true", help="Also list the rules that passed")
        parser.add_argument("--return", dest="returns", choices=["903", "cin", "both"], default="both")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = authority_by_code(options["authority"])
        except LookupError as error:
            raise CommandError(str(error)) from error
        kinds = ["903", "cin"] if options["returns"] == "both" else [options["returns"]]
        failed = 0
        with tempfile.TemporaryDirectory() as scratch:
            folder = options["dir"] or Path(scratch)
            for kind in kinds:
                try:
                    report = check_register(kind, options["year"], authority, folder)
                except (ValidatorUnavailable, RuntimeError) as error:
                    raise CommandError(str(error)) from error
                self._print(report, show_passed=options["all"])
                failed += len(report.with_status(FAILED))
        if failed:
            raise CommandError(f"{failed} rules failed.")

    def _print(self, report: ValidationReport, *, show_passed: bool) -> None:
        counts = count_text({s: len(report.with_status(s)) for s in STATUSES})
        label = "SSDA903" if report.kind == "903" else "CIN census"
        self.stdout.write(f"{label} {report.year} ({report.ruleset}): {counts}")
        for rule in report.rules:
            if rule.status == FAILED:
                self.stdout.write(f"FAILED {rule.code}: {len(rule.children)} children: {rule.message}")
                self.stdout.write(f"    children: {', '.join(rule.children[:10])}")
            elif rule.status == QUERY:
                self.stdout.write(f"QUERY {rule.code}: {len(rule.children)} children: {rule.message}")
                self.stdout.write(f"    children: {', '.join(rule.children[:10])}")
            elif rule.status == EXPLAINED:
                self.stdout.write(f"EXPLAINED {rule.code}: {len(rule.children)} children: {rule.reason}")
            elif rule.status == NOT_CHECKED:
                self.stdout.write(f"NOT CHECKED {rule.code} ({rule.reason}): {rule.message}")
            elif show_passed:
                self.stdout.write(f"passed {rule.code}: {rule.message}")
