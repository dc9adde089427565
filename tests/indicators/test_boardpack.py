"""The monthly board pack (PDF and Excel) and its download.

The world (``scorecard_world``): as at 31 March 2025 Ava (North) has been in care since
10 January 2025 and Sid (South) since 5 March 2025.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html import escape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from divert.core.audit import bump_register_version
from divert.core.models import AuditEvent
from divert.indicators import boardpack, exports
from divert.indicators.catalogue import Section, indicators
from divert.indicators.exports import Scope
from divert.indicators.report import Row
from tests.conftest import PASSWORD, World
from tests.indicators.scorecard_world import AS_AT, put_world_in_care


@pytest.fixture
def in_care(world: World) -> World:
    put_world_in_care(world)
    return world


def scope_of(world: World) -> Scope:
    return exports.parse_scope(world.authority, as_at=AS_AT.isoformat(), frequency="month")


def pack_rows(world: World) -> list[Row]:
    return boardpack.pack_rows(scope_of(world))


def test_the_pack_has_a_cover_a_summary_and_every_indicator_under_its_section(in_care: World) -> None:
    page = boardpack.html(pack_rows(in_care), scope_of(in_care))
    assert "Board pack" in page
    assert "31 March 2025" in page  # as at, on the cover
    assert "March 2025 (monthly figures)" in page  # the period reported
    for section in {ind.section for ind in indicators()}:
        assert escape(str(section)) in page
    for ind in indicators():
        # Twice: once in the summary, once as the heading of its own part.
        assert page.count(f"<h3>{escape(ind.title)}</h3>") == 1
        assert escape(ind.title) in page.split('class="summary"')[1].split('class="section"')[0]
        assert escape(ind.definition) in page


def test_every_indicator_has_a_trend_chart_and_a_table_of_the_last_year(in_care: World) -> None:
    rows = pack_rows(in_care)
    page = boardpack.html(rows, scope_of(in_care))
    assert page.count("<svg") == len(indicators())
    assert page.count('<table class="data">') == len(indicators())
    assert len(rows[0].trend) == 24  # two years of months behind each chart
    assert "Apr 2024" in page and "Mar 2025" in page  # the table's first and last month


def test_a_rating_is_written_in_words_beside_its_colour(in_care: World) -> None:
    rows = {row.indicator.id: row for row in pack_rows(in_care)}
    # Children leaving care: none left in March against a target of 10 (tolerance 2): off target.
    leaving = boardpack.item(rows["cla_ceased"], with_chart=False)
    assert (leaving.value, leaving.rag, leaving.rag_label) == ("0", "red", "Off target")
    page = boardpack.html(list(rows.values()), scope_of(in_care))
    assert '<span class="mark mark-red"></span>Off target' in page


def test_the_change_since_last_month_says_whether_it_is_better_or_worse(in_care: World) -> None:
    rows = {row.indicator.id: row for row in pack_rows(in_care)}
    # Children in care went from 1 (February) to 2 (March); fewer is better, so this is worse.
    count = boardpack.item(rows["cla_count"], with_chart=False)
    assert (count.previous, count.value, count.change, count.direction) == ("1", "2", "+1", "worse")


def test_names_from_the_register_are_escaped_in_the_pack() -> None:
    scope = Scope(1, "<script>alert(1)</script> Council", AS_AT)
    page = boardpack.html([], scope)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Council" in page


def test_the_pdf_is_a_pdf_with_about_a_page_per_two_indicators(in_care: World) -> None:
    # One section (children in care: four indicators) keeps the test quick: a cover, a summary,
    # then two indicators to a page.
    rows = [row for row in pack_rows(in_care) if row.indicator.section is Section.IN_CARE][:4]
    laid_out = boardpack.document(rows, scope_of(in_care))
    assert 3 <= len(laid_out.pages) <= 6
    content = laid_out.write_pdf()
    assert content.startswith(b"%PDF-")
    assert len(content) > 10_000


def test_the_pack_fetches_no_url_whatever_the_page_says() -> None:
    with pytest.raises(ValueError, match="fetches nothing"):
        boardpack._no_fetching("http://169.254.169.254/latest/")


def test_the_workbook_pack_has_24_months_for_each_indicator(in_care: World) -> None:
    rows = pack_rows(in_care)
    content = boardpack.xlsx(rows, scope_of(in_care))
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        series = book.read("xl/worksheets/sheet2.xml").decode()
    first = re.search(r'<row r="5".*?</row>', series)
    assert first is not None
    numbers = re.findall(r'<c r="[A-Z]+5"(?: s="\d+")?><v>', first.group(0))
    assert len(numbers) == 24


@pytest.mark.parametrize(
    ("today", "end"),
    [(dt.date(2026, 11, 24), dt.date(2026, 10, 31)), (dt.date(2025, 3, 1), dt.date(2025, 2, 28))],
)
def test_the_pack_reports_the_last_whole_month_by_default(today: dt.date, end: dt.date) -> None:
    assert boardpack.last_month_end(today) == end


# --- Download from the web ----------------------------------------------------------------------


def signed_in(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_head_of_service_downloads_the_board_pack_workbook_and_it_is_audited(
    client: Client, in_care: World
) -> None:
    url = reverse("indicators:boardpack", kwargs={"fmt": "xlsx"})
    response = signed_in(client, "hos").get(url, {"as_at": "2025-03-31"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="board-pack-2025-03-31-month.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content[:2] == b"PK"
    assert AuditEvent.objects.filter(actor=in_care.users["hos"], note__startswith="board pack").count() == 1


def test_a_pack_is_made_once_per_register_version_and_again_after_a_change(
    in_care: World, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.DIVERT_FRAMES_CACHE = 4
    made: list[str] = []

    def counting_xlsx(rows: list[Row], scope: Scope) -> bytes:
        made.append(scope.authority)
        return b"PK made"

    monkeypatch.setattr(boardpack, "xlsx", counting_xlsx)
    monkeypatch.setattr(boardpack, "_packs", boardpack.OrderedDict())
    scope = scope_of(in_care)
    boardpack.cached_build(scope, "xlsx")
    boardpack.cached_build(scope, "xlsx")
    assert len(made) == 1
    bump_register_version()  # a change to the register: the next pack is made afresh
    boardpack.cached_build(scope, "xlsx")
    assert len(made) == 2


def test_a_partner_user_gets_no_board_pack(client: Client, world: World) -> None:
    url = reverse("indicators:boardpack", kwargs={"fmt": "pdf"})
    assert signed_in(client, "pat").get(url).status_code == 403
    assert not AuditEvent.objects.filter(note__startswith="board pack").exists()


def test_a_board_pack_in_another_format_is_refused(client: Client, world: World) -> None:
    url = reverse("indicators:boardpack", kwargs={"fmt": "docx"})
    assert signed_in(client, "ana").get(url).status_code == 400
