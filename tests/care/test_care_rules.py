"""The pure rules behind the care actions, and their agreement with PostgreSQL's own overlap test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divert.care import rules

D = dt.date


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2024, 1, 1), D(2024, 2, 1)), (D(2024, 2, 1), None), False),  # one ends the day the next begins
        ((D(2024, 1, 1), D(2024, 2, 2)), (D(2024, 2, 1), None), True),
        ((D(2024, 1, 1), None), (D(2030, 1, 1), D(2030, 2, 1)), True),  # open runs on for ever
        ((D(2024, 3, 1), D(2024, 4, 1)), (D(2024, 1, 1), D(2024, 2, 1)), False),
    ],
)
def test_periods_overlap_treats_the_end_day_as_handed_over(a, b, expected):
    assert rules.periods_overlap(*a, *b) is expected
    assert rules.periods_overlap(*b, *a) is expected


@pytest.mark.parametrize(
    ("day", "expected"), [(D(2024, 3, 31), 2024), (D(2024, 4, 1), 2025), (D(2025, 3, 31), 2025)]
)
def test_the_collection_year_is_named_by_the_year_it_ends(day, expected):
    assert rules.collection_year(day) == expected


def test_a_year_before_29_february_is_28_february():
    assert rules.one_year_before(D(2024, 2, 29)) == D(2023, 2, 28)
    assert rules.one_year_before(D(2024, 3, 5)) == D(2023, 3, 5)


def test_long_dates_read_as_in_a_letter():
    assert rules.long_date(D(2024, 3, 1)) == "1 March 2024"
    assert rules.describe_period(D(2024, 3, 1), None) == "from 1 March 2024 (still open)"


@pytest.mark.parametrize(
    ("code", "age", "fits"), [("PN0", 3, True), ("PN0", 4, False), ("PN1", 3, False), ("PN1", 4, True)]
)
def test_review_participation_pn0_is_for_under_fours_only(code, age, fits):
    assert (rules.participation_problem(code, age) == "") is fits


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2020, 3, 1))


@st.composite
def periods(draw):
    start = draw(dates)
    end = draw(st.one_of(st.none(), dates.filter(lambda d: d > start)))
    return start, end


@pytest.mark.django_db
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=periods(), b=periods())
def test_the_python_overlap_rule_agrees_with_postgresql_daterange(a, b):
    """The rule SQLite relies on is the one PostgreSQL's exclusion constraint enforces."""
    if connection.vendor != "postgresql":
        pytest.skip("daterange is PostgreSQL's; on SQLite the Python rule is the only one")
    with connection.cursor() as cursor:
        cursor.execute("SELECT daterange(%s, %s, '[)') && daterange(%s, %s, '[)')", [*a, *b])
        (database_says,) = cursor.fetchone()
    assert rules.periods_overlap(*a, *b) is database_says
