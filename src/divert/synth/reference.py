"""Reference data the synthetic register needs beside it: population, benchmarks and unit costs."""

from __future__ import annotations

from decimal import Decimal

from divert.core.models import Authority, Benchmark, PopulationEstimate, UnitCost
from divert.synth import params
from divert.synth.authorities import AuthoritySpec
from divert.synth.placements import COST, PRICE_YEAR
from divert.synth.timeline import Window

DFE = "DfE, Children looked after in England including adoptions"
CIN = "DfE, Characteristics of children in need"
CMA = "Competition and Markets Authority, 2021"
# (indicator, year of the 31 March or the year ending then, value, source). The indicator is the
# catalogue id the scorecard looks the figure up by. National totals (children looked after,
# started, ceased, adopted, unaccompanied) are left out: a count for England says nothing about
# one authority, while a rate or a percentage does.
ENGLAND = (
    ("cla_rate_per_10k", 2024, 69, DFE),
    ("cla_rate_per_10k", 2025, 67, DFE),
    ("three_plus_placements_2y_pct", 2025, 23, DFE),
    ("long_term_stability_pct", 2025, 69, DFE),
    ("cin_rate_per_10k", 2024, Decimal("332.9"), CIN),
    ("re_referral_pct", 2024, 22, CIN),
    # Weekly costs by type of placement: not scorecard figures (no catalogue id), kept as the
    # reference the cost breakdown is read against.
    ("ifa_weekly_cost", 2021, 820, CMA),
    ("childrens_home_weekly_cost", 2021, 3_830, CMA),
)
COMPARATOR_RATE = 72  # illustrative statistical-neighbour rate (the Peterborough case study's)
UNIT_COST_NAMES = {
    "in_house": "in_house_foster",
    "ifa": "ifa",
    "kinship": "kinship",
    "home": "childrens_home",
    "supported": "supported",
    "pandc": "parent_and_child",
    "secure": "secure",
    "school": "residential_school",
}


def source_note(spec: AuthoritySpec) -> str:
    """The population row's source, which also records the generator's target rate."""
    return f"Synthetic (divert synth): target {spec.cla_rate:.1f} children looked after per 10,000"


def population(authority: Authority, spec: AuthoritySpec, window: Window) -> None:
    """Mid-year estimates for each year of the window, drifting 0.3% a year up to today's size."""
    rows = [
        PopulationEstimate(
            authority=authority,
            year=year,
            children_0_17=round(spec.children * (1 - 0.003 * (window.end.year - year))),
            source=source_note(spec),
        )
        for year in range(window.start.year, window.today.year + 1)
    ]
    PopulationEstimate.objects.bulk_create(rows)


def benchmarks(window: Window) -> None:
    """England figures from the reference (replacing any earlier copy of the same figures)."""
    rows = [
        Benchmark(indicator=i, scope=Benchmark.Scope.ENGLAND, year=y, value=Decimal(v), source=s)
        for i, y, v, s in ENGLAND
    ]
    for row in rows:
        Benchmark.objects.filter(
            indicator=row.indicator, scope=row.scope, year=row.year, authority__isnull=True
        ).delete()
    Benchmark.objects.bulk_create(rows)


def comparator_benchmarks(authority: Authority, window: Window) -> None:
    """An illustrative statistical-neighbour group for one synthetic authority (not real figures)."""
    Benchmark.objects.filter(authority=authority).delete()
    Benchmark.objects.bulk_create(
        Benchmark(
            indicator="cla_rate_per_10k",
            scope=Benchmark.Scope.COMPARATOR,
            authority=authority,
            year=year,
            value=Decimal(COMPARATOR_RATE),
            source="Illustrative comparator group (synthetic)",
        )
        for year in range(window.start.year + 1, window.end.year + 1)
    )


def unit_costs(window: Window) -> None:
    """Average weekly cost by placement type and financial year, 3% a year apart."""
    rows = []
    for key, name in UNIT_COST_NAMES.items():
        median, sigma = COST[key]
        mean = median * (1 + sigma * sigma / 2)
        for year in range(window.start.year + 1, window.today.year + 2):
            value = mean * (1 + params.PRICE_INFLATION) ** (year - PRICE_YEAR)
            rows.append(
                UnitCost(
                    placement_type=name,
                    year=year,
                    weekly_cost=Decimal(f"{value:.2f}"),
                    source="Synthetic: CMA 2021, PSSRU 2017, LGA; 3% a year",
                )
            )
    UnitCost.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["placement_type", "year"],
        update_fields=["weekly_cost", "source"],
    )
