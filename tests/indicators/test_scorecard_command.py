"""``divert scorecard``: the scorecard as JSON or CSV on standard output, or Excel or PDF in a file.

The world holds two authorities (Plymptown E06000026 and Elsewhere E06000031), so the command
must be told which. As at 31 March 2025 Ava and Sid are in Plymptown's care.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from divert.core.models import Authority
from divert.indicators.catalogue import indicators
from tests.conftest import World
from tests.indicators.scorecard_world import put_world_in_care

PLYMPTOWN = ["--authority", "E06000026", "--as-at", "2025-03-31"]


@pytest.fixture
def in_care(world: World) -> World:
    put_world_in_care(world)
    return world


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("scorecard", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_goes_to_standard_output_with_every_indicator(in_care: World) -> None:
    doc = json.loads(run(*PLYMPTOWN))
    assert (doc["authority"], doc["as_at"], doc["frequency"]) == ("Plymptown Council", "2025-03-31", "month")
    assert [row["id"] for row in doc["rows"]] == [ind.id for ind in indicators()]
    assert next(row for row in doc["rows"] if row["id"] == "cla_count")["value"] == 2.0  # Ava and Sid


def test_two_runs_over_the_same_register_print_the_same_bytes(in_care: World) -> None:
    assert run(*PLYMPTOWN, "--format", "csv") == run(*PLYMPTOWN, "--format", "csv")


def test_csv_is_written_to_the_file_named(in_care: World, tmp_path: Path) -> None:
    out = tmp_path / "card.csv"
    assert run(*PLYMPTOWN, "--format", "csv", "--out", str(out)) == ""
    lines = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(lines) == len(indicators())


def test_a_team_narrows_the_figures_to_its_children(in_care: World) -> None:
    doc = json.loads(run(*PLYMPTOWN, "--team", "South children in care", "--frequency", "week"))
    # The week of 31 March 2025 (Monday 31st): Sid, the South team's only child, is in care.
    assert next(row for row in doc["rows"] if row["id"] == "cla_count")["value"] == 1.0
    assert doc["frequency"] == "week"


def test_excel_is_written_to_the_file_named(in_care: World, tmp_path: Path) -> None:
    book = tmp_path / "card.xlsx"
    run(*PLYMPTOWN, "--format", "xlsx", "--out", str(book))
    assert book.read_bytes()[:2] == b"PK"


def test_an_installation_of_one_authority_needs_no_authority_option(db: None) -> None:
    Authority.objects.create(code="E06000027", la_number=880, name="Solo Council")
    assert json.loads(run("--as-at", "2025-03-31"))["authority"] == "Solo Council"


def test_an_empty_installation_is_told_to_load_an_authority(db: None) -> None:
    with pytest.raises(CommandError, match="holds no authority"):
        run()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--as-at", "2025-03-31"], "--authority is required: this installation holds 2: E06000026"),
        (["--authority", "E09999999"], "--authority: no authority with code 'E09999999'"),
        ([*PLYMPTOWN[:2], "--as-at", "31/03/2025"], "--as-at: '31/03/2025' is not a date"),
        ([*PLYMPTOWN, "--team", "Nowhere"], "--team: There is no team called 'Nowhere'"),
        ([*PLYMPTOWN, "--locality", "Atlantis"], "--locality: There is no locality called 'Atlantis'"),
        ([*PLYMPTOWN, "--format", "pdf"], "--out: a pdf file cannot go to the terminal"),
        ([*PLYMPTOWN, "--format", "xlsx"], "--out: a xlsx file cannot go to the terminal"),
        (
            [*PLYMPTOWN, "--out", "/no/such/folder/card.json"],
            "--out: the folder '/no/such/folder' does not exist",
        ),
        ([*PLYMPTOWN, "--frequency", "year"], "--frequency"),
    ],
)
def test_a_bad_option_stops_the_command_saying_which_and_why(
    world: World, args: list[str], said: str
) -> None:
    with pytest.raises(CommandError) as error:
        run(*args)
    assert said in str(error.value)


# --- divert boardpack ---------------------------------------------------------------------------


def test_the_board_pack_command_writes_the_format_its_file_is_named_for(
    in_care: World, tmp_path: Path
) -> None:
    book = tmp_path / "pack.xlsx"
    call_command(
        "boardpack",
        "--authority",
        "E06000026",
        "--as-at",
        "2025-03-31",
        "--out",
        str(book),
        stderr=io.StringIO(),
    )
    assert book.read_bytes()[:2] == b"PK"


def test_the_board_pack_command_refuses_a_file_it_cannot_write(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--out: name a \.pdf or an \.xlsx file"):
        call_command("boardpack", "--authority", "E06000026", "--out", str(tmp_path / "pack.docx"))
