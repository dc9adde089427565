"""SSDA903 episodes written through the care actions: starts, moves, legal status changes, leaving.

These hold on SQLite as well as PostgreSQL: the overlap and open-episode rules are checked by
the actions, not only by PostgreSQL's exclusion constraint.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.utils import timezone

from divert.care.actions import (
    change_legal_status,
    change_placement,
    end_care,
    record_episode,
    set_planned_end,
)
from divert.care.models import Episode, Provider
from divert.carers.models import FosterHousehold
from divert.core.models import AuditEvent, Authority

D = dt.date


@pytest.fixture
def alice(world):
    return world.users["alice"]


def start_care(world, actor, **extra) -> Episode:
    """Ava starts to be looked after on 1 March 2024, in foster care under section 20."""
    fields = {
        "child": world.child_north,
        "decom": D(2024, 3, 1),
        "rne": "S",
        "ls": "V2",
        "cin": "N1",
        "place": "U6",
    }
    return record_episode(actor, **(fields | extra))


def history(world, *periods) -> None:
    """Ava's earlier episodes straight into the table, as an import would have left them."""
    for decom, dec, rec, rne in periods:
        Episode.objects.create(
            child=world.child_north, decom=decom, dec=dec, rec=rec, rne=rne, ls="C2", cin="N1", place="U4"
        )


# Starting care


def test_starting_care_copies_the_placement_details_from_the_provider(world, alice, foster_service):
    episode = start_care(world, alice, provider=foster_service, weekly_cost=Decimal("650.00"))

    episode.refresh_from_db()
    assert (episode.place_provider, episode.pl_post, episode.urn) == ("PR1", "PL6 5AA", "SC123456")
    assert episode.home_post == "PL4 8AA"  # from Ava's record
    assert episode.weekly_cost == Decimal("650.00")
    event = AuditEvent.objects.get(object_type="care.episode", object_id=str(episode.pk))
    assert (event.action, event.actor_label, event.child_id) == ("create", "alice", world.child_north.pk)
    assert event.after["pl_post"] == "PL6 5AA" and event.after["weekly_cost"] == "650.00"


def test_placement_details_given_by_the_worker_win_over_the_providers(world, alice, foster_service):
    episode = start_care(world, alice, provider=foster_service, pl_post="PL9 9ZZ", place_provider="PR2")
    assert (episode.pl_post, episode.place_provider) == ("PL9 9ZZ", "PR2")


def test_the_foster_households_postcode_is_the_placement_postcode(world, alice, household):
    episode = start_care(world, alice, carer=household)
    assert episode.pl_post == "PL7 1AA"


def test_a_child_cannot_have_a_second_open_episode(world, alice, nothing_written):
    start_care(world, alice)
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, decom=D(2024, 6, 1))
    assert refused.value.message_dict["decom"] == [
        "Ava already has an open episode from 1 March 2024 (still open); "
        "record a change of placement or legal status, or end that episode first"
    ]


def test_an_episode_overlapping_another_is_refused_with_the_other_episodes_dates(
    world, alice, nothing_written
):
    history(world, (D(2023, 1, 10), D(2023, 5, 2), "E4A", "S"))
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, decom=D(2023, 4, 1), dec=D(2023, 4, 20), rec="E13")
    assert refused.value.message_dict == {
        "decom": ["This would overlap Ava's episode from 10 January 2023 to 2 May 2023"]
    }


def test_an_open_episode_starting_before_a_later_closed_one_is_refused(world, alice, nothing_written):
    history(world, (D(2024, 2, 1), D(2024, 2, 20), "E4A", "S"))
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, decom=D(2024, 1, 15))
    assert refused.value.message_dict == {
        "decom": ["This would overlap Ava's episode from 1 February 2024 to 20 February 2024"]
    }


def test_an_episode_cannot_start_on_the_day_another_starts(world, alice):
    history(world, (D(2023, 1, 10), D(2023, 1, 10), "E4A", "S"))
    with pytest.raises(ValidationError) as refused:
        start_care(world, alice, decom=D(2023, 1, 10))
    assert refused.value.message_dict["decom"] == ["Ava already has an episode starting on 10 January 2023"]


def test_an_earlier_period_of_care_can_be_filled_into_a_gap(world, alice):
    history(world, (D(2023, 1, 10), D(2023, 5, 2), "E4A", "S"))
    start_care(world, alice)
    earlier = start_care(world, alice, decom=D(2022, 6, 1), dec=D(2022, 9, 1), rec="E13")
    assert world.child_north.episodes.count() == 3 and earlier.dec == D(2022, 9, 1)


