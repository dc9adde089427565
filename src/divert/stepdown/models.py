"""The fortnightly placement review: meetings, a decision per child heard, and step-down plans.

Plymouth's programme: "fortnightly placement review meetings will review, on a rolling
programme, all children not in permanent placements, with a focus on those in the independent
sector". Peterborough's: move children from agency care to in-house foster care, family and
friends, home, adoption or special guardianship, and "negotiate with providers for reduced fees".

A plan records what the panel intends (destination, expected weekly cost, target date, who acts).
Whether it happened is *not typed here*: it is read from the register (the child's later episode
in a matching placement, or their leaving care in the matching way), so savings flow in from the
placements recorded anyway. The one exception is a fee agreed with the current provider, which
the register does not hold, so it is recorded on the plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.core.models import Authority
from divert.people.models import Child, Professional


class Destination(models.TextChoices):
    """Where a step-down plan takes the child (or, for a fee, keeps them at a lower price)."""

    IN_HOUSE_FOSTER = "in_house_foster", "In-house foster care"
    KINSHIP = "kinship", "Kinship (family and friends) foster care"
    HOME = "home", "Home to parents"
    SPECIAL_GUARDIANSHIP = "sgo", "Special guardianship"
    ADOPTION = "adoption", "Adoption"
    SUPPORTED = "supported", "Supported accommodation (16+)"
    LOWER_FEE = "lower_fee", "Same placement at a lower fee (negotiated with the provider)"


class PlacementReviewMeeting(models.Model):
    """One fortnightly sitting: when, who chaired and attended; closed once its work is done."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="placement_review_meetings"
    )
    date = models.DateField()
    chair = models.CharField(max_length=120)
    attendees = models.TextField(blank=True, help_text="Names and roles, one a line")
    notes = models.TextField(blank=True)
    closed = models.BooleanField(default=False, help_text="No more decisions are recorded once closed")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "date"], name="one_placement_review_a_day"),
        ]

    def __str__(self) -> str:
        return f"Placement review {self.date.day} {self.date:%B %Y}"


class Decision(models.Model):
    """What one meeting decided about one child, with the placement and its weekly cost at the time."""

    child_path = "child"

    class Outcome(models.TextChoices):
        STAY = "stay", "Stay: the placement continues"
        STEP_DOWN = "step_down", "Step down: plan a move to a less intensive placement"
        FEE = "fee", "Negotiate the fee with the provider"

    meeting = models.ForeignKey(PlacementReviewMeeting, on_delete=models.PROTECT, related_name="decisions")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placement_review_decisions")
    episode = models.ForeignKey(
        "care.Episode", on_delete=models.PROTECT, related_name="+", help_text="The placement reviewed"
    )
    weekly_cost = models.DecimalField(
        "Weekly cost at the review", max_digits=9, decimal_places=2, help_text="Copied from the placement"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField()
    acts = models.ForeignKey(
        Professional,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Who acts",
    )
    next_review = models.DateField("Next review")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-weekly_cost", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "child"], name="one_decision_per_child_per_meeting"),
            models.CheckConstraint(name="decision_cost_not_negative", condition=models.Q(weekly_cost__gte=0)),
        ]
        indexes = [models.Index(fields=["child", "meeting"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display().split(':')[0]} ({self.meeting})"


class StepDownPlan(models.Model):
    """A plan made at a review: where the child goes, at what expected weekly cost, by when, who acts.

    ``weekly_cost_before`` is the placement's cost when the plan was made, so the saving is worked
    out against what was being paid then. Withdrawing keeps the plan and says why.
    """

    child_path = "child"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="step_down_plans")
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="plan")
    from_episode = models.ForeignKey("care.Episode", on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(max_length=20, choices=Destination.choices)
    weekly_cost_before = models.DecimalField(max_digits=9, decimal_places=2)
    expected_weekly_cost = models.DecimalField(max_digits=9, decimal_places=2)
    target_date = models.DateField("Target date")
    owner = models.ForeignKey(
        Professional,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Who acts",
    )
    agreed_fee = models.DecimalField(
        "Agreed weekly fee", max_digits=9, decimal_places=2, null=True, blank=True
    )
    agreed_on = models.DateField("Date the new fee applies from", null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_costs_not_negative",
                condition=models.Q(weekly_cost_before__gte=0, expected_weekly_cost__gte=0),
            ),
            models.CheckConstraint(
                name="plan_fee_agreed_with_date_only_for_a_fee",
                condition=models.Q(agreed_fee__isnull=True, agreed_on__isnull=True)
                | models.Q(agreed_fee__gte=0, agreed_on__isnull=False, destination="lower_fee"),
            ),
            models.CheckConstraint(
                name="plan_withdrawn_with_reason",
                condition=models.Q(withdrawn_on__isnull=True, withdrawn_reason="")
                | (models.Q(withdrawn_on__isnull=False) & ~models.Q(withdrawn_reason="")),
            ),
        ]
        indexes = [models.Index(fields=["child", "target_date"])]

    def __str__(self) -> str:
        return f"Step-down plan: {self.get_destination_display()} by {self.target_date:%d/%m/%Y}"
