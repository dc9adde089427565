"""A team manager finds a child one move away from three placements on the early-warning page,
records a team-around-the-child meeting, and sees the list show it held."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from divert.care.models import Episode
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def _two_moves(world: World) -> None:
    """Ava in care for 400 days, with new carers 120 and 30 days ago: two moves in 12 months."""
    today = timezone.localdate()
    starts = [today - dt.timedelta(days=n) for n in (400, 120, 30)]
    for i, start in enumerate(starts):
        ended = starts[i + 1] if i + 1 < len(starts) else None
        Episode.objects.create(
            child=world.child_north,
            decom=start,
            rne="S" if i == 0 else "P",
            ls="C2",
            cin="N1",
            place="U4",
            place_provider="PR1",
            dec=ended,
            rec="X1" if ended else "",
        )


def test_a_manager_records_a_team_around_the_child_meeting_for_a_child_with_two_moves(
    page: Page, world: World
) -> None:
    _two_moves(world)
    sign_in(page, "tom")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children in care").click()
    page.get_by_role("main").get_by_role("link", name="Early warning: placement stability").click()
    expect(page.get_by_role("heading", level=1, name="Early warning: placement stability")).to_be_visible()
    near_three = page.get_by_role("region", name="One move away from three placements (scrolls sideways)")
    expect(near_three.get_by_role("row", name="Ava Northam")).to_contain_text("Not held")
    assert_accessible(page, "Early warning")

    near_three.get_by_role("link", name="Record a meeting for Ava Northam").click()
    expect(
        page.get_by_role("heading", level=1, name="Record a team around the child meeting")
    ).to_be_visible()
    expect(page.get_by_label("One move away from three placements in the year")).to_be_checked()
    page.get_by_role("button", name="Record meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter who attended")
    assert_accessible(page, "Meeting form with errors")

    page.get_by_label("Who attended").fill("Foster carer\nAlice Tester, social worker\nDesignated teacher")
    page.get_by_label("What was agreed").fill("Respite one weekend a month; school key adult daily")
    page.get_by_role("button", name="Record meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Team around the child meeting")
    expect(page.get_by_role("main")).to_contain_text("Respite one weekend a month")
    assert_accessible(page, "Team around the child meeting")

    page.get_by_role("link", name="Early warning", exact=True).click()
    held = f"Held {timezone.localdate():%-d %b %Y}"
    near_three = page.get_by_role("region", name="One move away from three placements (scrolls sideways)")
    expect(near_three.get_by_role("row", name="Ava Northam")).to_contain_text(held)
    moved = page.get_by_role("region", name="Moved in the last 12 months (scrolls sideways)")
    expect(moved.get_by_role("row", name="Ava Northam")).to_contain_text(held)


def test_a_social_worker_flags_a_placement_at_risk_and_sets_its_end_date(page: Page, world: World) -> None:
    _two_moves(world)
    sign_in(page, "alice")
    page.goto(f"/children/{world.child_north.pk}/")
    page.get_by_role("main").get_by_role("link", name="Flag this placement at risk").click()
    expect(page.get_by_role("heading", level=1, name="Flag a placement at risk")).to_be_visible()
    page.get_by_role("button", name="Flag placement at risk").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose who raised the risk")
    assert_accessible(page, "Flag form with errors")
    page.get_by_label("Foster carer").check()
    page.get_by_label("Why the placement is at risk").fill("The carers say they cannot go on")
    page.get_by_role("button", name="Flag placement at risk").click()
    expect(page.get_by_role("heading", level=1, name="Placement at risk")).to_be_visible()
    assert_accessible(page, "Placement at-risk flag")

    page.get_by_role("link", name="Resolve this flag").click()
    page.get_by_label("Placement stabilised").check()
    assert_accessible(page, "Resolve a flag")
    page.get_by_role("button", name="Resolve flag").click()
    expect(page.get_by_role("main")).to_contain_text("Placement stabilised")

    page.goto(f"/children/{world.child_north.pk}/")
    page.get_by_role("main").get_by_role("link", name="Change planned end date").click()
    expect(page.get_by_role("heading", level=1, name="Planned end date")).to_be_visible()
    page.get_by_label("Year").fill("2001")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Day").fill("1")
    page.get_by_role("button", name="Save planned end date").click()
    expect(page.get_by_role("alert")).to_contain_text("The planned end cannot be before the episode began")
    assert_accessible(page, "Planned end date form with errors")
