"""Stability and permanence on hand-made chronologies: placements in a window, long-term stability,
moves, permanence by the second review, and reviews and visits on time."""

from __future__ import annotations

import pytest

from divert.indicators import compute
from divert.indicators.catalogue import get
from tests.indicators.lac_builders import (
    child,
    children_in,
    d,
    episode,
    members,
    month_to,
    on,
    register,
    review,
    visit,
)

DAY = on("2025-03-31")


def moves_register():
    """Nine chronologies to 31 March 2025 (the 12-month window opens 1 April 2024).

    1 in care since 1 Jan 2023; new carers 1 Jun 2024 and 10 Jan 2025.
    2 in care since 1 Jan 2023; legal status change only (L) 1 Jun 2024; new carer 1 Sep 2024.
    3 in care since 1 Jan 2023; new carers 1 Apr 2024 (the window's first day) and 1 Oct 2024.
    4 comes into care 1 May 2024, goes home 1 Jul 2024, comes back 1 Oct 2024, moves 1 Feb 2025.
    5 in care since 1 Jan 2024 with carer 7; in hospital (T1) 1-10 Aug 2024, then back to carer 7.
    6 in care since 1 Jan 2024 with carer 7; temporary carer (T4) 1 Aug 2024, then carer 8 on
      10 Aug 2024, then another move on 31 Mar 2025 (the date itself).
    7 in care since 31 Mar 2023; new carer 1 Apr 2023.
    8 in care since 1 Apr 2023.
    9 in care since 1 Jan 2023; new carer 31 Mar 2024 (the day before the window opens).
    """
    return register(
        [
            episode(1, "2023-01-01", "2024-06-01"),
            episode(1, "2024-06-01", "2025-01-10", rne="P"),
            episode(1, "2025-01-10", rne="P"),
            episode(2, "2023-01-01", "2024-06-01", ls="C1"),
            episode(2, "2024-06-01", "2024-09-01", rne="L", ls="C2"),
            episode(2, "2024-09-01", rne="P"),
            episode(3, "2023-01-01", "2024-04-01"),
            episode(3, "2024-04-01", "2024-10-01", rne="P"),
            episode(3, "2024-10-01", rne="P"),
            episode(4, "2024-05-01", "2024-07-01", rec="E4A"),
            episode(4, "2024-10-01", "2025-02-01"),
            episode(4, "2025-02-01", rne="P"),
            episode(5, "2024-01-01", "2024-08-01", carer=7),
            episode(5, "2024-08-01", "2024-08-10", rne="P", place="T1", place_provider="PR3"),
            episode(5, "2024-08-10", rne="P", carer=7),
            episode(6, "2024-01-01", "2024-08-01", carer=7),
            episode(6, "2024-08-01", "2024-08-10", rne="P", place="T4", carer=9),
            episode(6, "2024-08-10", "2025-03-31", rne="P", carer=8),
            episode(6, "2025-03-31", rne="P", carer=10),
            episode(7, "2023-03-31", "2023-04-01"),
            episode(7, "2023-04-01", rne="P"),
            episode(8, "2023-04-01"),
            episode(9, "2023-01-01", "2024-03-31"),
            episode(9, "2024-03-31", rne="P"),
        ]
    )


# --- 3 or more placements in the year ---------------------------------------------------------------


def test_three_plus_placements_counts_the_open_placement_and_each_new_one_in_the_year():
    # Placements since 1 Apr 2024: 1: 1 + 2 = 3; 2: 1 + 1 (L is not a move) = 2; 3: the one begun on
    # 1 Apr is the open one, + 1 = 2; 4: not in care on 1 Apr, + 3 entries and moves = 3; 5: the
    # hospital stay and return to carer 7 are not placements = 1; 6: 1 + carer 8 + 31 Mar = 3;
    # 7, 8, 9: 1 each. 3 of 9 = 33.3%.
    frames = moves_register()
    series = compute.series(frames, get("three_plus_placements_pct"), DAY)
    assert series.select("num", "den").row(0) == (3.0, 9.0)
    assert series["value"][0] == pytest.approx(100 * 3 / 9)
    assert children_in(members(frames, "three_plus_placements_pct", DAY)) == [1, 4, 6]


