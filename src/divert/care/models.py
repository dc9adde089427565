"""Periods of care as SSDA903 episodes, with the placement's provider, weekly cost and end date.

The episode is the unit of truth: every figure about children in care (counts, starts,
ceases, moves, stability, spend) is derived from these dated rows, so that any figure can be
recomputed "as at" any date. A new episode starts whenever legal status or placement changes.
The early warning adds what the episodes cannot say: a placement flagged at risk of breaking
down, and the team-around-the-child meetings held to support it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.core.codes import (
    CategoryOfNeed,
    LegalStatus,
    Placement,
    PlaceProvider,
    PreviousPermanence,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    ReviewParticipation,
    SDQReason,
)
from divert.people.models import Child


def _in_choices(
    field: str, choices: type[models.TextChoices], *, blank: bool = False
) -> models.CheckConstraint:
    """A database guarantee that a coded column only holds a valid DfE code."""
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        name=f"%(class)s_{field}_valid", condition=models.Q(**{f"{field}__in": values})
    )


class Provider(models.Model):
    """Who runs a placement: the council itself, another authority, or an independent provider."""

    class Kind(models.TextChoices):
        IN_HOUSE_FOSTERING = "in_house_fostering", "In-house fostering service"
        FOSTERING_AGENCY = "ifa", "Independent fostering agency"
        CHILDRENS_HOME = "childrens_home", "Children's home"
        SUPPORTED_ACCOMMODATION = "supported", "Supported accommodation"
        RESIDENTIAL_SCHOOL = "residential_school", "Residential school"
        SECURE = "secure", "Secure children's home"
        PARENT_AND_CHILD = "parent_and_child", "Parent and child / family centre"
        HEALTH = "health", "Health provision"
        OTHER = "other", "Other"

    class Location(models.TextChoices):
        """Where the provider is, as commissioning reports it (recorded, not computed)."""

        IN_AUTHORITY = "in_authority", "In the authority"
        WITHIN_20_MILES = "within_20_miles", "Within 20 miles"
        FURTHER = "further", "Further than 20 miles"

    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    place_provider = models.CharField(max_length=3, choices=PlaceProvider.choices)
    ofsted_urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    location = models.CharField(max_length=20, choices=Location.choices, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="unique_provider_name"),
            _in_choices("place_provider", PlaceProvider),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_independent(self) -> bool:
        return self.place_provider in {"PR4", "PR5"}


class Episode(models.Model):
    """One SSDA903 episode: a period with one legal status and one placement.

    A child's episodes never overlap (``divert.care.actions`` refuses it on every database,
    and PostgreSQL also enforces it with an exclusion constraint); DEC is on or after DECOM.
    """

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    decom = models.DateField("Date episode commenced (DECOM)")
    rne = models.CharField("Reason for new episode (RNE)", max_length=1, choices=ReasonNewEpisode.choices)
    ls = models.CharField("Legal status (LS)", max_length=2, choices=LegalStatus.choices)
    cin = models.CharField("Category of need (CIN)", max_length=2, choices=CategoryOfNeed.choices)
    place = models.CharField("Placement type (PLACE)", max_length=3, choices=Placement.choices)
    place_provider = models.CharField(
        "Placement provider (PLACE_PROVIDER)", max_length=3, choices=PlaceProvider.choices, blank=True
    )
    dec = models.DateField("Date episode ceased (DEC)", null=True, blank=True)
    rec = models.CharField(
        "Reason episode ceased (REC)", max_length=3, choices=ReasonEpisodeCeased.choices, blank=True
    )
    reason_place_change = models.CharField(
        "Reason for placement change", max_length=6, choices=ReasonPlaceChange.choices, blank=True
    )
    home_post = models.CharField("Home postcode (HOME_POST)", max_length=8, blank=True)
    pl_post = models.CharField("Placement postcode (PL_POST)", max_length=8, blank=True)
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    carer = models.ForeignKey(
        "carers.FosterHousehold", null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    weekly_cost = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    contract = models.ForeignKey(
        "commissioning.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes"
    )
    cost_override_reason = models.TextField(
        "Why the cost differs from the contract",
        blank=True,
        help_text="Blank when the contract sets the cost",
    )
    planned_end = models.DateField("Planned end date", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "decom"]
        constraints = [
            models.UniqueConstraint(fields=["child", "decom"], name="one_episode_start_per_day"),
            models.CheckConstraint(
                name="episode_ceases_on_or_after_start",
                condition=models.Q(dec__isnull=True) | models.Q(dec__gte=models.F("decom")),
            ),
            models.CheckConstraint(
                name="episode_ceased_has_reason",
                condition=(models.Q(dec__isnull=True) & models.Q(rec=""))
                | (models.Q(dec__isnull=False) & ~models.Q(rec="")),
            ),
            models.CheckConstraint(name="episode_cost_not_negative", condition=models.Q(weekly_cost__gte=0)),
            _in_choices("rne", ReasonNewEpisode),
            _in_choices("ls", LegalStatus),
            _in_choices("cin", CategoryOfNeed),
            _in_choices("place", Placement),
            _in_choices("place_provider", PlaceProvider, blank=True),
            _in_choices("rec", ReasonEpisodeCeased, blank=True),
            _in_choices("reason_place_change", ReasonPlaceChange, blank=True),
        ]
        indexes = [models.Index(fields=["decom"]), models.Index(fields=["dec"])]

    def __str__(self) -> str:
        return f"{self.child.child_id} {self.decom:%d/%m/%Y} {self.ls}/{self.place}"

    def is_open_on(self, day: dt.date) -> bool:
        """Open on ``day``: started on or before it and not ceased before it (DEC is exclusive)."""
        return self.decom <= day and (self.dec is None or self.dec > day)

    @property
    def is_independent(self) -> bool:
        return self.place_provider in {"PR4", "PR5"}


class LookedAfterReview(models.Model):
    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="la_reviews")
    date = models.DateField()
    participation = models.CharField(max_length=3, choices=ReviewParticipation.choices)
    permanence_plan = models.BooleanField(
        default=False, help_text="A permanence plan was in place at this review"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="one_review_per_day"),
            _in_choices("participation", ReviewParticipation),
        ]

    def __str__(self) -> str:
        return f"Review {self.date:%d/%m/%Y}"


class Visit(models.Model):
    """A statutory visit by the child's social worker."""

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField()
    seen_alone = models.BooleanField(default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "date"]

    def __str__(self) -> str:
        return f"Visit {self.date:%d/%m/%Y}"


