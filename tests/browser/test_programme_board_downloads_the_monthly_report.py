"""The head of service opens the programme, reads the risk register and the savings plan (on
track and achieved apart), opens the monthly programme report and downloads it as a PDF and as
Excel; every page passes axe."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from divert.programme.models import financial_year_of
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.programme.conftest import action, line, risk, stream

pytestmark = pytest.mark.browser


def _programme(world: World) -> None:
    today = timezone.localdate()
    a = world.authority
    hub = stream(a, "Improving shared safeguarding intelligence (hub)", 0)
    action(
        a,
        "Creation of safeguarding hub",
        today - dt.timedelta(days=5),
        "blocked",
        stream=hub,
        barrier="IT links not agreed",
    )
    action(a, "Fortnightly placement review meetings", today + dt.timedelta(days=10), "in_progress")
    risk(a, "Rise in number of children in care", 4, 5)
    risk(a, "Rise in court ordered placements", 2, 4)
    year = financial_year_of(today)
    line(a, "placements", year, "750", on_track="amber")
    line(a, "care_leavers", year, "130", on_track="green")


def test_the_head_of_service_reads_the_programme_and_downloads_the_monthly_report(
    page: Page, world: World
) -> None:
    _programme(world)
    sign_in(page, "hos")
    page.goto("/programme/")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1, name="Programme")).to_be_visible()
    expect(main.get_by_role("link", name="Improving shared safeguarding intelligence (hub)")).to_be_visible()
    assert_accessible(page, "Programme overview")

    main.get_by_role("navigation", name="Programme pages").get_by_role("link", name="Risk register").click()
    expect(page.get_by_role("heading", level=1, name="Risk register")).to_be_visible()
    assert_accessible(page, "Risk register")

    page.get_by_role("main").get_by_role("link", name="Savings plan").click()
    expect(page.get_by_role("heading", level=1, name="Efficiency savings plan")).to_be_visible()
    expect(page.get_by_role("columnheader", name="On track (forecast)").first).to_be_visible()
    expect(page.get_by_role("columnheader", name="Achieved £000").first).to_be_visible()
    assert_accessible(page, "Savings plan")

    page.get_by_role("main").get_by_role("link", name="Monthly report").click()
    expect(page.get_by_role("heading", level=1, name="Monthly programme report")).to_be_visible()
    expect(page.get_by_role("table", name="Barriers").get_by_text("IT links not agreed")).to_be_visible()
    assert_accessible(page, "Monthly programme report")

    on = timezone.localdate()
    with page.expect_download() as pdf:
        page.get_by_role("main").get_by_role("link", name="Download the report (PDF)").click()
    assert pdf.value.suggested_filename == f"programme-report-{on:%Y-%m-%d}.pdf"
    with open(pdf.value.path(), "rb") as f:
        assert f.read(4) == b"%PDF"
    with page.expect_download() as xlsx:
        page.get_by_role("main").get_by_role("link", name="Download the report (Excel)").click()
    assert xlsx.value.suggested_filename == f"programme-report-{on:%Y-%m-%d}.xlsx"
    with open(xlsx.value.path(), "rb") as f:
        assert f.read(2) == b"PK"
