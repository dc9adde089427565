"""The forecast: children in care by placement category and age band, month by month, with a band.

Method (``docs/forecast-method.md`` explains it for a head of service and an analyst):

1. **Fit** on what was known at the origin (``history.as_at``): month-end snapshots over a
   reference window (36 months) give, for each age band x category, how many children stayed,
   moved to each other category or left care the next month; monthly entries give an entry rate
   (with a log-linear trend only when the history clearly shows one) and the entrants' ages and
   first placements.
2. **Simulate** each child in care at the origin, and each entrant, month by month across many
   runs at once (numpy arrays of runs x children): ageing on real birthdays, leaving on the 18th,
   moving or leaving with the fitted probabilities. Each run draws its own rates (Dirichlet on the
   transition counts, normal on the entry rate's log-linear coefficients, both widened by the
   calibration) so the band also carries what the history cannot pin down.
3. **Scenario levers** act inside the simulation: entries scaled or capped, an exit target
   topped up from the likeliest leavers, one-off moves, in-house capacity with overflow.
4. **Summarise**: the median of the runs is the central figure, the 10th and 90th percentiles the
   80% band; the total is summarised from each run's total (so its central figure is the median
   total, not the sum of the categories' medians).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from divert.core.calendar import add_months
from divert.forecast import history, states
from divert.forecast.costs import FALLBACK
from divert.forecast.types import BAND, CATEGORIES, TOTAL, Projection, Row, Scenario
from divert.indicators.frames import Frames

C = len(CATEGORIES)
B = len(states.BAND_KEYS)
EXIT = C  # the destination index of leaving care
CAT = {key: i for i, key in enumerate(states.CATEGORY_KEYS)}
IN_HOUSE = CAT["in_house_foster"]
INDEPENDENT = CAT["independent_foster"]
DAYS_PER_MONTH = 365.25 / 12
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Calibration:
    """The settings the backtest tunes (``docs/forecast-method.md`` gives the figures).

    ``window_months``: the reference window for rates and entrants; ``trend_months``: the months
    a trend in entries is tested over; ``level_halflife``: without a trend, the entry rate is a
    mean of the window's months weighted so that a month this many months older counts half (so
    the level follows a change of policy within a year; None: all months alike);
    ``band_scale`` widens (above 1) or narrows (below 1) the band around the median: the one factor
    chosen by backtest (``calibration.band_scale``) so that 80% bands hold the outcome 80% of the time;
    ``spread`` multiplies the variance of the sampled rates (1: the statistical uncertainty only);
    ``drift`` is the least monthly standard deviation of a random walk in each run's log entry
    rate: what history cannot know, that the rate of entries wanders; more when the last
    ``drift_months`` show the yearly entries wandering more than chance explains (``_drift``);
    ``trend_z``: how many standard errors a trend in entries needs before the model uses it;
    ``prior``: pseudo-observations pulling an age band's rates towards its category's (a thin
    band borrows from the others).
    """

    window_months: int = 36
    trend_months: int = 36
    drift_months: int = 72
    level_halflife: float | None = 12.0
    band_scale: float = 0.95
    spread: float = 1.0
    drift: float = 0.01
    trend_z: float = 2.5
    prior: float = 2.0


CALIBRATION = Calibration()


@dataclass
class Fit:
    """What the history says at the origin, ready to simulate from."""

    origin: dt.date
    window_end: dt.date  # the last month end of the reference window
    window: int  # months of transitions
    transitions: np.ndarray  # (B, C, C + 1) counts: band, category -> category or exit
    entries: np.ndarray  # entries a month over the trend's months (at least the window)
    entrant_age_days: np.ndarray  # age in days of each entrant at the month end it was first seen
    entrant_cat: np.ndarray  # and its category then
    start_cat: np.ndarray  # children in care at the origin: category
    start_dob: np.ndarray  # and date of birth, days since 1970
    beta: np.ndarray  # log entry rate: level at window end (and slope per month when trended)
    beta_cov: np.ndarray
    dispersion: float  # Pearson dispersion of monthly entries around the fit (1: Poisson)
    trend: bool
    drift: float = 0.0  # monthly standard deviation of the random walk in the log entry rate


@dataclass
class Simulation:
    """Raw runs: counts (months, runs, C) and, per month and run, entries and exits."""

    months: list[dt.date]
    counts: np.ndarray
    entries: np.ndarray
    exits: np.ndarray


# --- Dates ------------------------------------------------------------------------------------


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def forecast_months(origin: dt.date, months: int) -> list[dt.date]:
    """The first day of each of the ``months`` months after the origin's month."""
    first = add_months(origin.replace(day=1), 1)
    return [add_months(first, m) for m in range(months)]


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def in_period(month: dt.date, start: dt.date | None, until: dt.date | None) -> bool:
    """Whether a lever set from ``start`` until ``until`` (whole months, both inclusive) acts in ``month``."""
    n = _month_number(month)
    return (start is None or n >= _month_number(start)) and (until is None or n <= _month_number(until))


