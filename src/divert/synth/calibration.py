"""How close a synthetic authority is to the figures it was built to: pure functions over frames.

The register is read once into Polars frames shaped like the SSDA903 and CIN census tables
(:func:`read_register`); every figure is then a plain function of those frames, an as-at
date and a period, so the same code checks a generated authority before it is written
(:func:`frames_from_data`) and after. Definitions are in ``docs/synthetic-authority.md``.

Figures "over the period" use every day, start or referral in the ``years`` whole years
ending on the as-at date, because single-date counts of a few dozen children swing by
more than the 10% the generator is held to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import polars as pl

from divert.core.ages import age_on
from divert.core.models import Authority
from divert.synth import params
from divert.synth.records import AuthorityData
from divert.synth.timeline import add_years, financial_year

SHORT_BREAKS = ["V3", "V4"]
LEAVING = ~pl.col("rec").is_in(["", "X1"])
BANDS = (("under 1", 0, 1), ("1-4", 1, 5), ("5-9", 5, 10), ("10-15", 10, 16), ("16+", 16, 99))
TARGET_RATE = re.compile(r"target ([0-9.]+) children looked after per 10,000")


@dataclass(frozen=True)
class Frames:
    """One authority's register as frames, with its population aged 0-17 and target rate."""

    children: pl.DataFrame  # child, dob
    episodes: pl.DataFrame  # child, decom, dec, rne, ls, place, place_provider, rec, weekly_cost
    referrals: pl.DataFrame  # child, date, closed, source
    cp_plans: pl.DataFrame  # child, start, end
    population: int
    target_rate: float


@dataclass(frozen=True)
class Figure:
    name: str
    target: float
    value: float
    definition: str = ""

    @property
    def relative_difference(self) -> float:
        return (self.value - self.target) / self.target if self.target else 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"relative_difference": round(self.relative_difference, 4)}


# --- frames --------------------------------------------------------------------------------
EPISODE_SCHEMA = {
    "child": pl.Int64,
    "decom": pl.Date,
    "dec": pl.Date,
    "rne": pl.Utf8,
    "ls": pl.Utf8,
    "place": pl.Utf8,
    "place_provider": pl.Utf8,
    "rec": pl.Utf8,
    "weekly_cost": pl.Float64,
}
REFERRAL_SCHEMA = {"child": pl.Int64, "date": pl.Date, "closed": pl.Date, "source": pl.Utf8}
PLAN_SCHEMA = {"child": pl.Int64, "start": pl.Date, "end": pl.Date}
CHILD_SCHEMA = {"child": pl.Int64, "dob": pl.Date}


