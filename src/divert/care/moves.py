"""Placement moves in the last 12 months, counted exactly as the stability indicators count them.

The early-warning lists must agree with the scorecard's ``moved_last_12m`` figure, or a team
manager would chase a different list of children from the one the board is shown. So nothing
here decides what a move is: the episodes of the children asked about are read through the
indicators' own extract (``indicators.extract``) into a small register, the indicator gives
who moved and how many times, and the placement history it is built on
(``indicators.shared.placement_history``) gives the day of each move. A move is a new
placement within a period of care (RNE P or B: a new carer); a change of legal status only,
a temporary placement and the return from it, coming into care, and short breaks (V3, V4) are
not moves. The 12 months run from the day after the same date a year earlier up to today, so
a move exactly a year ago has dropped off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl

from divert.care.rules import one_year_before
from divert.core.access import restrict
from divert.indicators import compute, extract
from divert.indicators.catalogue import get
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency, periods
from divert.indicators.shared import placement_history

#: The indicator the early-warning lists share their count with.
MOVED_INDICATOR = "moved_last_12m"


def _register(user: Any, authority_id: int, child_ids: Iterable[int]) -> Frames:
    """The episodes of ``child_ids`` the user may see, as the indicators read them."""
    queryset, paths = extract.sources(authority_id)["episodes"]
    episodes = restrict(queryset, user, "view").filter(child_id__in=list(child_ids))
    return Frames(episodes=extract.read("episodes", episodes, paths))


def moves_from(frames: Frames, today: dt.date) -> dict[int, list[dt.date]]:
    """Each child in care today with a move in the last 12 months: the days of those moves, oldest first.

    Who is listed, and how many moves, is the ``moved_last_12m`` indicator's answer on ``today``.
    """
    span = periods(Frequency.DAY, today, 1)
    moved = compute.members(frames, get(MOVED_INDICATOR), span, today)
    if moved.is_empty():
        return {}
    year_before = one_year_before(today)
    history = placement_history(frames).filter(
        pl.col("move") & (pl.col("decom") > year_before) & (pl.col("decom") <= today)
    )
    days: dict[int, list[dt.date]] = {}
    for child, decom in history.select("child", "decom").sort("child", "decom").iter_rows():
        days.setdefault(child, []).append(decom)
    counts = dict(moved.select("child", "moves").iter_rows())
    return {child: days.get(child, [])[-int(count) :] for child, count in counts.items()}


def recent_moves(
    user: Any, authority_id: int, child_ids: Iterable[int], today: dt.date
) -> dict[int, list[dt.date]]:
    """The days of each child's moves in the 12 months to ``today`` (only children who moved)."""
    ids = list(child_ids)
    if not ids:
        return {}
    return moves_from(_register(user, authority_id, ids), today)
