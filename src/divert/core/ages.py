"""Ages and birthdays, one definition for the register, the returns and the generator.

A child born on 29 February has their birthday on 1 March in other years, which is how the
DfE's rules and the law (a person attains an age at the start of the relevant anniversary) treat it.
"""

from __future__ import annotations

import datetime as dt


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birthday(born: dt.date, year: int) -> dt.date:
    """The birthday in calendar ``year`` (1 March for 29 February in a common year)."""
    try:
        return born.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)
