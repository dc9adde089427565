"""The child's chronology entries about placement stability: at-risk flags and team-around-the-child meetings.

The chronology app gathers ``entries(child)`` from every domain (``divert.chronology``), so a
flag raised, a flag resolved and each meeting appear on the child's chronology from the records
themselves. Episodes (entries to care, moves) are the chronology app's own entries, not these.
The caller has already checked that the reader may see the child.
"""

from __future__ import annotations

from django.urls import reverse

from divert.care.models import PlacementRiskFlag, TeamAroundChildMeeting
from divert.chronology.entries import Entry
from divert.people.models import Child

KIND = "stability"


def _flag_entries(flag: PlacementRiskFlag) -> list[Entry]:
    url = reverse("care:flag", args=[flag.pk])
    source = f"care.placementriskflag:{flag.pk}"
    found = [
        Entry(
            date=flag.raised,
            kind=KIND,
            title=f"Placement flagged at risk by the {flag.get_raised_by_display().lower()}",
            detail=flag.reason,
            url=url,
            source=source,
        )
    ]
    if flag.resolved is not None:
        found.append(
            Entry(
                date=flag.resolved,
                kind=KIND,
                title=f"At-risk flag resolved: {flag.get_outcome_display().lower()}",
                detail=flag.outcome_note,
                url=url,
                source=source,
            )
        )
    return found


def _meeting_entry(meeting: TeamAroundChildMeeting) -> Entry:
    answered = (
        f"the placement flagged at risk on {meeting.flag.raised.day} {meeting.flag.raised:%B %Y}"
        if meeting.flag is not None
        else meeting.get_reason_display().lower()
    )
    return Entry(
        date=meeting.date,
        kind=KIND,
        title="Team around the child meeting",
        detail=f"About {answered}. Agreed: {meeting.agreed}",
        url=reverse("care:meeting", args=[meeting.pk]),
        source=f"care.teamaroundchildmeeting:{meeting.pk}",
    )


def entries(child: Child) -> list[Entry]:
    """Every flag raised and resolved and every meeting held for ``child``, oldest first."""
    found: list[Entry] = []
    for flag in PlacementRiskFlag.objects.filter(child=child):
        found.extend(_flag_entries(flag))
    for meeting in TeamAroundChildMeeting.objects.filter(child=child).select_related("flag"):
        found.append(_meeting_entry(meeting))
    return sorted(found, key=lambda entry: (entry.date, entry.source))
