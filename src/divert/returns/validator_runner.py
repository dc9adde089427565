"""Run the DfE's SSDA903 or CIN census rules on an exported return and print the results as JSON.

This script runs INSIDE the validators' own environment (``.venv-validators``: they pin pandas
< 2), never in Divert's: ``python validator_runner.py 903 --year 2025 [--previous DIR2024] DIR`` or
``python validator_runner.py cin --year 2025 FILE``. It imports nothing
from Divert. Each rule is reported as passed, failed (with its failing rows) or "not checked"
(it crashed, or its tables were not supplied): a rule that did not run is never reported passed.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import importlib
import json
import logging
import sys
from pathlib import Path
from typing import Any


def ruleset_for(year: int) -> str:
    """The lac_validator ruleset for the collection ending 31 March ``year`` (2025 -> lac2024_25)."""
    return f"lac{year - 1}_{str(year)[2:]}"


def _non_empty_tables(folder: Path, description: str = "This year") -> list[dict[str, Any]]:
    """The CSV tables with at least one data row: a header-only CSV crashes the validator's reader.

    ``description`` tells the validator whose tables they are: "This year", or "Prev year" for
    last year's return (read as ``Header_last``, ``Episodes_last``, ...)."""
    files = []
    for path in sorted(folder.glob("*.csv")):
        content = path.read_bytes()
        if len(content.strip().splitlines()) > 1:
            files.append({"name": path.name, "file_content": content, "description": description})
    return files


def input_files(folder: Path, previous: Path | None = None) -> list[dict[str, Any]]:
    """This year's tables, then last year's when given: the rules comparing the two years
    (202-208, 452, 453, 502, 1001, 1002, 1010, ...) only run when last year's are supplied."""
    files = _non_empty_tables(folder)
    if previous is not None:
        files += _non_empty_tables(previous, "Prev year")
    return files


def run_903(year: int, folder: Path, local_authority: str, previous: Path | None = None) -> dict[str, Any]:
    """All rules of the year's ruleset, as a JSON-ready report."""
    lac = importlib.import_module("lac_validator.lac_validator")
    registry = importlib.import_module(f"lac_validator.rules.{ruleset_for(year)}").registry
    metadata = {"collectionYear": str(year), "localAuthority": local_authority}
    files = input_files(folder, previous)
    validator = lac.LacValidator(metadata=metadata, files=files, registry=registry)
    crashed = {str(code) for code in validator.fails}
    skipped = {str(code) for code in validator.skips}
    rules = []
    for code, rule in registry.items():
        code = str(code)
        entry: dict[str, Any] = {"code": code, "message": str(rule.message), "rows": []}
        if code in crashed:
            entry["status"], entry["reason"] = "not checked", "the rule crashed on this data"
        elif code in skipped:
            entry["status"], entry["reason"] = "not checked", "tables it needs were not supplied"
        else:
            entry["rows"] = _failing_rows(validator.ds_results, code)
            entry["status"] = "failed" if entry["rows"] else "passed"
        rules.append(entry)
    return {"return": "903", "year": year, "ruleset": ruleset_for(year), "rules": rules}


def _failing_rows(results: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """The rows flagged ``ERR_<code>`` in each table, with the child they belong to."""
    rows = []
    for table, frame in results.items():
        column = f"ERR_{code}"
        if table == "metadata" or not hasattr(frame, "columns") or column not in frame.columns:
            continue
        flagged = frame[frame[column].fillna(False).astype(bool)]
        for index, record in flagged.iterrows():
            child = record.get("CHILD")
            rows.append({"table": table, "row": int(index), "child": None if child is None else str(child)})
    return rows


def cin_ruleset_for(year: int) -> str:
    """The cin_validator ruleset for the census ending 31 March ``year`` (2025 -> cin2024_25)."""
    return f"cin{year - 1}_{str(year)[2:]}"


def run_cin(year: int, path: Path) -> dict[str, Any]:
    """Every CIN rule of the year, each run on its own so that a crash is seen, not passed.

    ``CinValidator`` prints a crashing rule's error and then counts it as passed; so each rule is
    run here with its own context, and only the rules that found issues are run again through
    ``CinValidator`` to locate the failing rows and children.
    """
    cin = importlib.import_module("cin_validator.cin_validator")
    engine = importlib.import_module("cin_validator.rule_engine")
    xml = importlib.import_module("xml.etree.ElementTree")
    registry = importlib.import_module(f"cin_validator.rules.{cin_ruleset_for(year)}").registry
    data = cin.process_data(cin.convert_data(xml.parse(path).getroot()))
    enumerated = cin.enum_keys(data)
    rules: list[dict[str, Any]] = []
    failed: list[str] = []
    for rule in registry.values():
        entry: dict[str, Any] = {"code": str(rule.code), "message": str(rule.message), "rows": []}
        ctx = engine.RuleContext(rule)
        try:
            rule.func(copy.deepcopy(enumerated), ctx)
        except Exception as error:  # a crashing rule is reported "not checked", never fatal
            entry["status"], entry["reason"] = "not checked", f"the rule crashed: {type(error).__name__}"
            rules.append(entry)
            continue
        issues = [ctx.type_zero_issues, ctx.type_one_issues, ctx.type_two_issues, ctx.type_three_issues]
        found = any(len(x) for x in issues) or len(ctx.la_level_issues) > 0
        entry["status"] = "failed" if found else "passed"
        if found:
            failed.append(str(rule.code))
        rules.append(entry)
    if failed:
        _locate_cin_issues(cin, data, registry, failed, rules)
    return {"return": "cin", "year": year, "ruleset": cin_ruleset_for(year), "rules": rules}


def _locate_cin_issues(
    cin: Any, data: dict[str, Any], registry: Any, failed: list[str], rules: list[dict[str, Any]]
) -> None:
    """Add the failing rows (table, row, child) of the failed rules."""
    validator = cin.CinValidator(copy.deepcopy(data), registry, selected_rules=failed)
    by_code = {r["code"]: r for r in rules}
    seen: set[tuple[str, str, int, str]] = set()
    for record in validator.full_issue_df.to_dict("records"):
        code = str(record.get("rule_code"))
        table = str(record.get("tables_affected"))
        row = record.get("row_id")
        child = record.get("child_id")
        key = (code, table, -1 if _missing(row) else int(row), str(child))
        if code in by_code and key not in seen:
            seen.add(key)
            child_id = None if _missing(child) else str(child)
            by_code[code]["rows"].append({"table": table, "row": key[2], "child": child_id})


def _missing(value: Any) -> bool:
    """None, or pandas' NaN / NA (which are not equal to themselves)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pd.NA refuses bool()
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["903", "cin"])
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--la", default="", help="The authority's ONS (UTLA) code")
    parser.add_argument("--previous", type=Path, help="SSDA903: the folder of last year's return")
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the validators log every rule; keep stdout pure JSON
    with contextlib.redirect_stdout(sys.stderr):  # some rules print; stdout carries only the JSON
        if args.kind == "cin":
            report = run_cin(args.year, args.path)
        else:
            report = run_903(args.year, args.path, args.la, args.previous)
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
