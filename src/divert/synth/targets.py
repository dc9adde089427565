"""The demo authority's own indicator targets, taken from the seeds' programme.

They show an administrator's targets beside the catalogue's defaults: the Plymouth plan's
children-in-care and residential targets, and the Peterborough case study's monthly cap on
entries and target for exits.
"""

from __future__ import annotations

from decimal import Decimal

from divert.core.models import Authority
from divert.indicators.models import IndicatorTarget

# (indicator, target, tolerance, where it comes from)
PROGRAMME = (
    ("cla_count", 345, 10, "Programme target: 345 children in care by the end of year one (Plymouth PID)"),
    ("residential_count", 13, 2, "Programme target: residential care down to 13, then 11 (Plymouth PID)"),
    ("cla_starts", 8, 2, "At most 8 entries to care a month (Peterborough case study)"),
    ("cla_ceased", 10, 2, "10 children leaving care a month (Peterborough case study)"),
)


def programme_targets(authority: Authority) -> None:
    IndicatorTarget.objects.filter(authority=authority).delete()
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(
            authority=authority, indicator=i, target=Decimal(t), tolerance=Decimal(tol), note=note
        )
        for i, t, tol, note in PROGRAMME
    )
