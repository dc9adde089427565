"""The synthetic authority's history of significant events.

Writes significant events added by hand to children's chronologies.
Runs after the register is written (load.write_authority), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import random

from divert.core.models import Authority
from divert.synth.timeline import Window


def add_significant_events(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write significant events for ``authority``'s children (filled in by issue 6)."""
