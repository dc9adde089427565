"""Placements and cost: independent-sector and residential care, the in-house share, spend and unit cost."""

from __future__ import annotations
