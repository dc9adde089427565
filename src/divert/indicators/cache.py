"""The extracted register and computed scorecards, kept per process until the register changes.

Reading the register into frames takes about a second for a county-sized authority and a
full scorecard a few hundred milliseconds more; a page must not pay that on every request.

Key: (database, authority, register version). The version (``core.RegisterVersion``) goes up
after every committed change recorded in the audit trail (``divert.core.audit``), views and
searches excepted, so a cached entry is never older than the version the request read: a
change made through any page, the admin, ``divert synth`` or a return import reaches the next
scorecard in every process. The version is read once per request (one indexed query).

Where: a dictionary in each process, not Django's cache framework. The frames are tens of
megabytes and keep the derived frames many indicators share (``Frames.memo``: who was in care
on each date) on the live object; Django's local-memory cache pickles on every ``set`` and
``get``, which would copy the frames on every request and drop that memo. Each gunicorn
worker therefore extracts once per version and then serves from memory. The store is bounded
(``DIVERT_FRAMES_CACHE`` entries, least recently used first out, and older versions of an
authority dropped as soon as a newer one is stored), so a worker holds at most a few registers.

Staleness: an entry is also refused after ``DIVERT_FRAMES_MAX_AGE`` seconds, which bounds how
long a change made without an audit record (a fix in SQL, a process killed between its commit
and the version raise) can stay unseen. ``DIVERT_FRAMES_CACHE = 0`` turns caching off, as the
test settings do: pytest runs each test inside a transaction that never commits, so the
version would never move and one test could be served another's register.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from divert.core.audit import register_version
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency

T = TypeVar("T")

#: Values worked out from a cached register and kept with it (each scorecard's as-at date,
#: frequency and filter is one).
DERIVED_PER_REGISTER = 64
#: Derived frames kept on a cached register before they are dropped and built again.
MEMO_LIMIT = 5_000


@dataclass
class Entry:
    frames: Frames
    stored: float
    derived: OrderedDict[Hashable, object] = field(default_factory=OrderedDict)


_entries: OrderedDict[tuple[str, int, int], Entry] = OrderedDict()
_lock = threading.Lock()
_building: dict[tuple[str, int, int], threading.Lock] = {}


def _capacity() -> int:
    return int(settings.DIVERT_FRAMES_CACHE)


def _max_age() -> float:
    return float(settings.DIVERT_FRAMES_MAX_AGE)


def clear() -> None:
    """Forget every cached register in this process."""
    with _lock:
        _entries.clear()


def _key(authority_id: int) -> tuple[str, int, int]:
    return (str(connection.settings_dict["NAME"]), authority_id, register_version())


def _fresh(key: tuple[str, int, int]) -> Entry | None:
    with _lock:
        entry = _entries.get(key)
        if entry is None or time.monotonic() - entry.stored > _max_age():
            return None
        _entries.move_to_end(key)
        if len(entry.frames._memo) > MEMO_LIMIT:  # many different periods asked for: start the memo again
            entry.frames._memo.clear()
        return entry


def _store(key: tuple[str, int, int], frames: Frames) -> Entry:
    entry = Entry(frames, time.monotonic())
    with _lock:
        for old in [k for k in _entries if k[:2] == key[:2] and k != key]:
            del _entries[old]  # an older version of this authority's register: never asked for again
        _entries[key] = entry
        while len(_entries) > _capacity():
            _entries.popitem(last=False)
    return entry


def _entry(authority_id: int) -> Entry:
    """The cached register for the current version, extracting it (once per process) if needed."""
    from divert.indicators.extract import extract

    key = _key(authority_id)
    entry = _fresh(key)
    if entry is not None:
        return entry
    with _lock:
        building = _building.setdefault(key, threading.Lock())
    with building:  # threads of one worker asking at once wait for one extract, not make their own
        entry = _fresh(key)
        if entry is None:
            with snapshot():
                read = _key(authority_id)  # the version of the very register about to be read
                entry = _store(read, _stamped(extract(authority_id)))
    with _lock:
        _building.pop(key, None)
    return entry


@contextmanager
def snapshot() -> Iterator[None]:
    """Read the version and every table of the register as of one moment.

    Without it each of the extract's seventeen queries would see the register as it stood when
    that query began, so a change committed half-way through could be half in the frames, and
    cached under a version from before it. In one read-only transaction (repeatable read on
    PostgreSQL; SQLite's transactions always read one snapshot) the frames match the version
    they are stored under, or are newer than it (a change committed just before its version
    is raised): never older, never half a change.
    """
    if connection.in_atomic_block:  # the caller's transaction (a test) already fixes what is seen
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _stamped(frames: Frames) -> Frames:
    """Note when the register was read: pages show it as the figures' "data as at"."""
    setattr(frames, "extracted_at", timezone.localtime())  # noqa: B010 - not a field of Frames
    return frames


def frames(authority_id: int) -> Frames:
    """The authority's register as frames, as of the latest committed change."""
    from divert.indicators.extract import extract

    if _capacity() <= 0:
        return _stamped(extract(authority_id))
    return _entry(authority_id).frames


def scorecard(
    authority_id: int,
    as_at: dt.date,
    frequency: Frequency = Frequency.MONTH,
    *,
    where: dict[str, str] | None = None,
    only: list[str] | None = None,
) -> list[Any]:
    """``report.scorecard`` for the authority's current register, computed once per version and filter.

    The rows also depend on targets and benchmarks; both change only through audited actions
    and loads, which raise the version like any change to the register.
    """
    from divert.indicators import report

    key = ("scorecard", as_at, str(frequency), tuple(sorted((where or {}).items())), tuple(only or ()))

    def build(register: Frames) -> list[Any]:
        return report.scorecard(register, as_at, frequency, authority_id=authority_id, where=where, only=only)

    return derived(authority_id, key, build)


def derived(authority_id: int, key: Hashable, build: Callable[[Frames], T]) -> T:
    """``build(frames)`` once per register version and ``key``: anything worked out from the register
    that every reader shares (the scorecard's rows, the cards a page shows, a rendered table).

    The value is shared between requests, so it must not be changed by its users, and must not
    hold anything about the person asking (their name, a CSRF token).
    """
    if _capacity() <= 0:
        return build(frames(authority_id))
    entry = _entry(authority_id)
    with _lock:
        if key in entry.derived:
            entry.derived.move_to_end(key)
            return cast(T, entry.derived[key])
    value = build(entry.frames)
    with _lock:
        entry.derived[key] = value
        while len(entry.derived) > DERIVED_PER_REGISTER:
            entry.derived.popitem(last=False)
    return value
