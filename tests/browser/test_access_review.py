"""The head of service reviews access: opens the alerts, acknowledges one, and reads who looked at a child."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import re

import pytest
from playwright.sync_api import Page, expect

from divert.privacy.models import AccessAlert
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.oversight.conftest import alert, broke_glass, viewed

pytestmark = pytest.mark.browser


def test_the_head_of_service_acknowledges_an_alert_and_reads_a_childs_access_history(
    page: Page, world: World
) -> None:
    tom, ava = world.users["tom"], world.child_north
    viewed(world.users["alice"], ava, note="Child's record")
    broke_glass(tom, ava, "Covering the duty rota")
    viewed(tom, ava, note="Chronology: everything")
    found = alert(tom, kind=AccessAlert.Kind.BREAK_GLASS, child=ava)

    sign_in(page, "hos")
    page.goto("/audit/alerts/")
    expect(page.get_by_role("heading", level=1, name="Access alerts")).to_be_visible()
    expect(page.get_by_text("1 alert to review")).to_be_visible()
    assert_accessible(page, "Access alerts")

    page.get_by_role("link", name=re.compile("^Acknowledge the alert about Tom Tester")).click()
    page.get_by_role("button", name="Acknowledge alert").click()
    expect(page.get_by_role("link", name="Enter what you found and what was done")).to_be_visible()
    assert_accessible(page, "Acknowledge an alert, with an error")
    page.get_by_label("What did you find?").fill("Tom was covering the duty rota; no action")
    page.get_by_role("button", name="Acknowledge alert").click()

    expect(page.get_by_text("Alert about Tom Tester acknowledged")).to_be_visible()
    expect(page.get_by_text("0 alerts to review")).to_be_visible()
    expect(page.get_by_text(re.compile("Tom was covering the duty rota; no action"))).to_be_visible()
    found.refresh_from_db()
    assert found.acknowledged_by == world.users["hos"]

    page.get_by_role("table", name="Access alerts").get_by_role("link", name="N0001").click()
    expect(page.get_by_role("heading", level=1, name="Who looked at Ava Northam")).to_be_visible()
    history = page.get_by_role("table", name="Access history")
    expect(history.get_by_text("Broke glass: Covering the duty rota")).to_be_visible()
    expect(history.get_by_text("Social worker", exact=False)).to_be_visible()
    assert_accessible(page, "Access history")
