"""The synthetic authority's foster carer and adopter recruitment and capacity (issue 8).

Runs after the register is written (``load.write_authority``), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import random

from divert.core.models import Authority
from divert.synth.timeline import Window


def add_carer_history(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write foster carer and adopter recruitment and capacity for ``authority``."""
