"""The database refuses impossible foster households, whoever writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from divert.carers.models import FosterHousehold

D = dt.date


def household(world, **extra):
    fields = {
        "authority": world.authority,
        "reference": "FH001",
        "name": "The Smiths",
        "enquiry_date": D(2024, 1, 1),
    }
    return fields | extra


def refused_by_database(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FosterHousehold.objects.create(**fields)


def test_a_well_formed_household_is_accepted(world):
    FosterHousehold.objects.create(**household(world, status="approved", approval_date=D(2024, 5, 1)))
    assert FosterHousehold.objects.count() == 1


def test_a_reference_is_unique_within_a_council_but_not_across_councils(world):
    FosterHousehold.objects.create(**household(world))
    refused_by_database(**household(world, name="The Lees"))
    FosterHousehold.objects.create(**household(world, authority=world.other_authority))


def test_approval_cannot_precede_the_enquiry(world):
    refused_by_database(**household(world, approval_date=D(2023, 12, 31)))


def test_deregistration_cannot_precede_approval(world):
    refused_by_database(**household(world, approval_date=D(2024, 5, 1), deregistration_date=D(2024, 4, 30)))


@pytest.mark.parametrize("status", ["approved", "inactive"])
def test_an_approved_household_has_an_approval_date(world, status):
    refused_by_database(**household(world, status=status))
