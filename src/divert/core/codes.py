"""DfE codes (SSDA903 and CIN census, 2025/26) as Django choices.

One place for every statutory code, so that models, forms, imports and exports agree.
The meanings follow ``shared/REFERENCE.md`` section 3.
"""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer(s) only"
    T = "T", "Change of placement, same carer(s)"
    U = "U", "Change of legal status and placement (same time)"
    B = "B", "Change of legal status and placement and carer(s)"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order"
    E1 = "E1", "Placement order"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = "V3", "Accommodated under an agreed series of short-term breaks (individual)"
    V4 = "V4", "Accommodated under an agreed series of short-term breaks (respite)"
    J1 = "J1", "Remanded to local authority accommodation"
    J2 = "J2", "Placed under PACE"
    J3 = "J3", "Sentenced to a Youth Rehabilitation Order"
    L1 = "L1", "Under police protection"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Child assessment order"


SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})


class Placement(models.TextChoices):
    A3 = "A3", "Placed for adoption with parental consent with current foster carer(s)"
    A4 = "A4", "Placed for adoption with parental consent not with current foster carer(s)"
    A5 = "A5", "Placed for adoption with placement order with current foster carer(s)"
    A6 = "A6", "Placed for adoption with placement order not with current foster carer(s)"
    H5 = "H5", "Semi-independent living accommodation not subject to children's homes regulations"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Supported accommodation (16+)"
    P1 = "P1", "Placed with own parent(s) or other person(s) with parental responsibility"
    P2 = "P2", "Independent living"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS/health trust or other establishment providing medical or nursing care"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or secure training centre"
    S1 = "S1", "All residential schools, except where dual-registered as a school and children's home"
    T0 = "T0", "Temporary placement: all types"
    T1 = "T1", "Temporary periods in hospital"
    T2 = "T2", "Temporary periods of absence"
    T3 = "T3", "Temporary periods at a holiday"
    T4 = "T4", "Temporary accommodation whilst normal foster carer(s) unavailable"
    U1 = "U1", "Foster placement with relative or friend, long-term fostering"
    U2 = "U2", "Foster placement with relative or friend who is an approved adopter (FFA/concurrent)"
    U3 = "U3", "Foster placement with relative or friend, not long-term or FFA"
    U4 = "U4", "Foster placement with other foster carer, long-term fostering"
    U5 = "U5", "Foster placement with other foster carer who is an approved adopter (FFA/concurrent)"
    U6 = "U6", "Foster placement with other foster carer, not long-term or FFA"
    Z1 = "Z1", "Other placements"
    Z11 = "Z11", "Other placements: not regulated"
    Z12 = "Z12", "Other placements: unregistered children's home"
    Z13 = "Z13", "Other placements: unregistered supported accommodation"
    Z14 = "Z14", "Other placements: other"


ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
KINSHIP_PLACEMENTS = frozenset({"U1", "U2", "U3"})
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
RESIDENTIAL_PLACEMENTS = frozenset({"K1", "K2", "R1", "S1"})
SUPPORTED_PLACEMENTS = frozenset({"K3", "H5", "P2"})
LONG_TERM_FOSTER = frozenset({"U1", "U4"})


class PlaceProvider(models.TextChoices):
    PR0 = "PR0", "Parent(s) or other person(s) with parental responsibility"
    PR1 = "PR1", "Own provision (by the local authority)"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision (for example a primary care trust or school)"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary/third sector provision"


INDEPENDENT_PROVIDERS = frozenset({"PR4", "PR5"})


class ReasonEpisodeCeased(models.TextChoices):
    E11 = "E11", "Adopted: application for an adoption order unopposed"
    E12 = "E12", "Adopted: consent dispensed with by the court"
    E13 = (
        "E13",
        "Left care to live with parent(s), relative(s), or other person(s) with no parental responsibility",
    )
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority in the UK"
    E4A = "E4A", "Returned home to live with parent(s) or relative(s) as part of the care planning process"
    E4B = (
        "E4B",
        "Returned home to live with parent(s) or relative(s) not as part of the care planning process",
    )
    E41 = "E41", "Residence order or child arrangement order granted"
    E45 = (
        "E45",
        "Special guardianship order made to former foster carer(s), who were/are a relative or friend",
    )
    E46 = "E46", "Special guardianship order made to former foster carer(s), other than relative or friend"
    E47 = (
        "E47",
        "Special guardianship order made to carer(s), other than former foster carer(s), relative or friend",
    )
    E48 = "E48", "Special guardianship order made to carer(s), other than former foster carer(s), other"
    E5 = (
        "E5",
        "Moved into independent living arrangement and no longer looked after: supportive accommodation",
    )
    E6 = "E6", "Moved into independent living arrangement and no longer looked after: no formalised support"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period of being looked after ceased for any other reason"
    E9 = "E9", "Sentenced to custody"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment determined child is aged 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 (or over) and remained with current carers (staying put)"
    X1 = "X1", "Episode ceases, and new episode begins on same day, for any reason"


