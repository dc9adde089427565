"""A team manager opens the scorecard, follows a figure off its target to the children behind it,
and reads the indicator's trend, on accessible pages; a head of service has the board pack made."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from divert.core.models import AuditEvent
from divert.indicators import tasks
from divert.indicators.models import BoardPackJob, IndicatorTarget
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.indicators.scorecard_world import put_world_in_care

pytestmark = pytest.mark.browser


def test_a_team_manager_follows_a_red_figure_to_her_teams_children(page: Page, world: World) -> None:
    # Ava (North) and Sid (South) are in care today; the authority allows none, so the figure is red.
    put_world_in_care(world)
    IndicatorTarget.objects.create(authority=world.authority, indicator="cla_count", target=0, tolerance=0)
    sign_in(page, "tom")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Scorecard").click()
    expect(page.get_by_role("heading", level=1, name="Performance scorecard")).to_be_visible()
    in_care = page.get_by_role("table", name="Children in care")
    title = page.get_by_role("rowheader", name="Children in care", exact=True)
    row = in_care.get_by_role("row").filter(has=title)
    expect(row.get_by_text("Off target")).to_be_visible()
    expect(row.get_by_role("img")).to_have_accessible_name(re.compile("Children in care, last 13 months"))
    assert_accessible(page, "Scorecard")

    row.get_by_role("link", name=re.compile(r"^2\W+see who is counted")).click()
    expect(page.get_by_role("heading", level=1, name="Children counted")).to_be_visible()
    hidden = "Showing 1 of the 2 children counted; the others are not allocated to your team."
    expect(page.get_by_text(hidden)).to_be_visible()
    children = page.get_by_role("table")
    expect(children.get_by_role("link", name="Ava Northam")).to_be_visible()
    expect(children).not_to_contain_text("Sid")
    assert_accessible(page, "Children behind the figure")

    # The indicator's own link (the menu has a "Children in care" link too, to the care clocks).
    page.locator('a[href^="/indicators/cla_count/"]', has_text="Children in care").first.click()
    expect(page.get_by_role("heading", level=1, name="Children in care")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Children in care: monthly figures"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Children in care by month"))).to_be_visible()
    expect(page.get_by_role("link", name="Download this series (CSV)")).to_be_visible()
    assert_accessible(page, "Indicator page")

    assert AuditEvent.objects.filter(actor=world.users["tom"], object_type="indicators.child").count() == 1


def test_a_head_of_service_asks_for_the_board_pack_and_downloads_it_when_the_worker_has_made_it(
    page: Page, world: World, settings: Any, tmp_path: Path
) -> None:
    settings.DIVERT_UPLOAD_DIR = tmp_path / "uploads"
    put_world_in_care(world)
    sign_in(page, "hos")
    page.goto("/indicators/?date=2025-03-31")

    page.get_by_role("button", name="PDF").click()

    # The pack waits for the task worker, and the page says how far it has got.
    expect(page.get_by_role("heading", level=1, name="Board pack as at 31 March 2025")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Waiting to start.")
    assert_accessible(page, "Board pack waiting for the worker")
    job = BoardPackJob.objects.get()

    tasks.build_boardpack.call(job.pk)  # the worker (``divert db_worker``) makes the pack

    # The page's script notices the job has finished and shows the file, with no refresh by hand.
    link = page.get_by_role("link", name=re.compile(r"^Download the board pack as at 31 March 2025 \(PDF"))
    expect(link).to_be_visible()
    assert_accessible(page, "Board pack ready")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "board-pack-2025-03-31-month.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    downloads = AuditEvent.objects.filter(actor=world.users["hos"], object_type="indicators.boardpack")
    assert downloads.count() == 1
