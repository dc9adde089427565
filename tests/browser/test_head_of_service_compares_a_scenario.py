"""A head of service makes the scenario "entries 8 a month, 10 out of residential", compares it
with the baseline, reads the cost difference and downloads the forecast as Excel, on
accessible pages.

The model is the stand-in of ``tests/forecast/conftest.py`` (192 children, £728,000 a month
in the baseline), so the saving on the page can be worked by hand.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from divert.core.models import AuditEvent
from divert.forecast import queries
from divert.forecast.models import SavedScenario
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.forecast.conftest import WEEKLY, fake_backtest, fake_forecast

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _stand_in_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "run_forecast", fake_forecast)
    monkeypatch.setattr(queries, "run_backtest", fake_backtest)
    monkeypatch.setattr(queries, "default_costs", lambda day: dict(WEEKLY))
    monkeypatch.setattr(queries, "today", lambda: dt.date(2026, 11, 24))


def test_a_head_of_service_compares_holding_entries_with_the_baseline(page: Page, world: World) -> None:
    sign_in(page, "hos")
    page.goto("/forecast/")
    expect(
        page.get_by_role("heading", level=1, name="Children in care: where we are heading")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="How accurate has this been?")).to_be_visible()
    assert_accessible(page, "Baseline forecast")

    page.get_by_role("main").get_by_role("link", name="Make a new scenario").click()
    expect(page.get_by_role("heading", level=1, name="New scenario")).to_be_visible()
    assert_accessible(page, "Scenario editor")
    page.get_by_label("Name of the scenario").fill("Entries 8 a month, 10 out of residential")
    page.get_by_label("Hold entries to at most a number a month").check()
    page.get_by_label("Most children coming into care in a month").fill("8")
    page.locator("#id_entries_from").select_option(label="December 2026")
    page.locator("#id_move_1_count").fill("10")
    page.locator("#id_move_1_from").select_option(label="Residential care, independent")
    page.locator("#id_move_1_to").select_option(label="In-house foster care")
    page.locator("#id_move_1_month").select_option(label="June 2027")
    page.get_by_role("button", name="Save scenario").click()

    expect(
        page.get_by_role("heading", level=1, name="Entries 8 a month, 10 out of residential")
    ).to_be_visible()
    # 10 children from £4,000 a week to £500: £151,666.67 a month less, from June 2027 to
    # November 2028 (18 of the 24 months): £2,730,000.
    expect(page.get_by_text("against the baseline that is a saving of £2,730,000")).to_be_visible()
    assert_accessible(page, "Scenario forecast")
    saved = SavedScenario.objects.get()
    assert saved.scenario.entries_cap == 8

    page.get_by_role("navigation", name="Forecast pages").get_by_role(
        "link", name="Compare scenarios"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Compare scenarios")).to_be_visible()
    table = page.get_by_role("table", name="The baseline and each scenario side by side")
    spend = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Spend on placements over 24 months")
    )
    expect(spend).to_contain_text("£17,472,000")  # the baseline: 24 x £728,000
    expect(spend).to_contain_text("£14,742,000")  # less the £2,730,000 saved
    assert_accessible(page, "Comparison")

    page.goto(f"/forecast/?scenario={saved.pk}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel").click()
    assert download.value.suggested_filename == f"forecast-2026-11-24-{saved.pk}.xlsx"
    assert AuditEvent.objects.filter(actor=world.users["hos"], object_type="forecast.projection").exists()
