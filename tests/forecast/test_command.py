"""``divert forecast``: the forecast from the command line, from the register or a folder of returns."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from divert.forecast.models import SavedScenario
from divert.forecast.types import CATEGORIES, TOTAL, Scenario
from tests.returns.conftest import episode, header, write_return

pytestmark = pytest.mark.django_db

ORIGIN = dt.date(2024, 3, 31)
PLACES = [("U4", "PR1"), ("U4", "PR4"), ("U1", "PR1"), ("R1", "PR4"), ("K2", "PR1"), ("P1", "PR1")]


def history(known_at: dt.date | None = None) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Headers and episodes of 110 children entering care 20 days apart from 2019 to 2024, staying
    200 to 800 days. ``known_at``: the same history as it was known on that day (later episodes
    left out, later endings left open), what a forecast made then could see."""
    headers, episodes = [], []
    for i in range(110):
        child = f"C{i:03d}"
        decom = dt.date(2019, 1, 7) + dt.timedelta(days=20 * i)
        dob = decom - dt.timedelta(days=365 * (1 + i % 16) + 40)
        dec: dt.date | None = decom + dt.timedelta(days=200 + (i * 37) % 600)
        headers.append(header(child, DOB=f"{dob:%d/%m/%Y}", SEX="MF"[i % 2]))
        if known_at is not None and decom > known_at:
            continue
        if dec is not None and (dec > dt.date(2025, 3, 31) or (known_at is not None and dec > known_at)):
            dec = None
        place, provider = PLACES[i % len(PLACES)]
        ends = {"DEC": f"{dec:%d/%m/%Y}", "REC": "E11"} if dec else {}
        episodes.append(episode(child, f"{decom:%d/%m/%Y}", PLACE=place, PLACE_PROVIDER=provider, **ends))
    return headers, episodes


