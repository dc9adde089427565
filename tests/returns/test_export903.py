"""The SSDA903 export: which rows fall in the collection year, how they are written, and that the
same register always gives the same bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from divert.care.models import CareLeaverContact, Episode, LookedAfterReview, MissingEpisode
from divert.people.models import Allocation, Professional
from divert.returns.export903 import build_903, export_903
from divert.returns.tables import SSDA903_TABLES

D = dt.date


def _episode(child: Any, decom: dt.date, dec: dt.date | None = None, **extra: Any) -> Episode:
    values: dict[str, Any] = {"rne": "S", "ls": "V2", "cin": "N1", "place": "U4", "place_provider": "PR1"}
    values.update(extra)
    if dec is not None:
        values.setdefault("rec", "E13")
    return Episode.objects.create(child=child, decom=decom, dec=dec, **values)


@pytest.fixture
def register(world: Any) -> Any:
    """Ava in care across the 2024/25 year; Sid's care ended before it began."""
    _episode(
        world.child_north, D(2024, 2, 10), D(2024, 6, 1), rec="X1", home_post="PL4 8AA", pl_post="PL6 5YG"
    )
    _episode(world.child_north, D(2024, 6, 1), None, rne="L", ls="C2", place="K3", place_provider="PR4")
    _episode(world.child_south, D(2023, 5, 1), D(2024, 3, 31), rec="E4A")
    LookedAfterReview.objects.create(child=world.child_north, date=D(2024, 3, 1), participation="PN1")
    LookedAfterReview.objects.create(child=world.child_north, date=D(2024, 8, 20), participation="PN3")
    MissingEpisode.objects.create(child=world.child_north, kind="M", start=D(2025, 1, 5), end=D(2025, 4, 2))
    return world


def test_every_table_is_written_with_its_exact_header_even_when_empty(register: Any, tmp_path: Path) -> None:
    export_903(2025, tmp_path)
    for name, columns in SSDA903_TABLES.items():
        lines = (tmp_path / f"{name}.csv").read_bytes().split(b"\n")
        assert lines[0] == ",".join(columns).encode()
    assert (tmp_path / "OC2.csv").read_bytes() == (",".join(SSDA903_TABLES["OC2"]) + "\n").encode()


def test_the_episodes_of_the_year_are_written_with_hand_checked_values(register: Any) -> None:
    tables = build_903(2025)
    assert tables["Episodes"] == [
        (
            "N0001",
            "10/02/2024",
            "S",
            "V2",
            "N1",
            "U4",
            "PR1",
            "01/06/2024",
            "X1",
            "",
            "PL4 8AA",
            "PL6 5YG",
            "",
        ),
        # K3 is written H5 before the 2025/26 collection; the open episode has no DEC or REC.
        ("N0001", "01/06/2024", "L", "C2", "N1", "H5", "PR4", "", "", "", "", "", ""),
    ]


def test_a_child_whose_care_ended_before_the_year_is_not_in_the_return(register: Any) -> None:
    tables = build_903(2025)
    assert [row[0] for row in tables["Header"]] == ["N0001"]
    assert build_903(2024)["Header"][1][0] == "S0001"


def test_the_header_codes_sex_as_the_collection_year_does(register: Any) -> None:
    assert build_903(2025)["Header"] == [("N0001", "F", "17/05/2012", "NOBT", "", "0", "")]
    assert build_903(2024)["Header"][0][1] == "2"


def test_only_reviews_and_missing_spells_in_the_year_are_returned(register: Any) -> None:
    tables = build_903(2025)
    assert tables["Reviews"] == [("N0001", "17/05/2012", "20/08/2024", "PN3")]
    # The missing spell ended after 31 March: this return does not know its end yet.
    assert tables["Missing"] == [("N0001", "17/05/2012", "M", "05/01/2025", "")]


def test_a_dec_after_the_year_end_is_left_open(register: Any) -> None:
    episode = Episode.objects.get(child=register.child_north, decom=D(2024, 6, 1))
    Episode.objects.filter(pk=episode.pk).update(dec=D(2025, 5, 1), rec="E13")
    row = build_903(2025)["Episodes"][1]
    assert (row[7], row[8]) == ("", "")
    assert build_903(2026)["Episodes"][0][7:9] == ("01/05/2025", "E13")


def test_overlapping_allocations_become_one_worker_at_a_time(register: Any) -> None:
    first = Allocation.objects.get(child=register.child_north)
    Professional.objects.filter(pk=first.worker_id).update(sw_id="SW123456")
    other = Professional.objects.create(name="Nia New", team=register.north)
    Allocation.objects.create(
        child=register.child_north, worker=other, team=register.north, start=D(2024, 9, 1)
    )
    # The first worker held the case from 1 January, before Ava came into care on 10 February:
    # the return's social worker episode starts with her care (rule SW12STG2).
    assert build_903(2025)["SWEpisodes"] == [
        ("N0001", "17/05/2012", "SW123456", "10/02/2024", "01/09/2024", "FCONTA"),
        ("N0001", "17/05/2012", f"DIV{other.pk:06d}", "01/09/2024", "", "MANAGE"),
    ]


