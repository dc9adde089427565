"""The head of service runs an edge-of-care panel: one child diverted with a support package,
the other accommodated, who then enters care "through panel"; every page passes axe."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from divert.care.actions import record_episode
from divert.panels import actions
from divert.panels.models import EdgeOfCareProposal
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def _proposals(world: World) -> None:
    """Each child's social worker has brought a proposal to accommodate (two days ago)."""
    proposed = timezone.localdate() - dt.timedelta(days=2)
    for worker, child, alternative in (
        ("alice", world.child_north, ("fgc", "tried", "The family could not agree a plan")),
        ("sam", world.child_south, ("intensive", "tried", "Six weeks; no lasting change")),
    ):
        actions.propose_accommodation(
            world.users[worker],
            child=child,
            proposed=proposed,
            basis="s20",
            reasons=f"{child.first_name}'s mother has asked for accommodation",
            alternatives=[alternative],
        )


def _decide(page: Page, child: str, decision: str, package: str = "") -> None:
    page.get_by_role("link", name=re.compile(f"Record decision.*{child}")).click()
    expect(page.get_by_role("heading", level=1, name="Record the panel's decision")).to_be_visible()
    assert_accessible(page, f"Decision form for {child}")
    page.get_by_label(decision).check()
    if package:
        page.get_by_label("Support package").fill(package)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("The panel's decision has been recorded")).to_be_visible()


def test_the_panel_diverts_one_child_and_accommodates_another(page: Page, world: World) -> None:
    _proposals(world)
    today = timezone.localdate()
    sign_in(page, "hos")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Panels").click()
    expect(page.get_by_role("heading", level=1, name="Panels")).to_be_visible()
    expect(page.get_by_text("0 of 8")).to_be_visible()
    assert_accessible(page, "Panels overview")

    page.get_by_role("link", name="Set up a meeting").click()
    assert_accessible(page, "New meeting form")
    page.get_by_label("Edge-of-care panel (threshold of care meeting)").check()
    when = page.get_by_role("group", name="Date of the meeting")
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Chair", exact=True).fill("Sue Marsh, service manager")
    page.get_by_label("Attendees").fill("Sue Marsh, service manager\nDr Lee, CAMHS\nPC Hart, police")
    page.get_by_role("button", name="Set up meeting").click()
    expect(page.get_by_role("heading", level=1, name=today.strftime("%-d %B %Y"))).to_be_visible()
    expect(page.get_by_text("Dr Lee, CAMHS")).to_be_visible()
    assert_accessible(page, "The new meeting with proposals waiting")

    for child in ("Ava Northam", "Sid Southey"):
        page.get_by_role("button", name=re.compile(f"Add to agenda.*{child}")).click()
        expect(page.get_by_text(f"{child} is on the agenda")).to_be_visible()
    assert_accessible(page, "The meeting's agenda")

    _decide(
        page, "Ava Northam", "Divert: support at home with a package", "Intensive support team for 12 weeks"
    )
    expect(page.get_by_text("Divert: support at home with a package")).to_be_visible()
    expect(page.get_by_text("Intensive support team for 12 weeks")).to_be_visible()
    expect(page.get_by_text("Accommodated within 3 months")).to_be_visible()
    assert_accessible(page, "Ava's proposal, diverted")

    page.get_by_role("link", name=today.strftime("%-d %b %Y")).click()
    _decide(page, "Sid Southey", "Accommodate")
    expect(page.get_by_role("definition").filter(has_text="Accommodate")).to_be_visible()
    assert_accessible(page, "Sid's proposal, accommodated")

    ava, sid = (EdgeOfCareProposal.objects.get(child=c) for c in (world.child_north, world.child_south))
    assert (ava.decision, sid.decision) == ("divert", "accommodate")
    assert ava.decided_by == world.users["hos"] and ava.meeting == sid.meeting

    record_episode(
        world.users["sam"], child=world.child_south, decom=today, rne="S", ls="V2", cin="N1", place="U6",
        place_provider="PR1",
    )  # fmt: skip
    page.goto("/panels/entries/")
    expect(page.get_by_text("1 of 8")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Sid Southey")
    expect(row).to_contain_text("Through panel")
    expect(row).to_contain_text(f"Panel of {today.strftime('%-d %b %Y')}")
    expect(page.get_by_role("table").first).not_to_contain_text("Ava Northam")
    assert_accessible(page, "Entries to care this month")