def returns(folder: Path, known_at: dt.date | None = None) -> Path:
    headers, episodes = history(known_at)
    return write_return(folder / "2025", {"Header": headers, "Episodes": episodes})


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command("forecast", *[str(a) for a in args], "--runs", "40", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def forecast_json(folder: Path, *args: Any, months: int = 6) -> dict[str, Any]:
    return json.loads(run("--from-903", folder, "--origin", ORIGIN, "--months", months, *args))


def test_the_json_has_a_row_for_every_month_and_category_with_the_total(tmp_path: Path) -> None:
    made = forecast_json(returns(tmp_path), months=6)

    rows = made["rows"]
    keys = [key for key, _ in CATEGORIES] + [TOTAL]
    # 6 months x (9 categories + the total) = 60 rows, months after the origin's month.
    assert len(rows) == 6 * len(keys)
    assert sorted({r["month"] for r in rows}) == [
        "2024-04",
        "2024-05",
        "2024-06",
        "2024-07",
        "2024-08",
        "2024-09",
    ]
    assert {r["category"] for r in rows} == set(keys)
    assert all(set(r) == {"month", "category", "central", "low", "high"} for r in rows)
    assert all(r["low"] <= r["central"] <= r["high"] for r in rows)
    assert made["origin"] == "2024-03-31"
    assert made["band"] == 0.8


def test_the_origin_ignores_what_happened_after_it(tmp_path: Path) -> None:
    """The full history and the history as known at the origin give the same forecast from it:
    later entries are ignored and later endings treated as still open."""
    _, episodes = history()
    assert (
        sum(e["DECOM"].endswith("/2024") and e["DECOM"][3:5] > "03" for e in episodes) == 14
    )  # entries after it
    everything = forecast_json(returns(tmp_path / "all"))
    as_known = forecast_json(returns(tmp_path / "then", known_at=ORIGIN))

    assert everything["rows"] == as_known["rows"]
    assert everything["costs"] == as_known["costs"]


def test_the_same_forecast_comes_from_the_register_as_from_its_returns(world: Any, tmp_path: Path) -> None:
    """Load the returns, then forecast from the register: the figures match the folder's."""
    folder = returns(tmp_path)
    call_command(
        "import_903",
        str(folder),
        "--authority",
        world.authority.code,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    from_register = json.loads(run("--authority", world.authority.code, "--origin", ORIGIN, "--months", 6))

    assert from_register["rows"] == forecast_json(folder)["rows"]


def test_a_saved_scenario_is_run_by_its_name(world: Any, tmp_path: Path) -> None:
    SavedScenario.objects.create(authority=world.authority, name="No entries", params={"entries_cap": 0})
    folder = returns(tmp_path)

    capped = forecast_json(folder, "--authority", world.authority.code, "--scenario", "No entries")
    baseline = forecast_json(folder)

    def total(made: dict[str, Any]) -> float:
        return next(r["central"] for r in made["rows"] if r["category"] == TOTAL and r["month"] == "2024-09")

    assert capped["scenario"]["name"] == "No entries"
    assert capped["scenario"]["entries_cap"] == 0
    assert total(capped) < total(baseline)


def test_a_scenario_can_come_from_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(Scenario(name="Half the entries", entries_scale=0.5).to_json()))

    made = forecast_json(returns(tmp_path), "--scenario-file", path)

    assert made["scenario"]["name"] == "Half the entries"
    assert made["scenario"]["entries_scale"] == 0.5


def test_xlsx_is_written_to_a_file_as_a_workbook(tmp_path: Path) -> None:
    out = tmp_path / "forecast.xlsx"
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(Scenario(name="Capped", entries_cap=2).to_json()))

    run(
        "--from-903",
        returns(tmp_path),
        "--origin",
        ORIGIN,
        "--months",
        6,
        "--format",
        "xlsx",
        "--out",
        out,
        "--scenario-file",
        path,
        "--backtest",
    )

    with zipfile.ZipFile(out) as book:
        assert "xl/workbook.xml" in book.namelist()
        sheets = book.read("xl/workbook.xml").decode()
        text = book.read("xl/sharedStrings.xml").decode()
    assert "No backtest was run" not in text
    assert "Past forecasts compared" in text
    # The scenario is compared with the baseline, which the command adds.
    for name in ("Baseline", "Capped", "Comparison", "Accuracy"):
        assert f'name="{name}"' in sheets


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--origin", "31/03/2024", "--months", "6"], "--origin: '31/03/2024' is not a date"),
        (["--origin", "2024-03-31", "--months", "0"], "--months: give 1 to 120 months"),
        (
            ["--origin", "2024-03-31", "--months", "6", "--format", "xlsx"],
            "--out: an xlsx file cannot go to the terminal",
        ),
        (
            ["--from-903", "/no/such/folder", "--origin", "2024-03-31", "--months", "6"],
            "--from-903: the folder '/no/such/folder' does not exist",
        ),
    ],
)
def test_options_typed_wrongly_are_refused_naming_the_option(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_register_with_no_authority_is_refused() -> None:
    with pytest.raises(CommandError, match="The register holds no authority"):
        run("--origin", "2024-03-31", "--months", "6")


def test_an_unknown_scenario_is_refused_naming_the_saved_ones(world: Any) -> None:
    SavedScenario.objects.create(
        authority=world.authority, name="Entries held to 8", params={"entries_cap": 8}
    )

    with pytest.raises(
        CommandError, match="no saved scenario named 'Held to 9'; the saved ones: 'Entries held to 8'"
    ):
        run(
            "--authority",
            world.authority.code,
            "--origin",
            "2024-03-31",
            "--months",
            "6",
            "--scenario",
            "Held to 9",
        )


def test_bad_returns_are_refused_naming_file_row_and_field(tmp_path: Path) -> None:
    folder = write_return(
        tmp_path / "2024", {"Header": [header("C1")], "Episodes": [episode("C1", "31/02/2024")]}
    )

    with pytest.raises(CommandError) as refused:
        run("--from-903", folder, "--origin", "2024-03-31", "--months", "6")

    assert 'Episodes.csv row 2, field DECOM: "31/02/2024" is not a real date' in str(refused.value)


def test_a_history_with_nothing_before_the_origin_is_refused(world: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="the returns hold no episode of care on or before 31/03/2018"):
        run("--from-903", returns(tmp_path), "--origin", "2018-03-31", "--months", "6")
    with pytest.raises(CommandError, match="the register holds no episode of care"):
        run("--authority", world.authority.code, "--origin", "2024-03-31", "--months", "6")
