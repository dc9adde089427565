"""`divert synth` writes the MASH, early help and panel records into the register whole: linked,
valid for their models, and with their keys from each table's own sequence."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Q

from divert.cases.models import Section47, StrategyDiscussion
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import Contact, Enquiry, HouseholdMember, InformationRequest, NamedChild
from divert.panels.models import (
    Alternative,
    EdgeOfCareProposal,
    PanelMeeting,
    ResourceOption,
    ResourceRequest,
)
from tests.synth.helpers import SMALL

pytestmark = pytest.mark.django_db

NEW_MODELS = (
    Enquiry,
    NamedChild,
    HouseholdMember,
    InformationRequest,
    StrategyDiscussion,
    EarlyHelpEpisode,
    PanelMeeting,
    EdgeOfCareProposal,
    Alternative,
    ResourceRequest,
    ResourceOption,
)


def synth(*args: str) -> None:
    call_command("synth", *SMALL, *args, stdout=StringIO())


def test_every_contact_is_in_an_enquiry_that_closed_with_its_last_decision() -> None:
    synth()
    assert not Contact.objects.filter(enquiry__isnull=True).exists()
    assert not Contact.objects.filter(named__isnull=True).exists()
    assert not Contact.objects.exclude(named__child=F("child")).exists()
    enquiries = Enquiry.objects.annotate(
        last=Max("contacts__decided"), undecided=Count("contacts", filter=Q(contacts__decided__isnull=True))
    )
    for enquiry in enquiries.filter(undecided=0, last__isnull=False):
        assert enquiry.closed == enquiry.last
    assert not enquiries.filter(undecided__gt=0, closed__isnull=False).exists()
    assert enquiries.filter(closed__isnull=True).count() >= 10


def test_the_records_are_linked_as_the_pages_read_them() -> None:
    synth()
    assert not Section47.objects.filter(strategy__isnull=True).exists()
    assert (
        Section47.objects.filter(strategy__date=F("strategy_discussion")).count() == Section47.objects.count()
    )
    approved = ResourceRequest.objects.filter(decision="approve")
    assert (
        approved.exists()
        and not approved.filter(Q(planned_end__isnull=True) | Q(episode__isnull=True)).exists()
    )
    assert not approved.exclude(approved_option__request=F("pk")).exists()
    assert Enquiry.objects.filter(stepped_up_from__outcome="stepped_up").exists()
    assert (
        not Enquiry.objects.exclude(stepped_up_from__isnull=True)
        .exclude(stepped_up_from__outcome="stepped_up")
        .exists()
    )
    assert EarlyHelpEpisode.objects.filter(end__isnull=True).exists()
    assert not EdgeOfCareProposal.objects.exclude(decision="").filter(meeting__isnull=True).exists()


def test_every_new_record_meets_its_models_rules() -> None:
    """Choices, lengths and constraints, on a sample of each table (the database checks the rest)."""
    synth()
    for model in NEW_MODELS:
        rows = list(model._default_manager.order_by("?")[:150])
        assert rows, model
        for row in rows:
            row.full_clean()


def test_a_flushed_register_never_reuses_a_key() -> None:
    """The audit trail keeps the ids of deleted rows, so new rows take new keys."""
    synth()
    before = {model: model._default_manager.aggregate(top=Max("pk"))["top"] for model in NEW_MODELS}
    synth("--flush")
    for model, top in before.items():
        assert model._default_manager.aggregate(low=Min("pk"))["low"] > top, model
