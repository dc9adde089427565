"""A MASH officer takes a police contact from arrival to decision, with the police's answer on the way.

Mo records the police notification about "Syd Southey" (Sid, misspelt), matches Sid from the
candidates (his case is open: the page names Sam, his worker), adds a sister the police mentioned,
finds she was named in error and removes her with a reason, and asks the police what they know.
Pat, the police user, sees only that request and answers it. Mo reads the answer and decides: a
strategy discussion, child protection. The queue no longer shows the enquiry and Sid has a
referral routed to a strategy discussion. Every page visited passes axe (WCAG 2.2 AA).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import re

import pytest
from playwright.sync_api import Page, expect

from divert.frontdoor.models import Enquiry, Referral
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/**")


def record_the_police_contact(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Front door").click()
    expect(page.get_by_role("heading", level=1, name="Front door")).to_be_visible()
    assert_accessible(page, "Front door queue")

    page.get_by_role("link", name="Record an enquiry").click()
    expect(page.get_by_role("heading", level=1, name="Record an enquiry")).to_be_visible()
    assert_accessible(page, "Record an enquiry")
    page.get_by_label("Referring agency").select_option(label="Police")
    page.get_by_label("How it arrived").select_option(label="Police notification (public protection notice)")
    page.get_by_label("Referrer's name").fill("PC Alex Lane")
    page.get_by_label("Concerns").fill("Police attended a domestic incident overnight; Syd was in the house.")
    page.get_by_label("Household postcode").fill("pl1 2aa")
    page.get_by_label("Not sought: seeking it would put a child at risk").check()
    page.locator("#id_child-0-first_name").fill("Syd")
    page.locator("#id_child-0-last_name").fill("Southey")
    page.locator("#id_child-0-date_of_birth-day").fill("3")
    page.locator("#id_child-0-date_of_birth-month").fill("2")
    page.locator("#id_child-0-date_of_birth-year").fill("2015")
    page.get_by_role("button", name="Record enquiry").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"Enquiry E\d+"))).to_be_visible()
    assert_accessible(page, "Enquiry page, just recorded")


def match_and_ask_the_police(page: Page) -> None:
    page.get_by_role("link", name="Match Syd Southey").click()
    expect(page.get_by_role("heading", level=1, name="Match Syd Southey")).to_be_visible()
    expect(page.get_by_text("Strong match")).to_be_visible()
    assert_accessible(page, "Match a child")
    page.get_by_label("Sid Southey").check()
    page.get_by_role("button", name="Save match").click()
    expect(page.get_by_text("Syd Southey has been matched")).to_be_visible()
    expect(page.get_by_text("Allocated to Sam Tester, South children in care")).to_be_visible()
    a_sister_named_in_error(page)

    page.get_by_role("link", name="Request information").click()
    assert_accessible(page, "Request information")
    page.get_by_label("Police").check()
    page.get_by_label("What do you want to know?").fill(
        "Previous callouts to this address, and any bail conditions?"
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent to Police")).to_be_visible()
    expect(page.get_by_text("Not answered yet")).to_be_visible()
    assert_accessible(page, "Enquiry page, waiting for the police")


def a_sister_named_in_error(page: Page) -> None:
    page.get_by_role("link", name="Add a child to this enquiry").click()
    expect(page.get_by_role("heading", level=1, name="Add a child to the enquiry")).to_be_visible()
    assert_accessible(page, "Add a child")
    page.get_by_label("First name").fill("Sia")
    page.get_by_label("Last name").fill("Southey")
    page.get_by_role("button", name="Add child").click()
    expect(page.get_by_text("Sia Southey has been added to the enquiry")).to_be_visible()

    page.get_by_role("link", name="Remove Sia Southey").click()
    expect(page.get_by_role("heading", level=1, name="Remove Sia Southey")).to_be_visible()
    page.get_by_role("button", name="Remove child").click()
    expect(page.get_by_role("heading", level=1, name="Remove Sia Southey")).to_be_visible()
    assert_accessible(page, "Remove a child, without a reason")
    page.get_by_label("Why are you removing this child?").fill(
        "The police meant a cousin in another household"
    )
    page.get_by_role("button", name="Remove child").click()
    expect(page.get_by_text("Sia Southey has been removed from the enquiry")).to_be_visible()


def the_police_answer(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Information requests").click()
    expect(page.get_by_role("heading", level=1, name="Information requests")).to_be_visible()
    assert_accessible(page, "Partner's information requests")
    page.get_by_role("link", name=re.compile(r"E\d+ \(answer the request\)")).click()
    expect(page.get_by_text("Previous callouts to this address")).to_be_visible()
    expect(page.get_by_text("Syd Southey, born 3 Feb 2015")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("domestic incident")
    assert_accessible(page, "Answer a request")
    page.get_by_label("Your agency's answer").fill(
        "Three callouts in 2025; father on bail not to contact mother."
    )
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Your answer has been sent to the MASH")).to_be_visible()


def decide_strategy(page: Page, reference: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Front door").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Three callouts in 2025")).to_be_visible()
    page.get_by_role("link", name="Record decision for Sid Southey").click()
    expect(page.get_by_role("heading", level=1, name="Record the decision for Sid Southey")).to_be_visible()
    assert_accessible(page, "Record the decision")
    page.get_by_label("Child protection (section 47)").check()
    page.get_by_label("Strategy discussion (section 47)").check()
    page.get_by_label("Reasons for the decision").fill(
        "Domestic abuse with a child present and bail breached."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded for Sid Southey")).to_be_visible()
    assert_accessible(page, "Enquiry page, decided")


def test_a_mash_officer_takes_a_police_contact_from_arrival_to_decision(page: Page, world: World) -> None:
    sign_in(page, "mo")
    record_the_police_contact(page)
    match_and_ask_the_police(page)
    reference = Enquiry.objects.get().reference
    sign_out(page)

    sign_in(page, "pat")
    the_police_answer(page)
    sign_out(page)

    sign_in(page, "mo")
    decide_strategy(page, reference)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Front door").click()
    expect(page.get_by_role("main")).not_to_contain_text(reference)
    assert_accessible(page, "Front door queue, after the decision")

    referral = Referral.objects.get()
    assert (referral.child, referral.route) == (world.child_south, "strategy")
    assert referral.contact is not None and referral.contact.need_level == "cp"
