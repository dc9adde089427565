"""Front door figures worked by hand: contacts, referrals, re-referrals and the working-day clocks."""

from __future__ import annotations

from divert.indicators.frames import Frames
from tests.indicators.fd_builders import (
    assessment,
    children,
    contact,
    d,
    day,
    members,
    month,
    referral,
    register,
    value,
)

MARCH = month("2025-03-31")
# Good Friday and Easter Monday 2025; the August bank holiday.
EASTER = (d("2025-04-18"), d("2025-04-21"))
AUGUST = (d("2025-08-25"),)


def test_contacts_count_those_received_in_the_month_and_list_their_source() -> None:
    frames = register(
        contacts=[
            contact(1, "2025-03-01", source="5A"),
            contact(2, "2025-03-31", source="3A"),
            contact(3, "2025-04-01"),  # next month
            contact(4, "2025-02-28"),  # last month
        ]
    )
    assert value(frames, "contacts", MARCH) == 2
    rows = members(frames, "contacts", MARCH)
    assert rows["child"].to_list() == [1, 2]
    assert rows["source"].to_list() == ["5A", "3A"]


def test_referrals_count_each_referral_in_the_month_even_for_the_same_child() -> None:
    frames = register(
        referrals=[
            referral(1, "2025-03-05", id=1),
            referral(1, "2025-03-20", id=2),
            referral(2, "2025-04-01", id=3),
        ]
    )
    assert value(frames, "referrals", MARCH) == 2
    assert members(frames, "referrals", MARCH)["referral_date"].to_list() == [
        d("2025-03-05"),
        d("2025-03-20"),
    ]


def test_re_referrals_are_judged_from_the_dates_with_exactly_12_months_counting() -> None:
    frames = register(
        referrals=[
            referral(1, "2024-03-31", id=1),
            referral(1, "2025-03-31", id=2),  # exactly 12 months after: a re-referral
            referral(2, "2024-03-30", id=3),
            referral(2, "2025-03-31", id=4),  # 12 months and a day: not
            referral(3, "2025-03-10", id=5, flag=True),  # flagged, but no earlier referral held: not
            referral(4, "2025-03-05", id=6),
            referral(4, "2025-03-20", id=7),  # 15 days after the first: a re-referral
        ]
    )
    # 5 referrals in March, 2 re-referrals: 2 / 5 = 40%.
    assert value(frames, "re_referral_pct", MARCH) == 40.0
    rows = members(frames, "re_referral_pct", MARCH)
    assert rows["child"].to_list() == [1, 4]
    assert rows["previous_referral"].to_list() == [d("2024-03-31"), d("2025-03-05")]
    assert len(children(frames, "re_referral_pct", MARCH, denominator=True)) == 5


def _easter_contacts() -> Frames:
    return register(
        holidays=EASTER,
        contacts=[
            contact(1, "2025-04-17", "2025-04-22"),  # Thu; Fri and Mon are holidays: Tue is day 1, in time
            contact(2, "2025-04-17", "2025-04-23"),  # Wed is day 2: late
            contact(3, "2025-04-04", "2025-04-07"),  # Fri, decided Mon: in time
            contact(4, "2025-04-05", "2025-04-07"),  # Sat, decided Mon: in time
            contact(5, "2025-04-28"),  # Mon, undecided; its day (Tue 29) ended before 30 April: late
            contact(6, "2025-04-29"),  # Tue, undecided; its day is 30 April itself: left out for now
            contact(7, "2025-04-30", "2025-05-01"),  # decided next day (after the period): in time
        ],
    )


def test_contacts_decided_within_a_working_day_allow_for_weekends_and_bank_holidays() -> None:
    frames = _easter_contacts()
    april = month("2025-04-30")
    # Due a decision: contacts 1, 2, 3, 4, 5, 7 = 6; in time: 1, 3, 4, 7 = 4; 4 / 6 = 66.7%.
    assert value(frames, "contacts_decided_1wd_pct", april) == 100 * 4 / 6
    assert children(frames, "contacts_decided_1wd_pct", april) == [1, 3, 4, 7]
    assert children(frames, "contacts_decided_1wd_pct", april, denominator=True) == [1, 2, 3, 4, 5, 7]


def test_without_the_bank_holidays_the_easter_contact_would_be_late() -> None:
    frames = _easter_contacts()
    frames = Frames(contacts=frames.contacts)  # no holidays: Fri, Mon, Tue are 3 working days
    assert 1 not in children(frames, "contacts_decided_1wd_pct", month("2025-04-30"))


def test_assessments_completed_on_the_45th_working_day_are_in_time() -> None:
    frames = register(
        holidays=AUGUST,
        assessments=[
            # Monday 2 June 2025 + 9 whole weeks: Monday 4 August is working day 45.
            assessment(1, "2025-06-02", "2025-08-04"),
            assessment(2, "2025-06-02", "2025-08-05"),  # day 46: late
            assessment(3, "2025-06-02", "2025-07-31"),  # completed in July: not in August's figure
            assessment(4, "2025-06-02"),  # still open: not completed
        ],
    )
    august = month("2025-08-31")
    assert value(frames, "assessments_45wd_pct", august) == 50.0
    rows = members(frames, "assessments_45wd_pct", august)
    assert rows["child"].to_list() == [1]
    assert rows["working_days"].to_list() == [45]


def test_a_bank_holiday_inside_the_assessment_clock_gives_an_extra_day() -> None:
    # Monday 21 July + 9 weeks is Monday 22 September, but 25 August is a holiday: day 45 is Tuesday 23rd.
    frames = register(holidays=AUGUST, assessments=[assessment(1, "2025-07-21", "2025-09-23")])
    assert value(frames, "assessments_45wd_pct", month("2025-09-30")) == 100.0


def test_an_open_assessment_is_overdue_the_day_after_its_45th_working_day() -> None:
    frames = register(
        assessments=[
            assessment(1, "2025-06-02"),  # day 45 is 4 August
            assessment(2, "2025-06-02", "2025-08-05"),  # authorised on 5 August: complete, not overdue
        ]
    )
    assert value(frames, "assessments_overdue", day("2025-08-04")) == 0
    assert value(frames, "assessments_overdue", day("2025-08-05")) == 1
    rows = members(frames, "assessments_overdue", day("2025-08-05"))
    assert rows["child"].to_list() == [1]
    assert rows["working_days"].to_list() == [46]


def test_an_empty_register_gives_zero_counts_and_no_percentages() -> None:
    frames = Frames()
    for indicator in ("contacts", "referrals", "assessments_overdue"):
        assert value(frames, indicator, MARCH) == 0
    for indicator in ("re_referral_pct", "contacts_decided_1wd_pct", "assessments_45wd_pct"):
        assert value(frames, indicator, MARCH) is None
