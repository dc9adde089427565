"""The small date rules behind the child summary, without a web request."""

from __future__ import annotations

import datetime as dt

import pytest

from divert.care.models import Episode
from divert.people.queries import period_of_care_start, whole_months


@pytest.mark.parametrize(
    ("start", "today", "months"),
    [
        (dt.date(2025, 2, 20), dt.date(2025, 6, 16), 3),
        (dt.date(2025, 2, 20), dt.date(2025, 6, 20), 4),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 28), 1),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 27), 0),
        (dt.date(2025, 6, 16), dt.date(2025, 6, 16), 0),
    ],
)
def test_a_plan_is_open_for_whole_calendar_months(start: dt.date, today: dt.date, months: int) -> None:
    assert whole_months(start, today) == months


def ep(decom: dt.date, dec: dt.date | None = None, rne: str = "P", rec: str = "") -> Episode:
    return Episode(decom=decom, dec=dec, rne=rne, rec=rec, ls="C2", cin="N1", place="U4")


def test_a_period_of_care_begins_where_a_chain_of_episodes_starts() -> None:
    episodes = [
        ep(dt.date(2020, 1, 1), dt.date(2020, 6, 1), rne="S", rec="E4A"),
        ep(dt.date(2022, 3, 1), dt.date(2022, 9, 1), rne="S", rec="X1"),
        ep(dt.date(2022, 9, 1), dt.date(2023, 2, 1), rec="X1"),
        ep(dt.date(2023, 2, 1)),
    ]
    assert period_of_care_start(episodes, episodes[-1]) == dt.date(2022, 3, 1)


def test_a_chain_with_a_missing_start_reason_still_stops_at_a_gap() -> None:
    episodes = [ep(dt.date(2021, 1, 1), dt.date(2021, 5, 1), rec="X1"), ep(dt.date(2021, 7, 1))]
    assert period_of_care_start(episodes, episodes[-1]) == dt.date(2021, 7, 1)
