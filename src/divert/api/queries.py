"""The API's rows, as plain dictionaries: the scorecard's figures and pseudonymised children in care.

Figures come from the same functions as the scorecard pages (``indicators.cache.scorecard`` and
``compute.series`` over the cached register), so Power BI and the pages never disagree. Rows
about children are read through ``restrict`` and carry only what an analyst needs to count and
cost: a pseudonym (``privacy.pseudonyms``) in place of any identifier, an age band in place of a
date of birth, and no name, postcode, UPN or register id. Each row is built field by field here,
never from a model's fields, so a field added to ``Child`` later cannot leak through the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from divert.care.models import Episode
from divert.core.ages import age_on
from divert.core.codes import INDEPENDENT_PROVIDERS
from divert.indicators import cache, catalogue, compute, report
from divert.indicators.catalogue import Indicator
from divert.indicators.periods import Frequency, periods, periods_between
from divert.people.models import Allocation
from divert.privacy.pseudonyms import pseudonym

# Bands as the DfE's looked-after children statistics use them.
AGE_BANDS = ((1, "under 1"), (5, "1-4"), (10, "5-9"), (16, "10-15"))
OLDEST_BAND = "16+"

# Who provides the placement (SSDA903 PLACE_PROVIDER), in words a finance report groups by.
SECTORS = {
    "PR0": "parent",
    "PR1": "in-house",
    "PR2": "other local authority",
    "PR3": "other public",
    "PR4": "private",
    "PR5": "voluntary",
}

# The monthly aggregates, each the monthly series of scorecard indicators (the same counts).
CARE_MOVEMENTS = {"entries": "cla_starts", "exits": "cla_ceased"}
REFERRALS = {"referrals": "referrals"}


def age_band(born: dt.date, day: dt.date) -> str:
    age = age_on(born, day)
    for below, band in AGE_BANDS:
        if age < below:
            return band
    return OLDEST_BAND


def _number(value: object) -> float | None:
    return report._num(value)


def indicator_rows(authority_id: int, as_at: dt.date, frequency: Frequency) -> list[dict[str, Any]]:
    """Every scorecard indicator for the period containing ``as_at``, as the scorecard shows it."""
    rows = cache.scorecard(authority_id, as_at, frequency)
    return [_indicator_row(row) for row in rows]


def _indicator_row(row: report.Row) -> dict[str, Any]:
    ind = row.indicator
    return {
        "id": ind.id,
        "title": ind.title,
        "section": str(ind.section),
        "unit": str(ind.unit),
        "good_direction": str(ind.good),
        "frequency": str(row.frequency),
        "period_start": row.period_start,
        "as_at": row.as_at,
        "value": row.value,
        "previous": row.previous,
        "target": row.target,
        "rag": row.rag,
        "england": row.england,
        "comparator": row.comparator,
        "benchmark_year": row.benchmark_year,
    }


def series_rows(
    authority_id: int, indicator: Indicator, as_at: dt.date, frequency: Frequency, count: int
) -> list[dict[str, Any]]:
    """The indicator's figure for each of ``count`` periods ending with the one containing ``as_at``."""
    frames = report.frames_for(authority_id)
    series = compute.series(frames, indicator, periods(frequency, as_at, count))
    return [
        {
            "indicator": indicator.id,
            "frequency": str(frequency),
            "period_start": r["start"],
            "period_end": r["date"],
            "value": _number(r["value"]),
            "numerator": _number(r["num"]),
            "denominator": _number(r["den"]),
        }
        for r in series.iter_rows(named=True)
    ]


def monthly_counts(
    authority_id: int, columns: dict[str, str], first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """One row per calendar month from ``first``'s to ``last``'s, a count per column (an indicator each).

    ``last`` may be mid-month (this month so far); a month is named by its first day as ``YYYY-MM``.
    """
    frames = report.frames_for(authority_id)
    spans = periods_between(Frequency.MONTH, first, last)
    out = [
        {"month": f"{start:%Y-%m}", "month_start": start, "month_end": end}
        for start, end in zip(spans["start"].to_list(), spans["date"].to_list(), strict=True)
    ]
    for column, indicator_id in columns.items():
        values = compute.series(frames, catalogue.get(indicator_id), spans)["value"].to_list()
        for row, value in zip(out, values, strict=True):
            number = _number(value)
            row[column] = int(number) if number is not None else 0
    return out


def children_in_care(user: Any, day: dt.date | None = None, **filters: str) -> QuerySet[Episode]:
    """The open episode of each looked-after child the user may see on ``day``: one per child."""
    day = day or timezone.localdate()
    current = (
        Allocation.objects.filter(start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("team")
        .order_by("-start", "-pk")
    )
    episodes = (
        Episode.objects.restrict(user)
        .filter(decom__lte=day)
        .filter(Q(dec__isnull=True) | Q(dec__gt=day))
        .filter(child__authority_id=user.authority_id)
        .select_related("child__locality")
        .prefetch_related(Prefetch("child__allocations", queryset=current, to_attr="current_allocations"))
        .only(
            "pk",
            "decom",
            "ls",
            "place",
            "place_provider",
            "weekly_cost",
            "child__id",
            "child__sex",
            "child__ethnicity",
            "child__date_of_birth",
            "child__locality__name",
        )
        .order_by("decom", "pk")
    )
    if filters.get("placement_type"):
        episodes = episodes.filter(place=filters["placement_type"])
    if filters.get("legal_status"):
        episodes = episodes.filter(ls=filters["legal_status"])
    return episodes


def child_rows(episodes: Iterable[Episode], day: dt.date | None = None) -> list[dict[str, Any]]:
    day = day or timezone.localdate()
    return [_child_row(e, day) for e in episodes]


def _child_row(episode: Episode, day: dt.date) -> dict[str, Any]:
    child = episode.child
    allocations = getattr(child, "current_allocations", [])
    cost: Decimal = episode.weekly_cost
    return {
        "pseudonym": pseudonym(child.pk),
        "age_band": age_band(child.date_of_birth, day),
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "legal_status": episode.ls,
        "placement_type": episode.place,
        "place_provider": episode.place_provider,
        "provider_sector": SECTORS.get(episode.place_provider, ""),
        "independent": episode.place_provider in INDEPENDENT_PROVIDERS,
        "weekly_cost": cost,
        "episode_start": episode.decom,
        "locality": child.locality.name if child.locality else "",
        "team": allocations[0].team.name if allocations else "",
    }