class MissingEpisode(models.Model):
    child_path = "child"

    class Kind(models.TextChoices):
        MISSING = "M", "Missing"
        AWAY = "A", "Away from placement without authorisation"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_episodes")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "start"]
        constraints = [
            models.CheckConstraint(
                name="missing_ends_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start:%d/%m/%Y}"


class AdoptionRecord(models.Model):
    """The adoption steps of SSDA903 AD1 and PlacedAdoption for one child."""

    child_path = "child"
    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="adoption")
    decision = models.DateField("Decision that the child should be placed for adoption (DATE_INT)")
    matched = models.DateField("Date matched with adopters (DATE_MATCH)", null=True, blank=True)
    placed = models.DateField("Date placed for adoption", null=True, blank=True)
    placed_ceased = models.DateField(null=True, blank=True)
    reason_placed_ceased = models.CharField(max_length=3, blank=True)
    foster_care = models.BooleanField("Adopted by former foster carers", default=False)
    number_of_adopters = models.CharField(
        max_length=1, choices=[("1", "Single"), ("2", "Couple")], blank=True
    )
    sex_of_adopters = models.CharField(
        max_length=2, blank=True, help_text="SSDA903 SEX_ADOPTR (M1, F1, MM, FF, MF)"
    )
    legal_status_of_adopters = models.CharField(
        max_length=3, blank=True, help_text="SSDA903 LS_ADOPTR (L0-L4, L11-L12)"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="adoption_matched_after_decision",
                condition=models.Q(matched__isnull=True) | models.Q(matched__gte=models.F("decision")),
            ),
            models.CheckConstraint(
                name="adoption_placed_after_matched",
                condition=models.Q(placed__isnull=True)
                | models.Q(matched__isnull=True)
                | models.Q(placed__gte=models.F("matched")),
            ),
        ]

    def __str__(self) -> str:
        return f"Adoption steps for {self.child_id}"


