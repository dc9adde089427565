"""``divert forecast``: children in care and spend, month by month, from the command line.

    divert forecast --origin 2026-03-31 --months 24 --format json
    divert forecast --from-903 returns/ --origin 2025-03-31 --months 24 --format xlsx --out f.xlsx
    divert forecast --origin 2026-03-31 --months 24 --scenario "Entries held to 8 a month"

The history is the register's (``--authority`` when it holds several) or, with ``--from-903``, a
folder of SSDA903 returns read by the import's own code and never written. ``--origin`` forecasts
from that date with only what was known then (later episodes ignored, later endings treated as
still open), so a forecast made a year ago can be run again today and compared. JSON (to standard
output, or ``--out``) is ``Projection.to_json()``: ``rows`` of ``{month, category, central, low,
high}`` with ``total`` among the categories and low/high the 80% band. Excel needs ``--out``;
with a scenario it also holds the baseline and the comparison, and ``--backtest`` adds the
accuracy sheet. Options typed wrongly stop the command, naming the option, before any work.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.core.models import Authority
from divert.forecast import excel, sources
from divert.forecast.backtest import backtest
from divert.forecast.model import forecast
from divert.forecast.models import SavedScenario
from divert.forecast.queries import default_costs
from divert.forecast.types import Backtest, Projection, Scenario
from divert.indicators.frames import Frames
from divert.indicators.management.commands.scorecard import choose_authority
from divert.returns.import903 import ImportFailed

MAX_MONTHS = 120


def parse_origin(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--origin: {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31."
        ) from None


def history(folder: Path | None, code: str | None) -> tuple[Frames, Authority | None]:
    """The frames to forecast from, and the authority they belong to (None: a folder's, with no
    authority named)."""
    if folder is None:
        authority = choose_authority(code)
        return sources.frames_for_authority(authority), authority
    if not folder.is_dir():
        raise CommandError(f"--from-903: the folder {str(folder)!r} does not exist.")
    try:
        frames = sources.frames_from_903([folder])
    except ImportFailed as failed:
        raise CommandError(
            f"--from-903: the returns cannot be read ({len(failed.errors)} error(s)):\n"
            + "\n".join(failed.errors)
        ) from None
    return frames, (choose_authority(code) if code else None)


def scenario_named(name: str, authority: Authority | None) -> Scenario:
    """A saved scenario by its name: the authority's own, or (for a folder of returns with no
    authority named) the only one of that name in the installation."""
    saved = SavedScenario.objects.filter(name=name)
    if authority is not None:
        saved = saved.filter(authority=authority)
    found = list(saved[:2])
    if len(found) == 1:
        return found[0].scenario
    if found:
        raise CommandError(
            f"--scenario: several authorities have a scenario {name!r}; say which with --authority."
        )
    names = sorted(
        set(
            SavedScenario.objects.filter(**({"authority": authority} if authority else {})).values_list(
                "name", flat=True
            )
        )
    )
    known = ", ".join(repr(n) for n in names) if names else "none is saved yet"
    raise CommandError(f"--scenario: no saved scenario named {name!r}; the saved ones: {known}.")


def scenario_file(path: Path) -> Scenario:
    """A scenario from a JSON file of ``Scenario.to_json()``'s shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"--scenario-file: {str(path)!r} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"--scenario-file: {str(path)!r} is not a JSON file: {exc}") from None
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return Scenario.from_json(data)
    except (TypeError, ValueError, KeyError, ArithmeticError) as exc:
        raise CommandError(f"--scenario-file: {str(path)!r} is not a scenario: {exc}") from None


def costs_for(origin: dt.date) -> dict[str, Any]:
    """Reference weekly costs for the financial year the origin falls in, as the pages use."""
    return default_costs(origin)


def render(
    fmt: str, frames: Frames, origin: dt.date, months: int, scenario: Scenario | None, options: dict[str, Any]
) -> str | bytes:
    """The forecast as JSON text, or as a workbook (with the baseline beside a scenario, so the
    comparison sheet has something to compare, and the backtest when asked for)."""
    run = {"runs": options["runs"], "seed": options["seed"], "weekly_costs": costs_for(origin)}
    projection = forecast(frames, origin, months, scenario, **run)
    if fmt == "json":
        return json.dumps(projection.to_json(), indent=1) + "\n"
    projections: list[Projection] = [projection]
    if scenario is not None and not scenario.is_baseline:
        projections.insert(0, forecast(frames, origin, months, None, **run))
    made: Backtest | None = None
    if options["backtest"]:
        made = backtest(frames, runs=min(options["runs"], 200), seed=options["seed"])
    return excel.workbook(projections, made)


class Command(BaseCommand):
    help = "Forecast children in care and spend by placement category, with the 80% band, as JSON or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-903",
            dest="from_903",
            type=Path,
            help="A folder of SSDA903 returns (searched recursively) instead of the register",
        )
        parser.add_argument(
            "--origin",
            required=True,
            help="Forecast from this date, YYYY-MM-DD, using only what was known then",
        )
        parser.add_argument(
            "--months", required=True, type=int, help=f"How many months ahead (1 to {MAX_MONTHS})"
        )
        parser.add_argument("--scenario", help="A saved scenario's name (default: the baseline)")
        parser.add_argument(
            "--scenario-file",
            dest="scenario_file",
            type=Path,
            help="A scenario as a JSON file (Scenario.to_json())",
        )
        parser.add_argument(
            "--authority", help="The authority's ONS code or LA number (if there are several)"
        )
        parser.add_argument("--runs", type=int, default=500, help="Simulation runs (default 500)")
        parser.add_argument(
            "--seed", type=int, default=0, help="Random seed: the same seed gives the same figures"
        )
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument(
            "--backtest", action="store_true", help="xlsx only: add the backtest's accuracy sheet"
        )
        parser.add_argument("--out", type=Path, help="The file to write (needed for xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, out = options["format"], options["out"]
        origin, months = parse_origin(options["origin"]), options["months"]
        self.check_options(options)
        frames, authority = history(options["from_903"], options["authority"])
        scenario = self.scenario(options, authority)
        if frames.episodes.filter(frames.episodes["decom"] <= origin).height == 0:
            where = "the returns hold" if options["from_903"] else "the register holds"
            raise CommandError(f"--origin: {where} no episode of care on or before {origin:%d/%m/%Y}.")
        self.write(render(fmt, frames, origin, months, scenario, options), out)

    def check_options(self, options: dict[str, Any]) -> None:
        fmt, out = options["format"], options["out"]
        if not 1 <= options["months"] <= MAX_MONTHS:
            raise CommandError(f"--months: give 1 to {MAX_MONTHS} months, not {options['months']}.")
        if options["runs"] < 10:
            raise CommandError("--runs: give at least 10 runs, or the band means nothing.")
        if fmt == "xlsx" and out is None:
            raise CommandError("--out: an xlsx file cannot go to the terminal; name the file to write.")
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"--out: the folder {str(out.parent)!r} does not exist.")
        if options["scenario"] and options["scenario_file"]:
            raise CommandError("--scenario and --scenario-file: give one or the other.")

    def scenario(self, options: dict[str, Any], authority: Authority | None) -> Scenario | None:
        if options["scenario"]:
            return scenario_named(options["scenario"], authority)
        if options["scenario_file"]:
            return scenario_file(options["scenario_file"])
        return None

    def write(self, content: str | bytes, out: Path | None) -> None:
        if out is None:
            self.stdout.write(str(content), ending="")
            return
        if isinstance(content, bytes):
            out.write_bytes(content)
        else:
            out.write_text(content, encoding="utf-8")
        self.stderr.write(f"Written to {out}")
