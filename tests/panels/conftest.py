"""Builders for the panels' tests: hand-made episodes, meetings and decided proposals.

Episodes are written straight to the table (not through ``care.actions``) so a test can lay
out exactly the entries, exits and placements a definition is about.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from divert.care.models import Episode
from divert.panels.models import EdgeOfCareProposal, PanelMeeting, ResourceOption, ResourceRequest
from divert.people.models import Child


def episode(child: Child, decom: dt.date, **extra: Any) -> Episode:
    """An episode of care; by default a start (S) in in-house foster care, still open."""
    fields: dict[str, Any] = {"rne": "S", "ls": "C2", "cin": "N1", "place": "U4", "place_provider": "PR1"}
    return Episode.objects.create(child=child, decom=decom, **(fields | extra))


def meeting(child: Child, day: dt.date, kind: str = PanelMeeting.Kind.EDGE_OF_CARE) -> PanelMeeting:
    return PanelMeeting.objects.create(authority=child.authority, kind=kind, date=day, chair="Sue Chair")


def proposal(child: Child, proposed: dt.date, **extra: Any) -> EdgeOfCareProposal:
    fields: dict[str, Any] = {"basis": "s20", "reasons": "Parents cannot keep her safe"}
    return EdgeOfCareProposal.objects.create(child=child, proposed=proposed, **(fields | extra))


def decided(child: Child, heard: dt.date, decision: str = "accommodate", **extra: Any) -> EdgeOfCareProposal:
    """A proposal made the day it was heard, decided at an edge-of-care meeting that day."""
    package = "Intensive support for 12 weeks" if decision == "divert" else ""
    return proposal(child, heard, meeting=meeting(child, heard), decision=decision, package=package, **extra)


def emergency(child: Child, day: dt.date, **extra: Any) -> EdgeOfCareProposal:
    return proposal(
        child, day, emergency=True, accommodated_on=day, justification="Police protection", **extra
    )


def approved_request(child: Child, heard: dt.date, **extra: Any) -> ResourceRequest:
    request = ResourceRequest.objects.create(child=child, requested=heard, need="A specialist home")
    option = ResourceOption.objects.create(
        request=request, kind="independent", placement="Residential: independent", weekly_cost=Decimal("4200")
    )
    request.meeting = meeting(child, heard, PanelMeeting.Kind.RESOURCE)
    request.decision = ResourceRequest.Decision.APPROVE
    request.approved_option = option
    request.planned_end = heard + dt.timedelta(days=365)
    for name, value in extra.items():
        setattr(request, name, value)
    request.save()
    return request
