"""One line of a child's chronology, as every source of dated events gives it.

Each domain that records dated events about a child provides a function
``entries(child) -> list[Entry]`` (the chronology app gathers them in ``sources.py``), so the
chronology is built from the records themselves and never typed twice. ``kind`` is one of
``KINDS`` and is what the user filters by.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Every kind of entry, in the order the filter shows them: (key, label).
KINDS: tuple[tuple[str, str], ...] = (
    ("contact", "Contacts and MASH decisions"),
    ("referral", "Referrals"),
    ("early_help", "Early help"),
    ("assessment", "Assessments"),
    ("strategy", "Strategy discussions and section 47 enquiries"),
    ("plan", "Children in need and child protection plans"),
    ("conference", "Child protection conferences"),
    ("plan_review", "Plan reviews"),
    ("panel", "Panels"),
    ("care", "Entries to care, legal status changes and exits from care"),
    ("placement", "Placement moves"),
    ("la_review", "Looked-after reviews"),
    ("visit", "Visits"),
    ("missing", "Missing and away episodes"),
    ("care_leaver", "Care leaver contacts"),
    ("placement_review", "Placement review decisions and step-down plans"),
    ("stability", "Placement stability: at-risk flags and team around the child meetings"),
    ("permanence", "Permanence and adoption"),
    ("significant", "Significant events added by hand"),
)
KIND_LABELS = dict(KINDS)


@dataclass(frozen=True)
class Entry:
    """A dated event: what happened, in a line, with a link to the record it came from.

    ``source`` is ``"<app_label>.<model>:<pk>"`` so each entry can be traced to one row; ``url``
    is the page that shows that record (blank when the record has no page of its own, and then
    the child's record is the link).
    """

    date: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KIND_LABELS:
            raise ValueError(f"unknown chronology kind {self.kind!r}")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]
