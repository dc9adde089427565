"""The database refuses impossible children and allocations, whoever writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from divert.people.models import Allocation, Child, Professional, Share


def refused_by_database(model, **fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def child_fields(world, **extra):
    fields = {
        "authority": world.authority,
        "child_id": "N0099",
        "first_name": "Noa",
        "last_name": "Newman",
        "sex": "M",
        "date_of_birth": dt.date(2016, 1, 1),
    }
    return fields | extra


def test_a_well_formed_child_is_accepted(world):
    Child.objects.create(**child_fields(world, date_of_death=dt.date(2016, 1, 1)))
    assert Child.objects.filter(child_id="N0099").exists()


def test_two_children_in_one_authority_cannot_share_a_child_id(world):
    refused_by_database(Child, **child_fields(world, child_id="N0001"))


def test_the_same_child_id_may_be_used_by_another_authority(world):
    Child.objects.create(**child_fields(world, authority=world.other_authority, child_id="N0001"))


def test_a_child_cannot_die_before_being_born(world):
    refused_by_database(Child, **child_fields(world, date_of_death=dt.date(2015, 12, 31)))


def test_only_an_unaccompanied_asylum_seeking_child_has_a_date_that_status_ceased(world):
    refused_by_database(Child, **child_fields(world, uasc=False, uasc_ceased=dt.date(2024, 1, 1)))


def test_an_allocation_cannot_end_before_it_starts(world):
    worker = Professional.objects.get(name="Alice Tester")
    refused_by_database(
        Allocation,
        child=world.child_north,
        worker=worker,
        team=world.north,
        start=dt.date(2024, 5, 1),
        end=dt.date(2024, 4, 30),
    )


def test_a_share_cannot_end_before_it_starts(world):
    refused_by_database(
        Share,
        child=world.child_north,
        agency="health",
        reason="x",
        start=dt.date(2024, 5, 1),
        end=dt.date(2024, 4, 30),
    )
