"""The synthetic authority's providers' contracts and prices (issue 8).

Runs after the register is written (``load.write_authority``), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import random

from divert.core.models import Authority
from divert.synth.timeline import Window


def add_contracts(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write providers' contracts and prices for ``authority``."""
