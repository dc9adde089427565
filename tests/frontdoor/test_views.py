"""The front door's pages: they render, write through the actions, and show partners only their part."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from divert.core.concurrency import versioned
from divert.core.models import AuditEvent
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor import actions
from divert.frontdoor.models import Contact, Enquiry, InformationRequest, Referral
from divert.people.models import Child
from tests.frontdoor.helpers import a_matched_contact, an_enquiry, early_help_staff, named_as


def signed_in(client, world, who):
    client.force_login(world.users[who])
    return client


def enquiry_post(**extra):
    now = timezone.localtime() - dt.timedelta(minutes=30)
    data = {
        "received_date-day": str(now.day),
        "received_date-month": str(now.month),
        "received_date-year": str(now.year),
        "received_time": f"{now:%H:%M}",
        "source": "6",
        "method": "notification",
        "referrer_name": "PC Lane",
        "concerns": "Domestic incident",
        "postcode": "pl1 2aa",
        "consent": "not_sought_risk",
        "child-0-first_name": "Syd",
        "child-0-last_name": "Southey",
        "child-0-date_of_birth-day": "3",
        "child-0-date_of_birth-month": "2",
        "child-0-date_of_birth-year": "2015",
        "member-0-name": "Jo Southey",
        "member-0-relationship": "Mother",
    }
    return data | extra


def test_recording_an_enquiry_through_the_page(client, world):
    response = signed_in(client, world, "mo").post(reverse("frontdoor:new"), enquiry_post())

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "frontdoor:enquiry", args=[enquiry.pk]
    )
    assert [str(c) for c in enquiry.children.all()] == ["Syd Southey"]
    assert [str(m) for m in enquiry.household.all()] == ["Jo Southey (Mother)"]
    assert enquiry.postcode == "PL1 2AA" and enquiry.recorded_by == world.users["mo"]


def test_an_enquiry_without_a_child_shows_the_error_and_saves_nothing(client, world):
    data = enquiry_post(
        **{"child-0-first_name": "", "child-0-last_name": "", "child-0-date_of_birth-day": ""}
    )
    data |= {"child-0-date_of_birth-month": "", "child-0-date_of_birth-year": ""}
    response = signed_in(client, world, "mo").post(reverse("frontdoor:new"), data)

    assert response.status_code == 200
    assert b"Error: Record an enquiry" in response.content and b"Name at least one child" in response.content
    assert not Enquiry.objects.exists()


def test_a_half_filled_child_row_asks_for_the_missing_name(client, world):
    response = signed_in(client, world, "mo").post(
        reverse("frontdoor:new"), enquiry_post(**{"child-1-first_name": "Kai"})
    )
    assert b"Enter child 2&#x27;s last name" in response.content
    assert not Enquiry.objects.exists()


def test_the_queue_shows_the_clock_the_children_and_the_stepped_up_tag(client, world):
    enquiry = an_enquiry(world, received=timezone.now() - dt.timedelta(minutes=5))
    response = signed_in(client, world, "mo").get(reverse("frontdoor:queue"))
    body = response.content.decode()
    assert enquiry.reference in body and "Sid Southey: Not matched" in body
    assert "Due today" in body or "Due tomorrow" in body or "Due " in body
    assert AuditEvent.objects.filter(action="search", object_type="frontdoor.enquiry").count() == 1


def test_the_head_of_service_reads_the_queue_but_cannot_record(client, world):
    an_enquiry(world)
    client = signed_in(client, world, "hos")
    response = client.get(reverse("frontdoor:queue"))
    assert response.status_code == 200 and b"Record an enquiry" not in response.content
    assert client.post(reverse("frontdoor:new"), enquiry_post()).status_code == 403


def test_the_queue_is_closed_to_partners_social_workers_and_the_analyst(client, world):
    for who in ("pat", "alice", "ana"):
        client.force_login(world.users[who])
        assert client.get(reverse("frontdoor:queue")).status_code == 403


def test_the_enquiry_page_audits_a_view_of_each_matched_child(client, world):
    contact = a_matched_contact(world)
    response = signed_in(client, world, "hos").get(reverse("frontdoor:enquiry", args=[contact.enquiry_id]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="view", actor=world.users["hos"])
    assert (event.object_type, event.child_id) == ("frontdoor.contact", world.child_south.pk)
    assert b"Record decision" not in response.content  # read only


def test_an_unmatched_enquiry_page_audits_one_view_naming_the_enquiry(client, world):
    enquiry = an_enquiry(world)
    signed_in(client, world, "mo").get(reverse("frontdoor:enquiry", args=[enquiry.pk]))
    event = AuditEvent.objects.get(action="view")
    assert (event.object_type, event.object_id) == ("frontdoor.enquiry", str(enquiry.pk))


def test_matching_through_the_page_offers_candidates_with_reasons(client, world):
    enquiry = an_enquiry(
        world, children=[{"first_name": "Syd", "last_name": "Southy", "date_of_birth": dt.date(2015, 2, 3)}]
    )
    named = enquiry.children.get()
    client = signed_in(client, world, "mo")

    page = client.get(reverse("frontdoor:match", args=[named.pk])).content.decode()
    assert "Sid Southey" in page and "Strong match" in page and "same date of birth" in page
    assert "Likely already on the register" in page

    response = client.post(reverse("frontdoor:match", args=[named.pk]), {"choice": str(world.child_south.pk)})
    assert response.status_code == 302
    assert Contact.objects.get().child == world.child_south


def test_adding_a_new_child_needs_the_confirmation_tick(client, world):
    enquiry = an_enquiry(
        world, children=[{"first_name": "Syd", "last_name": "Southey", "date_of_birth": dt.date(2015, 2, 3)}]
    )
    named = enquiry.children.get()
    client = signed_in(client, world, "mo")
    before = Child.objects.count()

    response = client.post(reverse("frontdoor:match", args=[named.pk]), {"choice": "new", "sex": "M"})
    assert (
        response.status_code == 200
        and b"Possible duplicates on the register: Sid Southey" in response.content
    )
    assert Child.objects.count() == before

    response = client.post(
        reverse("frontdoor:match", args=[named.pk]), {"choice": "new", "sex": "M", "confirm_no_match": "on"}
    )
    assert response.status_code == 302 and Child.objects.count() == before + 1


def test_requesting_information_and_the_partner_answering(client, world):
    enquiry = an_enquiry(world)
    client = signed_in(client, world, "mo")
    response = client.post(
        reverse("frontdoor:request_information", args=[enquiry.pk]),
        {"agency": "police", "question": "Any callouts?"},
    )
    assert response.status_code == 302
    sent = InformationRequest.objects.get()

    client.force_login(world.users["pat"])
    listing = client.get(reverse("frontdoor:requests")).content.decode()
    assert enquiry.reference in listing and "Sid Southey" in listing
    response = client.post(reverse("frontdoor:answer", args=[sent.pk]), {"response": "Three callouts"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.response == "Three callouts" and sent.responded_by == world.users["pat"]

    client.force_login(world.users["mo"])
    assert b"Three callouts" in client.get(reverse("frontdoor:enquiry", args=[enquiry.pk])).content


def test_the_partner_sees_the_question_and_the_people_and_nothing_else(client, world):
    enquiry = an_enquiry(world, household=[{"name": "Jo Southey", "relationship": "Mother"}])
    contact = actions.match_child(world.users["mo"], named=enquiry.children.get(), child=world.child_south)
    actions.request_information(
        world.users["mo"], enquiry=enquiry, agency="health", question="Health visitor worries?"
    )
    sent = actions.request_information(
        world.users["mo"], enquiry=enquiry, agency="police", question="Any callouts?"
    )
    actions.decide_contact(
        world.users["mo"],
        contact=contact,
        decided=timezone.now(),
        route="advice",
        need_level="universal",
        reasons="Secret reasoning",
    )

    page = signed_in(client, world, "pat").get(reverse("frontdoor:answer", args=[sent.pk])).content.decode()

    assert "Any callouts?" in page and "Sid Southey" in page and "3 Feb 2015" in page
    assert "Jo Southey (Mother)" in page and "1 Harbour Row" in page
    for hidden in (
        "domestic incident",
        "Health visitor worries?",
        "Secret reasoning",
        "Information and advice",
        "PC Lane",
    ):
        assert hidden not in page
    assert AuditEvent.objects.filter(
        action="view", actor=world.users["pat"], object_type="frontdoor.informationrequest"
    ).exists()


def test_another_agencys_request_is_not_found_even_by_its_address(client, world):
    sent = actions.request_information(
        world.users["mo"], enquiry=an_enquiry(world), agency="health", question="?"
    )
    client = signed_in(client, world, "pat")
    assert client.get(reverse("frontdoor:answer", args=[sent.pk])).status_code == 404
    assert client.post(reverse("frontdoor:answer", args=[sent.pk]), {"response": "x"}).status_code == 404
    assert sent.pk not in [r.pk for r in client.get(reverse("frontdoor:requests")).context["groups"][0][1]]
    sent.refresh_from_db()
    assert sent.response == ""


def test_recording_a_strategy_decision_through_the_page(client, world):
    contact = a_matched_contact(world, received=timezone.now() - dt.timedelta(hours=1))
    client = signed_in(client, world, "mo")
    assert client.get(reverse("frontdoor:decide", args=[contact.pk])).status_code == 200

    response = client.post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {"need_level": "cp", "route": "strategy", "reasons": "Injury"},
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.decision == "referral" and Referral.objects.get(contact=contact).route == "strategy"
    assert Enquiry.objects.get().closed is not None
    assert contact.enquiry.reference not in client.get(reverse("frontdoor:queue")).content.decode()


def test_an_early_help_decision_through_the_page(client, world):
    locality, lead = early_help_staff(world)
    contact = a_matched_contact(world, received=timezone.now() - dt.timedelta(hours=1))
    response = signed_in(client, world, "mo").post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {
            "need_level": "early_help",
            "route": "early_help",
            "reasons": "Support",
            "locality": locality.pk,
            "lead_professional": lead.pk,
        },
    )
    assert response.status_code == 302
    assert EarlyHelpEpisode.objects.get().contact == contact


def test_the_open_referral_refusal_shows_on_the_route(client, world):
    actions.record_referral(world.users["mo"], child=world.child_south, date=dt.date(2025, 6, 2), source="2A")
    contact = a_matched_contact(world, received=timezone.now() - dt.timedelta(hours=1))
    response = signed_in(client, world, "mo").post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {"need_level": "cp", "route": "strategy", "reasons": "Injury"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["route"][0].startswith("Sid already has an open referral")


def test_the_decision_form_asks_for_consent_when_the_enquiry_has_none(client, world):
    contact = a_matched_contact(world, consent="", received=timezone.now() - dt.timedelta(hours=1))
    client = signed_in(client, world, "mo")
    response = client.post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {"need_level": "universal", "route": "nfa", "reasons": "Fine"},
    )
    assert response.status_code == 200 and "consent" in response.context["form"].errors
    response = client.post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {"need_level": "universal", "route": "nfa", "reasons": "Fine", "consent": "given"},
    )
    assert response.status_code == 302 and Enquiry.objects.get().consent == "given"


def test_a_closed_enquiry_cannot_be_edited_through_the_page(client, world):
    contact = a_matched_contact(world)
    actions.decide_contact(
        world.users["mo"],
        contact=contact,
        decided=timezone.now(),
        route="nfa",
        need_level="universal",
        reasons="x",
    )
    client = signed_in(client, world, "mo")
    assert client.get(reverse("frontdoor:edit", args=[contact.enquiry_id])).status_code == 403


def test_editing_and_taking_an_enquiry_through_the_pages(client, world):
    enquiry = an_enquiry(world, children=[named_as(world.child_north)])
    client = signed_in(client, world, "mo")
    page = client.get(reverse("frontdoor:edit", args=[enquiry.pk]))
    assert page.status_code == 200
    data = enquiry_post(concerns="Corrected concerns")
    received = timezone.localtime(enquiry.received)
    data |= {
        "received_date-day": received.day,
        "received_date-month": received.month,
        "received_date-year": received.year,
        "received_time": f"{received:%H:%M}",
    } | versioned(enquiry)
    assert client.post(reverse("frontdoor:edit", args=[enquiry.pk]), data).status_code == 302
    assert client.post(reverse("frontdoor:take", args=[enquiry.pk])).status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.concerns, enquiry.officer, enquiry.received) == (
        "Corrected concerns",
        world.users["mo"],
        enquiry.received,
    )


def test_a_child_found_another_way_is_matched_by_child_id(client, world):
    enquiry = an_enquiry(world, children=[{"first_name": "Mystery", "last_name": "Child"}])
    named = enquiry.children.get()
    client = signed_in(client, world, "mo")
    url = reverse("frontdoor:match", args=[named.pk])

    response = client.post(url, {"choice": "other", "other_child_id": "E0001"})  # Eli: another authority's
    assert response.status_code == 200
    assert response.context["form"].errors["other_child_id"] == ["No child you can see has that child ID"]

    assert client.post(url, {"choice": "other", "other_child_id": "N0001"}).status_code == 302
    assert Contact.objects.get().child == world.child_north


def test_the_partner_reads_answered_requests_a_page_at_a_time_latest_first(client, world):
    """An agency answers thousands of requests a year: the list must not grow with them."""
    enquiry = an_enquiry(world)
    sent = [
        actions.request_information(world.users["mo"], enquiry=enquiry, agency="police", question=f"Q{n}")
        for n in range(27)
    ]
    for request in sent[:26]:
        actions.answer_information_request(world.users["pat"], request=request, response="Nothing known")
    client = signed_in(client, world, "pat")

    first = client.get(reverse("frontdoor:requests"))
    waiting, answered = (rows for _, rows, _ in first.context["groups"])
    assert [r.pk for r in waiting] == [sent[26].pk]
    assert len(answered) == 25 and answered[0].pk == sent[25].pk
    second = client.get(reverse("frontdoor:requests"), {"page": 2}).context["groups"][1][1]
    assert [r.pk for r in second] == [sent[0].pk]
