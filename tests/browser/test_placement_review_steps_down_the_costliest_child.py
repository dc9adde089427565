"""A team manager runs a placement review meeting: the costliest child in the independent sector
comes first, the meeting records a step-down plan to in-house foster care, and the expected
saving appears on the meeting, the plan and the savings pages; every page passes axe."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World, make_child
from tests.stepdown.conftest import place, unit_costs

pytestmark = pytest.mark.browser


def _placements(world: World) -> None:
    """Ava in an agency children's home at £4,200 a week; Cara in an agency foster home at £900;
    Dan with an in-house carer at £700 (all three in Tom's team's reach through the head of service)."""
    since = timezone.localdate() - dt.timedelta(days=200)
    place(world.child_north, since, "K2", "4200")
    cara = make_child(world.authority, "C0001", "Cara", "Carter", dt.date(2011, 3, 3))
    place(cara, since, "U6", "900")
    dan = make_child(world.authority, "D0001", "Dan", "Dawson", dt.date(2013, 4, 4))
    place(dan, since, "U6", "700", place_provider="PR1")
    unit_costs()


def test_the_meeting_steps_down_the_costliest_child_and_the_saving_appears(page: Page, world: World) -> None:
    _placements(world)
    today = timezone.localdate()
    target = today + dt.timedelta(days=56)
    sign_in(page, "hos")
    page.goto("/placement-review/")
    expect(page.get_by_role("heading", level=1, name="Placement review")).to_be_visible()
    assert_accessible(page, "Placement review programme")

    page.get_by_role("main").get_by_role("link", name="Set up a meeting").click()
    expect(page.get_by_role("heading", level=1, name="Set up a placement review meeting")).to_be_visible()
    page.get_by_role("button", name="Set up meeting").click()
    expect(page.get_by_role("link", name="Enter the name of the chair")).to_be_visible()
    assert_accessible(page, "Meeting form with errors")
    date = page.get_by_role("group", name="Date of the meeting")
    date.get_by_label("Day").fill(str(today.day))
    date.get_by_label("Month").fill(str(today.month))
    date.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Chair").fill("Sue Chair")
    page.get_by_role("button", name="Set up meeting").click()
    expect(page.get_by_text("has been set up")).to_be_visible()

    cards = page.locator(".govuk-summary-card__title")
    expect(cards).to_have_text(["Ava Northam (N0001)", "Cara Carter (C0001)", "Dan Dawson (D0001)"])
    assert_accessible(page, "Meeting screen")

    ava = page.locator(f"#child-{world.child_north.pk}")
    ava.get_by_role("button", name="Record decision for Ava Northam").click()
    expect(page.get_by_role("link", name="Choose the decision")).to_be_visible()
    assert_accessible(page, "Meeting screen with a decision's errors")

    ava = page.locator(f"#child-{world.child_north.pk}")
    ava.get_by_label("Step down: plan a move to a less intensive placement").check()
    ava.get_by_label("Reason").fill("Settled for six months; ready for a family")
    ava.get_by_label("Step down to").select_option(label="In-house foster care")
    when = ava.get_by_role("group", name="Target date")
    when.get_by_label("Day").fill(str(target.day))
    when.get_by_label("Month").fill(str(target.month))
    when.get_by_label("Year").fill(str(target.year))
    ava.get_by_role("button", name="Record decision for Ava Northam").click()
    expect(page.get_by_text("The decision for Ava Northam has been recorded")).to_be_visible()

    # (4,200 - 650 reference in-house cost) x 52 weeks = £184,600 a year.
    decided = page.get_by_role("table", name="Decisions recorded")
    expect(decided.get_by_role("row", name="Ava Northam")).to_contain_text("£184,600.00")
    expect(page.locator(".govuk-summary-card__title")).to_have_text(
        ["Cara Carter (C0001)", "Dan Dawson (D0001)"]
    )
    assert_accessible(page, "Meeting screen with a decision")

    decided.get_by_role("link", name="In-house foster care for Ava Northam").click()
    expect(page.get_by_role("heading", level=1, name="Step-down plan")).to_be_visible()
    expect(page.get_by_role("row", name="Saving over 52 weeks (full year)")).to_contain_text("£184,600.00")
    assert_accessible(page, "Plan page")

    page.goto("/placement-review/savings/")
    expect(page.get_by_role("heading", level=1, name="Step-down savings")).to_be_visible()
    expect(
        page.get_by_role("table", name="By destination").get_by_role("row", name="In-house foster care")
    ).to_contain_text("£184,600.00")
    assert_accessible(page, "Savings page")
