"""The scorecard as JSON, CSV and Excel, and its download from the web.

The world (``scorecard_world``): as at 31 March 2025 Ava (North) has been in care since
10 January 2025 and Sid (South) since 5 March 2025.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from divert.core.models import AuditEvent
from divert.indicators import exports
from divert.indicators.catalogue import get, indicators
from divert.indicators.exports import BadOption, Scope
from divert.indicators.periods import Frequency
from divert.indicators.report import frames_for, scorecard
from tests.conftest import PASSWORD, World
from tests.indicators.scorecard_world import AS_AT, put_world_in_care, team

REQUIRED = {"id", "title", "value", "unit", "target", "rag", "as_at", "trend"}


@pytest.fixture
def in_care(world: World) -> World:
    put_world_in_care(world)
    return world


def scope_of(world: World, team: str = "") -> Scope:
    return exports.parse_scope(world.authority, as_at=AS_AT.isoformat(), frequency="month", team=team)


def sheet_xml(content: bytes) -> dict[str, str]:
    """Every part of an .xlsx file as text (the workbook is a zip of XML parts)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return {name: book.read(name).decode("utf-8") for name in book.namelist()}


def test_json_rows_carry_the_required_keys_and_the_scorecards_own_figures(in_care: World) -> None:
    scope = scope_of(in_care)
    rows = exports.rows_for(scope)
    doc = json.loads(exports.scorecard_json(rows, scope))
    expected = scorecard(frames_for(in_care.authority.pk), AS_AT, authority_id=in_care.authority.pk)
    assert doc["authority"] == "Plymptown Council"
    assert doc["as_at"] == "2025-03-31"
    assert [r["id"] for r in doc["rows"]] == [ind.id for ind in indicators()]
    for got, want in zip(doc["rows"], expected, strict=True):
        assert set(got) >= REQUIRED
        assert got["value"] == exports.fixed(want.value)
        assert got["rag"] == want.rag
    counts = {r["id"]: r["value"] for r in doc["rows"]}
    assert counts["cla_count"] == 2.0  # Ava and Sid are both in care on 31 March


def test_the_trend_is_dates_and_values_oldest_first(in_care: World) -> None:
    scope = scope_of(in_care)
    doc = json.loads(exports.scorecard_json(exports.rows_for(scope), scope))
    trend = next(r["trend"] for r in doc["rows"] if r["id"] == "cla_count")
    # In care at each month end: January Ava (1), February Ava (1), March Ava and Sid (2).
    assert trend[-3:] == [
        {"date": "2025-01-31", "value": 1.0},
        {"date": "2025-02-28", "value": 1.0},
        {"date": "2025-03-31", "value": 2.0},
    ]


def test_the_same_register_gives_the_same_json_and_csv_byte_for_byte(in_care: World) -> None:
    first, second = scope_of(in_care), scope_of(in_care)  # made at different instants
    rows = exports.rows_for(first)
    assert exports.scorecard_json(rows, first) == exports.scorecard_json(exports.rows_for(second), second)
    assert exports.scorecard_csv(rows, first) == exports.scorecard_csv(exports.rows_for(second), second)


def test_numbers_are_written_to_a_fixed_number_of_places() -> None:
    assert exports.fixed(1 / 3) == 0.333333
    assert exports.fixed(-0.0000001) == 0.0  # never "-0.0" in a diff
    assert exports.fixed(8) == 8.0
    assert exports.fixed(None) is None


def test_the_csv_has_one_line_per_indicator_with_the_named_columns(in_care: World) -> None:
    scope = scope_of(in_care)
    lines = list(csv.DictReader(io.StringIO(exports.scorecard_csv(exports.rows_for(scope), scope))))
    assert len(lines) == len(indicators())
    cla = next(line for line in lines if line["id"] == "cla_count")
    assert (cla["title"], cla["value"], cla["as_at"]) == ("Children in care", "2", "2025-03-31")


def test_a_fall_is_written_to_csv_as_a_negative_number_not_escaped_text(in_care: World) -> None:
    scope = scope_of(in_care)
    rows = [r for r in exports.rows_for(scope) if r.indicator.id == "cla_count"]
    rows[0].previous = 3.0  # 3 children last month, 2 now: a change of -1
    line = next(csv.DictReader(io.StringIO(exports.scorecard_csv(rows, scope))))
    assert (line["previous"], line["value"], line["change"]) == ("3", "2", "-1")


def test_a_team_named_like_a_formula_is_written_to_csv_as_text(in_care: World) -> None:
    team(in_care, "=cmd()")
    scope = scope_of(in_care, team="=cmd()")
    text = exports.scorecard_csv(exports.rows_for(scope), scope)
    teams = {line["team"] for line in csv.DictReader(io.StringIO(text))}
    assert teams == {"'=cmd()"}


def test_an_unknown_team_or_a_bad_date_is_refused_naming_the_option(world: World) -> None:
    with pytest.raises(BadOption) as bad_team:
        exports.parse_scope(world.authority, as_at="2025-03-31", frequency="month", team="Nowhere")
    with pytest.raises(BadOption) as bad_date:
        exports.parse_scope(world.authority, as_at="31/03/2025", frequency="month")
    with pytest.raises(BadOption) as bad_freq:
        exports.parse_scope(world.authority, as_at="2025-03-31", frequency="year")
    assert (bad_team.value.option, bad_date.value.option, bad_freq.value.option) == (
        "team",
        "as_at",
        "frequency",
    )
    assert "Nowhere" in bad_team.value.message