def test_social_worker_episodes_cover_care_only_and_the_last_stays_open(register: Any) -> None:
    """SW12STG2: no episode starts before care began or after it ended; SW17STG2 and SW11bSTG2:
    the child's last episode is open even when care ended in the year (Episodes says it did)."""
    child = register.child_north
    Episode.objects.filter(child=child, decom=D(2024, 6, 1)).update(dec=D(2024, 12, 1), rec="E4A")
    first = Allocation.objects.get(child=child)
    Allocation.objects.filter(pk=first.pk).update(end=D(2024, 12, 1))
    after_care = Professional.objects.create(name="Cal Cin", team=register.north, sw_id="SW777777")
    Allocation.objects.create(child=child, worker=after_care, team=register.north, start=D(2024, 12, 20))
    rows = build_903(2025)["SWEpisodes"]
    assert [(row[3], row[4], row[5]) for row in rows] == [("10/02/2024", "", "FCONTA")]


def test_a_second_period_of_care_starts_with_a_first_contact(register: Any) -> None:
    """Sid's care ended on 31 March 2024 and began again on 10 August, with a new worker."""
    child = register.child_south
    worker = Professional.objects.create(name="Nia New", team=register.south)
    Allocation.objects.create(child=child, worker=worker, team=register.south, start=D(2024, 8, 1))
    _episode(child, D(2024, 8, 10), None)
    rows = [row[3:] for row in build_903(2025)["SWEpisodes"] if row[0] == "S0001"]
    assert rows == [("10/08/2024", "", "FCONTA")]


def test_placed_with_parents_has_no_urn_from_2025_26_but_own_carers_keep_xxxxxxx(register: Any) -> None:
    """Rule 242 (2025/26): "XXXXXXX" is for placements with carers or adopters only."""
    child = register.child_north
    Episode.objects.filter(child=child, decom=D(2024, 6, 1)).update(place="P1", urn="XXXXXXX")
    Episode.objects.filter(child=child, decom=D(2024, 2, 10)).update(urn="XXXXXXX")
    assert [row[12] for row in build_903(2026)["Episodes"]] == [""]
    assert [row[12] for row in build_903(2025)["Episodes"]] == ["XXXXXXX", "XXXXXXX"]
    Episode.objects.filter(child=child, decom=D(2024, 6, 1)).update(place="U4")
    assert [row[12] for row in build_903(2026)["Episodes"]] == ["XXXXXXX"]


def test_a_care_leavers_contact_is_returned_with_zero_for_not_applicable(world: Any) -> None:
    leaver = world.child_south
    type(leaver).objects.filter(pk=leaver.pk).update(date_of_birth=D(2005, 7, 1))
    _episode(leaver, D(2020, 1, 1), D(2023, 6, 30), rec="E5")
    CareLeaverContact.objects.create(child=leaver, date=D(2024, 7, 2), in_touch="RHOM", activity="F2")
    tables = build_903(2025)
    assert tables["OC3"] == [("S0001", "01/07/2005", "RHOM", "0", "0")]
    # A care leaver is in the Header but, not being looked after, has no MOTHER value.
    assert ("S0001", "F", "01/07/2005", "NOBT", "", "", "") in tables["Header"]


def test_the_export_is_byte_for_byte_the_same_each_time(register: Any, tmp_path: Path) -> None:
    call_command("export_903", "--year", "2025", "--out", str(tmp_path / "a"))
    call_command("export_903", "--year", "2025", "--out", str(tmp_path / "b"))
    for name in SSDA903_TABLES:
        a = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert a == (tmp_path / "b" / f"{name}.csv").read_bytes()
        assert b"\r" not in a


def test_another_authority_is_exported_only_when_asked_for(register: Any, tmp_path: Path) -> None:
    _episode(register.child_elsewhere, D(2024, 5, 1))
    call_command("export_903", "--year", "2025", "--out", str(tmp_path), "--authority", "E06000031")
    assert (tmp_path / "Header.csv").read_text().splitlines()[1].startswith("E0001,")


def test_an_unaccompanied_childs_uasc_status_ceases_on_the_18th_birthday_known_in_advance(
    register: Any,
) -> None:
    """Rule 205B: DUC is the 18th birthday in every year's return, before and after it comes."""
    type(register.child_north).objects.filter(pk=register.child_north.pk).update(uasc=True)
    assert build_903(2025)["UASC"] == [("N0001", "F", "17/05/2012", "17/05/2030")]
    type(register.child_north).objects.filter(pk=register.child_north.pk).update(uasc_ceased=D(2025, 1, 9))
    assert build_903(2025)["UASC"][0][3] == "09/01/2025"