def test_the_drill_down_shows_how_many_placements_each_child_had():
    rows = members(moves_register(), "three_plus_placements_pct", DAY, denominator=True)
    assert dict(rows.select("child", "placements").rows()) == {
        1: 3,
        2: 2,
        3: 2,
        4: 3,
        5: 1,
        6: 3,
        7: 1,
        8: 1,
        9: 1,
    }


def test_three_plus_placements_a_day_earlier_uses_a_window_a_day_earlier():
    # On 30 Mar 2025 the window opens 31 Mar 2024: 6's move on 31 Mar 2025 is not yet made (2
    # placements), and 3's move on 1 Apr 2024 is now inside the window (1 + 2 = 3).
    assert children_in(members(moves_register(), "three_plus_placements_pct", on("2025-03-30"))) == [1, 3, 4]


def test_three_plus_in_two_years_counts_children_in_care_two_years_or_more():
    # In care since 31 Mar 2023 or earlier: 1, 2, 3, 7, 9 (8 came in on 1 Apr 2023: a day short).
    # Placements since 1 Apr 2023: 1: 3; 2: 2; 3: 3; 7: 1 (the one begun 1 Apr 2023); 9: 2. 2 of 5 = 40%.
    frames = moves_register()
    series = compute.series(frames, get("three_plus_placements_2y_pct"), DAY)
    assert series.select("num", "den", "value").row(0) == (2.0, 5.0, 40.0)
    assert children_in(members(frames, "three_plus_placements_2y_pct", DAY)) == [1, 3]
    assert children_in(members(frames, "three_plus_placements_2y_pct", DAY, denominator=True)) == [
        1,
        2,
        3,
        7,
        9,
    ]


def test_a_return_to_care_starts_the_two_years_again():
    frames = register(
        [
            episode(20, "2020-01-01", "2024-01-01", rec="E4A"),
            episode(20, "2024-02-01"),
        ]
    )
    assert members(frames, "three_plus_placements_2y_pct", DAY, denominator=True).is_empty()


# --- moves in the last 12 months ----------------------------------------------------------------------


def test_moved_last_12m_lists_children_with_a_move_and_how_many():
    # Moves after 31 Mar 2024: 1: 2; 2: 1 (the L is not a move); 3: 2; 4: 1 (coming into care twice is
    # not a move); 5: none (hospital and back); 6: 2 (carer 8, 31 Mar 2025); 9's move on 31 Mar 2024
    # is a year and a day ago.
    rows = members(moves_register(), "moved_last_12m", DAY)
    assert dict(rows.select("child", "moves").rows()) == {1: 2, 2: 1, 3: 2, 4: 1, 6: 2}
    assert compute.series(moves_register(), get("moved_last_12m"), DAY)["value"].to_list() == [5.0]


# --- long-term stability ---------------------------------------------------------------------------------


def long_term_register():
    """Children under 16 on 31 March 2025 unless said; 2.5 years back is 30 Sep 2022, 2 years 31 Mar 2023.

    A in care since 30 Sep 2022, same placement. B since 1 Jan 2022, moved 31 Mar 2023. C since 1 Jan
    2022, moved 1 Apr 2023. D since 1 Jan 2022, placed for adoption with its foster carers 1 Jun 2024.
    E since 1 Jan 2022, moved 1 Jun 2023, placed for adoption 1 Jun 2024. F turns 16 on 31 Mar 2025.
    H in care since 1 Oct 2022. I in care 2020-2023, back since 1 Feb 2023. J since 1 Jan 2022 with a
    change of legal status only on 1 Jun 2023.
    """
    a, b, c, dd, e, f, h, i, j = 1, 2, 3, 4, 5, 6, 8, 9, 10
    return register(
        [
            episode(a, "2022-09-30"),
            episode(b, "2022-01-01", "2023-03-31"),
            episode(b, "2023-03-31", rne="P"),
            episode(c, "2022-01-01", "2023-04-01"),
            episode(c, "2023-04-01", rne="P"),
            episode(dd, "2022-01-01", "2024-06-01"),
            episode(dd, "2024-06-01", rne="T", ls="E1", place="A5"),
            episode(e, "2022-01-01", "2023-06-01"),
            episode(e, "2023-06-01", "2024-06-01", rne="P"),
            episode(e, "2024-06-01", rne="T", ls="E1", place="A5"),
            episode(f, "2020-01-01"),
            episode(h, "2022-10-01"),
            episode(i, "2020-01-01", "2023-01-01", rec="E4A"),
            episode(i, "2023-02-01"),
            episode(j, "2022-01-01", "2023-06-01", ls="C1"),
            episode(j, "2023-06-01", rne="L", ls="C2"),
        ],
        children=[
            *(child(n, "2012-01-01") for n in (a, b, c, dd, e, h, i, j)),
            child(f, "2009-03-31"),
        ],
    )


