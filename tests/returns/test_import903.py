"""``divert import-903``: SSDA903 returns into the register, all or nothing, errors that say where."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from divert.care.models import AdoptionRecord, CareLeaverContact, Episode, LookedAfterReview, MissingEpisode
from divert.core.models import AuditEvent
from divert.people.models import Child
from divert.returns.import903 import ImportFailed, Summary, import_903
from divert.returns.management.commands.import_903 import Command

pytestmark = pytest.mark.django_db

CsvSet = Callable[..., Path]


@pytest.fixture
def run(world: Any) -> Callable[..., Summary]:
    """Import these paths for the world's authority."""
    return lambda *paths: import_903(list(paths), world.authority)


@pytest.fixture
def refused(run: Callable[..., Summary], kit: Any) -> Callable[..., list[str]]:
    """Run an import that must fail; assert the register is untouched; return the errors."""

    def check(*paths: Path) -> list[str]:
        before = kit.register_state()
        with pytest.raises(ImportFailed) as failed:
            run(*paths)
        assert kit.register_state() == before, "a refused import must write nothing"
        return failed.value.errors

    return check


def test_a_return_is_imported_with_every_table_the_register_holds(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set(
        "2025",
        Header=[kit.header("C100", SEX="M", DOB="14/02/2009", ETHNIC="MWBC", UPN="")],
        Episodes=[
            kit.episode(
                "C100", "03/05/2024", PLACE_PROVIDER="PR4", URN="SC123456", DEC="10/09/2024", REC="X1"
            ),
            kit.episode(
                "C100", "10/09/2024", RNE="P", PLACE="K2", REASON_PLACE_CHANGE="CARPL", PL_POST="PL6 5XY"
            ),
        ],
        Reviews=[{"CHILD": "C100", "DOB": "14/02/2009", "REVIEW": "01/06/2024", "REVIEW_CODE": "PN1"}],
        UASC=[{"CHILD": "C100", "SEX": "M", "DOB": "14/02/2009", "DUC": "14/02/2027"}],
        OC3=[{"CHILD": "C100", "DOB": "14/02/2009", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "S"}],
        Missing=[{"CHILD": "C100", "DOB": "14/02/2009", "MISSING": "M", "MIS_START": "05/07/2024"}],
        AD1=[{"CHILD": "C100", "DOB": "14/02/2009", "DATE_INT": "01/08/2024", "DATE_MATCH": "01/09/2024"}],
    )

    summary = run(folder)

    child = Child.objects.get(authority=world.authority, child_id="C100")
    assert (child.first_name, child.last_name) == ("Unknown", "C100")
    assert (child.sex, child.date_of_birth, child.ethnicity, child.upn) == (
        "M",
        dt.date(2009, 2, 14),
        "MWBC",
        "",
    )
    assert child.uasc and child.uasc_ceased == dt.date(2027, 2, 14)
    first, second = Episode.objects.filter(child=child).order_by("decom")
    assert (first.decom, first.dec, first.rec, first.place_provider, first.urn) == (
        dt.date(2024, 5, 3),
        dt.date(2024, 9, 10),
        "X1",
        "PR4",
        "SC123456",
    )
    assert (second.rne, second.place, second.dec, second.rec, second.reason_place_change, second.pl_post) == (
        "P",
        "K2",
        None,
        "",
        "CARPL",
        "PL6 5XY",
    )
    assert second.weekly_cost == 0
    review = LookedAfterReview.objects.get(child=child)
    assert (review.date, review.participation) == (dt.date(2024, 6, 1), "PN1")
    contact = CareLeaverContact.objects.get(child=child)  # dated on the birthday in 2024/25
    assert (contact.date, contact.in_touch, contact.activity) == (dt.date(2025, 2, 14), "YES", "F2")
    missing = MissingEpisode.objects.get(child=child)
    assert (missing.kind, missing.start, missing.end) == ("M", dt.date(2024, 7, 5), None)
    adoption = AdoptionRecord.objects.get(child=child)
    assert (adoption.decision, adoption.matched) == (dt.date(2024, 8, 1), dt.date(2024, 9, 1))
    assert summary.returns == [("2025", 2025)]
    assert summary.episodes == {"new": 2, "updated": 0, "unchanged": 0}
    assert summary.children == {"new": 1, "updated": 0, "unchanged": 0}
    assert AuditEvent.objects.filter(action="load", object_type="returns.ssda903").count() == 1


def test_an_episode_open_at_31_march_continues_into_the_next_years_return(
    world: Any, run: Any, refused: Any, kit: Any, tmp_path: Path
) -> None:
    root = tmp_path / "history"
    (root / "2024").mkdir(parents=True)
    (root / "2025").mkdir()
    (root / "2024" / "h.csv").write_text(kit.csv_text("Header", [kit.header("C1")]))
    (root / "2024" / "e.csv").write_text(kit.csv_text("Episodes", [kit.episode("C1", "01/02/2024")]))
    (root / "2025" / "h.csv").write_text(kit.csv_text("Header", [kit.header("C1")]))
    (root / "2025" / "e.csv").write_text(
        kit.csv_text(
            "Episodes",
            [
                kit.episode("C1", "01/02/2024", DEC="20/06/2024", REC="X1"),
                kit.episode("C1", "20/06/2024", RNE="P", PLACE="U6", DEC="01/12/2024", REC="E4A"),
            ],
        )
    )

    summary = run(root)

    rows = list(
        Episode.objects.filter(child__child_id="C1").order_by("decom").values_list("decom", "dec", "rec")
    )
    assert rows == [
        (dt.date(2024, 2, 1), dt.date(2024, 6, 20), "X1"),
        (dt.date(2024, 6, 20), dt.date(2024, 12, 1), "E4A"),
    ]
    assert [year for _, year in summary.returns] == [2024, 2025]


def test_importing_the_years_one_at_a_time_updates_the_open_episode(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    earlier = csv_set("2024", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/02/2024")])
    later = csv_set(
        "2025",
        Header=[kit.header("C1")],
        Episodes=[kit.episode("C1", "01/02/2024", DEC="20/06/2024", REC="E13")],
    )
    run(earlier)

    summary = run(later)

    assert summary.episodes == {"new": 0, "updated": 1, "unchanged": 0}
    assert Episode.objects.get(child__child_id="C1").dec == dt.date(2024, 6, 20)


def test_reimporting_the_same_files_changes_nothing(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set(
        "2025",
        Header=[kit.header("C1"), kit.header("C2", SEX="M")],
        Episodes=[
            kit.episode("C1", "01/05/2024"),
            kit.episode("C2", "01/06/2024", DEC="01/07/2024", REC="E8"),
        ],
        Reviews=[{"CHILD": "C1", "REVIEW": "01/06/2024", "REVIEW_CODE": "PN0"}],
        Missing=[{"CHILD": "C2", "MISSING": "A", "MIS_START": "10/06/2024", "MIS_END": "11/06/2024"}],
    )
    run(folder)
    counts, digest = kit.register_state()

    summary = run(folder)

    counts_after, digest_after = kit.register_state()
    assert digest_after == digest
    assert counts_after == counts | {"AuditEvent": counts["AuditEvent"] + 1}  # only the load's record
    assert summary.episodes == {"new": 0, "updated": 0, "unchanged": 2}
    assert summary.children == {"new": 0, "updated": 0, "unchanged": 2}


def test_a_missing_episode_open_at_year_end_is_closed_by_the_next_return_not_doubled(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    open_row = {"CHILD": "C1", "MISSING": "M", "MIS_START": "30/03/2024"}
    same_day_twice = {"CHILD": "C1", "MISSING": "M", "MIS_START": "01/05/2024", "MIS_END": "01/05/2024"}
    first = csv_set("2024", Header=[kit.header("C1")], Missing=[open_row])
    second = csv_set(
        "2025",
        Header=[kit.header("C1")],
        Missing=[
            open_row | {"MIS_END": "02/04/2024"},
            same_day_twice,
            same_day_twice | {"MIS_END": "02/05/2024"},
        ],
    )
    run(first)

    summary = run(second)

    held = MissingEpisode.objects.filter(child__child_id="C1").order_by("start", "end")
    assert list(held.values_list("start", "end")) == [
        (dt.date(2024, 3, 30), dt.date(2024, 4, 2)),
        (dt.date(2024, 5, 1), dt.date(2024, 5, 1)),
        (dt.date(2024, 5, 1), dt.date(2024, 5, 2)),
    ]
    assert "Missing episodes: 2 new, 1 updated, 0 unchanged" in summary.lines()


def test_a_missing_episode_in_two_years_imported_together_is_one_episode(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    open_row = {"CHILD": "C1", "MISSING": "A", "MIS_START": "31/03/2024"}
    first = csv_set("2024", Header=[kit.header("C1")], Missing=[open_row])
    second = csv_set("2025", Header=[kit.header("C1")], Missing=[open_row | {"MIS_END": "01/04/2024"}])

    run(first, second)

    held = MissingEpisode.objects.filter(child__child_id="C1")
    assert list(held.values_list("kind", "start", "end")) == [
        ("A", dt.date(2024, 3, 31), dt.date(2024, 4, 1))
    ]


def test_identical_rows_in_two_years_are_not_doubled(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    closed = kit.episode("C1", "01/05/2023", DEC="01/05/2024", REC="E4A")
    first = csv_set("2024", Header=[kit.header("C1")], Episodes=[closed])
    second = csv_set("2025", Header=[kit.header("C1")], Episodes=[closed])

    run(first, second)

    assert Episode.objects.filter(child__child_id="C1").count() == 1


def test_folders_given_separately_are_told_apart_by_their_files(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    """Both folders hold "Episodes.csv": the later year closing the episode is not a repeat."""
    first = csv_set("2024", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/05/2023")])
    closed = kit.episode("C1", "01/05/2023", DEC="01/05/2024", REC="E4A")
    second = csv_set("2025", Header=[kit.header("C1")], Episodes=[closed])

    run(first, second)

    assert list(Episode.objects.filter(child__child_id="C1").values_list("dec", "rec")) == [
        (dt.date(2024, 5, 1), "E4A")
    ]
    repeated = kit.episode("C1", "01/05/2023", DEC="01/06/2024", REC="E4A")
    again = csv_set("2026", Header=[kit.header("C1")], Episodes=[closed, repeated])
    errors = refused(first, again)
    assert errors == [
        f"{again}/Episodes.csv row 3: repeats the episode of CHILD C1 starting 01/05/2023 (row 2) "
        "with different values"
    ]


def test_earlier_years_codes_are_mapped_and_reported_as_warnings(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set(
        "2023",
        Header=[kit.header("C1", SEX="1"), kit.header("C2", SEX="2")],
        Episodes=[
            kit.episode("C1", "01/05/2022", PLACE="H5", DEC="01/06/2022", REC="X1"),
            kit.episode("C1", "01/06/2022", RNE="P", PLACE="P2", DEC="01/07/2022", REC="X1"),
            kit.episode("C1", "01/07/2022", RNE="P", PLACE="Z1"),
        ],
    )

    summary = run(folder)

    assert dict(Child.objects.values_list("child_id", "sex").filter(child_id__in=["C1", "C2"])) == {
        "C1": "M",
        "C2": "F",
    }
    places = list(
        Episode.objects.filter(child__child_id="C1").order_by("decom").values_list("place", flat=True)
    )
    assert places == ["K3", "K3", "Z14"]
    assert "Header.csv row 2, field SEX: earlier collection years' code '1' mapped to today's 'M'" in (
        summary.warnings
    )
    assert "Episodes.csv row 4, field PLACE: earlier collection years' code 'Z1' mapped to today's 'Z14'" in (
        summary.warnings
    )
    assert len(summary.warnings) == 5


def test_placed_adoption_alone_gives_the_decision_date(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set(
        "2025",
        Header=[kit.header("C1")],
        PlacedAdoption=[
            {"CHILD": "C1", "DATE_PLACED": "01/05/2024", "DATE_PLACED_CEASED": "01/09/2024"}
            | {"REASON_PLACED_CEASED": "RD1"}
        ],
    )

    run(folder)

    record = AdoptionRecord.objects.get(child__child_id="C1")
    assert (record.decision, record.placed, record.placed_ceased, record.reason_placed_ceased) == (
        dt.date(2024, 5, 1),
        None,
        dt.date(2024, 9, 1),
        "RD1",
    )


def test_the_summary_counts_warnings_by_kind(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2023", Header=[kit.header("C1", SEX="1"), kit.header("C2", SEX="1")])
    later = csv_set("2024", Header=[kit.header("C3", SEX="1")])

    summary = run(folder, later)

    assert "  3 x SEX: earlier collection years' code '1' mapped to today's 'M'" in summary.lines()
    # One warning per table, column and code, naming the first cell: not a line per cell.
    assert summary.warnings == [
        f"{folder}/Header.csv row 2, field SEX: earlier collection years' code '1' mapped to today's 'M' "
        "(in 3 Header rows; the first is shown)"
    ]


def test_the_collection_year_comes_from_the_dates_when_the_path_does_not_say(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set(
        "latest",
        Header=[kit.header("C1")],
        Episodes=[kit.episode("C1", "01/02/2024", DEC="03/04/2024", REC="E8")],
    )

    summary = run(folder)

    assert summary.returns == [("latest", 2025)]


# -- errors: each names file, row and field, and the register is unchanged ---------------------


def test_a_file_whose_header_matches_no_table_is_refused(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2025", Header=[kit.header("C1")])
    (folder / "notes.csv").write_text("CHILD,NAME\nC1,Ava\n")

    errors = refused(folder)

    assert len(errors) == 1
    assert errors[0].startswith("notes.csv row 1: header 'CHILD,NAME' matches no SSDA903 table")


def test_an_impossible_date_is_refused_naming_file_row_and_field(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    rows = [kit.episode("C1", f"0{n}/05/2023", DEC=f"0{n + 1}/05/2023", REC="X1") for n in range(1, 8)]
    rows.append(kit.episode("C1", "31/02/2024"))
    folder = csv_set("2024", Header=[kit.header("C1")], Episodes=rows)

    assert refused(folder) == [
        'Episodes.csv row 9, field DECOM: "31/02/2024" is not a real date (dd/mm/YYYY)'
    ]


def test_a_date_in_the_wrong_form_is_refused(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2024", Header=[kit.header("C1", DOB="2010-06-01")])

    assert refused(folder) == [
        'Header.csv row 2, field DOB: "2010-06-01" is not a date in the form dd/mm/YYYY'
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("RNE", "Q"),
        ("LS", "C3"),
        ("CIN", "N0"),
        ("PLACE", "U7"),
        ("PLACE_PROVIDER", "PR9"),
        ("REASON_PLACE_CHANGE", "BORED"),
    ],
)
def test_an_unknown_episode_code_is_refused(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet, column: str, value: str
) -> None:
    folder = csv_set(
        "2024", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/05/2023", **{column: value})]
    )

    assert refused(folder) == [f'Episodes.csv row 2, field {column}: "{value}" is not a valid {column} code']


def test_unknown_codes_in_other_tables_are_all_reported_together(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set(
        "2024",
        Header=[kit.header("C1", SEX="X", ETHNIC="ZZZZ")],
        Episodes=[kit.episode("C1", "01/05/2023", DEC="01/06/2023", REC="E99")],
        Reviews=[{"CHILD": "C1", "REVIEW": "01/06/2023", "REVIEW_CODE": "PN9"}],
    )

    assert refused(folder) == [
        'Episodes.csv row 2, field REC: "E99" is not a valid REC code',
        'Header.csv row 2, field SEX: "X" is not a valid SEX code',
        'Header.csv row 2, field ETHNIC: "ZZZZ" is not a valid ETHNIC code',
        'Reviews.csv row 2, field REVIEW_CODE: "PN9" is not a valid REVIEW_CODE code',
    ]


def test_overlapping_episodes_are_refused_naming_both_rows(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set(
        "2024",
        Header=[kit.header("C1")],
        Episodes=[
            kit.episode("C1", "01/05/2023", DEC="01/08/2023", REC="X1"),
            kit.episode("C1", "01/07/2023", RNE="P"),
        ],
    )

    assert refused(folder) == [
        "Episodes.csv row 2: episode of CHILD C1 from 01/05/2023 (to 01/08/2023) overlaps "
        "Episodes.csv row 3, which starts 01/07/2023"
    ]


def test_an_open_episode_in_one_year_overlapping_a_later_year_is_refused(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    first = csv_set("2023", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/05/2022")])
    second = csv_set("2024", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/06/2023")])

    (error,) = refused(first, second)

    assert "Episodes.csv row 2: episode of CHILD C1 from 01/05/2022 (open) overlaps" in error


def test_an_episode_overlapping_one_already_in_the_register_is_refused(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    run(csv_set("2023", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/05/2022")]))
    later = csv_set("2024", Episodes=[kit.episode("C1", "01/06/2023")])

    (error,) = refused(later)

    assert error == (
        "the register's episode from 01/05/2022: episode of CHILD C1 from 01/05/2022 (open) overlaps "
        "Episodes.csv row 2, which starts 01/06/2023"
    )


def test_a_file_that_is_not_utf8_is_refused(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2024")
    (folder / "Header.csv").write_bytes(
        kit.csv_text("Header", [kit.header("C1"), kit.header("Zoë")]).encode("cp1252")
    )

    (error,) = refused(folder)

    assert error.startswith("Header.csv row 3: is not UTF-8 text (byte 0xeb")


def test_a_utf8_file_with_a_byte_order_mark_is_read(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2024")
    (folder / "Header.csv").write_bytes(kit.csv_text("Header", [kit.header("C1")]).encode("utf-8-sig"))

    run(folder)

    assert Child.objects.filter(child_id="C1").exists()


def test_a_truncated_row_is_refused(world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet) -> None:
    folder = csv_set("2024", Header=[kit.header("C1")])
    text = kit.csv_text("Episodes", [kit.episode("C1", "01/05/2023")])
    (folder / "Episodes.csv").write_text(text[: text.rindex(",N1,")])

    assert refused(folder) == [
        "Episodes.csv row 2: has 4 values but the header has 13 columns (a truncated or misaligned row)"
    ]


def test_a_child_without_a_header_row_is_refused(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2024", Episodes=[kit.episode("C9", "01/05/2023")])

    assert refused(folder) == [
        "Episodes.csv row 2, field CHILD: 'C9' has no Header row and is not in the register"
    ]


def test_a_clash_with_a_record_already_held_is_refused_and_rolled_back(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    # Ava (N0001) is held with a date of death; a Header giving a later DOB breaks a constraint
    # that only the database can see, and must still leave everything as it was.
    world.child_north.date_of_death = dt.date(2013, 1, 1)
    world.child_north.save()
    folder = csv_set("2025", Header=[kit.header("N0001", DOB="01/06/2014"), kit.header("C1")])

    (error,) = refused(folder)

    assert error.startswith("the register refused the import, nothing was written:")
    assert not Child.objects.filter(child_id="C1").exists()


def test_errors_stop_at_fifty(world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet) -> None:
    folder = csv_set("2024", Header=[kit.header(f"C{n}", SEX="X") for n in range(80)])

    errors = refused(folder)

    assert len(errors) == 51
    assert errors[-1].startswith("... stopped after 50 errors")


def test_the_command_prints_a_summary(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = csv_set("2025", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/05/2024")])

    call_command(Command(), str(folder), authority="E06000026")

    out = capsys.readouterr().out
    assert "Imported SSDA903 returns for Plymptown Council." in out
    assert "Episodes: 1 new, 0 updated, 0 unchanged" in out


def test_the_command_fails_with_every_error_and_writes_nothing(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2025", Header=[kit.header("C1", DOB="31/04/2010"), kit.header("C2", SEX="Q")])
    before = kit.register_state()

    with pytest.raises(CommandError) as failed:
        call_command(Command(), str(folder), authority="879")

    message = str(failed.value)
    assert message.startswith("Import refused, nothing was written (2 error(s)):")
    assert 'Header.csv row 2, field DOB: "31/04/2010" is not a real date' in message
    assert 'Header.csv row 3, field SEX: "Q" is not a valid SEX code' in message
    assert kit.register_state() == before


def test_the_command_asks_which_authority_when_there_are_several(
    world: Any, run: Any, refused: Any, kit: Any, csv_set: CsvSet
) -> None:
    folder = csv_set("2025", Header=[kit.header("C1")])

    with pytest.raises(CommandError, match="--authority"):
        call_command(Command(), str(folder))


def test_new_children_of_whom_only_some_are_uasc_are_all_imported(
    world: Any, run: Any, kit: Any, csv_set: CsvSet
) -> None:
    """New children arrive with different fields (UASC or not); each keeps the register's defaults."""
    folder = csv_set(
        "2025",
        Header=[kit.header("C1", SEX="F", DOB="01/01/2010"), kit.header("C2", SEX="M", DOB="02/02/2009")],
        UASC=[{"CHILD": "C2", "SEX": "M", "DOB": "02/02/2009", "DUC": ""}],
    )

    run(folder)

    children = {c.child_id: c for c in Child.objects.filter(authority=world.authority)}
    assert (children["C1"].uasc, children["C1"].date_of_birth) == (False, dt.date(2010, 1, 1))
    assert (children["C2"].uasc, children["C2"].uasc_ceased) == (True, None)
    assert children["C1"].first_name == children["C2"].first_name == "Unknown"
