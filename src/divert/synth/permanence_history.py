"""The synthetic authority's history of permanence and adoption.

Writes permanence plans, care order discharge and revocation applications, and adoption tracker dates.
Runs after the register is written (load.write_authority), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import random

from divert.core.models import Authority
from divert.synth.timeline import Window


def add_permanence(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write permanence and adoption for ``authority``'s children (filled in by issue 6)."""
