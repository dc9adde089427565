"""The engine under every indicator: periods, ratings, targets, series, breakdowns and drill-down rows."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from divert.indicators import compute
from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, get, indicators
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency, periods, periods_between
from divert.indicators.rag import rag
from divert.indicators.report import Target, period_target

D = dt.date


def test_monthly_periods_end_on_the_as_at_date_and_run_back_whole_months() -> None:
    spans = periods(Frequency.MONTH, D(2026, 3, 15), 3)
    assert spans.rows() == [
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 15)),  # the month so far
    ]


def test_weeks_run_monday_to_sunday() -> None:
    # 24 November 2026 is a Tuesday: this week began on Monday 23rd; the one before ran 16-22.
    spans = periods(Frequency.WEEK, D(2026, 11, 24), 2)
    assert spans.rows() == [(D(2026, 11, 16), D(2026, 11, 22)), (D(2026, 11, 23), D(2026, 11, 24))]


def test_periods_between_covers_the_first_date() -> None:
    spans = periods_between(Frequency.MONTH, D(2025, 12, 20), D(2026, 2, 3))
    assert spans["start"].to_list() == [D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]


@pytest.mark.parametrize(
    ("value", "good", "expected"),
    [
        (8, Good.DOWN, "green"),  # at the cap
        (10, Good.DOWN, "amber"),  # 2 over, within the tolerance of 2
        (11, Good.DOWN, "red"),
        (12, Good.UP, "green"),
        (6, Good.UP, "amber"),  # target 8 (below) minus 2
        (5, Good.UP, "red"),
    ],
)
def test_rag_compares_with_the_target_in_the_good_direction(value: float, good: Good, expected: str) -> None:
    assert rag(value, 8, 2, good) == expected


def test_no_target_or_no_value_is_no_rating_not_green() -> None:
    assert rag(5, None, 0, Good.DOWN) == "none"
    assert rag(None, 8, 0, Good.DOWN) == "none"
    assert rag(5, 8, 0, Good.NEITHER) == "none"


def test_a_monthly_cap_is_pro_rated_to_a_week() -> None:
    starts = get("cla_starts")
    value, tolerance = period_target(starts, Target(8, 2, "default"), Frequency.WEEK)
    # 8 a month x 7 / (365.25 / 12) days = 1.84
    assert value == pytest.approx(8 * 7 / (365.25 / 12))
    assert tolerance == pytest.approx(2 * 7 / (365.25 / 12))
    assert period_target(starts, Target(8, 2, "default"), Frequency.MONTH) == (8, 2)


def test_a_snapshot_target_is_not_pro_rated() -> None:
    count = get("cla_count")
    assert period_target(count, Target(300, 5, "authority"), Frequency.DAY) == (300, 5)


def test_every_indicator_is_fully_described() -> None:
    seen = set()
    for ind in indicators():
        assert ind.id not in seen
        seen.add(ind.id)
        assert ind.title and ind.definition and ind.method, ind.id
        assert ind.id.replace("_", "").isalnum() and ind.id == ind.id.lower(), ind.id


def _toy(facts: pl.DataFrame, agg: Agg = Agg.SUM, breakdowns: tuple[str, ...] = ("team",)) -> Indicator:
    return Indicator(
        id="toy",
        title="Toy",
        section=Section.IN_CARE,
        definition="d",
        method="m",
        unit=Unit.COUNT,
        agg=agg,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=lambda frames, spans: facts,
        breakdowns=breakdowns,
    )


def test_a_period_with_no_rows_counts_zero_but_a_percentage_has_no_value() -> None:
    spans = periods(Frequency.MONTH, D(2026, 2, 28), 2)
    rows = pl.DataFrame(
        {"date": [D(2026, 2, 28)] * 3, "child": [1, 2, 3], "num": [1.0, 0.0, 1.0], "den": [1.0, 1.0, 1.0]}
    )
    counts = compute.series(Frames(), _toy(rows), spans)
    assert counts["value"].to_list() == [0.0, 2.0]
    shares = compute.series(Frames(), _toy(rows, Agg.PERCENT), spans)
    assert shares["value"].to_list() == [None, pytest.approx(200 / 3)]  # 2 of 3


def test_the_rate_uses_the_mid_year_estimate_current_on_the_date() -> None:
    # 31 March 2025 uses mid-2024 (50,000); 31 July 2025 uses mid-2025 (40,000).
    frames = Frames(population=pl.DataFrame({"year": [2024, 2025], "children": [50_000, 40_000]}))
    dates = pl.DataFrame({"date": [D(2025, 3, 31), D(2025, 7, 31), D(2030, 1, 1)]})
    got = compute.population_on(frames, dates).sort("date")["population"].to_list()
    assert got == [50_000, 40_000, 40_000]  # after the table: the nearest estimate


def test_breakdown_by_team_uses_the_allocation_open_on_the_date() -> None:
    # Child 1 moved from North to South on 1 March; child 2 is in North throughout; child 3 has no allocation.
    frames = Frames(
        allocations=pl.DataFrame(
            {
                "child": [1, 1, 2],
                "team": ["North", "South", "North"],
                "start": [D(2025, 1, 1), D(2026, 3, 1), D(2025, 1, 1)],
                "end": [D(2026, 2, 28), None, None],
            }
        )
    )
    spans = periods(Frequency.MONTH, D(2026, 3, 31), 2)
    rows = pl.DataFrame(
        {
            "date": [D(2026, 2, 28), D(2026, 2, 28), D(2026, 3, 31), D(2026, 3, 31), D(2026, 3, 31)],
            "child": [1, 2, 1, 2, 3],
            "num": [1.0] * 5,
            "den": [1.0] * 5,
        }
    )
    split = compute.breakdown(frames, _toy(rows), spans, "team")
    assert split.select("date", "team", "value").rows() == [
        (D(2026, 2, 28), "North", 2.0),
        (D(2026, 3, 31), "North", 1.0),
        (D(2026, 3, 31), "South", 1.0),
        (D(2026, 3, 31), "Not recorded", 1.0),
    ]


def test_a_team_filter_narrows_the_figure_and_its_children() -> None:
    frames = Frames(
        allocations=pl.DataFrame(
            {"child": [1, 2], "team": ["North", "South"], "start": [D(2025, 1, 1)] * 2, "end": [None, None]}
        )
    )
    spans = periods(Frequency.MONTH, D(2026, 3, 31), 1)
    rows = pl.DataFrame({"date": [D(2026, 3, 31)] * 2, "child": [1, 2], "num": [1.0, 1.0], "den": [1.0, 1.0]})
    toy = _toy(rows)
    assert compute.series(frames, toy, spans, {"team": "South"})["value"].to_list() == [1.0]
    assert compute.members(frames, toy, spans, D(2026, 3, 31), where={"team": "South"})[
        "child"
    ].to_list() == [2]


def test_members_of_a_percentage_are_the_numerator_unless_the_denominator_is_asked_for() -> None:
    spans = periods(Frequency.MONTH, D(2026, 3, 31), 1)
    rows = pl.DataFrame(
        {"date": [D(2026, 3, 31)] * 3, "child": [1, 2, 3], "num": [1.0, 0.0, 1.0], "den": [1.0, 1.0, 1.0]}
    )
    share = _toy(rows, Agg.PERCENT)
    assert compute.members(Frames(), share, spans, D(2026, 3, 31))["child"].to_list() == [1, 3]
    everyone = compute.members(Frames(), share, spans, D(2026, 3, 31), denominator=True)
    assert everyone["child"].to_list() == [1, 2, 3]


def test_a_breakdown_the_indicator_does_not_offer_is_refused() -> None:
    spans = periods(Frequency.MONTH, D(2026, 3, 31), 1)
    with pytest.raises(ValueError, match="no breakdown by provider"):
        compute.breakdown(Frames(), _toy(pl.DataFrame()), spans, "provider")


def test_frames_built_by_hand_gain_the_missing_columns() -> None:
    frames = Frames(episodes=pl.DataFrame({"child": [1], "decom": [D(2026, 1, 1)]}))
    assert "place_provider" in frames.episodes.columns
    assert frames.episodes["place_provider"].to_list() == [None]


def test_age_bands_are_listed_youngest_first_and_not_recorded_last() -> None:
    frames = Frames(
        children=pl.DataFrame({"child": [1, 2, 3], "dob": [D(2010, 1, 1), D(2025, 6, 1), D(2020, 1, 1)]})
    )
    spans = periods(Frequency.MONTH, D(2026, 3, 31), 1)
    rows = pl.DataFrame(
        {"date": [D(2026, 3, 31)] * 4, "child": [1, 2, 3, 4], "num": [1.0] * 4, "den": [1.0] * 4}
    )
    split = compute.breakdown(frames, _toy(rows, breakdowns=("age_band",)), spans, "age_band")
    assert split["age_band"].to_list() == ["Under 1", "5 to 9", "16 and over", "Not recorded"]


def test_ages_in_frames_agree_with_the_registers_definition() -> None:
    """Every pair of dates in a span around birthdays, 29 February included (``core.ages.age_on``)."""
    from divert.core.ages import age_on as register_age
    from divert.indicators.shared import age_on

    births = [D(2008, 2, 29), D(2010, 1, 1), D(2012, 12, 31), D(2015, 3, 1)]
    days = [D(2026, 2, 27) + dt.timedelta(days=n) for n in range(0, 400, 3)] + [D(2027, 3, 1), D(2028, 2, 29)]
    pairs = [(b, d) for b in births for d in days]
    frame = pl.DataFrame({"dob": [b for b, _ in pairs], "day": [d for _, d in pairs]})
    got = frame.select(age_on(pl.col("dob"), pl.col("day")).alias("age"))["age"].to_list()
    assert got == [register_age(b, d) for b, d in pairs]


def test_a_percentage_target_on_events_is_not_pro_rated() -> None:
    on_time = get("assessments_45wd_pct")
    assert period_target(on_time, Target(100, 10, "default"), Frequency.WEEK) == (100, 10)


@pytest.mark.django_db
def test_the_monthly_cap_and_exit_target_come_from_the_settings_unless_the_authority_sets_its_own(
    settings: object,
) -> None:
    from decimal import Decimal

    from divert.core.models import Authority
    from divert.indicators.models import IndicatorTarget
    from divert.indicators.report import targets_for

    settings.DIVERT = {**settings.DIVERT, "MONTHLY_ENTRY_CAP": 6, "MONTHLY_EXIT_TARGET": 12}  # type: ignore[attr-defined]
    authority = Authority.objects.create(code="E06000099", la_number=999, name="Testshire")
    assert targets_for(authority.pk)["cla_starts"] == Target(6.0, 2.0, "setting")
    assert targets_for(authority.pk)["cla_ceased"] == Target(12.0, 2.0, "setting")
    IndicatorTarget.objects.create(
        authority=authority, indicator="cla_starts", target=Decimal(5), tolerance=1
    )
    assert targets_for(authority.pk)["cla_starts"] == Target(5.0, 1.0, "authority")
