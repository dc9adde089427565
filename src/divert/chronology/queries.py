"""Reading a child's chronology: every source's entries, filtered, counted and put in order.

``child_for`` is the one way a view gets the child: a child the user may not see is the same 404
as a missing one, and a role that does not read chronologies gets a 403 (``may_read_chronology``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.urls import Resolver404, resolve, reverse

from divert.chronology.entries import KIND_LABELS, KINDS, Entry
from divert.chronology.models import SignificantEvent
from divert.chronology.sources import entries_for
from divert.core.access import (
    get_for_user,
    may_read_casework,
    may_read_chronologies,
    may_read_chronology,
    may_read_front_door,
    may_read_panels,
    may_read_placement_review,
)
from divert.people.models import Child

KIND_ORDER = {key: i for i, (key, _) in enumerate(KINDS)}

#: Which role may open the pages of each app an entry can link to. The record is always about a
#: child the reader may see (they are reading the child's chronology), so the role is what decides;
#: an entry whose page the reader's role cannot open links to the child's record instead.
PAGE_READERS: dict[str, Callable[[Any], bool]] = {
    "frontdoor": may_read_front_door,
    "earlyhelp": may_read_casework,
    "cases": may_read_casework,
    "panels": may_read_panels,
    "care": may_read_casework,
    "permanence": may_read_casework,
    "stepdown": may_read_placement_review,
}


@dataclass(frozen=True)
class Filters:
    """What the reader asked to see: some kinds (none means all), a period (inclusive), an order."""

    kinds: frozenset[str] = frozenset()
    start: dt.date | None = None
    end: dt.date | None = None
    newest_first: bool = True

    def keeps_kind(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def keeps_date(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def describe(self) -> str:
        """The filter in words, for the audit note and the PDF's heading."""
        kinds = ", ".join(KIND_LABELS[k] for k, _ in KINDS if k in self.kinds) if self.kinds else "All kinds"
        return f"{kinds}; {self.period()}; {'newest' if self.newest_first else 'oldest'} first"

    def period(self) -> str:
        if self.start and self.end:
            return f"{long_date(self.start)} to {long_date(self.end)}"
        if self.start:
            return f"From {long_date(self.start)}"
        if self.end:
            return f"Up to {long_date(self.end)}"
        return "All dates"


@dataclass(frozen=True)
class KindCount:
    key: str
    label: str
    count: int
    chosen: bool


@dataclass
class Chronology:
    child: Child
    filters: Filters
    entries: list[Entry]
    counts: list[KindCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.entries)


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _reader(user: Any) -> None:
    """A 403 for a role that reads no chronology, before any child is looked up (so for every child)."""
    if not may_read_chronologies(user):
        raise PermissionDenied("Your role does not read children's chronologies.")


def child_for(user: Any, pk: Any) -> Child:
    """The child whose chronology ``user`` asked for: 403 for the wrong role, 404 when unseen or missing."""
    _reader(user)
    child = get_for_user(Child.objects.all(), user, "view", pk=pk)
    if not may_read_chronology(user, child):
        raise PermissionDenied("Your role does not read children's chronologies.")
    return child


def chronology(user: Any, child: Child, filters: Filters) -> Chronology:
    """The child's chronology as ``filters`` ask, each entry linked to a page the reader can open.

    The counts per kind are of the entries in the chosen period whatever kinds are ticked, so
    the reader sees what the kind filter is hiding.
    """
    child_url = reverse("people:child", args=[child.pk])
    in_period = [
        _linked(user, entry, child_url) for entry in entries_for(child) if filters.keeps_date(entry.date)
    ]
    per_kind = Counter(entry.kind for entry in in_period)
    shown = sorted(
        (entry for entry in in_period if filters.keeps_kind(entry.kind)),
        key=lambda e: (e.date, KIND_ORDER[e.kind], e.source),
        reverse=filters.newest_first,
    )
    counts = [KindCount(key, label, per_kind[key], key in filters.kinds) for key, label in KINDS]
    return Chronology(child=child, filters=filters, entries=shown, counts=counts)


def _linked(user: Any, entry: Entry, child_url: str) -> Entry:
    if entry.url and _may_open(user, entry.url):
        return entry
    return Entry(entry.date, entry.kind, entry.title, entry.detail, child_url, entry.source)


def _may_open(user: Any, url: str) -> bool:
    try:
        namespace = resolve(urlsplit(url).path).namespace
    except Resolver404:
        return False
    check = PAGE_READERS.get(namespace)
    return check is None or check(user)


def event_for(user: Any, pk: Any) -> SignificantEvent:
    """A significant event about a child whose chronology ``user`` reads (404 / 403 as ``child_for``)."""
    _reader(user)
    event = get_for_user(SignificantEvent.objects.select_related("child", "recorded_by"), user, "view", pk=pk)
    if not may_read_chronology(user, event.child):
        raise PermissionDenied("Your role does not read children's chronologies.")
    return event
