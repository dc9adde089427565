"""The SSDA903 round trip: export a register, empty it, import the export, export again.

Every table must come back byte for byte: anything the export writes that the import does not
store (or stores differently) would show here as a named table that differs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from divert.people.models import Allocation, Child, Professional, Team
from divert.returns.import903 import ImportFailed, import_903
from divert.returns.tables import SSDA903_TABLES
from divert.synth.load import flush_register

pytestmark = pytest.mark.django_db


def _export(folder: Path) -> dict[str, bytes]:
    call_command("export_903", "--year", "2025", "--out", str(folder))
    return {name: (folder / f"{name}.csv").read_bytes() for name in SSDA903_TABLES}


def test_a_903_export_imported_into_an_empty_register_exports_again_byte_for_byte(tmp_path: Path) -> None:
    call_command("synth", "--children", "5000", "--years", "4", "--today", "2025-11-23")
    first = _export(tmp_path / "a-2025")
    assert first["SWEpisodes"].count(b"\n") > 1, "the synthetic register should have social worker episodes"
    for table in ("OC2", "PrevPerm"):
        assert first[table].count(b"\n") > 1, f"the synthetic register should have {table} rows"

    flush_register()
    assert not Child.objects.exists()
    call_command("import_903", str(tmp_path / "a-2025"))
    second = _export(tmp_path / "b-2025")

    differing = [name for name in SSDA903_TABLES if first[name] != second[name]]
    for name in SSDA903_TABLES:
        assert first[name] == second[name], (
            f"{name}.csv differs after the round trip (differing tables: {differing}); first difference: "
            f"{_first_difference(first[name], second[name])}"
        )


def _first_difference(before: bytes, after: bytes) -> str:
    """The first line that differs, as exported before and after the round trip."""
    pairs = zip(before.splitlines(), after.splitlines(), strict=False)
    for number, (old, new) in enumerate(pairs, start=1):
        if old != new:
            return f"line {number}: {old.decode()!r} became {new.decode()!r}"
    return f"{len(before.splitlines())} lines became {len(after.splitlines())}"


# -- SWEpisodes into allocations ---------------------------------------------------------------


def _social_worker_return(csv_set: Any, kit: Any, **row: str) -> Path:
    episode = {"CHILD": "C1", "DOB": "01/06/2010", "SW_ID": "SW123456", "SW_DECOM": "01/05/2024"}
    return csv_set("2025", Header=[kit.header("C1")], SWEpisodes=[episode | {"SW_REASON": "FCONTA"} | row])


def test_a_social_worker_episode_becomes_an_allocation_to_a_placeholder_worker(
    world: Any, kit: Any, csv_set: Any
) -> None:
    folder = csv_set(
        "2025",
        Header=[kit.header("C1")],
        SWEpisodes=[
            {"CHILD": "C1", "SW_ID": "DIV000123", "SW_DECOM": "01/05/2024", "SW_DEC": "02/09/2024"},
            {"CHILD": "C1", "SW_ID": "SW999", "SW_DECOM": "02/09/2024", "SW_REASON": "MANAGE"},
        ],
    )

    summary = import_903([folder], world.authority)

    held = Allocation.objects.filter(child__child_id="C1").order_by("start")
    assert [(a.worker.sw_id, a.start, a.end) for a in held] == [
        ("DIV000123", dt.date(2024, 5, 1), dt.date(2024, 9, 2)),
        ("SW999", dt.date(2024, 9, 2), None),
    ]
    worker = held[0].worker
    assert worker.name == "Social worker DIV000123"
    assert (worker.team.name, worker.team.kind, worker.team.authority) == (
        "Imported social workers",
        Team.Kind.CHILDREN_IN_CARE,
        world.authority,
    )
    assert held[0].team == worker.team
    assert not any("SWEpisodes" in line for line in summary.lines() if line.startswith("Not imported"))
    assert "Social worker allocations: 2 new, 0 updated, 0 unchanged" in summary.lines()


def test_a_worker_already_in_the_register_is_given_the_allocation(world: Any, kit: Any, csv_set: Any) -> None:
    known = Professional.objects.create(name="Kim Known", team=world.north, sw_id="SW123456")

    import_903([_social_worker_return(csv_set, kit)], world.authority)

    allocation = Allocation.objects.get(child__child_id="C1")
    assert (allocation.worker, allocation.team) == (known, world.north)
    assert not Team.objects.filter(name="Imported social workers").exists()


def test_importing_the_same_social_worker_episodes_again_changes_nothing(
    world: Any, kit: Any, csv_set: Any
) -> None:
    folder = _social_worker_return(csv_set, kit)
    import_903([folder], world.authority)
    before = list(Allocation.objects.values_list("pk", "child", "worker", "team", "start", "end"))

    summary = import_903([folder], world.authority)

    assert list(Allocation.objects.values_list("pk", "child", "worker", "team", "start", "end")) == before
    assert Professional.objects.filter(sw_id="SW123456").count() == 1
    assert "Social worker allocations: 0 new, 0 updated, 1 unchanged" in summary.lines()


def test_a_social_worker_episode_ending_before_it_starts_is_refused_naming_the_cell(
    world: Any, kit: Any, csv_set: Any
) -> None:
    folder = _social_worker_return(csv_set, kit, SW_DEC="01/04/2024")
    before = kit.register_state()

    with pytest.raises(ImportFailed) as refused:
        import_903([folder], world.authority)

    assert refused.value.errors == ["SWEpisodes.csv row 2, field SW_DEC: is before SW_DECOM"]
    assert kit.register_state() == before
    assert not Allocation.objects.filter(child__authority=world.authority, worker__sw_id="SW123456").exists()
