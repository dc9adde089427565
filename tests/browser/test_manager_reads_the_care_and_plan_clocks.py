"""A team manager reads the statutory clocks for children in care and the plan reviews due."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from divert.care.models import Episode
from divert.cases.models import ChildProtectionPlan
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_a_manager_sees_the_overdue_review_and_the_plan_due_its_review(page: Page, world: World) -> None:
    today = timezone.localdate()
    # Ava came into care 60 days ago and has had no review: the 20-working-day review is overdue.
    Episode.objects.create(
        child=world.child_north,
        decom=today - dt.timedelta(days=60),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR1",
    )
    # Ava's child protection plan is 10 months old: the 9-month review is due.
    ChildProtectionPlan.objects.create(
        child=world.child_north, start=today - dt.timedelta(days=305), category="PHY"
    )

    sign_in(page, "tom")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children in care").click()
    expect(page.get_by_role("heading", level=1, name="Children in care: statutory clocks")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Ava Northam")
    assert_accessible(page, "Statutory clocks for children in care")

    page.get_by_role("link", name="Placement end dates").click()
    expect(page.get_by_role("heading", level=1, name="Placement end dates")).to_be_visible()
    expect(page.get_by_role("heading", name="Without a planned end date (1)")).to_be_visible()
    assert_accessible(page, "Placement end dates")

    page.goto("/cases/plan-reviews/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("plan reviews")
    expect(page.get_by_role("main")).to_contain_text("Ava Northam")
    assert_accessible(page, "Plan reviews")
