"""Which children on the register a named child may be: found cheaply, then scored with reasons.

A referrer spells a name as they heard it ("Katherine Smyth" for Catherine Smith), swaps the
day and month of a birthday, or knows only the postcode. Matching has two steps:

1. **Candidates** by database query over the children the user may see (``core.access``):
   the same date of birth, the day and month swapped, the same postcode, or a surname with
   the same first letters and a year of birth within a year. Each arm is an indexed equality
   or a narrow date range, so a register of 45,000 children gives a few dozen rows.
2. **Scores** in Python with ``jellyfish`` (Jaro-Winkler similarity, and the metaphone and
   NYSIIS phonetic keys), each point with the reason a MASH officer reads beside it.

The best few are returned with a strength: *strong* (likely the same child: check before adding
a new one) or *possible*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import jellyfish
from django.db.models import Q, QuerySet

from divert.core.access import restrict
from divert.people.actions import normalise_postcode
from divert.people.models import Child

if TYPE_CHECKING:
    from divert.frontdoor.models import NamedChild

Strength = Literal["strong", "possible"]

#: How many candidates the match page offers.
SHOWN = 5
#: At or above this score a candidate is likely the same child; below ``POSSIBLE`` it is not shown.
STRONG = 0.75
POSSIBLE = 0.4
#: The same, when the referrer did not know the date of birth (names and postcode are all there is).
STRONG_WITHOUT_BIRTH = 0.6
POSSIBLE_WITHOUT_BIRTH = 0.25
#: How many letters of the surname the cheap query compares (Smyth and Smith share "Sm").
SURNAME_PREFIX = 2
#: Jaro-Winkler similarity at which two names count as "similar".
SIMILAR = 0.85
#: The most rows the database step returns: enough for a common date of birth and surname.
CANDIDATE_ROWS = 400


@dataclass(frozen=True)
class Wanted:
    """The child as the referrer described them."""

    first_name: str
    last_name: str
    date_of_birth: dt.date | None = None
    postcode: str = ""

    @classmethod
    def from_named(cls, named: NamedChild) -> Wanted:
        return cls(
            first_name=named.first_name,
            last_name=named.last_name,
            date_of_birth=named.date_of_birth,
            postcode=named.postcode or named.enquiry.postcode,
        )


@dataclass(frozen=True)
class Candidate:
    child: Child
    score: float
    reasons: tuple[str, ...]
    strength: Strength


def find_matches(
    user: Any, *, named: NamedChild | None = None, wanted: Wanted | None = None, limit: int = SHOWN
) -> list[Candidate]:
    """The children ``user`` may see who may be this named child, best first, with reasons."""
    wanted = wanted or Wanted.from_named(named)  # type: ignore[arg-type]
    scored = (score(wanted, child) for child in candidates(user, wanted))
    found = [c for c in scored if c is not None]
    found.sort(key=lambda c: (-c.score, c.child.last_name, c.child.first_name, c.child.pk))
    return found[:limit]


def _swapped(day: dt.date | None) -> dt.date | None:
    """The date with day and month swapped (3 February for 2 March), when that is a real, other date."""
    if day is None or day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def _near_years(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year - 1, 1, 1), dt.date(day.year + 1, 12, 31)


def candidate_filter(wanted: Wanted) -> Q | None:
    """The cheap database condition: each arm an indexed equality or a narrow range."""
    arms: list[Q] = []
    born, swapped = wanted.date_of_birth, _swapped(wanted.date_of_birth)
    if born is not None:
        arms.append(Q(date_of_birth=born))
    if swapped is not None:
        arms.append(Q(date_of_birth=swapped))
    postcode = normalise_postcode(wanted.postcode)
    if postcode:
        arms.append(Q(home_postcode=postcode))
    prefix = wanted.last_name.strip()[:SURNAME_PREFIX]
    if len(prefix) == SURNAME_PREFIX:
        by_name = Q(last_name__istartswith=prefix)
        if born is not None:
            by_name &= Q(date_of_birth__range=_near_years(born))
        else:
            by_name &= Q(first_name__istartswith=wanted.first_name.strip()[:1])
        arms.append(by_name)
    if not arms:
        return None
    condition = arms[0]
    for arm in arms[1:]:
        condition |= arm
    return condition


def candidates(user: Any, wanted: Wanted) -> QuerySet[Child]:
    """The children worth scoring, among those ``user`` may see."""
    condition = candidate_filter(wanted)
    if condition is None:
        return Child.objects.none()
    visible = restrict(Child.objects.all(), user)
    fields = ("pk", "child_id", "first_name", "last_name", "date_of_birth", "home_postcode", "authority_id")
    return visible.filter(condition).only(*fields).order_by()[:CANDIDATE_ROWS]


def _key(name: str) -> str:
    return name.strip().casefold()


def _sounds_same(a: str, b: str) -> bool:
    a, b = _key(a), _key(b)
    if not a or not b:
        return False
    return jellyfish.metaphone(a) == jellyfish.metaphone(b) or jellyfish.nysiis(a) == jellyfish.nysiis(b)


def _name_points(what: str, given: str, held: str, weight: float) -> tuple[float, str | None]:
    """Points for one name: the same, sounding the same, or spelt similarly."""
    if not _key(given) or not _key(held):
        return 0.0, None
    if _key(given) == _key(held):
        return weight, f"same {what}"
    if _sounds_same(given, held):
        return weight * 0.85, f"{what} sounds the same ({given} / {held})"
    similarity = jellyfish.jaro_winkler_similarity(_key(given), _key(held))
    if similarity >= SIMILAR:
        return weight * 0.75 * similarity, f"{what} similar ({given} / {held})"
    return 0.0, None


def _birth_points(wanted: dt.date | None, held: dt.date) -> tuple[float, str | None]:
    if wanted is None:
        return 0.0, None
    if wanted == held:
        return 0.4, "same date of birth"
    if _swapped(wanted) == held:
        return 0.3, f"date of birth with day and month swapped ({wanted:%d/%m/%Y} / {held:%d/%m/%Y})"
    if wanted.year == held.year and wanted.month == held.month:
        return 0.15, "born in the same month"
    if abs((wanted - held).days) <= 366:
        return 0.05, "born within a year"
    return 0.0, None


def score(wanted: Wanted, child: Child) -> Candidate | None:
    """How likely ``child`` is the named child, with a reason for every point; None when unlikely.

    A candidate needs some likeness of name: a shared birthday or postcode alone is a stranger.
    """
    parts = [
        _birth_points(wanted.date_of_birth, child.date_of_birth),
        _name_points("surname", wanted.last_name, child.last_name, 0.3),
        _name_points("first name", wanted.first_name, child.first_name, 0.25),
    ]
    named_alike = parts[1][1] is not None or parts[2][1] is not None
    postcode = normalise_postcode(wanted.postcode)
    if postcode and postcode == child.home_postcode:
        parts.append((0.1, "same postcode"))
    total = round(sum(points for points, _ in parts), 3)
    strong, possible = (
        (STRONG, POSSIBLE) if wanted.date_of_birth else (STRONG_WITHOUT_BIRTH, POSSIBLE_WITHOUT_BIRTH)
    )
    if not named_alike or total < possible:
        return None
    return Candidate(
        child=child,
        score=total,
        reasons=tuple(_in_order(reason for _, reason in parts)),
        strength="strong" if total >= strong else "possible",
    )


def _in_order(reasons: Iterable[str | None]) -> list[str]:
    return [reason for reason in reasons if reason]