# --- Fit --------------------------------------------------------------------------------------


def fit(frames: Frames, origin: dt.date, calibration: Calibration = CALIBRATION) -> Fit:
    """Estimate rates from the register as known at ``origin``."""
    episodes = history.as_at(history.care_episodes(frames), origin)
    window_end = (
        month_end(origin) if origin == month_end(origin) else origin.replace(day=1) - dt.timedelta(days=1)
    )
    window = calibration.window_months
    # Months of entries looked at for a trend and for how much the rate wanders.
    span = max(window, calibration.trend_months, calibration.drift_months)
    if (earliest := history.as_date(episodes["decom"].min())) is not None:
        known = max(0, _month_number(window_end) - _month_number(month_end(earliest)))
        window, span = min(window, known), min(span, known)
    dates = [month_end(add_months(window_end.replace(day=1), k - span)) for k in range(span + 1)]
    snaps = _aged(history.with_dob(history.snapshots(episodes, dates), frames))
    # Rates and the entrants' pool come from the reference window: the last ``window`` months.
    in_window = pl.col("k") >= span - window
    transitions = _transitions(snaps.filter(in_window))
    entries = _entries(snaps, span)[0]
    _, entrant_age, entrant_cat = _entries(
        snaps.filter(in_window).with_columns(pl.col("k") - (span - window)), window
    )
    start = _aged(history.with_dob(history.snapshots(episodes, [origin]), frames)).filter(
        pl.col("age") < states.LEAVING_AGE
    )
    beta, cov, dispersion, trend = _entry_rate(entries, calibration)
    drift = max(calibration.drift, _drift(entries, dispersion))
    return Fit(
        origin=origin,
        window_end=window_end,
        window=window,
        transitions=transitions,
        entries=entries,
        entrant_age_days=entrant_age,
        entrant_cat=entrant_cat,
        start_cat=start["cat"].to_numpy().astype(np.int8),
        start_dob=(start["dob"].cast(pl.Int64)).to_numpy(),
        beta=beta,
        beta_cov=cov,
        dispersion=dispersion,
        trend=trend,
        drift=drift,
    )


def _aged(rows: pl.DataFrame) -> pl.DataFrame:
    age = states.age_on(pl.col("dob"), pl.col("date"))
    return rows.with_columns(age.alias("age"), states.band_index(age).alias("band"))