def test_a_new_period_of_care_cannot_start_the_day_an_episode_ended(world, alice, nothing_written):
    history(world, (D(2023, 1, 10), D(2024, 3, 1), "X1", "S"))
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice)
    assert refused.value.message_dict == {
        "rne": [
            "An episode ended on 1 March 2024, so this one continues that period of care: "
            "choose the change that happened (L, P, T, U or B), not S"
        ]
    }


def test_a_change_of_placement_must_follow_an_episode_ending_that_day_with_x1(world, alice, nothing_written):
    history(world, (D(2023, 1, 10), D(2024, 3, 1), "E4A", "S"))
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, rne="P")
    assert refused.value.message_dict == {
        "rne": [
            "A change of placement or legal status follows an episode that ended on 1 March 2024 "
            "with reason X1; there is none, so use S for a new period of care"
        ]
    }


def test_a_change_of_placement_with_no_previous_episode_is_refused(world, alice):
    with pytest.raises(ValidationError) as refused:
        start_care(world, alice, rne="T")
    assert list(refused.value.message_dict) == ["rne"]


def test_an_imported_change_of_placement_after_an_x1_is_accepted(world, alice):
    history(world, (D(2023, 1, 10), D(2024, 3, 1), "X1", "S"))
    episode = start_care(world, alice, rne="P")
    assert episode.rne == "P"


def test_an_individual_short_break_always_starts_a_new_period_of_care(world, alice, nothing_written):
    history(world, (D(2023, 1, 10), D(2024, 3, 1), "X1", "S"))
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, rne="L", ls="V3", dec=D(2024, 3, 3), rec="E13")
    assert refused.value.message_dict == {
        "rne": ["An individual short break (V3) always starts a new period of care (S)"]
    }


def test_v3_and_v4_short_breaks_do_not_mix_in_one_years_return(world, alice, nothing_written):
    start_care(world, alice, decom=D(2024, 4, 5), dec=D(2024, 4, 7), ls="V3", rec="E13")
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, decom=D(2025, 2, 5), dec=D(2025, 2, 7), ls="V4", rec="E13")
    assert refused.value.message_dict == {"ls": ["Ava already has V3 short breaks in this year's return"]}

    next_year = start_care(world, alice, decom=D(2025, 4, 5), dec=D(2025, 4, 7), ls="V4", rec="E13")
    assert next_year.ls == "V4"


def test_an_episode_cannot_start_in_the_future_or_before_the_child_was_born(world, alice):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        start_care(world, alice, decom=tomorrow)
    assert future.value.message_dict == {"decom": ["The date cannot be in the future"]}
    with pytest.raises(ValidationError) as unborn:
        start_care(world, alice, decom=D(2012, 5, 16))
    assert unborn.value.message_dict == {"decom": ["The date cannot be before Ava was born"]}


def test_an_ended_episode_needs_its_reason_and_a_reason_needs_an_end(world, alice):
    with pytest.raises(ValidationError) as no_reason:
        start_care(world, alice, dec=D(2024, 4, 1))
    assert no_reason.value.message_dict == {"rec": ["Choose the reason the episode ended"]}
    with pytest.raises(ValidationError) as no_end:
        start_care(world, alice, rec="E4A")
    assert no_end.value.message_dict == {
        "dec": ["Enter the date the episode ended, or leave the reason blank"]
    }
    with pytest.raises(ValidationError) as backwards:
        start_care(world, alice, dec=D(2024, 2, 1), rec="E4A")
    assert backwards.value.message_dict == {"dec": ["The episode cannot end before it started"]}


def test_an_unknown_legal_status_is_refused_beside_its_field(world, alice, nothing_written):
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, ls="ZZ")
    assert list(refused.value.message_dict) == ["ls"]


def test_a_provider_from_another_council_is_refused(world, alice):
    elsewhere = Provider.objects.create(
        authority=world.other_authority, name="Far Away Homes", kind="childrens_home", place_provider="PR4"
    )
    with pytest.raises(ValidationError) as refused:
        start_care(world, alice, provider=elsewhere, place="K2")
    assert refused.value.message_dict == {"provider": ["Choose a provider from this council's list"]}


def test_a_child_is_only_placed_with_a_household_approved_on_the_day(
    world, alice, household, nothing_written
):
    household.approval_date = D(2024, 3, 2)
    household.save()
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        start_care(world, alice, carer=household)
    assert refused.value.message_dict == {
        "carer": ["The Smiths was not an approved household on 1 March 2024"]
    }


