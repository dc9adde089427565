"""Indicator definitions, one module per part of the service. Importing this declares them all,
in scorecard order within each section (``gatekeeping`` imports ``looked_after``, so its figures on
children in care follow that module's)."""

from divert.indicators.defs import (  # noqa: F401
    adoption,
    carers_workforce,
    cin_cp,
    front_door,
    gatekeeping,
    looked_after,
    placements,
    stability,
)
