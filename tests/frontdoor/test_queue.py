"""The MASH queue: ordered by the one-working-day clock, with weekends and bank holidays skipped."""

from __future__ import annotations

import datetime as dt

from divert.core.clocks import contact_decision_due
from divert.frontdoor import actions, queries
from tests.frontdoor.helpers import an_enquiry, at, named_as

TUESDAY = dt.date(2025, 8, 26)  # the day after the summer bank holiday, Monday 25 August 2025


def the_bank_holiday_weekend(world):
    """Four enquiries around the August 2025 bank holiday, recorded out of order."""
    received = {
        "saturday": at(2025, 8, 23, 9),  # due Tuesday 26 August
        "thursday": at(2025, 8, 21, 16),  # due Friday 22 August
        "tuesday": at(2025, 8, 26, 9),  # due Wednesday 27 August
        "friday": at(2025, 8, 22, 10),  # due Tuesday 26 August (Monday is a bank holiday)
    }
    return {name: an_enquiry(world, received=when, referrer_name=name) for name, when in received.items()}


def names(enquiries):
    return [e.referrer_name for e in enquiries]


def test_the_queue_puts_the_earliest_decision_due_first(world):
    the_bank_holiday_weekend(world)
    found = queries.open_enquiries(world.users["mo"], "all", TUESDAY)
    assert names(found) == ["thursday", "friday", "saturday", "tuesday"]


def test_a_friday_enquiry_is_due_on_tuesday_after_the_august_bank_holiday(world):
    enquiries = the_bank_holiday_weekend(world)
    rows = {
        row.enquiry.referrer_name: row
        for row in queries.queue_rows(
            world.users["mo"], queries.open_enquiries(world.users["mo"], "all", TUESDAY), TUESDAY
        )
    }

    assert rows["friday"].clock.due == dt.date(2025, 8, 26)
    assert [rows[n].clock.label for n in ("thursday", "friday", "saturday", "tuesday")] == [
        "Overdue by 1 working day",
        "Due today",
        "Due today",
        "Due tomorrow",
    ]
    assert enquiries["thursday"].pk == rows["thursday"].enquiry.pk


def test_the_overdue_list_on_the_bank_holiday_and_after(world):
    the_bank_holiday_weekend(world)
    mo = world.users["mo"]
    # On the bank holiday itself nothing received on Friday is late; Thursday's was due Friday.
    assert names(queries.open_enquiries(mo, "overdue", dt.date(2025, 8, 25))) == ["thursday"]
    assert names(queries.open_enquiries(mo, "overdue", TUESDAY)) == ["thursday"]
    assert names(queries.open_enquiries(mo, "due_today", TUESDAY)) == ["friday", "saturday"]
    wednesday = dt.date(2025, 8, 27)
    assert names(queries.open_enquiries(mo, "overdue", wednesday)) == ["thursday", "friday", "saturday"]
    rows = queries.queue_rows(mo, queries.open_enquiries(mo, "overdue", wednesday), wednesday)
    assert rows[0].clock.label == "Overdue by 2 working days"


def test_christmas_eve_is_due_after_the_christmas_bank_holidays(world):
    an_enquiry(world, received=at(2025, 12, 24, 15), referrer_name="christmas eve")
    mo = world.users["mo"]
    assert contact_decision_due(at(2025, 12, 24, 15)) == dt.date(2025, 12, 29)
    assert names(queries.open_enquiries(mo, "due_today", dt.date(2025, 12, 29))) == ["christmas eve"]
    assert names(queries.open_enquiries(mo, "overdue", dt.date(2025, 12, 29))) == []
    assert names(queries.open_enquiries(mo, "overdue", dt.date(2025, 12, 30))) == ["christmas eve"]


def test_christmas_2026_falls_on_a_friday_and_boxing_day_moves_to_monday():
    # Thursday 24 December 2026: Friday is Christmas Day, Monday 28 the substitute for Boxing Day.
    assert contact_decision_due(at(2026, 12, 24, 11)) == dt.date(2026, 12, 29)
    assert queries.overdue_before(dt.date(2026, 12, 29)) == at(2026, 12, 24, 0)
    assert queries.overdue_before(dt.date(2026, 12, 30)) == at(2026, 12, 29, 0)


