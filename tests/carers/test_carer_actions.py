"""Foster households: enquiry, approval and deregistration through the carers actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from divert.care.actions import end_care, record_episode
from divert.carers.actions import approve_household, deregister_household, record_household_enquiry
from divert.carers.models import FosterHousehold
from divert.core.models import AuditEvent

D = dt.date


@pytest.fixture
def recruiter(world):
    """Whoever records the fostering pipeline (the shared world has no fostering worker, so Mo does)."""
    return world.users["mo"]


@pytest.fixture
def enquiry(world, recruiter):
    return record_household_enquiry(
        recruiter,
        authority=world.authority,
        reference="FH010",
        name="The Patels",
        enquiry_date=D(2024, 1, 10),
    )


def test_an_enquiry_starts_a_household_in_the_pipeline(world, enquiry):
    assert (enquiry.status, enquiry.approved_places) == ("enquiry", 0)
    event = AuditEvent.objects.get(object_type="carers.fosterhousehold")
    assert (event.action, event.child_id) == ("create", None)


def test_a_household_reference_is_used_once_in_a_council(world, recruiter, enquiry, nothing_written):
    with nothing_written(FosterHousehold), pytest.raises(ValidationError) as refused:
        record_household_enquiry(
            recruiter,
            authority=world.authority,
            reference="FH010",
            name="The Lees",
            enquiry_date=D(2024, 2, 1),
        )
    assert refused.value.message_dict == {
        "reference": ["The reference FH010 is already used by another household"]
    }


def test_approval_records_the_date_and_places_and_audits_the_change(world, recruiter, enquiry):
    approve_household(recruiter, household=enquiry, approval_date=D(2024, 6, 3), approved_places=2)
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.approval_date, enquiry.approved_places) == ("approved", D(2024, 6, 3), 2)
    event = AuditEvent.objects.get(action="update")
    assert event.before == {
        "status": "enquiry",
        "stage": "enquiry",
        "stage_since": "2024-01-10",
        "approval_date": None,
        "approved_places": 0,
    }


def test_approval_cannot_come_before_the_enquiry(world, recruiter, enquiry, nothing_written):
    with nothing_written(FosterHousehold), pytest.raises(ValidationError) as refused:
        approve_household(recruiter, household=enquiry, approval_date=D(2024, 1, 9), approved_places=1)
    assert refused.value.message_dict == {
        "approval_date": ["Approval cannot be before the household's enquiry on 10 January 2024"]
    }
    enquiry.refresh_from_db()
    assert enquiry.status == "enquiry"


def test_an_approved_household_has_at_least_one_place(world, recruiter, enquiry, nothing_written):
    with nothing_written(FosterHousehold), pytest.raises(ValidationError) as refused:
        approve_household(recruiter, household=enquiry, approval_date=D(2024, 6, 3), approved_places=0)
    assert refused.value.message_dict == {"approved_places": ["An approved household has at least one place"]}


def test_a_household_is_approved_only_once(world, recruiter, enquiry):
    approve_household(recruiter, household=enquiry, approval_date=D(2024, 6, 3), approved_places=2)
    with pytest.raises(ValidationError) as refused:
        approve_household(recruiter, household=enquiry, approval_date=D(2024, 7, 3), approved_places=3)
    assert refused.value.message_dict == {
        "approval_date": [
            (
                "Only a household at enquiry or in assessment can be approved; "
                "this household's status is Approved"
            )
        ]
    }


def test_deregistration_ends_the_households_capacity(world, recruiter, enquiry):
    approve_household(recruiter, household=enquiry, approval_date=D(2024, 6, 3), approved_places=2)
    deregister_household(recruiter, household=enquiry, deregistration_date=D(2024, 11, 1))
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.deregistration_date) == ("deregistered", D(2024, 11, 1))


def test_a_household_that_was_never_approved_cannot_be_deregistered(
    world, recruiter, enquiry, nothing_written
):
    with nothing_written(FosterHousehold), pytest.raises(ValidationError) as refused:
        deregister_household(recruiter, household=enquiry, deregistration_date=D(2024, 11, 1))
    assert refused.value.message_dict == {
        "deregistration_date": [
            ("Only an approved household can be deregistered; this household's status is Enquiry")
        ]
    }


def test_deregistration_cannot_come_before_approval(world, recruiter, enquiry):
    approve_household(recruiter, household=enquiry, approval_date=D(2024, 6, 3), approved_places=2)
    with pytest.raises(ValidationError) as refused:
        deregister_household(recruiter, household=enquiry, deregistration_date=D(2024, 6, 2))
    assert refused.value.message_dict == {
        "deregistration_date": ["Deregistration cannot be before approval on 3 June 2024"]
    }


def test_a_household_with_a_child_still_placed_cannot_be_deregistered(
    world, recruiter, enquiry, nothing_written
):
    alice = world.users["alice"]
    approve_household(recruiter, household=enquiry, approval_date=D(2024, 6, 3), approved_places=2)
    record_episode(
        alice,
        child=world.child_north,
        decom=D(2024, 7, 1),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        carer=enquiry,
    )

    with nothing_written(FosterHousehold), pytest.raises(ValidationError) as refused:
        deregister_household(recruiter, household=enquiry, deregistration_date=D(2024, 11, 1))
    assert refused.value.message_dict == {
        "deregistration_date": ["Move Ava Northam to another placement before deregistering"]
    }

    end_care(alice, child=world.child_north, date=D(2024, 10, 31), rec="E4A")
    deregister_household(recruiter, household=enquiry, deregistration_date=D(2024, 11, 1))