def test_long_term_stability_counts_under_16s_in_care_two_and_a_half_years_in_one_placement_two_years():
    # Denominator: A, B, C, D, E, J (F is 16 on the date, H a day short of 2.5 years, I came back in 2023).
    # Same placement since 31 Mar 2023 or earlier: A, B, J; D is placed for adoption and its previous
    # placement began in 2022. E's previous placement began 1 Jun 2023. 4 of 6 = 66.7%.
    frames = long_term_register()
    series = compute.series(frames, get("long_term_stability_pct"), DAY)
    assert series.select("num", "den").row(0) == (4.0, 6.0)
    assert children_in(members(frames, "long_term_stability_pct", DAY)) == [1, 2, 4, 10]
    assert children_in(members(frames, "long_term_stability_pct", DAY, denominator=True)) == [
        1,
        2,
        3,
        4,
        5,
        10,
    ]


def test_a_child_born_on_29_february_turns_16_on_29_february_in_a_leap_year():
    frames = register([episode(30, "2019-01-01")], children=[child(30, "2008-02-29")])
    assert children_in(members(frames, "long_term_stability_pct", on("2024-02-28"), denominator=True)) == [30]
    assert members(frames, "long_term_stability_pct", on("2024-02-29"), denominator=True).is_empty()


@pytest.mark.parametrize(
    "indicator", ["three_plus_placements_pct", "three_plus_placements_2y_pct", "long_term_stability_pct"]
)
def test_percentages_of_an_empty_register_have_no_value(indicator):
    assert compute.series(register(), get(indicator), DAY)["value"].to_list() == [None]


def test_no_moves_in_an_empty_register():
    assert compute.series(register(), get("moved_last_12m"), DAY)["value"].to_list() == [0.0]


# --- permanence plan by the second review ----------------------------------------------------------------


def permanence_register():
    """Second reviews in March 2025.

    A: no plan at the first review, a plan at the second (10 Mar). B: a plan at the first, none
    at the second (31 Mar, the period's last day). C: no plan at the first or second (5 Mar), a
    plan at the third. D: a plan in an earlier period of care; back in care 1 Dec 2024 and no
    plan at either review since. E: second review 1 April.
    """
    a, b, c, dd, e = 1, 2, 3, 4, 5
    return register(
        [
            *(episode(n, "2024-10-01") for n in (a, b, c, e)),
            episode(dd, "2023-01-01", "2024-06-01", rec="E4A"),
            episode(dd, "2024-12-01"),
        ],
        reviews=[
            review(a, "2024-10-20", False),
            review(a, "2025-03-10", True),
            review(b, "2024-10-20", True),
            review(b, "2025-03-31", False),
            review(c, "2024-10-20", False),
            review(c, "2025-03-05", False),
            review(c, "2025-03-20", True),
            review(dd, "2023-01-20", False),
            review(dd, "2023-04-10", True),
            review(dd, "2024-12-20", False),
            review(dd, "2025-03-15", False),
            review(e, "2024-10-20", True),
            review(e, "2025-04-01", True),
        ],
    )