class CareLeaverContact(models.Model):
    """The yearly contact with a care leaver around their birthday (SSDA903 OC3)."""

    child_path = "child"

    class InTouch(models.TextChoices):
        YES = "YES", "In touch"
        NO = "NO", "Not in touch"
        DIED = "DIED", "Died"
        REFU = "REFU", "Refuses contact"
        NREQ = "NREQ", "No longer requires services"
        RHOM = "RHOM", "Returned home"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="leaver_contacts")
    date = models.DateField()
    in_touch = models.CharField(max_length=4, choices=InTouch.choices)
    activity = models.CharField(max_length=2, blank=True, help_text="SSDA903 ACTIV (F1, P1, F2 ... G6)")
    accommodation = models.CharField(max_length=2, blank=True, help_text="SSDA903 ACCOM (B1 ... Z2)")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "date"]
        constraints = [models.UniqueConstraint(fields=["child", "date"], name="one_leaver_contact_per_day")]

    def __str__(self) -> str:
        return f"Care leaver contact {self.date:%d/%m/%Y}"


class AnnualHealthOutcome(models.Model):
    """What the SSDA903 OC2 table asks about a child looked after continuously for 12 months at 31 March.

    One row per child per collection year (``year`` is the year the collection ends, as in the
    returns): the outcomes describe that year, so last year's answers stay as they were returned.
    A blank (null) item was not asked or not known: SDQ is for ages 4 to 16, conviction from 10,
    the health check under 5, and the two intervention items only when substance misuse was found.
    The rules below are the DfE's own consistency rules, held as database guarantees (a
    nullable column is tested ``IS NOT NULL`` too: SQL lets a CHECK on NULL pass).
    """

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="health_outcomes")
    year = models.PositiveSmallIntegerField("Collection year (the year it ends, 31 March)")
    sdq_score = models.PositiveSmallIntegerField(
        "Strengths and difficulties score (0-40)", null=True, blank=True
    )
    sdq_reason = models.CharField(
        "Reason for no SDQ score", max_length=4, choices=SDQReason.choices, blank=True
    )
    convicted = models.BooleanField(
        "Convicted or subject to a youth caution in the year", null=True, blank=True
    )
    health_check = models.BooleanField("Development assessments up to date (under 5)", null=True, blank=True)
    immunisations = models.BooleanField("Immunisations up to date", null=True, blank=True)
    teeth_check = models.BooleanField("Teeth checked by a dentist", null=True, blank=True)
    health_assessment = models.BooleanField("Annual health assessment", null=True, blank=True)
    substance_misuse = models.BooleanField("Substance misuse problem identified", null=True, blank=True)
    intervention_received = models.BooleanField("Received an intervention for it", null=True, blank=True)
    intervention_offered = models.BooleanField("Offered an intervention (refused)", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "year"]
        constraints = [
            models.UniqueConstraint(fields=["child", "year"], name="one_health_outcome_per_year"),
            models.CheckConstraint(
                name="health_sdq_score_0_to_40",
                condition=models.Q(sdq_score__isnull=True) | models.Q(sdq_score__lte=40),
            ),
            models.CheckConstraint(  # DfE rule 197a
                name="health_sdq_score_or_reason_not_both",
                condition=models.Q(sdq_score__isnull=True) | models.Q(sdq_reason=""),
            ),
            models.CheckConstraint(  # DfE rules 192/193: the interventions follow a misuse found
                name="health_intervention_only_for_misuse",
                condition=models.Q(substance_misuse__isnull=False, substance_misuse=True)
                | (
                    models.Q(intervention_received__isnull=True) & models.Q(intervention_offered__isnull=True)
                ),
            ),
            models.CheckConstraint(  # DfE rule 158: "offered" is asked only when none was received
                name="health_offered_only_when_not_received",
                condition=models.Q(intervention_offered__isnull=True)
                | models.Q(intervention_received__isnull=False, intervention_received=False),
            ),
            _in_choices("sdq_reason", SDQReason, blank=True),
        ]

    def __str__(self) -> str:
        return f"Health outcomes {self.year - 1}/{self.year % 100:02d}"


