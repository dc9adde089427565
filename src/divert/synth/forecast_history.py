"""The demo authority's saved forecast scenarios: the programme's questions, ready to compare.

The Peterborough plan held entries to care to 8 a month and aimed for 10 children leaving
care a month; the Plymouth plan moved children out of independent residential care and grew
in-house fostering. Each becomes a named scenario, so the forecast's comparison page answers
"where will we be in two years, at what cost" for the demo without anyone typing them in.
The months are set from the demo's "today" (``window.today``), so the scenarios always start
in the future.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from divert.care.models import Episode
from divert.core.calendar import add_months
from divert.core.codes import INDEPENDENT_PROVIDERS, NON_KINSHIP_FOSTER, SHORT_BREAK_STATUSES
from divert.core.models import Authority
from divert.forecast.actions import scenario_problems
from divert.forecast.models import SavedScenario
from divert.forecast.types import Move, Scenario
from divert.synth.timeline import Window


def next_month_numbered(today: dt.date, month: int) -> dt.date:
    """The first day of the next ``month`` (6: June) after today's month."""
    first = today.replace(day=1)
    for ahead in range(1, 13):
        candidate = add_months(first, ahead)
        if candidate.month == month:
            return candidate
    raise ValueError(month)  # pragma: no cover - every month comes within a year


def in_house_foster_places(authority: Authority, today: dt.date) -> int:
    """Children in the council's own (non-kinship) foster care today, as ``placement_category``
    counts it (any provider but an independent one): the places in use now."""
    return (
        Episode.objects.filter(child__authority=authority, decom__lte=today, place__in=NON_KINSHIP_FOSTER)
        .exclude(place_provider__in=INDEPENDENT_PROVIDERS)
        .filter(Q(dec__isnull=True) | Q(dec__gt=today))
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .count()
    )


def programme_scenarios(
    authority: Authority, today: dt.date, rng: random.Random
) -> list[tuple[Scenario, str]]:
    """The named scenarios with a note on where each comes from."""
    start = add_months(today.replace(day=1), 1)
    june = next_month_numbered(today, 6)
    april = next_month_numbered(today, 4)
    places = in_house_foster_places(authority, today)
    spare = rng.randint(2, 6)  # a few places free today: carers between children
    return [
        (
            Scenario(
                name="Entries held to 8 a month, 10 out of residential",
                entries_cap=8,
                entries_from=start,
                exit_target=10,
                exits_from=start,
                moves=(Move(june, 10, "residential_independent", "in_house_foster"),),
            ),
            "Peterborough: at most 8 entries and 10 children leaving care a month; Plymouth: "
            "10 children moved from independent residential care to in-house foster care in June.",
        ),
        (
            Scenario(
                name="In-house fostering grows by 5 places a quarter",
                in_house_places=places + spare,
                in_house_growth_per_quarter=5,
            ),
            "Plymouth: in-house foster carer recruitment continuing; children beyond in-house "
            "places go to independent foster care.",
        ),
        (
            Scenario(
                name="A tenth fewer children coming into care from April",
                entries_scale=0.9,
                entries_from=april,
            ),
            "Early help and the edge-of-care panel diverting one child in ten from care.",
        ),
        (
            Scenario(name="Costs rise 3% a year", inflation=0.03),
            "No change in children; placement prices rising 3% a year.",
        ),
    ]


def add_scenarios(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write the programme's scenarios for the demo authority (replacing any saved before)."""
    made = programme_scenarios(authority, window.today, rng)
    for scenario, _ in made:
        assert not scenario_problems(scenario), scenario_problems(scenario)
    SavedScenario.objects.filter(authority=authority).delete()
    SavedScenario.objects.bulk_create(
        SavedScenario(authority=authority, name=s.name, description=note, params=s.to_json())
        for s, note in made
    )
