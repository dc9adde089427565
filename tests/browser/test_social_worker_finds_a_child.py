"""A social worker signs in, finds a child by name and opens her record, on accessible pages."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import re

import pytest
from playwright.sync_api import Page, expect

from divert.core.models import AuditEvent
from divert.people.models import Child
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_a_social_worker_finds_her_child_and_opens_the_summary(page: Page, world: World) -> None:
    page.goto("/sign-in/")
    assert_accessible(page, "Sign-in page")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    expect(page.get_by_role("heading", level=1, name="Find a child")).to_be_visible()
    assert_accessible(page, "Search page")

    page.get_by_label("Name").fill("ava")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    results = page.get_by_role("table")
    expect(results).to_contain_text("N0001")
    expect(results).to_contain_text("Alice Tester")
    expect(results).not_to_contain_text("Sid")
    assert_accessible(page, "Search results")

    results.get_by_role("link", name="Ava Northam").click()
    expect(page.get_by_role("heading", level=1, name="Ava Northam")).to_be_visible()
    expect(page.get_by_text("17 May 2012 (age")).to_be_visible()
    expect(page.get_by_text("PL4 8AA")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Edit details"))).to_be_visible()
    assert_accessible(page, "Child summary")

    assert AuditEvent.objects.filter(actor=world.users["alice"], action="search").count() == 1
    assert AuditEvent.objects.filter(
        actor=world.users["alice"], action="view", child_id=world.child_north.pk
    ).exists()


def test_a_bad_date_of_birth_is_shown_beside_the_field_when_adding_a_child(page: Page, world: World) -> None:
    sign_in(page, "alice")
    page.goto("/children/add/")
    assert_accessible(page, "Add a child")
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Newton")
    page.get_by_label("Child ID").fill("N0002")
    date_of_birth = page.get_by_role("group", name="Date of birth")
    date_of_birth.get_by_label("Day").fill("31")
    date_of_birth.get_by_label("Month").fill("2")
    date_of_birth.get_by_label("Year").fill("2019")
    page.get_by_label("Female").check()
    page.get_by_role("button", name="Add child").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(page.locator("#id_date_of_birth-error-1")).to_have_text("Error: Date of birth must be a real date")
    expect(page.get_by_role("group", name="Date of birth")).to_have_accessible_description(
        re.compile("Date of birth must be a real date")
    )
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.locator("#id_date_of_birth-day")).to_be_focused()
    expect(page.get_by_label("Last name")).to_have_value("Newton")
    assert_accessible(page, "Add a child, with an error")
    assert not Child.objects.filter(child_id="N0002").exists()
