"""Red, amber, green: how far a figure is from its target, in the direction that is good.

Green meets the target; amber misses it by no more than the tolerance; red misses it by more.
A figure with no target, no value or no good direction has no rating ("none"), shown as such
rather than as green.
"""

from __future__ import annotations

from divert.indicators.catalogue import Good

RAG_LABELS = {"green": "On target", "amber": "Near target", "red": "Off target", "none": "No target"}


def rag(value: float | None, target: float | None, tolerance: float, good: Good) -> str:
    if value is None or target is None or good is Good.NEITHER:
        return "none"
    shortfall = (value - target) if good is Good.DOWN else (target - value)
    if shortfall <= 1e-9:
        return "green"
    if shortfall <= tolerance + 1e-9:
        return "amber"
    return "red"
