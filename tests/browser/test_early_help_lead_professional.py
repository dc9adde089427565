"""A social worker steps a child down to early help; the lead professional assesses, supports and
steps her back up to social care; a manager reads the clocks. Every page passes axe."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from divert.core.models import User
from divert.core.roles import Role
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import Enquiry
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD, World
from tests.earlyhelp import builders
from tests.earlyhelp.builders import days_ago

pytestmark = pytest.mark.browser


def _fill_date(page: Page, group: str, day) -> None:  # type: ignore[no-untyped-def]
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def _lead_user(world: World) -> User:
    """Lee works in North's early help team and is the lead professional "North Lead"."""
    lead = builders.lead_professional(world, world.child_north)
    lee = User.objects.create_user(
        username="lee",
        password=PASSWORD,
        first_name="Lee",
        last_name="Lead",
        role=Role.SOCIAL_WORKER,
        authority=world.authority,
        team=lead.team,
    )
    lead.user = lee
    lead.save()
    return lee


def test_a_family_is_stepped_down_supported_and_stepped_up(page: Page, world: World) -> None:
    _lead_user(world)
    builders.referral(world, world.child_north, days_ago(20), route="assessment")
    builders.section47(world, world.child_north, days_ago(30))

    sign_in(page, "alice")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assessments").click()
    expect(
        page.get_by_role("heading", level=1, name="Assessments and child protection clocks")
    ).to_be_visible()
    expect(page.locator("#overdue-conferences")).to_contain_text("1")
    assert_accessible(page, "Clocks page")

    page.get_by_role("link", name="Step down Ava Northam to early help").click()
    expect(page.get_by_role("heading", level=1, name="Step down to early help")).to_be_visible()
    assert_accessible(page, "Step down form")
    page.get_by_role("button", name="Step down to early help").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the lead professional")
    assert_accessible(page, "Step down form, with errors")
    page.get_by_label("Locality").select_option(label="North")
    page.get_by_label("Lead professional").select_option(label="North Lead, North early help (North)")
    _fill_date(page, "Start date", days_ago(1))
    page.get_by_role("button", name="Step down to early help").click()
    expect(page.get_by_text("Ava has been stepped down to early help with North Lead")).to_be_visible()
    assert_accessible(page, "Episode page")

    page.get_by_role("button", name="Sign out of Divert").click()
    sign_in(page, "lee")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Early help").click()
    expect(page.get_by_role("heading", level=1, name="Early help")).to_be_visible()
    assert_accessible(page, "Early help list")
    page.get_by_role("link", name="Ava Northam").click()

    page.get_by_role("link", name="Record the assessment").click()
    _fill_date(page, "Date completed", timezone.localdate())
    page.get_by_label("What did the assessment find?").fill("Routines at home have broken down")
    assert_accessible(page, "Assessment form")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("The early help assessment has been recorded")).to_be_visible()

    page.get_by_role("link", name="Start family support").click()
    page.get_by_label("Family support intervention").fill("Family support worker, weekly visits")
    _fill_date(page, "Start date", timezone.localdate())
    assert_accessible(page, "Intervention form")
    page.get_by_role("button", name="Start family support").click()
    expect(page.get_by_text("Family support has started")).to_be_visible()

    page.get_by_role("link", name="Step up to social care").click()
    _fill_date(page, "Date", timezone.localdate())
    page.get_by_label("Time").fill("00:01")
    page.get_by_label("What are the concerns?").fill("Domestic abuse disclosed at school")
    assert_accessible(page, "Step up form")
    page.get_by_role("button", name="Step up to social care").click()

    episode = EarlyHelpEpisode.objects.get(child=world.child_north)
    enquiry = Enquiry.objects.get(stepped_up_from=episode)
    expect(page.get_by_text(f"as enquiry {enquiry.reference}")).to_be_visible()
    assert episode.outcome == EarlyHelpEpisode.Outcome.STEPPED_UP
