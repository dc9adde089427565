"""``divert import-cin FILE... [--authority CODE]``: load CIN census XML files into the register.

All or nothing: on any error the command prints every problem (file, line, field), exits
non-zero and the database is unchanged. See ``divert.returns.importcin`` for the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from divert.core.models import Authority
from divert.returns.importcin import import_cin
from divert.returns.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import CIN census XML files (or folders of them, one or many years) into the register."
    what = "the CIN census"
    files = "XML files"

    def run(self, paths: Sequence[Path], authority: Authority, progress: Callable[..., None]) -> Any:
        return import_cin(paths, authority, progress=progress)
