"""A performance analyst uploads SSDA903 files, watches the import run and opens a child it brought in.

The job is queued in the database as in production; the test then runs the task worker once
(``db_worker --batch``), and the page's own script notices the job finished and shows the
outcome, without anyone pressing refresh.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from divert.core.models import AuditEvent
from divert.people.models import Child
from divert.privacy.pseudonyms import pseudonym
from divert.returns import checking
from divert.returns.models import ReturnJob
from divert.returns.validation import ValidationReport, parse_report
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.returns.conftest import csv_text, episode, header

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def uploads_of_this_test(settings: Any, tmp_path: Path) -> None:
    settings.DIVERT_UPLOAD_DIR = tmp_path / "uploads"


def _file(table: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"name": f"{table}.csv", "mimeType": "text/csv", "buffer": csv_text(table, rows).encode()}


def test_an_analyst_uploads_a_return_sees_it_imported_and_opens_a_child(page: Page, world: World) -> None:
    sign_in(page, "ana")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Returns").click()
    expect(page.get_by_role("heading", level=1, name="Statutory returns")).to_be_visible()
    assert_accessible(page, "Returns page")

    page.get_by_role("button", name="Upload SSDA903 files").click()
    expect(page.get_by_role("heading", level=1, name="Upload SSDA903 files")).to_be_visible()
    assert_accessible(page, "Upload page")
    page.get_by_label("SSDA903 files").set_input_files(
        [
            _file("Header", [header("C100"), header("C200", SEX="M")]),
            _file("Episodes", [episode("C100", "05/05/2024"), episode("C200", "01/06/2024")]),
        ]
    )
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("heading", level=1, name="SSDA903 import")).to_be_visible()
    expect(page.locator("progress#job-progress")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Waiting to start")
    expect(page.get_by_role("link", name="Refresh this page")).to_be_visible()
    assert_accessible(page, "Job page while waiting")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    assert ReturnJob.objects.get().status == "done"
    assert_accessible(page, "Job page with the import's outcome")

    page.get_by_role("link", name="C100", exact=True).click()
    # The analyst works on pseudonymised records: the child opens under its pseudonym.
    imported = Child.objects.get(child_id="C100")
    expect(page.get_by_role("heading", level=1, name=f"Child {pseudonym(imported.pk)}")).to_be_visible()
    listed = AuditEvent.objects.filter(actor=world.users["ana"], action="search", object_type="people.child")
    assert listed.exists(), "a page listing children is audited"


def test_a_broken_file_shows_where_the_problem_is(page: Page, world: World) -> None:
    sign_in(page, "ana")
    page.goto("/returns/upload/")
    page.get_by_label("SSDA903 files").set_input_files(
        [_file("Header", [header("C100")]), _file("Episodes", [episode("C100", "31/02/2024")])]
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", level=1, name="SSDA903 import")).to_be_visible()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    expect(page.get_by_role("heading", name="The import was refused: nothing was written")).to_be_visible()
    problems = page.get_by_role("table", name="Problems")
    expect(problems).to_contain_text("Episodes.csv")
    expect(problems).to_contain_text("DECOM")
    assert_accessible(page, "Job page with the import's errors")


def test_an_analyst_validates_a_year_and_opens_a_child_a_rule_flags(
    page: Page, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dfe_rules(
        kind: str, year: int, path: Path, la: str, previous: Path | None = None
    ) -> ValidationReport:
        return parse_report(
            {
                "return": kind,
                "year": year,
                "ruleset": f"{kind}-rules",
                "rules": [
                    {"code": "209", "message": "UPN invalid", "status": "failed", "rows": FLAGGED},
                    {"code": "231", "message": "Needs last year", "status": "error", "reason": "raised"},
                    {"code": "101", "message": "Sex code valid", "status": "passed"},
                ],
            }
        )

    monkeypatch.setattr(checking, "run_validator", dfe_rules)
    sign_in(page, "ana")
    page.goto("/returns/")
    page.get_by_role("button", name="Validate the 2024 to 2025 returns").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Validation"))).to_be_visible()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    expect(page.get_by_role("heading", name="SSDA903")).to_be_visible()
    expect(
        page.get_by_text("1 failed, 0 queries, 1 not checked, 0 explained, 1 passed").first
    ).to_be_visible()
    assert_accessible(page, "Validation results")
    page.get_by_text("Children failing rule 209").first.click()
    expect(page.get_by_text("X999").first).to_be_visible()
    page.get_by_role("link", name="N0001").first.click()
    ava = f"Child {pseudonym(world.child_north.pk)}"
    expect(page.get_by_role("heading", level=1, name=ava)).to_be_visible()


FLAGGED = [{"table": "Header", "row": 0, "child": "N0001"}, {"table": "Header", "row": 3, "child": "X999"}]
