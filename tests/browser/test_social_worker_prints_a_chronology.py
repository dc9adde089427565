"""A social worker opens a child's chronology from her record, filters it, prints it and downloads the PDF."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from divert.core.models import AuditEvent
from tests.browser.conftest import assert_accessible, sign_in
from tests.chronology.records import EXPECTED, build_record
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_a_social_worker_filters_prints_and_downloads_a_chronology(
    page: Page, world: World, tmp_path: Path
) -> None:
    build_record(world.child_north, world.users["alice"])
    sign_in(page, "alice")
    page.goto(f"/children/{world.child_north.pk}/")
    page.get_by_role("main").get_by_role("link", name=re.compile("^Chronology")).click()

    expect(page.get_by_role("heading", level=1, name="Chronology")).to_be_visible()
    expect(page.get_by_text("Ava Northam, child ID N0001")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{len(EXPECTED)} entries, newest first")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown once its script runs
    assert_accessible(page, "Chronology")

    filters = page.get_by_role("form", name="Filter the chronology")
    filters.get_by_label(re.compile(r"^Placement moves \(1\)")).check()
    filters.get_by_label(re.compile(r"^Entries to care")).check()
    start = filters.get_by_role("group", name="From")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("1")
    start.get_by_label("Year").fill("2024")
    filters.get_by_label("Oldest first").check()
    filters.get_by_role("button", name="Apply filters").click()

    timeline = page.get_by_role("list", name=re.compile("entries"))
    expect(page.get_by_role("heading", name="4 entries, oldest first")).to_be_visible()
    expect(timeline.get_by_role("heading", level=3)).to_have_text(
        ["Became looked after", "Placement moved", "Legal status changed", "Left care"]
    )
    expect(page.get_by_text("From 1 January 2024: 2 kinds of entry.")).to_be_visible()
    assert_accessible(page, "Chronology, filtered")

    page.emulate_media(media="print")
    expect(filters).to_be_hidden()
    expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
    expect(page.get_by_text("OFFICIAL-SENSITIVE")).to_be_visible()
    assert_accessible(page, "Chronology, as printed")
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download PDF")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("chronology-N0001-") and saved.suffix == ".pdf"
    assert saved.read_bytes().startswith(b"%PDF")

    notes = list(
        AuditEvent.objects.filter(actor=world.users["alice"], child_id=world.child_north.pk).values_list(
            "note", flat=True
        )
    )
    kinds = "Entries to care, legal status changes and exits from care, Placement moves"
    assert f"Chronology PDF downloaded: {kinds}; From 1 January 2024; oldest first" in notes


def test_a_social_worker_adds_a_significant_event_and_sees_it_on_the_timeline(
    page: Page, world: World
) -> None:
    sign_in(page, "alice")
    page.goto(f"/chronology/{world.child_north.pk}/")
    page.get_by_role("link", name="Add a significant event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add a significant event to Ava Northam's chronology"
    )
    assert_accessible(page, "Add a significant event")

    page.get_by_role("button", name="Add event").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date of the event")
    assert_accessible(page, "Add a significant event, with errors")

    when = page.get_by_role("group", name="Date of the event")
    when.get_by_label("Day").fill("12")
    when.get_by_label("Month").fill("3")
    when.get_by_label("Year").fill("2025")
    page.get_by_label("What happened, in a line").fill("Admitted to hospital overnight")
    page.get_by_label("Category (optional)").select_option(label="Health")
    page.get_by_role("button", name="Add event").click()

    expect(page.get_by_text("Significant event added to Ava's chronology")).to_be_visible()
    entry = page.get_by_role("list", name="1 entry, newest first").get_by_role("listitem").first
    expect(entry).to_contain_text("Admitted to hospital overnight")
    expect(entry).to_contain_text("12 March 2025")
    entry.get_by_role("link", name="Admitted to hospital overnight").click()
    expect(page.get_by_role("link", name="Correct this event")).to_be_visible()
    assert_accessible(page, "A significant event")