def _frame(rows: Iterable[tuple[object, ...]], schema: Mapping[str, type[pl.DataType]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")


def frames_from_data(data: AuthorityData, population: int, target_rate: float) -> Frames:
    """Frames straight from generated rows (to tune the generator without a database)."""
    return Frames(
        children=_frame(((i, c.dob) for i, c in enumerate(data.children)), CHILD_SCHEMA),
        episodes=_frame(
            (
                (e.child, e.decom, e.dec, e.rne, e.ls, e.place, e.place_provider, e.rec, float(e.weekly_cost))
                for e in data.episodes
            ),
            EPISODE_SCHEMA,
        ),
        referrals=_frame(((r.child, r.date, r.closed, r.source) for r in data.referrals), REFERRAL_SCHEMA),
        cp_plans=_frame(((p.child, p.start, p.end) for p in data.cp_plans), PLAN_SCHEMA),
        population=population,
        target_rate=target_rate,
    )


def read_register(authority: Authority, as_at: dt.date) -> Frames:
    """One authority's register as frames (the one extract step; everything after is pure)."""
    from divert.care.models import Episode
    from divert.cases.models import ChildProtectionPlan
    from divert.core.models import PopulationEstimate
    from divert.frontdoor.models import Referral
    from divert.people.models import Child

    children = Child.objects.filter(authority=authority)
    estimate = (
        PopulationEstimate.objects.filter(authority=authority, year__lte=as_at.year).order_by("-year").first()
        or PopulationEstimate.objects.filter(authority=authority).order_by("year").first()
    )
    match = TARGET_RATE.search(estimate.source) if estimate else None
    return Frames(
        children=_frame(children.values_list("id", "date_of_birth"), CHILD_SCHEMA),
        episodes=_frame(
            (
                (c, d, e, rne, ls, place, pp, rec, float(cost))
                for c, d, e, rne, ls, place, pp, rec, cost in Episode.objects.filter(
                    child__in=children
                ).values_list(
                    "child_id", "decom", "dec", "rne", "ls", "place", "place_provider", "rec", "weekly_cost"
                )
            ),
            EPISODE_SCHEMA,
        ),
        referrals=_frame(
            Referral.objects.filter(child__in=children).values_list("child_id", "date", "closed", "source"),
            REFERRAL_SCHEMA,
        ),
        cp_plans=_frame(
            ChildProtectionPlan.objects.filter(child__in=children).values_list("child_id", "start", "end"),
            PLAN_SCHEMA,
        ),
        population=estimate.children_0_17 if estimate else 0,
        target_rate=float(match.group(1)) if match else 63.0,
    )


# --- building blocks -----------------------------------------------------------------------
def looked_after(episodes: pl.DataFrame) -> pl.DataFrame:
    """Episodes that count as being looked after (short breaks excluded)."""
    return episodes.filter(~pl.col("ls").is_in(SHORT_BREAKS))


def open_on(frame: pl.DataFrame, day: dt.date, start: str = "decom", end: str = "dec") -> pl.DataFrame:
    """Rows open on ``day``: started on or before it, not ended on or before it."""
    return frame.filter((pl.col(start) <= day) & (pl.col(end).is_null() | (pl.col(end) > day)))


def in_care_on(episodes: pl.DataFrame, day: dt.date) -> int:
    return open_on(looked_after(episodes), day).select(pl.col("child").n_unique()).item()


def category(episodes: pl.DataFrame) -> pl.DataFrame:
    """The placement group each episode falls in, as the calibration mix counts them."""
    place, provider = pl.col("place"), pl.col("place_provider")
    foster = place.is_in(["U4", "U5", "U6"])
    group = (
        pl.when(foster & (provider == "PR1"))
        .then(pl.lit("in_house_foster"))
        .when(foster & provider.is_in(["PR4", "PR5"]))
        .then(pl.lit("ifa"))
        .when(place.is_in(["U1", "U2", "U3"]))
        .then(pl.lit("kinship"))
        .when(place == "K2")
        .then(pl.lit("childrens_home"))
        .when(place.is_in(["K3", "H5", "P2"]))
        .then(pl.lit("supported"))
        .when(place == "P1")
        .then(pl.lit("with_parents"))
        .otherwise(pl.lit("other"))
    )
    return episodes.with_columns(group.alias("group"))


def days_in(episodes: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Each episode's days inside ``[first, last]`` as column ``days``."""
    stop = last + dt.timedelta(days=1)
    begin = pl.max_horizontal(pl.col("decom"), pl.lit(first))
    end = pl.min_horizontal(pl.col("dec").fill_null(stop), pl.lit(stop))
    return episodes.with_columns(((end - begin).dt.total_days()).clip(lower_bound=0).alias("days"))


def year_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    return [dt.date(y, 3, 31) for y in range(first.year, last.year + 1) if first <= dt.date(y, 3, 31) <= last]


# --- figures -------------------------------------------------------------------------------
def figures(frames: Frames, as_at: dt.date, years: int = 10) -> list[Figure]:
    """Every calibrated figure beside its target, for the ``years`` ending ``as_at``."""
    first = add_years(as_at, -years) + dt.timedelta(days=1)
    out: list[Figure] = []
    out += _care_counts(frames, as_at, first, years)
    out += _entry_ages(frames, first, as_at)
    out += _placement_mix(frames, first, as_at)
    out += _stability(frames, first, as_at)
    out += _costs(frames, first, as_at)
    out += _front_door(frames, first, as_at, years)
    return out


def _per_10k(count: float, population: int) -> float:
    return count / population * 10_000 if population else 0.0


def _care_counts(frames: Frames, as_at: dt.date, first: dt.date, years: int) -> list[Figure]:
    episodes = looked_after(frames.episodes)
    target_count = frames.population * frames.target_rate / 10_000
    count = in_care_on(episodes, as_at)
    starts = episodes.filter((pl.col("rne") == "S") & pl.col("decom").is_between(first, as_at)).height
    ceased = episodes.filter(LEAVING & pl.col("dec").is_between(first, as_at))
    adopted = ceased.filter(pl.col("rec").is_in(["E11", "E12"])).height
    turnover = target_count * params.TURNOVER
    return [
        Figure(
            "children looked after", round(target_count), count, "episode open at the as-at date, not V3/V4"
        ),
        Figure(
            "looked after per 10,000",
            frames.target_rate,
            _per_10k(count, frames.population),
            "count / population aged 0-17 x 10,000",
        ),
        Figure("starts per year", turnover, starts / years, "episodes with RNE S in the period / years"),
        Figure(
            "ceases per year",
            turnover,
            ceased.height / years,
            "episodes with REC not X1 in the period / years",
        ),
        Figure(
            "adopted share of ceases",
            params.ADOPTED_SHARE_OF_CEASES,
            adopted / max(1, ceased.height),
            "REC E11/E12 among ceases in the period",
        ),
    ]


def _entry_ages(frames: Frames, first: dt.date, as_at: dt.date) -> list[Figure]:
    starts = (
        looked_after(frames.episodes)
        .filter((pl.col("rne") == "S") & pl.col("decom").is_between(first, as_at))
        .join(frames.children, on="child")
    )
    ages = [age_on(dob, decom) for dob, decom in starts.select("dob", "decom").iter_rows()]
    total = max(1, len(ages))
    return [
        Figure(
            f"entry age {name}",
            params.AGE_AT_ENTRY[name],
            sum(low <= a < high for a in ages) / total,
            "share of starts in the period by age at DECOM",
        )
        for name, low, high in BANDS
    ]


def _placement_mix(frames: Frames, first: dt.date, as_at: dt.date) -> list[Figure]:
    spans = days_in(category(looked_after(frames.episodes)), first, as_at)
    total = max(1, int(spans["days"].sum()))
    by_group = dict(spans.group_by("group").agg(pl.col("days").sum()).iter_rows())
    independent = spans.filter(pl.col("place_provider").is_in(["PR4", "PR5"]))["days"].sum()
    mix = [
        Figure(
            f"placement mix {name}",
            target,
            by_group.get(name, 0) / total,
            "share of days in care in the period by placement group",
        )
        for name, target in params.PLACEMENT_MIX.items()
    ]
    return [
        *mix,
        Figure(
            "independent sector share",
            params.INDEPENDENT_SHARE,
            float(independent) / total,
            "share of days in care in the period placed with PR4/PR5 providers",
        ),
    ]


def _periods(episodes: pl.DataFrame) -> dict[int, list[tuple[dt.date, dt.date | None, list[dt.date]]]]:
    """Each child's periods of care: (start, end, days a new carer began) in date order."""
    out: dict[int, list[tuple[dt.date, dt.date | None, list[dt.date]]]] = {}
    rows = episodes.sort("child", "decom").select("child", "decom", "dec", "rne", "rec").iter_rows()
    current: dict[int, tuple[dt.date, list[dt.date]]] = {}
    for child, decom, dec, rne, rec in rows:
        if rne == "S" or child not in current:
            current[child] = (decom, [decom])
        elif rne in {"P", "B"}:
            current[child][1].append(decom)
        if rec not in {"", "X1"} or dec is None:
            start, moves = current.pop(child)
            out.setdefault(child, []).append((start, dec if rec not in {"", "X1"} else None, moves))
    return out


def _stability(frames: Frames, first: dt.date, as_at: dt.date) -> list[Figure]:
    periods = _periods(looked_after(frames.episodes))
    dobs = dict(frames.children.iter_rows())
    three_plus, cohort_2y, settled, cohort_25 = 0, 0, 0, 0
    for day in year_ends(first, as_at):
        two_years, two_half = add_years(day, -2), add_years(day, -2) - dt.timedelta(days=182)
        for child, spans in periods.items():
            for start, end, moves in spans:
                if start > day or (end is not None and end <= day):
                    continue
                if start <= two_years:
                    cohort_2y += 1
                    three_plus += 1 + sum(two_years < m <= day for m in moves) >= 3
                if start <= two_half and age_on(dobs[child], day) < 16:
                    cohort_25 += 1
                    settled += max(m for m in moves if m <= day) <= two_years
    return [
        Figure(
            "3+ placements in 2 years",
            params.THREE_PLUS_PLACEMENTS,
            three_plus / max(1, cohort_2y),
            "children in care 2+ years at each 31 March in the period, pooled",
        ),
        Figure(
            "same placement 2+ years",
            params.LONG_TERM_STABILITY,
            settled / max(1, cohort_25),
            "under-16s in care 2.5+ years at each 31 March in the period, pooled",
        ),
    ]


def _costs(frames: Frames, first: dt.date, as_at: dt.date) -> list[Figure]:
    """Average weekly price of placements that began in the period, uprated to as-at prices.

    Averaged over placements rather than days: a handful of long placements at the top of
    the price range would otherwise move the figure by more than the tolerance.
    """
    begun = category(looked_after(frames.episodes)).filter(
        pl.col("decom").is_between(first, as_at) & pl.col("rne").is_in(["S", "P", "B"])
    )
    price_year = financial_year(as_at)
    years_back = price_year - pl.col("decom").dt.year() - (pl.col("decom").dt.month() >= 4).cast(pl.Int32)
    begun = begun.with_columns(
        (pl.col("weekly_cost") * (1 + params.PRICE_INFLATION) ** years_back).alias("now")
    )

    def average(group: str) -> float:
        part = begun.filter(pl.col("group") == group)["now"]
        return float(part.mean()) if part.len() else 0.0  # type: ignore[arg-type]

    factor = (1 + params.PRICE_INFLATION) ** (price_year - 2021)
    definition = "mean over placements begun in the period, in as-at year prices (3% a year)"
    return [
        Figure("IFA weekly cost", params.IFA_WEEKLY_2021 * factor, average("ifa"), definition),
        Figure(
            "children's home weekly cost",
            params.CHILDRENS_HOME_WEEKLY_2021 * factor,
            average("childrens_home"),
            definition,
        ),
    ]


def _front_door(frames: Frames, first: dt.date, as_at: dt.date, years: int) -> list[Figure]:
    refs = frames.referrals.sort("child", "date")
    refs = refs.with_columns(pl.col("date").shift(1).over("child").alias("previous"))
    in_period = refs.filter(pl.col("date").is_between(first, as_at))
    total = max(1, in_period.height)
    repeat = sum(
        1
        for date, prev in in_period.select("date", "previous").iter_rows()
        if prev is not None and date <= add_years(prev, 1)
    )
    cin = open_on(frames.referrals, as_at, "date", "closed").select(pl.col("child").n_unique()).item()
    ends = year_ends(first, as_at)
    cp = sum(
        open_on(frames.cp_plans, d, "start", "end").select(pl.col("child").n_unique()).item() for d in ends
    )
    sources = in_period["source"]
    return [
        Figure(
            "referrals per 10,000 a year",
            params.REFERRALS_PER_10K,
            _per_10k(in_period.height / years, frames.population),
            "referrals in the period / years",
        ),
        Figure(
            "re-referral rate",
            params.RE_REFERRAL_RATE,
            repeat / total,
            "referrals within 12 months of the child's previous referral",
        ),
        Figure(
            "children in need per 10,000",
            params.CIN_PER_10K,
            _per_10k(cin, frames.population),
            "CIN episodes (referrals) open at the as-at date",
        ),
        Figure(
            "child protection plans per 10,000",
            params.CP_PER_10K,
            _per_10k(cp / max(1, len(ends)), frames.population),
            "average of the 31 March counts in the period",
        ),
        Figure(
            "police share of referrals",
            params.POLICE_SHARE,
            float((sources == "6").sum()) / total,
            "source 6",
        ),
        Figure(
            "schools share of referrals",
            params.SCHOOLS_SHARE,
            float((sources == "2A").sum()) / total,
            "source 2A",
        ),
    ]


def _share(sources: pl.Series, code: str, total: int) -> float:
    return int((sources == code).sum()) / total


def within(figures_: Iterable[Figure], tolerance: float = 0.10) -> list[Figure]:
    """The figures further than ``tolerance`` (relative) from their targets."""
    return [f for f in figures_ if abs(f.relative_difference) > tolerance]
