"""The forecast model on hand-made registers, where the answer can be worked out by hand.

Most worlds here are *still*: every child came into care years before the origin and nobody has
moved or left within the reference window, so the fitted rates are exactly "stay put" and "no
entries", every run is the same, and each count is what the test's comment says. The *steady*
world (``steady_history``) is random, for the levers that act on flows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from decimal import Decimal

import numpy as np
import pytest

from divert.core.calendar import add_months
from divert.forecast import model
from divert.forecast.model import EXIT, Calibration, fit, forecast, simulate
from divert.forecast.types import Move, Scenario
from divert.indicators.frames import Frames
from tests.indicators.lac_builders import child, episode, register

ORIGIN = dt.date(2026, 11, 30)
PLACES = [("U6", "PR1"), ("U6", "PR4"), ("U1", "PR1"), ("K2", "PR4"), ("K3", "PR4"), ("P1", "PR0")]
WEIGHTS = [0.3, 0.25, 0.15, 0.1, 0.1, 0.1]


@functools.lru_cache
def steady_history(
    *,
    start: dt.date = dt.date(2008, 1, 1),
    end: dt.date = dt.date(2026, 11, 30),
    entries: float = 10.0,
    growth: float = 0.0,
    mean_stay_months: float = 24.0,
    seed: int = 1,
) -> Frames:
    """A register with ``entries`` children a month coming into care (rising by ``growth`` a year),
    each staying a geometric number of months (mean ``mean_stay_months``) or until 18, in one
    placement drawn from ``PLACES``: a history whose future is known to follow its past."""
    rng = np.random.default_rng(seed)
    episodes, children = [], []
    n = 0
    month = start
    while month <= end:
        years = (month - start).days / 365.25
        for _ in range(rng.poisson(entries * (1 + growth) ** years)):
            n += 1
            decom = month + dt.timedelta(days=int(rng.integers(0, 28)))
            dob = decom - dt.timedelta(days=int(rng.integers(0, 17 * 365)))
            eighteen = (
                dob.replace(year=dob.year + 18)
                if (dob.month, dob.day) != (2, 29)
                else dt.date(dob.year + 18, 3, 1)
            )
            stay = decom + dt.timedelta(days=int(rng.geometric(1 / mean_stay_months) * 30.44))
            dec = min(stay, eighteen)
            place, provider = PLACES[rng.choice(len(PLACES), p=WEIGHTS)]
            ended = dec <= end
            episodes.append(
                episode(
                    n,
                    decom.isoformat(),
                    dec.isoformat() if ended else None,
                    rec="E4A" if ended else None,
                    place=place,
                    place_provider=provider,
                )
            )
            children.append(child(n, dob.isoformat()))
        month = model.month_end(month) + dt.timedelta(days=1)
    return register(episodes, children=children)


def still(*placements: tuple[int, str, str, str]) -> Frames:
    """Children (id, date of birth, PLACE, PLACE_PROVIDER) in care since 2015 without a change."""
    return register(
        [
            episode(n, "2015-01-01", place=place, place_provider=provider)
            for n, _, place, provider in placements
        ],
        children=[child(n, dob) for n, dob, _, _ in placements],
    )


def central(projection, category: str) -> list[float]:
    return [row.central for row in projection.rows if row.category == category]


def test_a_still_world_stays_exactly_as_it_is():
    frames = still((1, "2015-01-01", "U6", "PR1"), (2, "2014-01-01", "K2", "PR4"))
    projection = forecast(frames, ORIGIN, 3, runs=50)
    assert [r.month for r in projection.rows[::10]] == [
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]
    assert central(projection, "in_house_foster") == [1, 1, 1]
    assert central(projection, "residential_independent") == [1, 1, 1]
    assert central(projection, "total") == [2, 2, 2]
    assert all(row.low == row.central == row.high for row in projection.rows)


def test_a_child_leaves_care_in_the_month_of_their_18th_birthday():
    # Child 1 turns 18 on 10 February 2027: in care at the end of December and January, not February.
    frames = still((1, "2009-02-10", "U6", "PR1"), (2, "2012-01-01", "U6", "PR1"))
    assert central(forecast(frames, ORIGIN, 4, runs=20), "total") == [2, 2, 1, 1]


def test_a_child_moves_age_band_on_their_birthday():
    # Rates by band: 10 to 15 stay for ever; 16 and 17 all leave the month they are seen there.
    # Child 1 turns 16 on 15 March 2027 (gone at the end of March), child 2 on 1 April (gone in April).
    frames = still((1, "2011-03-15", "U6", "PR1"), (2, "2011-04-01", "U6", "PR1"))
    fitted = fit(frames, ORIGIN)
    rates = np.zeros_like(fitted.transitions)
    rates[3, :, :-1] = np.eye(rates.shape[1]) * 1e6
    rates[4, :, EXIT] = 1e6
    sim = simulate(
        dataclasses.replace(fitted, transitions=rates), 6, runs=20, calibration=Calibration(prior=0.0)
    )
    totals = sim.counts.sum(axis=2)
    assert (totals == np.array([[2], [2], [2], [1], [0], [0]])).all()


def test_only_what_was_known_at_the_origin_is_used():
    frames = register(
        [
            episode(1, "2015-01-01"),
            episode(2, "2015-01-01", "2027-01-15", rec="E4A"),  # ended after the origin: open then
            episode(3, "2027-02-01"),  # came into care after the origin: unknown then
        ],
        children=[child(1, "2015-01-01"), child(2, "2015-01-01"), child(3, "2015-01-01")],
    )
    assert central(forecast(frames, ORIGIN, 6, runs=20), "total") == [2] * 6


def test_the_entry_cap_holds_every_month_and_only_in_its_period():
    frames = steady_history()
    fitted = fit(frames, ORIGIN)
    capped = Scenario(entries_cap=3, entries_from=dt.date(2027, 3, 1), entries_until=dt.date(2027, 8, 31))
    sim = simulate(fitted, 12, capped, runs=200)
    # Months 4 to 9 (March to August 2027) are capped; the others run at about 10 a month.
    assert sim.entries[3:9].max() <= 3
    assert sim.entries[:3].max() > 3 and sim.entries[9:].max() > 3
    assert sim.entries[3:9].mean() == pytest.approx(3, abs=0.1)  # Poisson(10) is nearly always above 3


def test_scaling_entries_scales_the_entry_rate():
    fitted = fit(steady_history(), ORIGIN)
    base = simulate(fitted, 12, runs=300).entries.mean()
    half = simulate(fitted, 12, Scenario(entries_scale=0.5), runs=300).entries.mean()
    assert half / base == pytest.approx(0.5, abs=0.05)


def test_the_exit_target_is_met_every_month_of_its_period():
    fitted = fit(steady_history(), ORIGIN)
    base = simulate(fitted, 12, runs=200)
    assert base.exits.mean() < 12  # about 10 a month leave in the steady world
    target = simulate(fitted, 12, Scenario(exit_target=20, exits_until=dt.date(2027, 6, 30)), runs=200)
    assert target.exits[:7].min() >= 20
    assert target.exits[7:].mean() < 15
    # Twice the leavers and the same entries: fewer children in care after the period.
    assert target.counts[6].sum(axis=1).mean() < base.counts[6].sum(axis=1).mean() - 50


def test_a_one_off_move_shifts_the_counts_exactly():
    frames = still(*[(n, "2015-01-01", "K2", "PR4") for n in range(1, 6)], (6, "2015-01-01", "U6", "PR1"))
    move = Move(dt.date(2027, 2, 1), 3, "residential_independent", "in_house_foster")
    projection = forecast(frames, ORIGIN, 4, Scenario(moves=(move,)), runs=30)
    # Five in residential care and one in-house until January; three move in February.
    assert central(projection, "residential_independent") == [5, 5, 2, 2]
    assert central(projection, "in_house_foster") == [1, 1, 4, 4]
    assert central(projection, "total") == [6, 6, 6, 6]


def test_a_move_of_more_children_than_there_are_moves_those_there_are():
    frames = still((1, "2015-01-01", "K2", "PR4"), (2, "2015-01-01", "K2", "PR4"))
    move = Move(dt.date(2026, 12, 1), 10, "residential_independent", "kinship")
    projection = forecast(frames, ORIGIN, 2, Scenario(moves=(move,)), runs=10)
    assert central(projection, "kinship") == [2, 2]
    assert central(projection, "residential_independent") == [0, 0]


def test_children_beyond_in_house_capacity_overflow_to_independent_foster_care():
    # Two in-house already; 3 places growing by 1 a quarter (4 from March 2027).
    # December: 4 move to in-house, 1 fits (3 places), 3 overflow to independent foster care.
    # March: the 5th moves; 4 places now, so it fits. Nobody settled is moved to make room.
    frames = still(
        *[(n, "2015-01-01", "K2", "PR4") for n in range(1, 6)],
        (6, "2015-01-01", "U6", "PR1"),
        (7, "2015-01-01", "U4", "PR1"),
    )
    scenario = Scenario(
        in_house_places=3,
        in_house_growth_per_quarter=1,
        moves=(
            Move(dt.date(2026, 12, 1), 4, "residential_independent", "in_house_foster"),
            Move(dt.date(2027, 3, 1), 1, "residential_independent", "in_house_foster"),
        ),
    )
    projection = forecast(frames, ORIGIN, 4, scenario, runs=10)
    assert central(projection, "in_house_foster") == [3, 3, 3, 4]
    assert central(projection, "independent_foster") == [3, 3, 3, 3]
    assert central(projection, "residential_independent") == [1, 1, 1, 0]


def test_settled_in_house_children_stay_when_there_are_fewer_places_than_children():
    frames = still((1, "2015-01-01", "U6", "PR1"), (2, "2015-01-01", "U6", "PR1"))
    projection = forecast(frames, ORIGIN, 2, Scenario(in_house_places=1), runs=10)
    assert central(projection, "in_house_foster") == [2, 2]


def test_costs_are_weekly_cost_times_days_over_seven_uprated_once_a_year():
    frames = still(
        (1, "2015-01-01", "U6", "PR1"), (2, "2015-01-01", "U6", "PR1"), (3, "2015-01-01", "U6", "PR4")
    )
    projection = forecast(
        frames, ORIGIN, 13, Scenario(inflation=0.1), runs=10, weekly_costs={"in_house_foster": Decimal("700")}
    )
    costs = {(row.month, row.category): row.central for row in projection.costs}
    # December 2026: 2 x £700 x 31 / 7 = £6,200; February 2027: 2 x 700 x 28 / 7 = £5,600.
    assert costs[dt.date(2026, 12, 1), "in_house_foster"] == pytest.approx(6200)
    assert costs[dt.date(2027, 2, 1), "in_house_foster"] == pytest.approx(5600)
    # December 2027 is in the second year: 6,200 x 1.1 = £6,820.
    assert costs[dt.date(2027, 12, 1), "in_house_foster"] == pytest.approx(6820)
    # Independent foster care at the default £820: 820 x 31 / 7 = £3,631.43; total 9,831.43.
    assert costs[dt.date(2026, 12, 1), "independent_foster"] == pytest.approx(820 * 31 / 7)
    assert costs[dt.date(2026, 12, 1), "total"] == pytest.approx(6200 + 820 * 31 / 7)


def test_the_scenarios_weekly_costs_win_over_the_callers():
    frames = still((1, "2015-01-01", "U6", "PR1"))
    scenario = Scenario(weekly_costs={"in_house_foster": Decimal("350")})
    projection = forecast(
        frames, ORIGIN, 1, scenario, runs=5, weekly_costs={"in_house_foster": Decimal("700")}
    )
    # 350 x 31 / 7 = £1,550.
    assert [r.central for r in projection.costs if r.category == "in_house_foster"] == [pytest.approx(1550)]


def test_the_total_is_each_runs_sum_of_categories_summarised_as_its_own_median():
    frames = steady_history()
    projection = forecast(frames, ORIGIN, 6, runs=101, seed=3)
    sim = simulate(fit(frames, ORIGIN), 6, runs=101, seed=3)
    totals = sim.counts.sum(axis=2)
    assert central(projection, "total") == list(np.median(totals, axis=1))
    # Each run's total is the sum of its categories, so the band of the total is wider than
    # none of them and its centre sits between the sums of the categories' bands.
    rows = [r for r in projection.rows if r.month == dt.date(2027, 5, 1)]
    total = rows[-1]
    assert sum(r.low for r in rows[:-1]) <= total.central <= sum(r.high for r in rows[:-1])


def test_the_same_seed_gives_the_same_forecast_and_another_seed_another():
    frames = steady_history()
    first = forecast(frames, ORIGIN, 12, runs=100, seed=7)
    again = forecast(frames, ORIGIN, 12, runs=100, seed=7)
    other = forecast(frames, ORIGIN, 12, runs=100, seed=8)
    assert first.rows == again.rows and first.costs == again.costs
    assert first.rows != other.rows


def test_the_band_widens_with_the_horizon():
    projection = forecast(steady_history(), ORIGIN, 24, runs=300)
    totals = [r for r in projection.rows if r.category == "total"]
    assert totals[23].high - totals[23].low > totals[2].high - totals[2].low


def test_a_trend_in_entries_is_used_only_when_the_history_shows_one():
    steady = fit(steady_history(), ORIGIN)
    assert not steady.trend
    rising = fit(steady_history(start=dt.date(2020, 1, 1), growth=0.3, entries=6.0), ORIGIN)
    assert rising.trend
    # 30% a year is log(1.3) / 12 = 0.022 a month.
    assert rising.beta[1] == pytest.approx(np.log(1.3) / 12, abs=0.01)


def test_an_empty_register_forecasts_nobody():
    projection = forecast(register([]), ORIGIN, 2, runs=10)
    assert central(projection, "total") == [0, 0]


def test_an_over_dispersed_history_gives_more_variable_entries_than_chance():
    # Entries alternate 2 and 18 a month (mean 10, variance 64): far more variable than Poisson.
    months = [dt.date(2023, 1, 1) + dt.timedelta(days=31 * i) for i in range(47)]
    episodes, children, n = [], [], 0
    for i, month in enumerate(months):
        for _ in range(2 if i % 2 else 18):
            n += 1
            episodes.append(episode(n, month.replace(day=1).isoformat()))
            children.append(child(n, "2015-01-01"))
    fitted = fit(register(episodes, children=children), ORIGIN)
    assert fitted.dispersion > 5
    entries = simulate(fitted, 12, runs=400).entries
    assert entries.var() > 2 * entries.mean()


def test_a_history_with_entries_in_one_month_only_still_forecasts():
    frames = register(
        [episode(n, "2026-10-05") for n in range(1, 6)],
        children=[child(n, "2015-01-01") for n in range(1, 6)],
    )
    fitted = fit(frames, ORIGIN)
    assert not fitted.trend
    projection = forecast(frames, ORIGIN, 3, runs=50)
    assert central(projection, "total")[0] >= 5


def test_the_entry_rate_follows_a_change_within_about_a_year():
    # 10 children a month came into care for two years, then 4 a month for the last year: the
    # 36-month mean is 8, but the forecast's rate follows the recent months (half-life 12 months).
    episodes, children, n = [], [], 0
    for i in range(36):
        month = add_months(dt.date(2023, 12, 1), i)
        for _ in range(10 if i < 24 else 4):
            n += 1
            episodes.append(episode(n, month.isoformat()))
            children.append(child(n, "2015-01-01"))
    frames = register(episodes, children=children)
    first_month = simulate(fit(frames, ORIGIN), 1, runs=2000).entries[0].mean()
    assert first_month < 6.5
    flat = simulate(fit(frames, ORIGIN, Calibration(level_halflife=None, trend_z=99)), 1, runs=2000)
    assert flat.entries[0].mean() == pytest.approx(8, abs=0.4)


def test_the_drift_is_what_the_yearly_entries_wander_beyond_chance():
    # Six years of exactly 10 a month: chance alone (Poisson) would vary more, so no drift.
    assert model._drift(np.full(72, 10.0), 1.0) == 0.0
    # Years alternating 60 and 240 entries: log changes of +-log(4) = 1.386, squared 1.922;
    # chance 1/60 + 1/240 = 0.0208; (1.922 - 0.0208) / 12 = 0.1584, whose root is 0.398 a month.
    years = np.repeat([5.0, 20.0, 5.0, 20.0, 5.0, 20.0], 12)
    assert model._drift(years, 1.0) == pytest.approx(0.398, abs=0.001)
    # Fewer than three whole years: not enough to tell.
    assert model._drift(years[:30], 1.0) == 0.0
