"""Access-matrix rows for the front door's pages (merged by ``tests/access/rows.py``).

The MASH officer works the front door; the head of service reads it; everyone else, the analyst
included (enquiries name people in free text that cannot be pseudonymised), gets a 403. Another
authority's enquiry is the same 404 as a missing one. A partner agency's user reads only the
requests sent to their agency: another agency's request, or another authority's, is a 404, even
when the request names a child shared with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from divert.frontdoor import actions
from divert.frontdoor.models import Enquiry, InformationRequest
from divert.people.models import Child
from tests.access import DENIED, HIDDEN, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World

RECEIVED = timezone.make_aware(dt.datetime(2025, 8, 22, 10, 0))


def _enquiry(world: World, whose: str, *, matched: bool = True) -> Enquiry:
    """An open enquiry naming Ava (ours) or Eli (the other authority's), matched unless told not."""
    child: Child = world.child_north if whose == "ours" else world.child_elsewhere
    authority = world.authority if whose == "ours" else world.other_authority
    born = child.date_of_birth
    enquiry = actions.record_enquiry(
        None,
        authority=authority,
        received=RECEIVED,
        source="6",
        method="phone",
        referrer_name="PC Lane",
        concerns="Domestic abuse incident at the home",
        consent="not_sought_risk",
        children=[{"first_name": child.first_name, "last_name": child.last_name, "date_of_birth": born}],
    )
    if matched:
        actions.match_child(None, named=enquiry.children.get(), child=child)
    return enquiry


def _request(world: World, whose: str, agency: str) -> InformationRequest:
    enquiry = _enquiry(world, whose)
    return actions.request_information(None, enquiry=enquiry, agency=agency, question="Any callouts?")


def enquiry_page(name: str, whose: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": _enquiry(world, whose).pk})


def match_page(whose: str) -> Callable[[World], str]:
    return lambda world: reverse(
        "frontdoor:match", kwargs={"pk": _enquiry(world, whose, matched=False).children.get().pk}
    )


def remove_page(whose: str) -> Callable[[World], str]:
    return lambda world: reverse(
        "frontdoor:remove_child", kwargs={"pk": _enquiry(world, whose, matched=False).children.get().pk}
    )


def decide_page(whose: str) -> Callable[[World], str]:
    return lambda world: reverse("frontdoor:decide", kwargs={"pk": _enquiry(world, whose).contacts.get().pk})


def answer_page(whose: str, agency: str) -> Callable[[World], str]:
    return lambda world: reverse("frontdoor:answer", kwargs={"pk": _request(world, whose, agency).pk})


# fmt: off
READERS = (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   OK,       DENIED,   DENIED,   SIGN_IN)
ROWS: dict[Page, tuple[str, ...]] = {
    #    alice     tom       sam       mo        pat       ana       hos       fin       adam      anonymous
    Page("frontdoor:queue"):
        READERS,
    Page("frontdoor:queue", path="/front-door/?show=overdue", about="overdue"):
        READERS,
    Page("frontdoor:queue", path="/front-door/?show=decided", about="decided"):
        READERS,
    Page("frontdoor:new"):
        (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:enquiry", build=enquiry_page("frontdoor:enquiry", "ours"), about="ours"):
        READERS,
    Page("frontdoor:enquiry", build=enquiry_page("frontdoor:enquiry", "theirs"), about="theirs"):
        (DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:edit", build=enquiry_page("frontdoor:edit", "ours"), about="ours"):
        (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:edit", build=enquiry_page("frontdoor:edit", "theirs"), about="theirs"):
        (DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:take", build=enquiry_page("frontdoor:take", "ours"), about="ours"):
        (NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   SIGN_IN),
    Page("frontdoor:request_information", build=enquiry_page("frontdoor:request_information", "ours"),
         about="ours"):
        (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:request_information", build=enquiry_page("frontdoor:request_information", "theirs"),
         about="theirs"):
        (DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:match", build=match_page("ours"), about="ours"):
        (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:match", build=match_page("theirs"), about="theirs"):
        (DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:add_child", build=enquiry_page("frontdoor:add_child", "ours"), about="ours"):
        (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:add_child", build=enquiry_page("frontdoor:add_child", "theirs"), about="theirs"):
        (DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:remove_child", build=remove_page("ours"), about="ours"):
        (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:remove_child", build=remove_page("theirs"), about="theirs"):
        (DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:decide", build=decide_page("ours"), about="ours"):
        (DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:decide", build=decide_page("theirs"), about="theirs"):
        (DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:requests"):
        (DENIED,   DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    # Pat (police) answers the police's request about Ava, though Ava is not shared with the police:
    # the request itself is what the MASH chose to show them.
    Page("frontdoor:answer", build=answer_page("ours", "police"), about="ours-police"):
        (DENIED,   DENIED,   DENIED,   DENIED,   OK,       DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:answer", build=answer_page("ours", "health"), about="ours-health"):
        (DENIED,   DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("frontdoor:answer", build=answer_page("theirs", "police"), about="theirs-police"):
        (DENIED,   DENIED,   DENIED,   DENIED,   HIDDEN,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
}
# fmt: on
