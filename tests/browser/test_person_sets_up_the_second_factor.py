"""Someone signing in for the first time sets up an authenticator app: accessible pages, CSP kept."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import app_code, assert_accessible
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.browser


def test_a_new_person_sets_up_their_app_and_keeps_their_backup_codes(page: Page, world: World) -> None:
    console: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        console.append(message.text)

    page.on("console", keep)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("tom")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Set up your authenticator app")).to_be_visible()
    expect(page.locator("svg title")).to_have_text("QR code to scan with your authenticator app")
    assert_accessible(page, "Set-up page")

    device = TOTPDevice.objects.get(user=world.users["tom"], confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(app_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Your backup codes")).to_be_visible()
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page, "Backup codes page")

    page.get_by_role("button", name="I have kept my backup codes").click()
    page.wait_for_url(lambda url: "/account/" not in url)
    page.goto("/account/")
    expect(page.get_by_text("Authenticator app, set up on")).to_be_visible()
    assert_accessible(page, "Account page")
    assert [text for text in console if "Content Security Policy" in text] == []
