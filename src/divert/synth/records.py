"""Plain in-memory rows of one synthetic authority, before they are written to the register.

Foreign keys are list positions (``child`` is an index into ``AuthorityData.children``), so
generation needs no database and the loader can write each table in one bulk insert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class ChildRec:
    sex: str
    dob: dt.date
    ethnicity: str
    first_name: str
    last_name: str
    home_postcode: str
    quadrant: int
    first_seen: dt.date
    last_seen: dt.date
    uasc: bool = False
    uasc_ceased: dt.date | None = None
    disability: bool = False
    upn: str = ""
    child_id: str = ""
    first_child_born: dt.date | None = None  # a young mother's first child (synth/health.py)


@dataclass(slots=True)
class ContactRec:
    child: int
    received: dt.datetime
    source: str
    concerns: str
    decision: str  # "" while the MASH has not decided (then ``decided`` is None)
    decided: dt.datetime | None
    enquiry: int | None = None
    named: int | None = None
    need_level: str = ""
    reasons: str = ""


@dataclass(slots=True)
class EnquiryRec:
    """What reached the MASH (synth/mash.py); ``closed`` is the last decision on its contacts."""

    received: dt.datetime
    source: str
    method: str
    referrer_name: str
    referrer_role: str
    referrer_contact: str
    concerns: str
    postcode: str
    consent: str
    consent_note: str
    closed: dt.datetime | None
    stepped_up_from: int | None = None  # index into ``early_help``


@dataclass(slots=True)
class NamedChildRec:
    enquiry: int
    first_name: str
    last_name: str
    dob: dt.date | None
    sex: str
    child: int | None  # None: not matched yet


@dataclass(slots=True)
class HouseholdMemberRec:
    enquiry: int
    name: str
    relationship: str
    dob: dt.date | None


@dataclass(slots=True)
class InformationRequestRec:
    enquiry: int
    agency: str
    question: str
    requested: dt.datetime
    due: dt.datetime
    response: str
    responded: dt.datetime | None


@dataclass(slots=True)
class ReferralRec:
    child: int
    contact: int | None
    date: dt.date
    source: str
    primary_need: str
    route: str
    decided: dt.date
    re_referral: bool = False
    closed: dt.date | None = None
    closure_reason: str = ""


@dataclass(slots=True)
class AssessmentRec:
    child: int
    referral: int
    start: dt.date
    authorised: dt.date | None
    factors: str


@dataclass(slots=True)
class PlanRec:
    """A children-in-need plan."""

    child: int
    referral: int
    start: dt.date
    end: dt.date | None


@dataclass(slots=True)
class Section47Rec:
    child: int
    referral: int
    strategy_discussion: dt.date
    start: dt.date
    icpc_required: bool
    completed: dt.date | None
    strategy: int | None = None  # index into ``strategy_discussions``


@dataclass(slots=True)
class StrategyRec:
    child: int
    referral: int | None
    date: dt.date
    chair: str
    attendees: str
    decision: str
    reasons: str


@dataclass(slots=True)
class CPPlanRec:
    child: int
    referral: int
    start: dt.date
    category: str
    end: dt.date | None


@dataclass(slots=True)
class ConferenceRec:
    child: int
    section47: int | None
    plan: int | None
    kind: str
    date: dt.date
    plan_made: bool


@dataclass(slots=True)
class EpisodeRec:
    child: int
    decom: dt.date
    rne: str
    ls: str
    cin: str
    place: str
    place_provider: str
    dec: dt.date | None
    rec: str
    reason_place_change: str
    home_post: str
    pl_post: str
    urn: str
    provider: int | None
    carer: int | None
    weekly_cost: float
    planned_end: dt.date | None


@dataclass(slots=True)
class ReviewRec:
    child: int
    date: dt.date
    participation: str
    permanence_plan: bool


@dataclass(slots=True)
class VisitRec:
    child: int
    date: dt.date
    seen_alone: bool


@dataclass(slots=True)
class MissingRec:
    child: int
    kind: str
    start: dt.date
    end: dt.date | None


@dataclass(slots=True)
class AdoptionRec:
    child: int
    decision: dt.date
    matched: dt.date | None
    placed: dt.date | None
    foster_care: bool
    number_of_adopters: str
    sex_of_adopters: str
    legal_status_of_adopters: str


@dataclass(slots=True)
class LeaverContactRec:
    child: int
    date: dt.date
    in_touch: str
    activity: str
    accommodation: str


@dataclass(slots=True)
class FamilyRec:
    child: int
    name: str
    relationship: str
    dob: dt.date | None
    parental_responsibility: bool
    postcode: str


@dataclass(slots=True)
class AllocationRec:
    child: int
    worker: int
    team: int
    start: dt.date
    end: dt.date | None


@dataclass(slots=True)
class TeamRec:
    name: str
    kind: str


@dataclass(slots=True)
class ProfessionalRec:
    name: str
    job_title: str
    team: int
    qualified: bool
    sw_id: str
    active: bool


@dataclass(slots=True)
class ProviderRec:
    name: str
    kind: str
    place_provider: str
    ofsted_urn: str
    postcode: str


@dataclass(slots=True)
class HouseholdRec:
    reference: str
    name: str
    kind: str
    status: str
    enquiry_date: dt.date
    approval_date: dt.date | None
    deregistration_date: dt.date | None
    approved_places: int
    postcode: str


@dataclass(slots=True)
class HealthOutcomeRec:
    """SSDA903 OC2 for one child and collection year (synth/health.py); None: not asked."""

    child: int
    year: int
    sdq_score: int | None
    sdq_reason: str
    convicted: bool | None
    health_check: bool | None
    immunisations: bool
    teeth_check: bool
    health_assessment: bool
    substance_misuse: bool
    intervention_received: bool | None
    intervention_offered: bool | None


@dataclass(slots=True)
class PreviousPermanenceRec:
    """SSDA903 PrevPerm for one child (synth/health.py)."""

    child: int
    option: str
    la_code: str
    date: dt.date | None


@dataclass(slots=True)
class EarlyHelpRec:
    child: int
    contact: int | None
    referral: int | None
    locality: int
    lead: int  # index into ``professionals``
    start: dt.date
    assessment_completed: dt.date | None = None
    assessment_summary: str = ""
    intervention: str = ""
    intervention_start: dt.date | None = None
    intervention_planned_end: dt.date | None = None
    end: dt.date | None = None
    outcome: str = ""
    outcome_note: str = ""


@dataclass(slots=True)
class MeetingRec:
    kind: str
    date: dt.date
    chair: str
    attendees: str


@dataclass(slots=True)
class ProposalRec:
    child: int
    proposed: dt.date
    basis: str
    reasons: str
    meeting: int | None
    decision: str
    emergency: bool = False
    accommodated_on: dt.date | None = None
    justification: str = ""
    package: str = ""
    decision_note: str = ""


@dataclass(slots=True)
class AlternativeRec:
    proposal: int
    kind: str
    status: str
    note: str


@dataclass(slots=True)
class ResourceRequestRec:
    child: int
    requested: dt.date
    need: str
    meeting: int | None
    decision: str
    approved_option: int | None  # index into ``resource_options``
    conditions: str
    planned_end: dt.date | None
    episode: int | None


@dataclass(slots=True)
class ResourceOptionRec:
    request: int
    kind: str
    placement: str
    provider: int | None
    description: str
    weekly_cost: float
    available: bool = True


@dataclass
class AuthorityData:
    """Every row of one authority, by table, with list positions for links."""

    localities: list[str] = field(default_factory=list)
    teams: list[TeamRec] = field(default_factory=list)
    professionals: list[ProfessionalRec] = field(default_factory=list)
    providers: list[ProviderRec] = field(default_factory=list)
    households: list[HouseholdRec] = field(default_factory=list)
    children: list[ChildRec] = field(default_factory=list)
    family: list[FamilyRec] = field(default_factory=list)
    contacts: list[ContactRec] = field(default_factory=list)
    referrals: list[ReferralRec] = field(default_factory=list)
    assessments: list[AssessmentRec] = field(default_factory=list)
    cin_plans: list[PlanRec] = field(default_factory=list)
    section47s: list[Section47Rec] = field(default_factory=list)
    cp_plans: list[CPPlanRec] = field(default_factory=list)
    conferences: list[ConferenceRec] = field(default_factory=list)
    episodes: list[EpisodeRec] = field(default_factory=list)
    reviews: list[ReviewRec] = field(default_factory=list)
    visits: list[VisitRec] = field(default_factory=list)
    missing: list[MissingRec] = field(default_factory=list)
    adoptions: list[AdoptionRec] = field(default_factory=list)
    leaver_contacts: list[LeaverContactRec] = field(default_factory=list)
    allocations: list[AllocationRec] = field(default_factory=list)
    health_outcomes: list[HealthOutcomeRec] = field(default_factory=list)
    previous_permanence: list[PreviousPermanenceRec] = field(default_factory=list)
    enquiries: list[EnquiryRec] = field(default_factory=list)
    named_children: list[NamedChildRec] = field(default_factory=list)
    household_members: list[HouseholdMemberRec] = field(default_factory=list)
    information_requests: list[InformationRequestRec] = field(default_factory=list)
    strategy_discussions: list[StrategyRec] = field(default_factory=list)
    early_help: list[EarlyHelpRec] = field(default_factory=list)
    panel_meetings: list[MeetingRec] = field(default_factory=list)
    proposals: list[ProposalRec] = field(default_factory=list)
    alternatives: list[AlternativeRec] = field(default_factory=list)
    resource_requests: list[ResourceRequestRec] = field(default_factory=list)
    resource_options: list[ResourceOptionRec] = field(default_factory=list)

    def row_count(self) -> int:
        return sum(len(v) for v in vars(self).values())