def test_a_team_in_another_authority_is_unknown_here(world: World) -> None:
    team_elsewhere = "Elsewhere children in care"
    from divert.people.models import Team

    Team.objects.create(authority=world.other_authority, name=team_elsewhere, kind=Team.Kind.CHILDREN_IN_CARE)
    with pytest.raises(BadOption):
        exports.parse_scope(world.authority, as_at="2025-03-31", frequency="month", team=team_elsewhere)


def test_the_workbook_opens_with_a_summary_series_and_a_native_chart_per_indicator(in_care: World) -> None:
    scope = scope_of(in_care)
    parts = sheet_xml(exports.workbook(exports.rows_for(scope), scope))
    names = re.findall(r'<sheet name="([^"]+)"', parts["xl/workbook.xml"])
    assert names[:2] == ["Summary", "Series"]
    assert len(names) == 2 + len({ind.section for ind in indicators()})
    strings = parts["xl/sharedStrings.xml"]
    for ind in indicators():
        assert f"<t>{ind.title}</t>" in strings.replace("&amp;", "&")
    charts = [name for name in parts if re.fullmatch(r"xl/charts/chart\d+\.xml", name)]
    assert len(charts) == len(indicators())
    assert "<c:lineChart>" in parts[charts[0]]


def test_the_summary_sheet_colours_each_rating(in_care: World) -> None:
    scope = scope_of(in_care)
    parts = sheet_xml(exports.workbook(exports.rows_for(scope), scope))
    summary = parts["xl/worksheets/sheet1.xml"]
    for rating in ("green", "amber", "red"):
        assert f'<formula>"{rating}"</formula>' in summary


def test_text_that_looks_like_a_formula_is_stored_in_the_workbook_as_text() -> None:
    scope = Scope(1, '=HYPERLINK("http://example.invalid","x")', AS_AT)
    parts = sheet_xml(exports.workbook([], scope))
    assert "'=HYPERLINK" in parts["xl/sharedStrings.xml"]
    assert not any("<f>" in xml for name, xml in parts.items() if name.startswith("xl/worksheets/"))


def test_every_section_gets_a_worksheet_name_excel_accepts() -> None:
    names = exports.sheet_names({ind.section for ind in indicators()}).values()
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_figures_are_displayed_as_people_read_them() -> None:
    count, share = get("cla_count"), next(i for i in indicators() if str(i.unit) == "percent")
    assert exports.display(375.0, count) == "375"
    assert exports.display(-4.0, count, signed=True) == "-4"
    assert exports.display(4.0, count, signed=True) == "+4"
    assert exports.display(None, count) == "No figure"
    assert exports.display(12.5, share).endswith("%")
    # A change in a percentage is in points, so a reader does not take it for a relative change.
    assert exports.display(3.0, share, signed=True).endswith(" points")


def test_a_change_too_small_to_show_is_no_change_not_better_or_worse(in_care: World) -> None:
    scope = scope_of(in_care)
    row = next(r for r in exports.rows_for(scope) if r.indicator.id == "cla_count")
    row.value, row.previous = 2.2, 2.0  # shown to whole children: "2" both months
    assert exports.direction(row) == "no change"
    row.value = 3.0  # one more child in care, and fewer is better
    assert exports.direction(row) == "worse"


def test_the_download_filename_names_the_date_and_part_of_the_authority() -> None:
    scope = Scope(1, "Plymptown", dt.date(2025, 3, 31), Frequency.WEEK, team="North / East")
    assert exports.filename(scope, "scorecard", "csv") == "scorecard-2025-03-31-week-north-east.csv"


# --- Downloads from the web ---------------------------------------------------------------------


def signed_in(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def download(client: Client, **query: str) -> Any:
    return client.get(reverse("indicators:scorecard_download"), query)


def test_an_analyst_downloads_the_scorecard_as_a_csv_attachment_and_it_is_audited(
    client: Client, in_care: World
) -> None:
    response = download(signed_in(client, "ana"), format="csv", as_at="2025-03-31")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2025-03-31-month.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert next(line["value"] for line in lines if line["id"] == "cla_count") == "2"
    event = AuditEvent.objects.get(actor=in_care.users["ana"], note__startswith="scorecard download")
    assert event.action == AuditEvent.Action.VIEW


def test_the_json_download_is_the_scorecard_for_the_chosen_team(client: Client, in_care: World) -> None:
    response = download(
        signed_in(client, "tom"),
        format="json",
        as_at="2025-03-31",
        freq="month",
        team="North children in care",
    )
    assert response["Content-Type"] == "application/json"
    rows = {r["id"]: r for r in json.loads(response.content)["rows"]}
    assert rows["cla_count"]["value"] == 1.0  # only Ava is allocated to the North team
    assert rows["cla_count"]["team"] == "North children in care"


def test_the_workbook_download_is_an_excel_file(client: Client, in_care: World) -> None:
    response = download(signed_in(client, "hos"), format="xlsx", as_at="2025-03-31")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"


@pytest.mark.parametrize("username", ["pat", "adam"])
def test_a_partner_or_an_administrator_cannot_download_the_scorecard(
    client: Client, world: World, username: str
) -> None:
    response = download(signed_in(client, username), format="csv")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(note__startswith="scorecard download").exists()


def test_someone_not_signed_in_is_not_given_the_scorecard(client: Client, world: World) -> None:
    assert download(client, format="csv").status_code in (302, 403)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"format": "docx"}, "format"),
        ({"format": "csv", "as_at": "2025-02-30"}, "date"),
        ({"format": "csv", "team": "Nowhere"}, "team"),
        ({"format": "csv", "freq": "year"}, "freq"),
    ],
)
def test_a_bad_option_is_a_plain_bad_request_naming_it(
    client: Client, world: World, query: dict[str, str], said: str
) -> None:
    response = download(signed_in(client, "ana"), **query)
    assert response.status_code == 400
    assert said in response.content.decode()
