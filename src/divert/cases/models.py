"""Assessments, children-in-need plans and child protection: section 47, conferences, plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.core.codes import CPCategory
from divert.frontdoor.models import Referral
from divert.people.models import Child


def _ends_after_start(name: str, start: str, end: str) -> models.CheckConstraint:
    """A period's end, when known, is on or after its start."""
    return models.CheckConstraint(
        name=name,
        condition=models.Q(**{f"{end}__isnull": True}) | models.Q(**{f"{end}__gte": models.F(start)}),
    )


class Assessment(models.Model):
    """A children and families assessment, due within 45 working days of the referral."""

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="assessments")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    start = models.DateField()
    authorised = models.DateField("Authorised (completed)", null=True, blank=True)
    factors = models.CharField(
        max_length=200,
        blank=True,
        help_text="CIN census assessment factor codes, comma-separated (e.g. 2A,3A)",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        constraints = [_ends_after_start("assessment_authorised_after_start", "start", "authorised")]

    def __str__(self) -> str:
        return f"Assessment started {self.start:%d/%m/%Y}"


class CINPlan(models.Model):
    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cin_plans")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="cin_plans"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = "children in need plan"
        constraints = [_ends_after_start("cin_plan_ends_after_start", "start", "end")]

    def __str__(self) -> str:
        return f"CIN plan from {self.start:%d/%m/%Y}"


class StrategyDiscussion(models.Model):
    """A strategy discussion (police, health, social care at least) on whether to begin a section 47 enquiry.

    When it decides to begin one, the enquiry is recorded with it and the 15-working-day clock
    to the initial child protection conference starts from this date (the last discussion's,
    when there were several).
    """

    child_path = "child"

    class Decision(models.TextChoices):
        SECTION_47 = "s47", "Begin a section 47 enquiry"
        SINGLE_AGENCY = "single_agency", "No section 47: continue the assessment (section 17)"
        NO_FURTHER_ACTION = "nfa", "No further action"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="strategy_discussions")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="strategy_discussions"
    )
    date = models.DateField()
    chair = models.CharField(max_length=120, blank=True)
    attendees = models.TextField(
        "Who took part", blank=True, help_text="Names and agencies: police, health and social care at least"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reasons = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["child", "date"])]

    def __str__(self) -> str:
        return f"Strategy discussion {self.date:%d/%m/%Y}"


class Section47(models.Model):
    """A section 47 enquiry, begun from a strategy discussion."""

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="section47s")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="section47s"
    )
    strategy = models.OneToOneField(
        StrategyDiscussion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="section47",
        help_text="The discussion that began it (none for enquiries imported from a census)",
    )
    strategy_discussion = models.DateField()
    start = models.DateField()
    icpc_required = models.BooleanField("Initial conference required", default=False)
    completed = models.DateField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = "section 47 enquiry"
        constraints = [
            _ends_after_start("s47_starts_after_strategy", "strategy_discussion", "start"),
            _ends_after_start("s47_completed_after_start", "start", "completed"),
        ]

    def __str__(self) -> str:
        return f"Section 47 from {self.start:%d/%m/%Y}"


class ChildProtectionPlan(models.Model):
    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cp_plans")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="cp_plans"
    )
    start = models.DateField()
    category = models.CharField(max_length=3, choices=CPCategory.choices)
    end = models.DateField(null=True, blank=True)
    earlier_plans_not_held = models.PositiveSmallIntegerField(
        default=0,
        help_text="Earlier plans the register does not hold: a census imported from the previous "
        "system counted them (NumberOfPreviousCPP) though they ended before its first year.",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = "child protection plan"
        constraints = [_ends_after_start("cp_plan_ends_after_start", "start", "end")]

    def __str__(self) -> str:
        return f"Child protection plan from {self.start:%d/%m/%Y}"


class Conference(models.Model):
    """An initial or review child protection conference."""

    child_path = "child"

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial child protection conference"
        REVIEW = "review", "Review child protection conference"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="conferences")
    section47 = models.ForeignKey(Section47, null=True, blank=True, on_delete=models.SET_NULL)
    plan = models.ForeignKey(
        ChildProtectionPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="conferences"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField()
    plan_made = models.BooleanField(
        default=False, help_text="Initial: a plan was made. Review: the plan continues."
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                name="review_conference_has_plan",
                condition=~models.Q(kind="review") | models.Q(plan__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class PlanReview(models.Model):
    """The review of a long-running plan at a milestone (9, 12, 18 months: ``DIVERT["PLAN_REVIEW_MONTHS"]``).

    A child protection plan is reviewed at 12 months and is not normally kept beyond 18; a
    children in need plan over 9 months is reviewed too. Each review sorts the case into one of
    three outcomes so that the service can see how many are resolved, held or stepped down.
    It reviews one plan: a child protection plan or a children in need plan, never both.
    """

    child_path = "child"

    class Outcome(models.TextChoices):
        RAPID_RESOLUTION = "rapid_resolution", "Rapid resolution"
        MANAGEMENT_OF_RISK = "management_of_risk", "Management of risk"
        DE_ESCALATION = "de_escalation", "De-escalation and diversion"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="plan_reviews")
    cp_plan = models.ForeignKey(
        ChildProtectionPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    cin_plan = models.ForeignKey(
        CINPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    milestone = models.PositiveSmallIntegerField(help_text="Months since the plan began")
    date = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_review_of_one_plan",
                condition=(models.Q(cp_plan__isnull=False) & models.Q(cin_plan__isnull=True))
                | (models.Q(cp_plan__isnull=True) & models.Q(cin_plan__isnull=False)),
            ),
            models.UniqueConstraint(fields=["cp_plan", "milestone"], name="one_review_per_cp_milestone"),
            models.UniqueConstraint(fields=["cin_plan", "milestone"], name="one_review_per_cin_milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}-month plan review {self.date:%d/%m/%Y}"

    @property
    def plan(self) -> ChildProtectionPlan | CINPlan:
        return self.cp_plan or self.cin_plan  # type: ignore[return-value]  # the constraint holds one