def test_permanence_by_the_second_review_counts_plans_at_or_before_it_in_this_period_of_care():
    # Second reviews in March: A, B, C, D. A plan by then: A (at it), B (at the first). 2 of 4 = 50%.
    frames = permanence_register()
    series = compute.series(frames, get("permanence_by_second_review_pct"), month_to("2025-03-31"))
    assert series.select("num", "den", "value").row(0) == (2.0, 4.0, 50.0)
    assert children_in(members(frames, "permanence_by_second_review_pct", month_to("2025-03-31"))) == [1, 2]
    everyone = members(frames, "permanence_by_second_review_pct", month_to("2025-03-31"), denominator=True)
    assert children_in(everyone) == [1, 2, 3, 4]
    assert everyone.filter(everyone["child"] == 4)["second_review"].to_list() == [d("2025-03-15")]


def test_permanence_in_an_empty_register_has_no_value():
    series = compute.series(register(), get("permanence_by_second_review_pct"), month_to("2025-03-31"))
    assert series["value"].to_list() == [None]


# --- reviews on time -------------------------------------------------------------------------------------


def reviews_register():
    """31 March 2025.

    A came into care Mon 3 Mar: first review due 20 working days later, 31 Mar. B came in Fri 28 Feb:
    due Fri 28 Mar, not held. C came in 1 Dec 2024, first review 20 Dec: second due 20 Mar, not held.
    D: reviews 20 Jun 2024, 19 Sep 2024, 19 Mar 2025: next due 19 Sep 2025. E was in care 2023-2024
    with reviews to 1 Oct 2024 and came back Sat 1 Mar 2025: first review of this period due 28 Mar.
    """
    a, b, c, dd, e = 1, 2, 3, 4, 5
    return register(
        [
            episode(a, "2025-03-03"),
            episode(b, "2025-02-28"),
            episode(c, "2024-12-01"),
            episode(dd, "2024-06-01"),
            episode(e, "2023-01-01", "2024-12-31", rec="E4A"),
            episode(e, "2025-03-01"),
        ],
        reviews=[
            review(c, "2024-12-20"),
            review(dd, "2024-06-20"),
            review(dd, "2024-09-19"),
            review(dd, "2025-03-19"),
            *(
                review(e, day)
                for day in ("2023-01-10", "2023-04-01", "2023-10-01", "2024-04-01", "2024-10-01")
            ),
        ],
    )


def test_reviews_on_time_follow_regulation_33s_clock():
    # On time: A (due on the date itself), D. Overdue: B by 3 days, C by 11, E by 3. 2 of 5 = 40%.
    frames = reviews_register()
    series = compute.series(frames, get("la_reviews_on_time_pct"), DAY)
    assert series.select("num", "den", "value").row(0) == (2.0, 5.0, 40.0)
    assert children_in(members(frames, "la_reviews_on_time_pct", DAY)) == [1, 4]
    everyone = members(frames, "la_reviews_on_time_pct", DAY, denominator=True).sort("child")
    assert everyone.select("child", "reviews_held", "due", "days_overdue").rows() == [
        (1, 0, d("2025-03-31"), 0),
        (2, 0, d("2025-03-28"), 3),
        (3, 1, d("2025-03-20"), 11),
        (4, 3, d("2025-09-19"), 0),
        (5, 0, d("2025-03-28"), 3),
    ]


def test_the_first_review_clock_skips_bank_holidays():
    # In care from Mon 24 Mar 2025; Good Friday 18 Apr and Easter Monday 21 Apr are holidays:
    # 20 working days later is Wed 23 Apr (Mon 21 Apr without them).
    holidays = (d("2025-04-18"), d("2025-04-21"))
    frames = register([episode(6, "2025-03-24")], holidays=holidays)
    rows = members(frames, "la_reviews_on_time_pct", on("2025-04-22"), denominator=True)
    assert rows.select("due", "days_overdue").row(0) == (d("2025-04-23"), 0)
    plain = register([episode(6, "2025-03-24")])
    assert (
        members(plain, "la_reviews_on_time_pct", on("2025-04-22"), denominator=True)["days_overdue"][0] == 1
    )


