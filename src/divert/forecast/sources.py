"""Where a forecast's history comes from: the register, or a folder of SSDA903 returns.

Both give the same :class:`Frames` (children and episodes shaped like the SSDA903 tables), so
the model cannot tell them apart. A folder is read by the import's own code
(``returns.import903.plan_903``): searched recursively, every file checked, the years merged
into one history per child (an episode open at 31 March and repeated the next year is one
episode), with the same messages naming file, row and field. Nothing is written to the
register: a council can forecast from its returns before (or without) loading them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from divert.core.models import Authority
from divert.indicators.extract import extract
from divert.indicators.frames import Frames, frame
from divert.returns.import903 import Plan, plan_903
from divert.returns.parse903 import Row


def frames_for_authority(authority: Authority) -> Frames:
    """The register's history of ``authority``: the same extract the indicators read."""
    return extract(authority.pk)


def frames_from_903(paths: Sequence[Path]) -> Frames:
    """The history in these SSDA903 files or folders, as frames; raise ``ImportFailed`` (with
    every problem, by file, row and field) when the import would refuse them."""
    return frames_from_plan(plan_903(paths))


def frames_from_plan(plan: Plan) -> Frames:
    """Children and episodes (and adoption decisions) of a merged history.

    A frame's ``child`` is a number; SSDA903 identifies a child by text (CHILD), so each child is
    numbered in CHILD order, the same number in every frame.
    """
    ids = sorted(set(plan.headers) | {child for child, _ in plan.episodes})
    number = {child: n for n, child in enumerate(ids, start=1)}
    return Frames(
        children=frame("children", (_child(number[c], plan, c) for c in ids if c in plan.headers)),
        episodes=frame(
            "episodes", (_episode(number[c], row) for (c, _), row in sorted(plan.episodes.items()))
        ),
        adoptions=frame(
            "adoptions",
            (
                (number[c], record.get("decision"), record.get("matched"), None)
                for c, record in sorted(plan.adoption.items())
                if c in number
            ),
        ),
    )


def _child(number: int, plan: Plan, child: str) -> tuple[Any, ...]:
    header = plan.headers[child]
    return (number, header.text("SEX"), header.date("DOB"), child in plan.uasc, None, None)


def _episode(number: int, row: Row) -> tuple[Any, ...]:
    """An Episodes row in the frame's column order; what SSDA903 does not carry (the provider's
    name, the carer, the weekly cost, the planned end) is left empty."""
    decom: dt.date | None = row.date("DECOM")
    return (
        number,
        decom,
        row.text("RNE"),
        row.text("LS"),
        row.text("CIN"),
        row.text("PLACE"),
        row.text("PLACE_PROVIDER"),
        row.date("DEC"),
        row.text("REC") or None,
        row.text("REASON_PLACE_CHANGE") or None,
        None,
        None,
        None,
        None,
    )