def test_the_counts_at_the_top_of_the_queue(world):
    enquiries = the_bank_holiday_weekend(world)
    contact = actions.match_child(
        world.users["mo"], named=enquiries["tuesday"].children.get(), child=world.child_south
    )
    actions.decide_contact(
        world.users["mo"],
        contact=contact,
        decided=at(2025, 8, 26, 11),
        route="nfa",
        need_level="universal",
        reasons="Fine",
    )

    counts = queries.counts(world.users["mo"], TUESDAY)

    assert (counts.open, counts.overdue, counts.due_today, counts.decided_today) == (3, 1, 2, 1)
    assert names(queries.recently_decided(world.users["mo"], TUESDAY)) == ["tuesday"]
    assert "tuesday" not in names(queries.open_enquiries(world.users["mo"], "all", TUESDAY))


def test_mine_and_unallocated(world):
    enquiries = the_bank_holiday_weekend(world)
    actions.take_enquiry(world.users["mo"], enquiry=enquiries["friday"])
    mo = world.users["mo"]
    assert names(queries.open_enquiries(mo, "mine", TUESDAY)) == ["friday"]
    assert names(queries.open_enquiries(mo, "unallocated", TUESDAY)) == ["thursday", "saturday", "tuesday"]


def test_a_re_referral_within_twelve_months_is_flagged_with_the_earlier_referral(world):
    mo = world.users["mo"]
    for day, closed in (
        (dt.date(2024, 6, 3), dt.date(2024, 7, 1)),
        (dt.date(2025, 3, 3), dt.date(2025, 5, 1)),
    ):
        referral = actions.record_referral(mo, child=world.child_south, date=day, source="2A")
        actions.decide_referral(mo, referral=referral, route="assessment", decided=day)
        actions.close_referral(mo, referral=referral, closed=closed, closure_reason="RC8")
    enquiry = an_enquiry(world, children=[named_as(world.child_south), named_as(world.child_north)])
    for named, child in zip(enquiry.children.all(), (world.child_south, world.child_north), strict=True):
        actions.match_child(mo, named=named, child=child)

    [row] = queries.queue_rows(mo, queries.open_enquiries(mo, "all", TUESDAY), TUESDAY)

    sid, ava = row.children
    assert sid.previous_referral is not None and sid.previous_referral.date == dt.date(2025, 3, 3)
    assert ava.previous_referral is None
    assert row.re_referrals == [sid]


def test_a_referral_more_than_a_year_before_is_not_a_re_referral(world):
    mo = world.users["mo"]
    referral = actions.record_referral(mo, child=world.child_south, date=dt.date(2024, 8, 21), source="2A")
    actions.decide_referral(mo, referral=referral, route="assessment", decided=dt.date(2024, 8, 21))
    actions.close_referral(mo, referral=referral, closed=dt.date(2024, 9, 1), closure_reason="RC8")
    actions.match_child(mo, named=an_enquiry(world).children.get(), child=world.child_south)

    [row] = queries.queue_rows(mo, queries.open_enquiries(mo, "all", TUESDAY), TUESDAY)

    assert row.re_referrals == []


def test_the_queue_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    mo = world.users["mo"]
    enquiries = the_bank_holiday_weekend(world)
    actions.match_child(mo, named=enquiries["friday"].children.get(), child=world.child_south)
    for enquiry in enquiries.values():
        actions.request_information(mo, enquiry=enquiry, agency="police", question="?")
    with django_assert_max_num_queries(6):
        rows = queries.queue_rows(mo, queries.open_enquiries(mo, "all", TUESDAY), TUESDAY)
        assert [row.outstanding_requests for row in rows] == [1, 1, 1, 1]
        assert [child.state for row in rows for child in row.children] == [
            "Not matched",
            "Matched: awaiting decision",
            "Not matched",
            "Not matched",
        ]


def test_nobody_outside_the_front_door_reads_the_queue(world):
    an_enquiry(world)
    for who in ("alice", "sam", "pat", "fin", "adam"):
        assert list(queries.open_enquiries(world.users[who])) == []
    assert len(queries.open_enquiries(world.users["hos"])) == 1