def test_a_foster_household_is_only_linked_to_a_foster_or_adoption_placement(world, alice, household):
    with pytest.raises(ValidationError) as refused:
        start_care(world, alice, carer=household, place="K2")
    assert refused.value.message_dict == {
        "carer": ["A foster household can only be linked to a foster or adoption placement"]
    }


# Moves


def test_a_change_of_placement_closes_with_x1_and_opens_the_next_in_one_go(
    world, alice, foster_service, agency_home
):
    first = start_care(
        world, alice, provider=foster_service, weekly_cost=Decimal("650"), planned_end=D(2024, 9, 1)
    )

    second = change_placement(
        alice,
        child=world.child_north,
        date=D(2024, 5, 10),
        reason_place_change="CREQB",
        place="K2",
        provider=agency_home,
        weekly_cost=Decimal("4200"),
    )

    first.refresh_from_db()
    assert (first.dec, first.rec, first.reason_place_change) == (D(2024, 5, 10), "X1", "CREQB")
    assert (second.decom, second.rne, second.ls, second.cin, second.place) == (
        D(2024, 5, 10),
        "P",
        "V2",
        "N1",
        "K2",
    )
    assert (second.place_provider, second.pl_post, second.urn) == ("PR4", "EX1 1AA", "SC654321")
    assert second.planned_end is None and second.weekly_cost == Decimal("4200")
    events = AuditEvent.objects.filter(object_type="care.episode").order_by("id")
    assert [(e.action, e.object_id) for e in events] == [
        ("create", str(first.pk)),
        ("update", str(first.pk)),
        ("create", str(second.pk)),
    ]
    assert events[1].before == {"dec": None, "rec": "", "reason_place_change": ""}


@pytest.mark.parametrize(
    ("same_household", "new_status", "expected_rne"),
    [(True, "", "T"), (False, "", "P"), (True, "C2", "U"), (False, "C2", "B")],
)
def test_the_reason_for_the_new_episode_follows_what_changed(
    world, alice, household, same_household, new_status, expected_rne
):
    other = FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH002",
        name="The Joneses",
        status="approved",
        enquiry_date=D(2019, 1, 1),
        approval_date=D(2019, 6, 1),
        approved_places=1,
    )
    start_care(world, alice, carer=household)
    moved = change_placement(
        alice,
        child=world.child_north,
        date=D(2024, 5, 10),
        reason_place_change="CARPL",
        place="U4",
        carer=household if same_household else other,
        ls=new_status,
    )
    assert moved.rne == expected_rne
    assert moved.ls == (new_status or "V2")


def test_a_move_needs_an_open_episode(world, alice, nothing_written):
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        change_placement(
            alice, child=world.child_north, date=D(2024, 5, 10), reason_place_change="CARPL", place="U4"
        )
    assert refused.value.message_dict == {NON_FIELD_ERRORS: ["Ava is not looked after at the moment"]}


def test_a_move_must_come_after_the_current_episode_began_and_give_a_reason(world, alice, nothing_written):
    start_care(world, alice)
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        change_placement(
            alice, child=world.child_north, date=D(2024, 3, 1), reason_place_change="", place="U4"
        )
    assert refused.value.message_dict == {
        "date": ["The date must be after the current episode began on 1 March 2024"],
        "reason_place_change": ["Choose the reason the placement changed"],
    }


def test_a_refused_move_leaves_the_current_episode_open_and_writes_nothing(world, alice, household):
    first = start_care(world, alice)
    household.deregistration_date = D(2024, 4, 1)
    household.status = "deregistered"
    household.save()
    audit_rows = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        change_placement(
            alice,
            child=world.child_north,
            date=D(2024, 5, 10),
            reason_place_change="CARPL",
            place="U4",
            carer=household,
        )

    assert refused.value.message_dict == {
        "carer": ["The Smiths was not an approved household on 10 May 2024"]
    }
    first.refresh_from_db()
    assert (first.dec, first.rec) == (None, "")
    assert world.child_north.episodes.count() == 1
    assert AuditEvent.objects.count() == audit_rows


def test_a_move_that_would_collide_with_a_later_episode_is_refused_as_a_date_problem(world, alice):
    if connection.vendor == "postgresql":
        pytest.skip(
            "PostgreSQL's exclusion constraint cannot even hold the overlapping import this guards against"
        )
    start_care(world, alice, decom=D(2024, 1, 1))
    history(world, (D(2024, 6, 1), D(2024, 6, 5), "E13", "S"))  # a bad import left a later episode
    with pytest.raises(ValidationError) as refused:
        change_placement(
            alice, child=world.child_north, date=D(2024, 5, 10), reason_place_change="CARPL", place="U4"
        )
    assert refused.value.message_dict == {
        "date": ["This would overlap Ava's episode from 1 June 2024 to 5 June 2024"]
    }


