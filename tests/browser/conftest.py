"""Browser tests: Debian's Chromium driven by Playwright against Django's live server, with axe.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium``. The sync API
runs an event loop in the test's thread, so Django's guard against ORM calls from async code
is switched off for these tests only (the ORM is still called synchronously).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, sync_playwright

from divert.core.models import User
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what a public body's services must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: object, audit_rows_cleared_after: None) -> Iterator[Page]:
    context = browser.new_context(base_url=str(live_server), locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Page, username: str) -> None:
    """Sign in through the real forms, as a person would: password, then the app's code."""
    device = authenticator_app(username)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Enter your code").wait_for()
    page.get_by_label("Code").fill(app_code(device))
    page.get_by_role("button", name="Continue").click()
    # Not a glob: "**/" would match the code page's own address before the code is accepted.
    page.wait_for_url(lambda url: "/account/two-factor/" not in url)


def authenticator_app(username: str) -> TOTPDevice:
    """The person's authenticator app, set up before they first sign in."""
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def app_code(device: TOTPDevice) -> str:
    """The code the phone shows now. Each code works once, so a second sign-in within the same
    30 seconds takes the next one (django-otp accepts one step either side of now)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def assert_accessible(page: Page, what: str) -> None:
    """No WCAG 2.2 A or AA violation that axe can find on the page as it is now."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{what} ({page.url}):\n{results.generate_report()}"
