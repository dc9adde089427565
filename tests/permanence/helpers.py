"""Building blocks for the permanence tests: episodes, reviews, plans and applications in a few words."""

from __future__ import annotations

import datetime as dt

from divert.care.models import AdoptionRecord, Episode, LookedAfterReview
from divert.people.models import Child
from divert.permanence.models import CourtApplication, PermanencePlan

D = dt.date


def episode(
    child: Child,
    decom: dt.date,
    ls: str = "C2",
    place: str = "U4",
    *,
    rne: str = "S",
    dec: dt.date | None = None,
    rec: str = "",
) -> Episode:
    if dec is not None and not rec:
        rec = "X1"
    return Episode.objects.create(
        child=child, decom=decom, rne=rne, ls=ls, cin="N1", place=place, dec=dec, rec=rec
    )


def episodes(
    child: Child, *steps: tuple[dt.date, str, str, str], end: tuple[dt.date, str] | None = None
) -> None:
    """Consecutive episodes: each step (decom, rne, ls, place) ceases (X1) the day the next begins."""
    for index, (decom, rne, ls, place) in enumerate(steps):
        following = steps[index + 1][0] if index + 1 < len(steps) else None
        dec, rec = (following, "X1") if following else (end if end else (None, ""))
        episode(child, decom, ls, place, rne=rne, dec=dec, rec=rec)


def review(child: Child, day: dt.date, *, plan: bool = False) -> LookedAfterReview:
    return LookedAfterReview.objects.create(child=child, date=day, participation="PN1", permanence_plan=plan)


def plan(child: Child, agreed: dt.date, kind: str = "return_home") -> PermanencePlan:
    return PermanencePlan.objects.create(child=child, agreed=agreed, plan=kind)


def application(child: Child, kind: str, applied: dt.date, **extra: object) -> CourtApplication:
    return CourtApplication.objects.create(child=child, kind=kind, applied=applied, **extra)


def adoption(child: Child, decision: dt.date, **extra: object) -> AdoptionRecord:
    return AdoptionRecord.objects.create(child=child, decision=decision, **extra)