# --- visits on time --------------------------------------------------------------------------------------


def visits_register():
    """31 March 2025.

    A placed 24 Mar, not yet visited (due 31 Mar). B placed 23 Mar, not visited (due 30 Mar).
    C in care since 1 Jan, visited 5 Jan and 17 Feb (due 31 Mar). D in a short-term foster
    placement since 1 Jan 2024, last visited 10 Feb 2025 (due 24 Mar). E in long-term foster care
    (U4) since 1 Jan 2023, visited 5 Jan 2025 (3-monthly: due 5 Apr). F in long-term foster care
    since 1 Jan 2025, visited 10 Feb (first year: 6-weekly, due 24 Mar). G visited 1 Mar, change of
    legal status 20 Mar (same placement: due 12 Apr). H visited 10 Mar, moved to new carers 20 Mar
    and not visited there (due 27 Mar).
    """
    a, b, c, dd, e, f, g, h = 1, 2, 3, 4, 5, 6, 7, 8
    return register(
        [
            episode(a, "2025-03-24"),
            episode(b, "2025-03-23"),
            episode(c, "2025-01-01"),
            episode(dd, "2024-01-01"),
            episode(e, "2023-01-01", place="U4"),
            episode(f, "2025-01-01", place="U4"),
            episode(g, "2024-06-01", "2025-03-20", ls="C1"),
            episode(g, "2025-03-20", rne="L", ls="C2"),
            episode(h, "2024-06-01", "2025-03-20"),
            episode(h, "2025-03-20", rne="P"),
        ],
        visits=[
            visit(c, "2025-01-05"),
            visit(c, "2025-02-17"),
            visit(dd, "2025-02-10"),
            visit(e, "2025-01-05"),
            visit(f, "2025-02-10"),
            visit(g, "2025-03-01"),
            visit(h, "2025-03-10"),
        ],
    )


def test_visits_on_time_follow_regulation_28s_clock():
    # On time: A, C, E, G. Overdue: B 1 day, D 7, F 7, H 4. 4 of 8 = 50%.
    frames = visits_register()
    series = compute.series(frames, get("visits_on_time_pct"), DAY)
    assert series.select("num", "den", "value").row(0) == (4.0, 8.0, 50.0)
    assert children_in(members(frames, "visits_on_time_pct", DAY)) == [1, 3, 5, 7]
    everyone = members(frames, "visits_on_time_pct", DAY, denominator=True).sort("child")
    assert everyone.select("child", "due", "days_overdue").rows() == [
        (1, d("2025-03-31"), 0),
        (2, d("2025-03-30"), 1),
        (3, d("2025-03-31"), 0),
        (4, d("2025-03-24"), 7),
        (5, d("2025-04-05"), 0),
        (6, d("2025-03-24"), 7),
        (7, d("2025-04-12"), 0),
        (8, d("2025-03-27"), 4),
    ]


@pytest.mark.parametrize("indicator", ["la_reviews_on_time_pct", "visits_on_time_pct"])
def test_timeliness_in_an_empty_register_has_no_value(indicator):
    assert compute.series(register(), get(indicator), DAY)["value"].to_list() == [None]


def test_a_change_of_placement_type_with_the_same_carer_is_not_a_new_placement():
    # Child 1 came into care 1 May 2024 (1), moved carer 1 Jul (2), the placement was made long-term
    # with the same carer on 1 Sep (RNE T: still 2) and the legal status changed 1 Nov (U: still 2).
    frames = register(
        [
            episode(1, "2024-05-01", "2024-07-01"),
            episode(1, "2024-07-01", "2024-09-01", rne="P"),
            episode(1, "2024-09-01", "2024-11-01", rne="T", place="U4"),
            episode(1, "2024-11-01", rne="U", ls="C2", place="U4"),
        ],
        children=[child(1, "2012-01-01")],
    )
    rows = members(frames, "three_plus_placements_pct", DAY, denominator=True)
    assert rows.select("child", "placements").rows() == [(1, 2)]
