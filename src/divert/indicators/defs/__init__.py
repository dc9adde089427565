"""Indicator definitions, one module per part of the service. Importing this declares them all,
in scorecard order within each section."""

from divert.indicators.defs import (  # noqa: F401
    adoption,
    carers_workforce,
    cin_cp,
    front_door,
    looked_after,
    placements,
    stability,
)
