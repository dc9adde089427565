"""One child's record with an event of every kind the chronology reads, each on its own date.

``EXPECTED`` says, for each entry the chronology should show, its kind, date and the start of its
title, so a test can check every source against the record it comes from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from divert.care.models import (
    AdoptionRecord,
    CareLeaverContact,
    Episode,
    LookedAfterReview,
    MissingEpisode,
    PlacementRiskFlag,
    TeamAroundChildMeeting,
    Visit,
)
from divert.cases.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    Conference,
    PlanReview,
    Section47,
    StrategyDiscussion,
)
from divert.chronology.models import SignificantEvent
from divert.core.models import User
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import Contact, Enquiry, Referral
from divert.panels.models import EdgeOfCareProposal, PanelMeeting, ResourceRequest
from divert.people.models import Child, Locality, Professional
from divert.stepdown.models import Decision, PlacementReviewMeeting

D = dt.date

#: (kind, date, title begins) for every entry ``build_record`` gives rise to, oldest first.
EXPECTED: list[tuple[str, dt.date, str]] = [
    ("early_help", D(2022, 6, 1), "Early help began"),
    ("early_help", D(2022, 7, 1), "Early help assessment completed"),
    ("early_help", D(2022, 10, 31), "Early help closed: Stepped up"),
    ("plan", D(2022, 11, 1), "Child in need plan began"),
    ("plan", D(2022, 12, 31), "Child in need plan ended"),
    ("contact", D(2023, 1, 10), "Contact received"),
    ("contact", D(2023, 1, 11), "MASH decision: Referral to children's social care"),
    ("referral", D(2023, 1, 12), "Referral to children's social care"),
    ("assessment", D(2023, 1, 13), "Children and families assessment began"),
    ("strategy", D(2023, 1, 20), "Strategy discussion: Begin a section 47 enquiry"),
    ("strategy", D(2023, 1, 21), "Section 47 enquiry began"),
    ("strategy", D(2023, 2, 1), "Section 47 enquiry completed"),
    ("conference", D(2023, 2, 6), "Initial child protection conference"),
    ("plan", D(2023, 2, 7), "Child protection plan began"),
    ("assessment", D(2023, 2, 20), "Assessment authorised"),
    ("plan_review", D(2024, 2, 7), "12-month review of the child protection plan"),
    ("panel", D(2024, 3, 1), "Proposed to the edge-of-care panel"),
    ("panel", D(2024, 3, 5), "Edge-of-care panel decision: Accommodate"),
    ("care", D(2024, 3, 6), "Became looked after"),
    ("panel", D(2024, 3, 10), "Request to the resource panel"),
    ("la_review", D(2024, 4, 1), "Looked-after review"),
    ("visit", D(2024, 4, 15), "Statutory visit"),
    ("significant", D(2024, 5, 5), "Interim care order hearing"),
    ("placement", D(2024, 6, 1), "Placement moved"),
    ("care", D(2024, 9, 1), "Legal status changed"),
    ("placement_review", D(2024, 6, 20), "Placement review: stay"),
    ("missing", D(2024, 7, 1), "Missing from placement"),
    ("stability", D(2024, 8, 1), "Placement flagged at risk by the social worker"),
    ("stability", D(2024, 8, 5), "Team around the child meeting"),
    ("stability", D(2024, 8, 20), "At-risk flag resolved: placement stabilised"),
    ("permanence", D(2024, 10, 1), "Decision that the child should be placed for adoption"),
    ("care", D(2025, 5, 1), "Left care"),
    ("referral", D(2025, 6, 1), "Children in need episode closed"),
    ("care_leaver", D(2025, 6, 20), "Care leaver contact"),
]


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def build_record(child: Child, user: User) -> dict[str, object]:
    """Write one record of every kind for ``child``; returns the records by name."""
    locality = Locality.objects.create(authority=child.authority, name="Plymptown North")
    lead = Professional.objects.create(name="Lee Lead", team=child.allocations.first().team)  # type: ignore[union-attr]
    records: dict[str, object] = {}
    records["early_help"] = EarlyHelpEpisode.objects.create(
        child=child,
        locality=locality,
        lead_professional=lead,
        start=D(2022, 6, 1),
        assessment_completed=D(2022, 7, 1),
        assessment_summary="Family under strain after a move.",
        end=D(2022, 10, 31),
        outcome=EarlyHelpEpisode.Outcome.STEPPED_UP,
    )
    records["cin_plan"] = CINPlan.objects.create(child=child, start=D(2022, 11, 1), end=D(2022, 12, 31))
    enquiry = Enquiry.objects.create(
        authority=child.authority,
        received=_moment(D(2023, 1, 10), 9),
        source="5A",
        method=Enquiry.Method.PHONE,
        referrer_name="PC Plum",
        concerns="Bruising seen at school.",
    )
    records["enquiry"] = enquiry
    records["contact"] = contact = Contact.objects.create(
        child=child,
        enquiry=enquiry,
        received=_moment(D(2023, 1, 10), 9),
        source="5A",
        concerns="Bruising seen at school.",
        decision=Contact.Decision.REFERRAL,
        decided=_moment(D(2023, 1, 11), 15),
        decided_by=user,
        reasons="Needs a strategy discussion.",
    )
    records["referral"] = referral = Referral.objects.create(
        child=child,
        contact=contact,
        date=D(2023, 1, 12),
        source="5A",
        route=Referral.Route.STRATEGY,
        decided=D(2023, 1, 12),
        closed=D(2025, 6, 1),
        closure_reason="RC8",
    )
    records["assessment"] = Assessment.objects.create(
        child=child, referral=referral, start=D(2023, 1, 13), authorised=D(2023, 2, 20)
    )
    records["strategy"] = strategy = StrategyDiscussion.objects.create(
        child=child, referral=referral, date=D(2023, 1, 20), decision=StrategyDiscussion.Decision.SECTION_47
    )
    records["section47"] = s47 = Section47.objects.create(
        child=child,
        referral=referral,
        strategy=strategy,
        strategy_discussion=D(2023, 1, 20),
        start=D(2023, 1, 21),
        icpc_required=True,
        completed=D(2023, 2, 1),
    )
    records["cp_plan"] = plan = ChildProtectionPlan.objects.create(
        child=child, referral=referral, start=D(2023, 2, 7), category="PHY"
    )
    records["conference"] = Conference.objects.create(
        child=child,
        section47=s47,
        plan=plan,
        kind=Conference.Kind.INITIAL,
        date=D(2023, 2, 6),
        plan_made=True,
    )
    records["plan_review"] = PlanReview.objects.create(
        child=child,
        cp_plan=plan,
        milestone=12,
        date=D(2024, 2, 7),
        outcome=PlanReview.Outcome.MANAGEMENT_OF_RISK,
    )
    meeting = PanelMeeting.objects.create(
        authority=child.authority, kind=PanelMeeting.Kind.EDGE_OF_CARE, date=D(2024, 3, 5), chair="Sue Chair"
    )
    records["proposal"] = EdgeOfCareProposal.objects.create(
        child=child,
        proposed=D(2024, 3, 1),
        basis=EdgeOfCareProposal.Basis.CARE_PROCEEDINGS,
        reasons="Injuries not explained.",
        meeting=meeting,
        decision=EdgeOfCareProposal.Decision.ACCOMMODATE,
    )
    records["request"] = ResourceRequest.objects.create(
        child=child, requested=D(2024, 3, 10), need="A foster home near school"
    )
    records["episodes"] = [
        Episode.objects.create(
            child=child,
            decom=D(2024, 3, 6),
            rne="S",
            ls="C1",
            cin="N1",
            place="U6",
            dec=D(2024, 6, 1),
            rec="X1",
            weekly_cost=Decimal("450"),
        ),
        Episode.objects.create(
            child=child,
            decom=D(2024, 6, 1),
            rne="P",
            ls="C1",
            cin="N1",
            place="U4",
            dec=D(2024, 9, 1),
            rec="X1",
            reason_place_change="CARPL",
        ),
        Episode.objects.create(
            child=child,
            decom=D(2024, 9, 1),
            rne="L",
            ls="C2",
            cin="N1",
            place="U4",
            dec=D(2025, 5, 1),
            rec="E4A",
        ),
    ]
    records["la_review"] = LookedAfterReview.objects.create(
        child=child, date=D(2024, 4, 1), participation="PN1"
    )
    records["visit"] = Visit.objects.create(child=child, date=D(2024, 4, 15))
    records["missing"] = MissingEpisode.objects.create(
        child=child, kind=MissingEpisode.Kind.MISSING, start=D(2024, 7, 1), end=D(2024, 7, 2)
    )
    records["adoption"] = AdoptionRecord.objects.create(child=child, decision=D(2024, 10, 1))
    records["leaver"] = CareLeaverContact.objects.create(child=child, date=D(2025, 6, 20), in_touch="YES")
    moved = records["episodes"][1]
    review = PlacementReviewMeeting.objects.create(
        authority=child.authority, date=D(2024, 6, 20), chair="Tom"
    )
    records["placement_review"] = Decision.objects.create(
        meeting=review,
        child=child,
        episode=moved,
        weekly_cost=moved.weekly_cost,
        outcome=Decision.Outcome.STAY,
        reason="Settled with carers who can keep her long term.",
        next_review=D(2024, 9, 20),
    )
    records["flag"] = flag = PlacementRiskFlag.objects.create(
        child=child,
        episode=moved,
        raised=D(2024, 8, 1),
        raised_by=PlacementRiskFlag.RaisedBy.SOCIAL_WORKER,
        reason="Carers struggling after the missing episode.",
        resolved=D(2024, 8, 20),
        outcome=PlacementRiskFlag.Outcome.STABILISED,
    )
    records["tac"] = TeamAroundChildMeeting.objects.create(
        child=child,
        date=D(2024, 8, 5),
        reason=TeamAroundChildMeeting.Reason.AT_RISK,
        flag=flag,
        attendees="Carers, school, social worker",
        agreed="Respite weekend; school mentor.",
    )
    records["event"] = SignificantEvent.objects.create(
        child=child,
        date=D(2024, 5, 5),
        title="Interim care order hearing",
        detail="Order renewed.",
        recorded_by=user,
    )
    return records
