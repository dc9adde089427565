"""An import says how far it has got: to the terminal, and to whoever passes a callback."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from divert.returns.import903 import import_903
from divert.returns.management.commands.import_903 import Command
from tests.conftest import World


def test_progress_counts_each_file_then_checking_and_writing(world: World, kit: Any, csv_set: Any) -> None:
    folder: Path = csv_set("2025", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "05/05/2024")])
    told: list[tuple[int, int, str]] = []

    import_903([folder], world.authority, progress=lambda *step: told.append(step))

    assert [done for done, _, _ in told] == [0, 1, 2, 3, 4]
    assert {total for _, total, _ in told} == {4}
    assert told[0][2].startswith("Reading ") and told[-1][2] == "Written"


def test_the_command_prints_progress_on_stderr_and_the_summary_on_stdout(
    world: World, kit: Any, csv_set: Any
) -> None:
    folder = csv_set("2025", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "05/05/2024")])
    out, err = io.StringIO(), io.StringIO()

    call_command(Command(), str(folder), authority="879", stdout=out, stderr=err)

    assert "[0/4] Reading Episodes.csv" in err.getvalue()
    assert "[4/4] Written" in err.getvalue()
    assert "[" not in out.getvalue().splitlines()[0]
