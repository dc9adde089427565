"""``divert scorecard --as-at DATE --format json|csv|xlsx|pdf [--out FILE]``: the scorecard as a file.

For scripts and for the performance team's monthly diff: JSON and CSV go to standard output
unless ``--out`` is given, and are the same byte for byte for the same register. Excel and PDF
are the board pack's (24 periods of trend, charts) and need ``--out``. Options a person typed
wrongly stop the command with a message naming the option, before anything is computed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.core.models import Authority
from divert.indicators import boardpack, exports
from divert.indicators.exports import BadOption, Scope
from divert.indicators.periods import Frequency

OPTION_NAMES = {"as_at": "--as-at", "frequency": "--frequency", "team": "--team", "locality": "--locality"}
BINARY = ("xlsx", "pdf")


def choose_authority(code: str | None) -> Authority:
    """The authority asked for; with one in the installation, that one without asking."""
    every = list(Authority.objects.order_by("code"))
    if not every:
        raise CommandError("The register holds no authority: load one first (divert synth or import-903).")
    if not code:
        if len(every) == 1:
            return every[0]
        codes = ", ".join(f"{a.code} ({a.name})" for a in every)
        raise CommandError(f"--authority is required: this installation holds {len(every)}: {codes}.")
    for authority in every:
        if code in (authority.code, str(authority.la_number)):
            return authority
    codes = ", ".join(a.code for a in every)
    raise CommandError(f"--authority: no authority with code {code!r}; the codes are {codes}.")


def scope_from(options: dict[str, Any], authority: Authority) -> Scope:
    try:
        return exports.parse_scope(
            authority,
            as_at=options["as_at"],
            frequency=options["frequency"],
            team=options["team"],
            locality=options["locality"],
        )
    except BadOption as bad:
        raise CommandError(f"{OPTION_NAMES[bad.option]}: {bad.message}") from bad


def render(fmt: str, scope: Scope) -> str | bytes:
    """The file's content: text for json and csv, bytes for xlsx and pdf."""
    if fmt in BINARY:
        return boardpack.build(scope, fmt)
    rows = exports.rows_for(scope)
    return exports.scorecard_json(rows, scope) if fmt == "json" else exports.scorecard_csv(rows, scope)


class Command(BaseCommand):
    help = "Write the performance scorecard as JSON or CSV (to standard output or a file), or Excel or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-at", dest="as_at", help="The date to report as at, YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--format", choices=["json", "csv", "xlsx", "pdf"], default="json")
        parser.add_argument("--out", type=Path, help="The file to write (needed for xlsx and pdf)")
        parser.add_argument(
            "--frequency", choices=[f.value for f in Frequency], default="month", help="Period length"
        )
        parser.add_argument(
            "--authority", help="The authority's ONS code or LA number (if there are several)"
        )
        parser.add_argument("--team", default="", help="Only children allocated to this team (its name)")
        parser.add_argument("--locality", default="", help="Only children in this locality (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, out = options["format"], options["out"]
        if fmt in BINARY and out is None:
            raise CommandError(f"--out: a {fmt} file cannot go to the terminal; name the file to write.")
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"--out: the folder {str(out.parent)!r} does not exist.")
        scope = scope_from(options, choose_authority(options["authority"]))
        content = render(fmt, scope)
        if out is None:
            self.stdout.write(str(content), ending="")
        elif isinstance(content, bytes):
            out.write_bytes(content)
        else:
            out.write_text(content, encoding="utf-8", newline="")
        if out is not None:
            self.stderr.write(f"Written to {out}")
