"""Indicator definitions, one module per part of the service. Importing this declares them all."""

from divert.indicators.defs import looked_after  # noqa: F401
