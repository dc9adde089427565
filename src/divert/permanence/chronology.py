"""Permanence's lines in a child's chronology: plans agreed, court applications and their outcomes,
and the adoption steps the SSDA903 record holds (decision, match, placement).

The chronology app has already decided that its reader may read this child's chronology, so
these read the child's own rows. Each entry links to the child's permanence page (an application
to its own page). Entries to and exits from care, placement orders and adoption orders are
episodes, which the chronology reads itself.
"""

from __future__ import annotations

from django.urls import reverse

from divert.care.models import AdoptionRecord
from divert.chronology.entries import Entry
from divert.people.models import Child
from divert.permanence.models import CourtApplication, PermanencePlan

KIND = "permanence"


def _plans(child: Child, page: str) -> list[Entry]:
    return [
        Entry(
            date=plan.agreed,
            kind=KIND,
            title=f"Permanence plan agreed: {plan.get_plan_display().lower()}",
            detail=("At a looked-after review. " if plan.review_id else "") + plan.notes,
            url=f"{page}#plans",
            source=f"permanence.permanenceplan:{plan.pk}",
        )
        for plan in PermanencePlan.objects.filter(child=child)
    ]


def _applications(child: Child) -> list[Entry]:
    found = []
    for application in CourtApplication.objects.filter(child=child):
        url = reverse("permanence:application", args=[application.pk])
        source = f"permanence.courtapplication:{application.pk}"
        what = application.get_kind_display().lower()
        found.append(
            Entry(application.applied, KIND, f"Court application: {what}", application.notes, url, source)
        )
        if application.outcome and application.outcome_date:
            outcome = application.get_outcome_display().lower()
            found.append(
                Entry(application.outcome_date, KIND, f"Application {outcome}: {what}", "", url, source)
            )
    return found


def _adoption(child: Child, page: str) -> list[Entry]:
    record = AdoptionRecord.objects.filter(child=child).first()
    if record is None:
        return []
    source = f"care.adoptionrecord:{record.pk}"
    url = f"{page}#adoption"
    steps = [
        (record.decision, "Decision that the child should be placed for adoption"),
        (record.matched, "Matched with adopters"),
        (record.placed, "Placed for adoption" + (" with their foster carers" if record.foster_care else "")),
    ]
    return [Entry(day, KIND, title, "", url, source) for day, title in steps if day is not None]


def entries(child: Child) -> list[Entry]:
    """Every permanence entry for ``child``, oldest first."""
    page = reverse("permanence:child", args=[child.pk])
    found = [*_plans(child, page), *_applications(child), *_adoption(child, page)]
    return sorted(found, key=lambda entry: (entry.date, entry.title))