def _transitions(snaps: pl.DataFrame) -> np.ndarray:
    """Counts of band x category at one month end -> category (or exit) at the next.

    A child who turned 18 by the next month end left because of age, which the simulation does
    on the birthday itself: not counted here, or leaving at 18 would be counted twice."""
    counts = np.zeros((B, C, C + 1))
    if snaps.height == 0:
        return counts
    later = snaps.select("child", (pl.col("k") - 1).alias("k"), pl.col("cat").alias("to"))
    next_end = pl.col("date").dt.offset_by("1mo").dt.month_end()
    pairs = (
        snaps.filter((pl.col("k") < snaps["k"].max()) & (pl.col("age") < states.LEAVING_AGE))
        .join(later, on=["child", "k"], how="left")
        .filter(states.age_on(pl.col("dob"), next_end) < states.LEAVING_AGE)
    )
    if pairs.height:
        dest = pairs["to"].fill_null(EXIT).to_numpy().astype(np.int64)
        np.add.at(
            counts,
            (pairs["band"].to_numpy().astype(np.int64), pairs["cat"].to_numpy().astype(np.int64), dest),
            1,
        )
    return counts


def _entries(snaps: pl.DataFrame, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Children in care at a month end who were not at the one before: the month's entries."""
    before = snaps.select("child", (pl.col("k") + 1).alias("k"), pl.lit(True).alias("was"))
    new = (
        snaps.filter((pl.col("k") > 0) & (pl.col("age") < states.LEAVING_AGE))
        .join(before, on=["child", "k"], how="left")
        .filter(pl.col("was").is_null())
    )
    per_month = np.zeros(window)
    if new.height:
        np.add.at(per_month, new["k"].to_numpy().astype(np.int64) - 1, 1)
    age_days = (new["date"].cast(pl.Int64) - new["dob"].cast(pl.Int64)).to_numpy()
    return per_month, age_days, new["cat"].to_numpy().astype(np.int8)


def _poisson_fit(
    y: np.ndarray, x: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Log-linear Poisson regression by iteratively reweighted least squares: coefficients,
    their covariance and the Pearson dispersion. With ``weights`` (recent months counting more)
    the covariance is the sandwich estimate, so down-weighting old months widens it honestly."""
    w = np.ones(len(y)) if weights is None else weights
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(max(float((w * y).sum() / w.sum()), 1e-9))
    for _ in range(30):
        mu = np.exp(x @ beta)
        z = x @ beta + (y - mu) / mu
        step = np.linalg.solve(x.T @ ((w * mu)[:, None] * x), x.T @ (w * mu * z))
        done = np.allclose(step, beta, atol=1e-10)
        beta = step
        if done:
            break
    mu = np.exp(x @ beta)
    bread = np.linalg.inv(x.T @ ((w * mu)[:, None] * x))
    cov = bread @ (x.T @ ((w * w * mu)[:, None] * x)) @ bread
    dof = max(len(y) - x.shape[1], 1)
    return beta, cov, float(((y - mu) ** 2 / mu).sum() / dof)


def _entry_rate(entries: np.ndarray, calibration: Calibration) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """The entry rate's log level at the window's end, with a slope only when it is clear.

    The slope is tested over the last ``trend_months`` (a longer run of months finds a steady
    rise sooner); the level without a trend is the last ``window_months``, weighted towards
    recent months when ``level_halflife`` is set (a level that follows a change of policy)."""
    n = len(entries)
    if n == 0 or entries.sum() == 0:
        return np.array([-np.inf]), np.zeros((1, 1)), 1.0, False
    t = np.arange(n, dtype=float) - (n - 1)  # months before the window's last month
    flat = np.ones((n, 1))
    recent = t > -calibration.window_months
    trended = t > -calibration.trend_months
    if trended.sum() >= 12:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            try:
                beta1, cov1, disp1 = _poisson_fit(entries[trended], np.column_stack([flat, t])[trended])
            except np.linalg.LinAlgError:  # a degenerate history (entries in one month only)
                beta1, cov1, disp1 = np.full(2, np.nan), np.full((2, 2), np.nan), np.nan
        se = np.sqrt(cov1[1, 1] * max(disp1, 1.0))
        if np.isfinite(se) and np.isfinite(beta1).all() and abs(beta1[1]) > calibration.trend_z * se:
            return beta1, cov1 * max(disp1, 1.0), disp1, True
    weights = None if calibration.level_halflife is None else 0.5 ** (-t[recent] / calibration.level_halflife)
    beta0, cov0, disp0 = _poisson_fit(entries[recent], flat[recent], weights)
    return beta0, cov0 * max(disp0, 1.0), disp0, False


def _drift(entries: np.ndarray, dispersion: float) -> float:
    """How much the entry rate wandered: the change in log entries from one year to the next,
    beyond what chance alone gives (a Poisson year of y entries has a log variance of about 1/y),
    spread over 12 months as a random walk. Needs three whole years; 0 when chance explains it."""
    years = len(entries) // 12
    if years < 3:
        return 0.0
    sums = entries[len(entries) - 12 * years :].reshape(years, 12).sum(axis=1)
    if (sums <= 0).any():
        return 0.0
    changes = np.diff(np.log(sums))
    chance = float(np.mean(1.0 / sums[:-1] + 1.0 / sums[1:])) * max(dispersion, 1.0)
    excess = float(np.mean(changes**2)) - chance
    return float(np.sqrt(max(excess, 0.0) / 12.0))


# --- Simulation -------------------------------------------------------------------------------


def _probabilities(fit: Fit, runs: int, rng: np.random.Generator, calibration: Calibration) -> np.ndarray:
    """Each run's transition probabilities (runs, B, C, C + 1), drawn from a Dirichlet posterior.

    Prior: the category's rates over all bands (themselves pulled towards an overall exit and
    move rate), worth ``calibration.prior`` observations; ``spread`` divides the concentration."""
    counts = fit.transitions
    total = counts.sum()
    exits = counts[..., EXIT].sum()
    stays = sum(counts[:, c, c].sum() for c in range(C))
    level0 = np.zeros((C, C + 1))
    if total:
        level0[:, EXIT] = exits / total
        moves = (total - exits - stays) / total
        level0[:, :C] = moves / (C - 1)
    for c in range(C):
        level0[c, c] = 1.0 - level0[c].sum() + level0[c, c]
    by_category = counts.sum(axis=0) + level0
    pooled = by_category / by_category.sum(axis=1, keepdims=True)
    alpha = (counts + calibration.prior * pooled[None]) / calibration.spread
    draws = rng.gamma(np.broadcast_to(alpha, (runs, *alpha.shape)))
    sums = draws.sum(axis=-1, keepdims=True)
    return np.where(sums > 0, draws / np.where(sums > 0, sums, 1), np.eye(C, C + 1)[None, None])


def _entry_means(
    fit: Fit, months: list[dt.date], runs: int, rng: np.random.Generator, calibration: Calibration
) -> np.ndarray:
    """Expected entries (months, runs) for each whole month, from each run's drawn coefficients."""
    if not np.isfinite(fit.beta[0]):
        return np.zeros((len(months), runs))
    cov = fit.beta_cov * calibration.spread
    coefs = rng.multivariate_normal(fit.beta, cov, size=runs, method="cholesky")
    t = np.array([_month_number(m) - _month_number(fit.window_end) for m in months], dtype=float)
    log_rate = coefs[:, 0][None, :] + (np.outer(t, coefs[:, 1]) if fit.trend else 0.0)
    walk = np.cumsum(rng.normal(0.0, fit.drift, size=(len(months), runs)), axis=0)
    means = np.exp(log_rate + walk)
    if fit.dispersion > 1.0 + 2.0 * np.sqrt(2.0 / max(fit.window - 1, 1)):
        # Over-dispersed history: a gamma-mixed Poisson (negative binomial) per month.
        size = max(fit.entries.mean() / (fit.dispersion - 1.0), 0.5)
        means = means * rng.gamma(size, 1.0 / size, size=means.shape)
    return means


class _Cohort:
    """Every run's children as arrays (runs x slots): category (-1: not in care) and birthday."""

    def __init__(self, runs: int, cat: np.ndarray, dob_days: np.ndarray, room: int) -> None:
        n = len(cat)
        self.cat = np.full((runs, n + room), -1, dtype=np.int8)
        self.cat[:, :n] = cat
        year, md = states.split_days(dob_days)
        self.dob_year = np.zeros((runs, n + room), dtype=np.int32)
        self.dob_md = np.zeros((runs, n + room), dtype=np.int32)
        self.dob_year[:, :n] = year
        self.dob_md[:, :n] = md
        self.next = np.full(runs, n, dtype=np.int64)

    def admit(self, counts: np.ndarray, cat: np.ndarray, dob_days: np.ndarray) -> None:
        """Add ``counts[r]`` children to run r (``cat`` and ``dob_days`` in run order)."""
        total = int(counts.sum())
        if not total:
            return
        need = int((self.next + counts).max())
        if need > self.cat.shape[1]:
            extra = need - self.cat.shape[1] + 64
            self.cat = np.pad(self.cat, ((0, 0), (0, extra)), constant_values=-1)
            self.dob_year = np.pad(self.dob_year, ((0, 0), (0, extra)))
            self.dob_md = np.pad(self.dob_md, ((0, 0), (0, extra)))
        run = np.repeat(np.arange(len(counts)), counts)
        offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        slot = self.next[run] + offset
        year, md = states.split_days(dob_days)
        self.cat[run, slot] = cat
        self.dob_year[run, slot] = year
        self.dob_md[run, slot] = md
        self.next += counts


def _pick(eligible: np.ndarray, wanted: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Per run, the ``wanted[r]`` eligible slots with the highest score (a mask)."""
    key = np.where(eligible, score, -np.inf)
    order = np.argsort(-key, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(key.shape[1])[None, :].repeat(key.shape[0], 0), axis=1)
    return eligible & (rank < wanted[:, None])


def simulate(
    fit: Fit,
    months: int,
    scenario: Scenario | None = None,
    *,
    runs: int = 500,
    seed: int = 0,
    calibration: Calibration = CALIBRATION,
) -> Simulation:
    """Carry every run forward month by month from the origin (see the module's docstring)."""
    scenario = scenario or Scenario()
    rng = np.random.default_rng(seed)
    firsts = forecast_months(fit.origin, months)
    probs = _probabilities(fit, runs, rng, calibration)
    means = _entry_means(fit, firsts, runs, rng, calibration)
    room = int(means.sum(axis=0).max() * 1.2) + 16 if months else 0
    cohort = _Cohort(runs, fit.start_cat, fit.start_dob, room)
    counts = np.zeros((months, runs, C), dtype=np.int32)
    entries = np.zeros((months, runs), dtype=np.int32)
    exits = np.zeros((months, runs), dtype=np.int32)
    flat_probs = probs.reshape(runs * B * C, C + 1)
    stay = probs[..., np.arange(C), np.arange(C)].reshape(-1)
    previous_end = fit.origin
    for m, first in enumerate(firsts):
        end = month_end(first)
        share = (end - previous_end).days / DAYS_PER_MONTH
        previous_end = end
        before = cohort.cat.copy() if scenario.in_house_places is not None else cohort.cat
        # Only the children in care are looked at: their positions in the flattened arrays.
        slots = cohort.cat.shape[1]
        cat = cohort.cat.reshape(-1)
        pos = np.flatnonzero(cat >= 0)
        age = states.ages(cohort.dob_year.reshape(-1)[pos], cohort.dob_md.reshape(-1)[pos], end)
        band = np.minimum(states.bands(age), B - 1)
        # Leaving at 18, on the birthday.
        adult = age >= states.LEAVING_AGE
        cat[pos[adult]] = -1
        left = np.bincount(pos[adult] // slots, minlength=runs)
        pos, band = pos[~adult], band[~adult]
        state = ((pos // slots) * B + band) * C + cat[pos]
        left += _transition(cat, pos, state, stay, flat_probs, share, slots, rng)
        if scenario.exit_target is not None and in_period(first, scenario.exits_from, scenario.exits_until):
            left += _exit_target(cohort, pos, state, flat_probs, scenario.exit_target - left, rng)
        exits[m] = left
        entries[m] = _admit(cohort, fit, means[m] * share, first, scenario, end, rng)
        for move in scenario.moves:
            if _month_number(move.month) == _month_number(first):
                chosen = _pick(
                    cohort.cat == CAT[move.from_category],
                    np.full(runs, move.count),
                    rng.random(cohort.cat.shape),
                )
                cohort.cat[chosen] = CAT[move.to_category]
        if scenario.in_house_places is not None:
            _overflow(
                cohort,
                before,
                scenario.in_house_places + scenario.in_house_growth_per_quarter * (m // 3),
                rng,
            )
        counts[m] = _counts(cohort.cat)
    return Simulation(months=firsts, counts=counts, entries=entries, exits=exits)


def _counts(cat: np.ndarray) -> np.ndarray:
    """Children in care by run and category (runs, C)."""
    flat = cat.reshape(-1)
    pos = np.flatnonzero(flat >= 0)
    return np.bincount((pos // cat.shape[1]) * C + flat[pos], minlength=cat.shape[0] * C).reshape(-1, C)


def _transition(
    cat: np.ndarray,
    pos: np.ndarray,
    state: np.ndarray,
    stay: np.ndarray,
    probs: np.ndarray,
    share: float,
    slots: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Move or discharge the children at ``pos`` (in the flattened ``cat``) in place; returns
    leavers per run. ``state`` is each child's row of ``probs`` (run x band x category).

    Most children stay put, so only those whose draw falls outside "stay" are looked at further.
    ``share`` scales the chance of any change for a step longer or shorter than a month."""
    change = rng.random(len(pos)) < np.minimum((1.0 - stay[state]) * share, 1.0)
    moving, rows = pos[change], probs[state[change]]
    rows[np.arange(len(rows)), cat[moving]] = 0.0  # fancy indexing copied: probs is untouched
    cum = np.cumsum(rows, axis=1)
    v = rng.random(len(rows)) * cum[:, -1] if len(rows) else np.zeros(0)
    dest = np.minimum((cum <= v[:, None]).sum(axis=1), C)
    gone = dest == EXIT
    cat[moving[~gone]] = dest[~gone]
    cat[moving[gone]] = -1
    runs = len(stay) // (B * C)
    return np.bincount(moving[gone] // slots, minlength=runs)


def _exit_target(
    cohort: _Cohort,
    pos: np.ndarray,
    state: np.ndarray,
    probs: np.ndarray,
    short: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Top up each run's leavers to the target: the extra leavers are the children still in care
    with the highest chance of leaving (by band and category, as they were at the month's start),
    ties broken at random."""
    short = np.maximum(short, 0)
    if not short.any():
        return np.zeros_like(short)
    cat = cohort.cat.reshape(-1)
    still = cat[pos] >= 0
    score = np.full(cat.shape, -np.inf)
    score[pos[still]] = probs[state[still], EXIT] + rng.random(int(still.sum())) * 1e-9
    extra = _pick(np.isfinite(score).reshape(cohort.cat.shape), short, score.reshape(cohort.cat.shape))
    cohort.cat[extra] = -1
    return extra.sum(axis=1)


def _admit(
    cohort: _Cohort,
    fit: Fit,
    mean: np.ndarray,
    first: dt.date,
    scenario: Scenario,
    end: dt.date,
    rng: np.random.Generator,
) -> np.ndarray:
    """Draw the month's entrants per run (scaled and capped by the scenario) and admit them."""
    if in_period(first, scenario.entries_from, scenario.entries_until):
        mean = mean * scenario.entries_scale
        n = rng.poisson(mean)
        if scenario.entries_cap is not None:
            n = np.minimum(n, scenario.entries_cap)
    else:
        n = rng.poisson(mean)
    if len(fit.entrant_cat) == 0:
        return np.zeros(len(n), dtype=np.int32)
    pick = rng.integers(0, len(fit.entrant_cat), size=int(n.sum()))
    dob = (end - EPOCH).days - fit.entrant_age_days[pick]
    cohort.admit(n, fit.entrant_cat[pick], dob)
    return n.astype(np.int32)


def _overflow(cohort: _Cohort, before: np.ndarray, capacity: int, rng: np.random.Generator) -> None:
    """Children newly placed in-house this month beyond capacity go to independent foster care
    (those already there stay: the model never moves a settled child to make room)."""
    in_house = cohort.cat == IN_HOUSE
    excess = np.maximum(in_house.sum(axis=1) - capacity, 0)
    if excess.any():
        newcomers = in_house & (before != IN_HOUSE)
        chosen = _pick(newcomers, excess, rng.random(in_house.shape))
        cohort.cat[chosen] = INDEPENDENT


# --- Projection -------------------------------------------------------------------------------


def forecast(
    frames: Frames,
    origin: dt.date,
    months: int,
    scenario: Scenario | None = None,
    *,
    runs: int = 500,
    seed: int = 0,
    weekly_costs: dict[str, Decimal] | None = None,
    calibration: Calibration = CALIBRATION,
) -> Projection:
    """Children in care and spend, month by month after ``origin``, under ``scenario``.

    Uses only what was known at ``origin``. Weekly costs: the scenario's, over ``weekly_costs``
    (callers pass ``costs.default_weekly_costs`` for the reference data), over ``costs.FALLBACK``.
    """
    scenario = scenario or Scenario()
    sim = simulate(
        fit(frames, origin, calibration), months, scenario, runs=runs, seed=seed, calibration=calibration
    )
    prices = {**FALLBACK, **(weekly_costs or {}), **scenario.weekly_costs}
    return Projection(
        origin=origin,
        months=months,
        scenario=scenario,
        rows=summarise(sim.months, sim.counts.astype(float), calibration.band_scale),
        costs=summarise(sim.months, spend(sim, prices, scenario.inflation), calibration.band_scale),
        runs=runs,
    )


def spend(sim: Simulation, weekly_costs: dict[str, Decimal], inflation: float) -> np.ndarray:
    """Pounds per month, run and category: children at the month's end x weekly cost x days / 7,
    uprated by ``inflation`` once a year from the origin (months 1-12 at origin prices, 13-24 once)."""
    weekly = np.array([float(weekly_costs.get(key, Decimal(0))) for key in states.CATEGORY_KEYS])
    days = np.array([calendar.monthrange(m.year, m.month)[1] for m in sim.months], dtype=float)
    uprate = (1.0 + inflation) ** (np.arange(len(sim.months)) // 12)
    return sim.counts * weekly[None, None, :] * (days * uprate / 7.0)[:, None, None]


def quantiles(
    values: np.ndarray, band_scale: float = 1.0, axis: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, central, high) across runs: the median, and the 10th and 90th percentiles with their
    distance from the median multiplied by ``band_scale`` (never below 0)."""
    tail = (1.0 - BAND) / 2.0
    low, central, high = np.quantile(values, [tail, 0.5, 1.0 - tail], axis=axis)
    return (
        np.maximum(central - band_scale * (central - low), 0.0),
        central,
        central + band_scale * (high - central),
    )


def with_total(values: np.ndarray) -> np.ndarray:
    """Categories on the last axis, and each run's total after them."""
    return np.concatenate([values, values.sum(axis=-1, keepdims=True)], axis=-1)


def summarise(months: list[dt.date], values: np.ndarray, band_scale: float = 1.0) -> list[Row]:
    """Rows (month x category, then total) of median and 80% band across runs (axis 1)."""
    low, central, high = quantiles(with_total(values), band_scale, axis=1)
    keys = [*states.CATEGORY_KEYS, TOTAL]
    return [
        Row(
            month=month,
            category=key,
            central=float(central[m, k]),
            low=float(low[m, k]),
            high=float(high[m, k]),
        )
        for m, month in enumerate(months)
        for k, key in enumerate(keys)
    ]
