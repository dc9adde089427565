"""Check the register's return for a year with the DfE's rules: the one path the command and the page share.

For SSDA903 the year before is exported too, in this year's codes, and given to the validator
as last year's return so that the rules comparing the two years run; the failures the two-year
view cannot avoid are then checked against the whole register (``explain.py``).
"""

from __future__ import annotations

from pathlib import Path

from divert.core.models import Authority
from divert.returns.explain import explain
from divert.returns.export903 import export_903
from divert.returns.exportcin import export_cin
from divert.returns.validation import ValidationReport, run_validator


def check_register(kind: str, year: int, authority: Authority, folder: Path) -> ValidationReport:
    """Export ``kind`` ("903" or "cin") for ``year`` into ``folder`` and run the DfE rules on it."""
    if kind == "903":
        target = folder / "903"
        export_903(year, target, authority)
        previous = folder / "903-previous"
        export_903(year - 1, previous, authority, codes_year=year)
        return explain(run_validator(kind, year, target, authority.code, previous), authority)
    target = folder / "cin.xml"
    export_cin(year, target, authority)
    return run_validator(kind, year, target, authority.code)
