"""``divert validate-returns --year YYYY``: export the SSDA903 and CIN returns, check them by DfE rules.

The SSDA903 return of the year before is exported too and given to the validator as last
year's, so that the rules comparing the two years run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.returns.export903 import authority_by_code, export_903
from divert.returns.exportcin import export_cin
from divert.returns.validation import (
    FAILED,
    NOT_CHECKED,
    ValidationReport,
    ValidatorUnavailable,
    run_validator,
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
                previous = None
                if kind == "903":
                    target = folder / "903"
                    export_903(options["year"], target, authority)
                    previous = folder / "903-previous"  # last year's return, in this year's codes
                    export_903(options["year"] - 1, previous, authority, codes_year=options["year"])
                else:
                    target = folder / "cin.xml"
                    export_cin(options["year"], target, authority)
                try:
                    report = run_validator(kind, options["year"], target, authority.code, previous)
                except (ValidatorUnavailable, RuntimeError) as error:
                    raise CommandError(str(error)) from error
                self._print(report, show_passed=options["all"])
                failed += len(report.with_status(FAILED))
        if failed:
            raise CommandError(f"{failed} rules failed.")

    def _print(self, report: ValidationReport, *, show_passed: bool) -> None:
        counts = {s: len(report.with_status(s)) for s in ("failed", "not checked", "passed")}
        self.stdout.write(
            f"{'SSDA903' if report.kind == '903' else 'CIN census'} {report.year} ({report.ruleset}): "
            f"{counts['failed']} failed, "
            f"{counts['not checked']} not checked, {counts['passed']} passed"
        )
        for rule in report.rules:
            if rule.status == FAILED:
                self.stdout.write(f"FAILED {rule.code}: {len(rule.children)} children: {rule.message}")
                self.stdout.write(f"    children: {', '.join(rule.children[:10])}")
            elif rule.status == NOT_CHECKED:
                self.stdout.write(f"NOT CHECKED {rule.code} ({rule.reason}): {rule.message}")
            elif show_passed:
                self.stdout.write(f"passed {rule.code}: {rule.message}")
