"""A forecast's history from a folder of SSDA903 returns: read as ``divert import-903`` reads it,
without writing to the register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from divert.care.models import Episode
from divert.forecast.sources import frames_for_authority, frames_from_903
from divert.people.models import Child
from divert.returns.import903 import ImportFailed
from tests.returns.conftest import episode, header, write_return

D = dt.date


def two_years(root: Path) -> Path:
    """Two returns in nested folders: C1's episode open at 31 March 2024 is closed in 2025's
    return; C2 is in the 2025 return only."""
    write_return(
        root / "council" / "2024",
        {
            "Header": [header("C1")],
            "Episodes": [episode("C1", "01/02/2024", PLACE="U4", PLACE_PROVIDER="PR4")],
        },
    )
    write_return(
        root / "council" / "deeper" / "2025",
        {
            "Header": [header("C1"), header("C2", SEX="M", DOB="03/03/2008")],
            "Episodes": [
                episode("C1", "01/02/2024", PLACE="U4", PLACE_PROVIDER="PR4", DEC="20/06/2024", REC="X1"),
                episode("C1", "20/06/2024", PLACE="R2", PLACE_PROVIDER="PR5", DEC="01/12/2024", REC="E4A"),
                episode("C2", "10/10/2024", PLACE="K2", PLACE_PROVIDER="PR1"),
            ],
            "UASC": [{"CHILD": "C2"}],
        },
    )
    return root


def test_a_folder_of_returns_is_searched_recursively_and_merged_into_one_history(tmp_path: Path) -> None:
    frames = frames_from_903([two_years(tmp_path)])

    # Children numbered in CHILD order: C1 is 1, C2 is 2.
    children = frames.children.sort("child").select("child", "sex", "dob", "uasc").rows()
    assert children == [(1, "F", D(2010, 6, 1), False), (2, "M", D(2008, 3, 3), True)]
    # C1's open episode of 2024 and its closed repeat in 2025 are one episode, the later return's
    # end winning: three episodes in all, not four.
    episodes = frames.episodes.sort("child", "decom").select(
        "child", "decom", "place", "place_provider", "dec", "rec"
    )
    assert episodes.rows() == [
        (1, D(2024, 2, 1), "U4", "PR4", D(2024, 6, 20), "X1"),
        (1, D(2024, 6, 20), "R2", "PR5", D(2024, 12, 1), "E4A"),
        (2, D(2024, 10, 10), "K2", "PR1", None, None),
    ]


@pytest.mark.django_db
def test_reading_returns_for_a_forecast_writes_nothing_to_the_register(tmp_path: Path) -> None:
    frames_from_903([two_years(tmp_path)])

    assert Child.objects.count() == 0


def test_a_bad_date_is_refused_naming_the_file_row_and_field(tmp_path: Path) -> None:
    folder = write_return(
        tmp_path / "2024", {"Header": [header("C1")], "Episodes": [episode("C1", "31/02/2024")]}
    )

    with pytest.raises(ImportFailed) as refused:
        frames_from_903([folder])

    assert refused.value.errors == [
        'Episodes.csv row 2, field DECOM: "31/02/2024" is not a real date (dd/mm/YYYY)'
    ]


def test_overlapping_episodes_are_refused_as_the_import_refuses_them(tmp_path: Path) -> None:
    folder = write_return(
        tmp_path / "2024",
        {
            "Header": [header("C1")],
            "Episodes": [episode("C1", "01/01/2024"), episode("C1", "01/02/2024")],
        },
    )

    with pytest.raises(ImportFailed) as refused:
        frames_from_903([folder])

    assert "overlaps" in refused.value.errors[0]
    assert refused.value.errors[0].startswith("Episodes.csv row 2")


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as refused:
        frames_from_903([tmp_path / "nowhere"])

    assert refused.value.errors[0] == f"{tmp_path / 'nowhere'}: does not exist"


def test_the_register_gives_the_authority_s_own_children_and_episodes(world: Any) -> None:
    Episode.objects.create(
        child=world.child_north, decom=D(2024, 1, 1), rne="S", ls="C2", cin="N1", place="U4"
    )

    frames = frames_for_authority(world.authority)

    assert frames.episodes.select("child", "decom", "place").rows() == [
        (world.child_north.pk, D(2024, 1, 1), "U4")
    ]
    assert world.child_north.pk in frames.children["child"].to_list()
    assert world.child_elsewhere.pk not in frames.children["child"].to_list()  # another authority's child
