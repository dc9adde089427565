"""The database itself refuses impossible episodes and care records, whoever writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from divert.care.models import Episode, LookedAfterReview, MissingEpisode, Provider

D = dt.date


def refused_by_database(model, **fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def episode(world, **extra):
    fields = {
        "child": world.child_north,
        "decom": D(2024, 3, 1),
        "rne": "S",
        "ls": "C2",
        "cin": "N1",
        "place": "U4",
    }
    return fields | extra


def test_a_well_formed_episode_is_accepted(world):
    Episode.objects.create(**episode(world, dec=D(2024, 4, 1), rec="E4A", weekly_cost=650))
    assert Episode.objects.count() == 1


def test_two_episodes_of_a_child_cannot_start_on_the_same_day(world):
    Episode.objects.create(**episode(world, dec=D(2024, 3, 1), rec="E13"))
    refused_by_database(Episode, **episode(world))


def test_an_episode_cannot_cease_before_it_starts(world):
    refused_by_database(Episode, **episode(world, dec=D(2024, 2, 28), rec="E4A"))


@pytest.mark.parametrize(("dec", "rec"), [(D(2024, 4, 1), ""), (None, "E4A")])
def test_an_episode_end_and_its_reason_come_together(world, dec, rec):
    refused_by_database(Episode, **episode(world, dec=dec, rec=rec))


def test_a_weekly_cost_cannot_be_negative(world):
    refused_by_database(Episode, **episode(world, weekly_cost=-1))


@pytest.mark.parametrize(
    ("field", "bad_code"),
    [
        ("rne", "X"),
        ("ls", "ZZ"),
        ("cin", "N0"),
        ("place", "Q9"),
        ("place_provider", "PR9"),
        ("rec", "E99"),
        ("reason_place_change", "WHIM"),
    ],
)
def test_coded_columns_only_hold_dfe_codes(world, field, bad_code):
    extra = {field: bad_code}
    if field == "rec":
        extra["dec"] = D(2024, 4, 1)
    refused_by_database(Episode, **episode(world, **extra))


def test_postgresql_refuses_overlapping_episodes_written_past_the_actions(world):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has no exclusion constraints; there the care actions are the guard (tested separately)"
        )
    Episode.objects.create(**episode(world, dec=D(2024, 6, 1), rec="E4A"))
    refused_by_database(Episode, **episode(world, decom=D(2024, 5, 1)))
    refused_by_database(Episode, **episode(world, decom=D(2024, 1, 1), dec=D(2024, 3, 2), rec="E13"))
    # handing over on the day is not an overlap, and another child's episode is not Ava's
    Episode.objects.create(**episode(world, decom=D(2024, 6, 1)))
    Episode.objects.create(**episode(world, child=world.child_south, decom=D(2024, 5, 1)))
    assert Episode.objects.count() == 3


def test_one_looked_after_review_a_day_with_a_valid_participation_code(world):
    LookedAfterReview.objects.create(child=world.child_north, date=D(2024, 3, 27), participation="PN1")
    refused_by_database(LookedAfterReview, child=world.child_north, date=D(2024, 3, 27), participation="PN2")
    refused_by_database(LookedAfterReview, child=world.child_north, date=D(2024, 3, 28), participation="PN9")


def test_a_missing_period_cannot_end_before_it_starts(world):
    refused_by_database(
        MissingEpisode, child=world.child_north, kind="M", start=D(2024, 4, 2), end=D(2024, 4, 1)
    )


def test_provider_names_are_unique_in_a_council_and_codes_valid(world):
    Provider.objects.create(
        authority=world.authority, name="Hilltop", kind="childrens_home", place_provider="PR4"
    )
    refused_by_database(
        Provider, authority=world.authority, name="Hilltop", kind="childrens_home", place_provider="PR4"
    )
    refused_by_database(
        Provider, authority=world.authority, name="Valley", kind="childrens_home", place_provider="PR7"
    )
