"""The extract reads one authority's register into frames, exactly: every value a figure uses.

The extract reads rows on a plain cursor and converts whole columns in Polars, so these tests
pin what each conversion must give: local dates of contact times across the clock change,
booleans, costs as floats, names through joins, and nothing of another authority.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from divert.care.models import Episode, Provider
from divert.carers.models import FosterHousehold
from divert.frontdoor.models import Contact, Referral
from divert.indicators.extract import extract
from divert.indicators.frames import SCHEMAS
from divert.people.models import Locality
from tests.conftest import World

UTC = dt.UTC


def _expected(name: str, rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMAS[name], orient="row")


@pytest.fixture
def register(world: World) -> World:
    """Ava in care since 1 Oct 2025 with an agency carer; two contacts about her; one referral of Sid."""
    north = Locality.objects.create(authority=world.authority, name="North")
    world.child_north.locality = north
    world.child_north.save()
    provider = Provider.objects.create(
        authority=world.authority, name="Brightside Fostering", kind="ifa", place_provider="PR4"
    )
    carer = FosterHousehold.objects.create(
        authority=world.authority,
        reference="H1",
        name="The Oaks",
        enquiry_date=dt.date(2020, 1, 6),
        approval_date=dt.date(2020, 6, 1),
        status="approved",
        approved_places=2,
    )
    Episode.objects.create(
        child=world.child_north,
        decom=dt.date(2025, 10, 1),
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR4",
        provider=provider,
        carer=carer,
        weekly_cost=Decimal("912.50"),
    )
    # 23:30 UTC on 14 Jul 2025 is 00:30 on 15 Jul in London (summer time); 23:30 UTC on
    # 14 Jan 2025 is 23:30 on 14 Jan (GMT).
    Contact.objects.create(
        child=world.child_north,
        received=dt.datetime(2025, 7, 14, 23, 30, tzinfo=UTC),
        source="5A",
        concerns="-",
        decision="referral",
        decided=dt.datetime(2025, 7, 15, 9, 0, tzinfo=UTC),
    )
    Contact.objects.create(
        child=world.child_north,
        received=dt.datetime(2025, 1, 14, 23, 30, tzinfo=UTC),
        source="5A",
        concerns="-",
    )
    Referral.objects.create(
        child=world.child_south, date=dt.date(2025, 3, 3), source="5A", route="assessment", re_referral=True
    )
    return world


def test_contact_times_become_the_local_day_they_happened_on_either_side_of_the_clock_change(
    register: World,
) -> None:
    contacts = extract(register.authority.pk).contacts.sort("received")
    assert contacts.select("received", "decision", "decided").rows() == [
        (dt.date(2025, 1, 14), "", None),
        (dt.date(2025, 7, 15), "referral", dt.date(2025, 7, 15)),
    ]


def test_an_episode_keeps_its_provider_carer_and_cost_as_the_indicators_read_them(register: World) -> None:
    episodes = extract(register.authority.pk).episodes
    carer = FosterHousehold.objects.get().pk
    expected = _expected(
        "episodes",
        [
            (
                register.child_north.pk,
                dt.date(2025, 10, 1),
                "S",
                "C2",
                "N1",
                "U4",
                "PR4",
                None,
                "",
                "",
                "Brightside Fostering",
                carer,
                912.5,
                None,
            )
        ],
    )
    assert_frame_equal(episodes, expected)


def test_children_carry_their_locality_and_no_child_of_another_authority(register: World) -> None:
    children = extract(register.authority.pk).children.sort("child")
    ava, sid = register.child_north, register.child_south
    expected = _expected(
        "children",
        [
            (ava.pk, "F", dt.date(2012, 5, 17), False, "North", None),
            (sid.pk, "F", dt.date(2015, 2, 3), False, None, None),
        ],
    ).sort("child")
    assert_frame_equal(children, expected)


def test_allocations_name_the_worker_and_team_and_say_whether_the_worker_is_qualified(
    register: World,
) -> None:
    allocations = extract(register.authority.pk).allocations.sort("child")
    assert allocations.select(
        "child", "worker_name", "qualified", "team", "team_kind", "start", "end"
    ).rows() == [
        (
            register.child_north.pk,
            "Alice Tester",
            True,
            "North children in care",
            "cla",
            dt.date(2024, 1, 1),
            None,
        ),
        (
            register.child_south.pk,
            "Sam Tester",
            True,
            "South children in care",
            "cla",
            dt.date(2024, 1, 1),
            None,
        ),
    ]


def test_a_referral_keeps_its_route_and_re_referral_flag(register: World) -> None:
    referrals = extract(register.authority.pk).referrals
    assert referrals.select("child", "date", "route", "decided", "re_referral", "closed").rows() == [
        (register.child_south.pk, dt.date(2025, 3, 3), "assessment", None, True, None)
    ]


def test_carer_households_keep_their_dates_and_places(register: World) -> None:
    households = extract(register.authority.pk).households
    assert households.select("name", "status", "enquiry", "approved", "deregistered", "places").rows() == [
        ("The Oaks", "approved", dt.date(2020, 1, 6), dt.date(2020, 6, 1), None, 2)
    ]


def test_an_authority_with_an_empty_register_gives_empty_frames_of_the_right_shape(world: World) -> None:
    frames = extract(world.other_authority.pk)
    assert frames.episodes.is_empty()
    assert dict(frames.episodes.schema) == SCHEMAS["episodes"]
    assert frames.children.height == 1  # Eli only


def test_bank_holidays_come_with_the_frames_for_working_day_clocks(world: World) -> None:
    holidays = extract(world.authority.pk).holidays
    assert dt.date(2025, 12, 25) in holidays
    assert dt.date(2025, 12, 24) not in holidays
