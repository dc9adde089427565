"""The busiest pages run with the Content Security Policy in force and break none of its rules.

The policy (``CONTENT_SECURITY_POLICY`` in settings) allows only the application's own scripts and
styles. A template that slipped in an inline script or style would still render, but the browser
would refuse that part and say so on the console: this test reads the console on each page.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import sign_in
from tests.chronology.records import build_record
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_pages_raise_no_content_security_policy_violation(page: Page, world: World) -> None:
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        messages.append(message.text)

    page.on("console", keep)
    build_record(world.child_north, world.users["alice"])

    sign_in(page, "alice")
    for path in ("/", f"/children/{world.child_north.pk}/", f"/chronology/{world.child_north.pk}/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # The chronology's Print button only appears once its module script has run.
        if path.startswith("/chronology/"):
            expect(page.get_by_role("button", name="Print")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "hos")
    for path in ("/indicators/?date=2025-03-31", "/forecast/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    violations = [text for text in messages if "Content Security Policy" in text]
    assert violations == []
