"""The synthetic authority's history of placement stability and end dates.

Writes at-risk flags and team-around-the-child meetings, and planned end dates on placements.
Runs after the register is written (load.write_authority), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import random

from divert.core.models import Authority
from divert.synth.timeline import Window


def add_stability(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write placement stability and end dates for ``authority``'s children (filled in by issue 6)."""
