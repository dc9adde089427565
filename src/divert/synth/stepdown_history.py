"""The synthetic authority's history of placement reviews and step-down plans.

Writes placement review meetings, decisions and step-down plans (with moves that happened
and plans that slipped). Runs after the register is written (load.write_authority), inside
its transaction, from a random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import random

from divert.core.models import Authority
from divert.synth.timeline import Window


def add_placement_reviews(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write placement reviews and step-down plans for ``authority``'s children (filled in by issue 6)."""
