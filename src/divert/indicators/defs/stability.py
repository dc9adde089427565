"""Stability and permanence: placement moves, long-term stability, end dates, permanence plans, reviews and visits."""

from __future__ import annotations