class PreviousPermanenceOrder(models.Model):
    """The permanence a child had before this period of care (SSDA903 PrevPerm).

    Asked when a child starts to be looked after: had they been adopted, or left an earlier
    period of care under a special guardianship or child arrangements order? Most had not
    (``Z1``), and then the authority and date that made the order are blank.
    """

    child_path = "child"
    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="previous_permanence")
    option = models.CharField(
        "Previous permanence (PREV_PERM)", max_length=2, choices=PreviousPermanence.choices
    )
    la_code = models.CharField(
        "Authority that arranged it (LA_PERM)",
        max_length=3,
        blank=True,
        help_text="The DfE's three-digit LA number, or WAL, SCO, NIR or NUK outside England",
    )
    date = models.DateField("Date of the order (DATE_PERM)", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "previous permanence orders"
        constraints = [
            _in_choices("option", PreviousPermanence),
            models.CheckConstraint(  # DfE rule 635: no authority or date without an order
                name="previous_permanence_none_has_no_details",
                condition=~models.Q(option="Z1") | (models.Q(la_code="") & models.Q(date__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"Previous permanence {self.option}"


class RiskRaisedBy(models.TextChoices):
    """Who saw that a placement may break down (the seeds name foster carers and social workers)."""

    FOSTER_CARER = "foster_carer", "Foster carer"
    RESIDENTIAL_STAFF = "residential_staff", "Residential staff"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"


class RiskOutcome(models.TextChoices):
    """How an at-risk flag ended."""

    STABILISED = "stabilised", "Placement stabilised"
    MOVED = "moved", "Child moved placement"
    ENDED = "ended", "Care or the placement ended"


class MeetingReason(models.TextChoices):
    """The early warning a team-around-the-child meeting answers."""

    AT_RISK = "at_risk", "Placement flagged at risk of breaking down"
    MOVED = "moved", "One or more placement moves in the last 12 months"
    NEAR_THREE = "near_three", "One move away from three placements in the year"


class PlacementRiskFlag(models.Model):
    """A placement someone close to it fears may break down: the early warning the seeds ask for.

    Peterborough: "Potential placement breakdowns should be identified by foster carers and
    social workers" and a team around the child convened to support the placement. The flag
    is on one episode (the placement as it stood when raised) and stays open until someone
    records how it ended: the placement stabilised, the child moved, or care ended.
    """

    RaisedBy = RiskRaisedBy
    Outcome = RiskOutcome

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placement_risk_flags")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="risk_flags")
    raised = models.DateField("Date raised")
    raised_by = models.CharField("Raised by", max_length=20, choices=RaisedBy.choices)
    reason = models.TextField("Why the placement is at risk")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved = models.DateField("Date resolved", null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("What happened", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-raised", "-pk"]
        verbose_name = "placement at-risk flag"
        constraints = [
            models.CheckConstraint(
                name="risk_flag_resolved_on_or_after_raised",
                condition=models.Q(resolved__isnull=True) | models.Q(resolved__gte=models.F("raised")),
            ),
            models.CheckConstraint(
                name="risk_flag_resolved_has_outcome",
                condition=(models.Q(resolved__isnull=True) & models.Q(outcome=""))
                | (models.Q(resolved__isnull=False) & ~models.Q(outcome="")),
            ),
            _in_choices("raised_by", RiskRaisedBy),
            _in_choices("outcome", RiskOutcome, blank=True),
        ]
        indexes = [models.Index(fields=["resolved"])]

    def __str__(self) -> str:
        return f"Placement at risk from {self.raised:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.resolved is None


class TeamAroundChildMeeting(models.Model):
    """A team-around-the-child meeting held to support a placement, with what it agreed.

    Each answers one early warning: an at-risk flag (``flag``), or the child's moves in the
    last 12 months. The early-warning lists show, for each child, whether one has been held
    since the warning began.
    """

    Reason = MeetingReason

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="team_around_child_meetings")
    date = models.DateField("Date of the meeting")
    reason = models.CharField("What the meeting answers", max_length=12, choices=Reason.choices)
    flag = models.ForeignKey(
        PlacementRiskFlag, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    attendees = models.TextField("Who attended")
    agreed = models.TextField("What was agreed", help_text="The actions, who does each and by when")
    next_meeting = models.DateField("Next meeting", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-date", "-pk"]
        verbose_name = "team around the child meeting"
        constraints = [
            models.CheckConstraint(
                name="tac_flag_only_for_at_risk",
                condition=(models.Q(reason="at_risk") & models.Q(flag__isnull=False))
                | (~models.Q(reason="at_risk") & models.Q(flag__isnull=True)),
            ),
            models.CheckConstraint(
                name="tac_next_meeting_after_date",
                condition=models.Q(next_meeting__isnull=True) | models.Q(next_meeting__gt=models.F("date")),
            ),
            _in_choices("reason", MeetingReason),
        ]

    def __str__(self) -> str:
        return f"Team around the child meeting {self.date:%d/%m/%Y}"
