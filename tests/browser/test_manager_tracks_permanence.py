"""A team manager works the permanence plans due by the second review and reads the adoption tracker."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from divert.permanence.models import PermanencePlan
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.permanence.helpers import adoption, episode, episodes, review

pytestmark = pytest.mark.browser


def test_a_manager_records_an_overdue_plan_and_reads_the_tracker(page: Page, world: World) -> None:
    today = timezone.localdate()
    # Ava came into care 200 days ago and had her first review 185 days ago: her second review,
    # and her permanence plan, was due 3 months after that and is overdue.
    episode(world.child_north, today - dt.timedelta(days=200))
    review(world.child_north, today - dt.timedelta(days=185))
    # Sid (not Tom's team) is waiting for adopters 300 days after his placement order.
    episodes(
        world.child_south,
        (today - dt.timedelta(days=500), "S", "C2", "U4"),
        (today - dt.timedelta(days=300), "L", "E1", "U4"),
    )
    adoption(world.child_south, today - dt.timedelta(days=350))

    sign_in(page, "tom")
    page.goto("/permanence/")
    expect(page.get_by_role("heading", level=1, name="Permanence")).to_be_visible()
    assert_accessible(page, "Permanence overview")

    page.get_by_role("main").get_by_role("link", name="Permanence plans due or overdue").click()
    expect(
        page.get_by_role("heading", level=1, name="Permanence plans due by the second review")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Ava Northam")
    assert_accessible(page, "Permanence plans due")

    page.get_by_role("link", name="Record plan for Ava Northam").click()
    expect(page.get_by_role("heading", level=1, name="Record a permanence plan")).to_be_visible()
    assert_accessible(page, "Record a permanence plan")
    page.get_by_role("button", name="Record the plan").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page, "Record a permanence plan, with errors")

    page.get_by_label("Return home to parents").check()
    agreed = page.get_by_role("group", name="Date agreed")
    agreed.get_by_label("Day").fill(str(today.day))
    agreed.get_by_label("Month").fill(str(today.month))
    agreed.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Notes (optional)").fill("Mother has completed the parenting programme")
    page.get_by_role("button", name="Record the plan").click()

    expect(
        page.get_by_role("heading", level=1, name="Permanence plans due by the second review")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Ava Northam's permanence plan is recorded")
    expect(page.get_by_role("main")).to_contain_text("No permanence plan is due or overdue")
    assert PermanencePlan.objects.get().plan == "return_home"

    page.goto("/permanence/adoption/")
    expect(page.get_by_role("heading", level=1, name="Adoption tracker")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Sid Southey")  # not Tom's team
    assert_accessible(page, "Adoption tracker")

    page.get_by_role("button", name="Sign out of Divert").click()
    sign_in(page, "hos")
    page.goto("/permanence/adoption/")
    expect(page.locator("#in-progress-table")).to_contain_text("Sid Southey")
    expect(page.locator("#in-progress-table")).to_contain_text("Over 121")
    assert_accessible(page, "Adoption tracker with a child waiting")
