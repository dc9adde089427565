"""A social worker opens a restricted child of her team by breaking glass, and sees the record."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import pytest
from playwright.sync_api import Page, expect

from divert.privacy.models import AccessAlert, BreakGlass
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.privacy.conftest import QUINN, restricted_north_child

pytestmark = pytest.mark.browser


def test_a_social_worker_breaks_glass_with_a_reason_and_sees_the_record(page: Page, world: World) -> None:
    quinn = restricted_north_child(world)
    sign_in(page, "alice")
    page.goto(f"/children/{quinn.pk}/")

    expect(page.get_by_role("heading", level=1, name="This record is restricted")).to_be_visible()
    expect(page.get_by_text("Managers will be told")).to_be_visible()
    expect(page.get_by_text(QUINN)).to_have_count(0)
    assert_accessible(page, "Break glass")

    page.get_by_role("button", name="Open this record").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why you need to open this record")
    assert_accessible(page, "Break glass, with errors")

    page.get_by_label("Why do you need to open this record?").fill(
        "Allocated worker off sick; school called about a concern"
    )
    page.get_by_role("button", name="Open this record").click()

    expect(page.get_by_role("heading", level=1, name=f"Quinn {QUINN}")).to_be_visible()
    expect(page.get_by_text("You opened this restricted record by breaking glass")).to_be_visible()
    assert_accessible(page, "A restricted record opened by breaking glass")
    assert BreakGlass.objects.filter(child=quinn, user=world.users["alice"]).exists()
    assert AccessAlert.objects.filter(kind=AccessAlert.Kind.BREAK_GLASS, child=quinn).exists()