ADOPTED = frozenset({"E11", "E12"})
SPECIAL_GUARDIANSHIP = frozenset({"E45", "E46", "E47", "E48"})
RETURNED_HOME = frozenset({"E4A", "E4B", "E13"})


class ReasonPlaceChange(models.TextChoices):
    CARPL = "CARPL", "Change to/implementation of care plan"
    CLOSE = "CLOSE", "Resignation/closure of provision"
    ALLEG = "ALLEG", "Allegation (section 47 enquiry)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer request: child's behaviour"
    CREQO = "CREQO", "Carer request: other"
    CHILD = "CHILD", "Child requests placement end"
    LAREQ = "LAREQ", "Responsible/area authority requests placement end"
    PLACE = "PLACE", "Change in the status of placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"


class ReviewParticipation(models.TextChoices):
    PN0 = "PN0", "Child aged under 4 at the time of the review"
    PN1 = "PN1", "Child physically attends and speaks for themselves"
    PN2 = "PN2", "Child physically attends, an advocate speaks on their behalf"
    PN3 = "PN3", "Child attends and conveys views symbolically (non-verbally)"
    PN4 = "PN4", "Child physically attends but does not speak for themselves or convey views"
    PN5 = "PN5", "Child does not attend but briefs an advocate to speak for them"
    PN6 = "PN6", "Child does not attend but conveys their feelings by a facilitative medium"
    PN7 = "PN7", "Child does not attend nor are their views conveyed to the review"


class SDQReason(models.TextChoices):
    """SSDA903 OC2 SDQ_REASON: why a child looked after for 12 months has no SDQ score."""

    SDQ1 = "SDQ1", "No form returned as the child was aged under 4 or over 17 at the latest assessment"
    SDQ2 = "SDQ2", "Carer(s) refused to complete and return the questionnaire"
    SDQ3 = "SDQ3", "Not possible to complete the questionnaire due to the severity of the child's disability"
    SDQ4 = "SDQ4", "Other"
    SDQ5 = "SDQ5", "Child or young person refuses to allow an SDQ to be completed"


class PreviousPermanence(models.TextChoices):
    """SSDA903 PrevPerm PREV_PERM: the permanence order a child had before this period of care."""

    P1 = "P1", "Adoption"
    P2 = "P2", "Special guardianship order"
    P3 = "P3", "Residence order or child arrangements order naming with whom the child is to live"
    P4 = "P4", "Unknown"
    Z1 = "Z1", "Child has not previously had a permanence option"


class ReferralSource(models.TextChoices):
    """CIN census referral source codes."""

    S1A = "1A", "Individual: family member/relative/carer"
    S1B = "1B", "Individual: acquaintance"
    S1C = "1C", "Individual: self"
    S1D = "1D", "Individual: other"
    S2A = "2A", "Schools"
    S2B = "2B", "Education services"
    S3A = "3A", "Health services: GP"
    S3B = "3B", "Health services: health visitor"
    S3C = "3C", "Health services: school nurse"
    S3D = "3D", "Health services: other primary health services"
    S3E = "3E", "Health services: A&E"
    S3F = "3F", "Health services: other"
    S4 = "4", "Housing"
    S5A = "5A", "LA services: social care"
    S5B = "5B", "LA services: other internal"
    S5C = "5C", "LA services: external"
    S5D = "5D", "LA services: early help"
    S6 = "6", "Police"
    S7 = "7", "Other legal agency"
    S8 = "8", "Other"
    S9 = "9", "Anonymous"
    S10 = "10", "Unknown"


class CINClosureReason(models.TextChoices):
    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social care services"
    RC7 = "RC7", "Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"


class CPCategory(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple/not recommended"


class PartnerAgency(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"


# Placement categories for figures, breakdowns and the forecast: the SSDA903 PLACE code with
# the provider, since "in-house" and "independent" differ only by PLACE_PROVIDER.
PLACEMENT_CATEGORIES = (
    "In-house foster care",
    "Independent foster care",
    "Kinship foster care",
    "Residential: in-house",
    "Residential: independent",
    "Supported accommodation",
    "Placed with parents",
    "Placed for adoption",
    "Other",
)
NON_KINSHIP_FOSTER = FOSTER_PLACEMENTS - KINSHIP_PLACEMENTS


def placement_category(place: str, provider: str) -> str:
    """The category of a placement (one of ``PLACEMENT_CATEGORIES``)."""
    independent = provider in INDEPENDENT_PROVIDERS
    if place in KINSHIP_PLACEMENTS:
        return "Kinship foster care"
    if place in NON_KINSHIP_FOSTER:
        return "Independent foster care" if independent else "In-house foster care"
    if place in RESIDENTIAL_PLACEMENTS:
        return "Residential: independent" if independent else "Residential: in-house"
    if place in SUPPORTED_PLACEMENTS:
        return "Supported accommodation"
    if place == "P1":
        return "Placed with parents"
    if place in ADOPTION_PLACEMENTS:
        return "Placed for adoption"
    return "Other"
