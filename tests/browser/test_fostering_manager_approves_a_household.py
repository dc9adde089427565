"""The fostering manager (a team manager) moves a household from panel to approval and sees
the council's capacity grow by its places."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from divert.care.models import Episode
from divert.carers.models import FosterHousehold
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def _households(world: World) -> None:
    """The Greens approved for 2 with Ava living there; the Browns at panel for 10 days."""
    today = timezone.localdate()
    greens = FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH001",
        name="The Greens",
        enquiry_date=today - dt.timedelta(days=400),
        approval_date=today - dt.timedelta(days=200),
        stage="approved",
        status="approved",
        stage_since=today - dt.timedelta(days=200),
        approved_places=2,
    )
    FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH002",
        name="The Browns",
        enquiry_date=today - dt.timedelta(days=190),
        stage="panel",
        status="assessment",
        stage_since=today - dt.timedelta(days=10),
    )
    Episode.objects.create(
        child=world.child_north,
        decom=today - dt.timedelta(days=30),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        carer=greens,
    )


def _summary(page: Page, key: str):  # type: ignore[no-untyped-def]
    return (
        page.locator("#capacity-summary")
        .get_by_role("definition")
        .nth(["Approved households", "Approved places", "Occupied", "Vacant"].index(key))
    )


def test_a_fostering_manager_approves_a_household_and_capacity_grows(page: Page, world: World) -> None:
    _households(world)
    sign_in(page, "tom")
    page.goto("/carers/")
    expect(page.get_by_role("heading", level=1, name="Foster carers")).to_be_visible()
    # 2 places, Ava in one: 1 occupied, 1 vacant
    expect(_summary(page, "Approved places")).to_have_text("2")
    expect(_summary(page, "Occupied")).to_have_text("1")
    expect(_summary(page, "Vacant")).to_have_text("1")
    assert_accessible(page, "Foster carers overview")

    page.get_by_role("main").get_by_role("link", name="Panel", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Foster carer recruitment")).to_be_visible()
    assert_accessible(page, "Recruitment pipeline")
    page.get_by_role("main").get_by_role("link", name="FH002 The Browns").click()
    expect(page.get_by_role("heading", level=1, name="FH002 The Browns")).to_be_visible()
    assert_accessible(page, "Household")

    today = timezone.localdate()
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Move household").click()
    expect(page.get_by_role("alert")).to_contain_text("An approved household has at least one place")
    assert_accessible(page, "Approval with errors")

    page.get_by_label("Places approved").fill("3")
    page.get_by_label("Youngest age approved for").fill("0")
    page.get_by_label("Oldest age approved for").fill("10")
    page.get_by_label("Sibling groups").check()
    page.get_by_role("button", name="Move household").click()
    expect(page.get_by_role("main")).to_contain_text("The Browns moved to approved")
    expect(page.locator("#household-summary")).to_contain_text("3 approved, 0 occupied today")

    page.goto("/carers/capacity/")
    total = page.get_by_role("table", name="All approved foster households")
    # 2 + 3 = 5 places, 1 occupied, 4 vacant
    expect(total.locator("tbody tr")).to_contain_text("2 5 1 4")
    expect(
        page.get_by_role("table", name="By skill").get_by_role("row", name="Sibling groups")
    ).to_contain_text("1 3 0 3")
    assert_accessible(page, "Capacity")
