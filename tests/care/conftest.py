"""Fixtures for this folder's tests (the shared ``world`` lives in ``tests/conftest.py``)."""

from __future__ import annotations

import datetime as dt

import pytest

from divert.care.models import Provider
from divert.carers.models import FosterHousehold


@pytest.fixture
def foster_service(world):
    """The council's own fostering service (PR1) with a postcode and an Ofsted URN."""
    return Provider.objects.create(
        authority=world.authority,
        name="Plymptown Fostering",
        kind=Provider.Kind.IN_HOUSE_FOSTERING,
        place_provider="PR1",
        ofsted_urn="SC123456",
        postcode="PL6 5AA",
    )


@pytest.fixture
def agency_home(world):
    """A private children's home (PR4), the kind of placement the programme wants fewer of."""
    return Provider.objects.create(
        authority=world.authority,
        name="Hilltop House",
        kind=Provider.Kind.CHILDRENS_HOME,
        place_provider="PR4",
        ofsted_urn="SC654321",
        postcode="EX1 1AA",
    )


@pytest.fixture
def household(world):
    """The Smiths, approved foster carers since 2020 with two places."""
    return FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH001",
        name="The Smiths",
        status="approved",
        enquiry_date=dt.date(2019, 6, 1),
        approval_date=dt.date(2020, 1, 15),
        approved_places=2,
        postcode="PL7 1AA",
    )