# Legal status changes


def test_a_change_of_legal_status_keeps_the_placement_and_uses_rne_l(world, alice, foster_service, household):
    first = start_care(
        world,
        alice,
        provider=foster_service,
        carer=household,
        weekly_cost=Decimal("650"),
        planned_end=D(2025, 1, 1),
    )
    second = change_legal_status(alice, child=world.child_north, date=D(2024, 4, 15), ls="C1")

    first.refresh_from_db()
    assert (first.dec, first.rec, first.reason_place_change) == (D(2024, 4, 15), "X1", "")
    assert (second.rne, second.ls, second.place, second.provider, second.carer) == (
        "L",
        "C1",
        "U6",
        foster_service,
        household,
    )
    assert (second.weekly_cost, second.pl_post, second.planned_end) == (
        Decimal("650"),
        "PL6 5AA",
        D(2025, 1, 1),
    )


def test_a_change_of_legal_status_to_the_same_status_is_refused(world, alice, nothing_written):
    start_care(world, alice)
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        change_legal_status(alice, child=world.child_north, date=D(2024, 4, 15), ls="V2")
    assert refused.value.message_dict == {
        "ls": ["Ava's legal status is already Single period of accommodation under section 20 (V2)"]
    }


# Leaving care and planned ends


def test_leaving_care_closes_the_open_episode_with_the_reason(world, alice):
    episode = start_care(world, alice)
    end_care(alice, child=world.child_north, date=D(2024, 8, 30), rec="E4A")
    episode.refresh_from_db()
    assert (episode.dec, episode.rec) == (D(2024, 8, 30), "E4A")
    assert not Episode.objects.filter(child=world.child_north, dec__isnull=True).exists()


def test_leaving_care_refuses_x1_because_that_is_not_a_leaving(world, alice, nothing_written):
    episode = start_care(world, alice)
    with nothing_written(Episode), pytest.raises(ValidationError) as refused:
        end_care(alice, child=world.child_north, date=D(2024, 8, 30), rec="X1")
    assert refused.value.message_dict == {
        "rec": ["X1 is for a new episode beginning the same day; choose the reason the child left care"]
    }
    episode.refresh_from_db()
    assert episode.dec is None


def test_a_child_may_leave_care_on_the_day_they_started(world, alice):
    episode = start_care(world, alice)
    end_care(alice, child=world.child_north, date=D(2024, 3, 1), rec="E13")
    episode.refresh_from_db()
    assert episode.dec == D(2024, 3, 1)


def test_leaving_care_cannot_be_dated_before_the_episode_began(world, alice):
    start_care(world, alice)
    with pytest.raises(ValidationError) as refused:
        end_care(alice, child=world.child_north, date=D(2024, 2, 1), rec="E4A")
    assert refused.value.message_dict == {
        "date": ["The date must be after the current episode began on 1 March 2024"]
    }


def test_a_planned_end_is_set_on_an_open_episode_and_audited(world, alice):
    episode = start_care(world, alice)
    set_planned_end(alice, episode=episode, planned_end=D(2024, 12, 1))
    episode.refresh_from_db()
    assert episode.planned_end == D(2024, 12, 1)
    event = AuditEvent.objects.get(action="update", object_id=str(episode.pk))
    assert (event.before, event.after) == ({"planned_end": None}, {"planned_end": "2024-12-01"})


def test_a_planned_end_is_refused_for_an_ended_episode_or_before_the_start(world, alice, nothing_written):
    episode = start_care(world, alice)
    with nothing_written(Episode), pytest.raises(ValidationError) as early:
        set_planned_end(alice, episode=episode, planned_end=D(2024, 2, 1))
    assert early.value.message_dict == {
        "planned_end": ["The planned end cannot be before the episode began on 1 March 2024"]
    }
    end_care(alice, child=world.child_north, date=D(2024, 8, 30), rec="E4A")
    with pytest.raises(ValidationError) as ended:
        set_planned_end(alice, episode=episode, planned_end=D(2024, 12, 1))
    assert ended.value.message_dict == {"planned_end": ["This episode ended on 30 August 2024"]}


def test_other_authorities_are_untouched_by_these_rules(world, alice):
    """Eli, in another council, has an open episode; Ava's start is not affected by it."""
    Episode.objects.create(
        child=world.child_elsewhere, decom=D(2024, 1, 1), rne="S", ls="C2", cin="N1", place="U4"
    )
    assert start_care(world, alice).pk is not None
    assert Authority.objects.count() == 2
