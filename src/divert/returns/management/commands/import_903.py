"""``divert import-903 PATH... [--authority CODE]``: load SSDA903 returns into the register.

All or nothing: on any error the command prints every problem (file, row, field), exits
non-zero and the database is unchanged. See ``divert.returns.import903`` for the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from divert.core.models import Authority
from divert.returns.import903 import import_903
from divert.returns.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import SSDA903 returns (CSV or XML files or folders, one or many years) into the register."
    what = "SSDA903 returns"
    files = "CSV or XML files"

    def run(self, paths: Sequence[Path], authority: Authority, progress: Callable[..., None]) -> Any:
        return import_903(paths, authority, progress=progress)
