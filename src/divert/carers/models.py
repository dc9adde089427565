"""Foster carer households: the council's own capacity to look after children in families.

``status`` is the coarse state the rest of Divert reads (is this household approved, can a
child be placed there); ``stage`` is the fostering team's finer step in recruitment and after,
and every move between stages is kept in ``StageChange`` so time in each stage can be shown.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class FosterHousehold(models.Model):
    class Status(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        ASSESSMENT = "assessment", "In assessment"
        APPROVED = "approved", "Approved"
        INACTIVE = "inactive", "Approved, inactive"
        DEREGISTERED = "deregistered", "Deregistered"
        WITHDRAWN = "withdrawn", "Withdrew before approval"

    class Kind(models.TextChoices):
        MAINSTREAM = "mainstream", "Mainstream foster carers"
        KINSHIP = "kinship", "Connected persons (family and friends)"
        ADOPTER = "adopter", "Adopters"

    class Stage(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        INFORMATION_EVENING = "information_evening", "Information evening"
        INITIAL_VISIT = "initial_visit", "Initial visit"
        STAGE_ONE = "stage_one", "Assessment stage 1"
        STAGE_TWO = "stage_two", "Assessment stage 2"
        PANEL = "panel", "Panel"
        APPROVED = "approved", "Approved"
        MATCHED = "matched", "Matched (adopters)"
        PLACED = "placed", "Child placed (adopters)"
        INACTIVE = "inactive", "Approved, inactive"
        DEREGISTERED = "deregistered", "Deregistered"
        WITHDRAWN = "withdrawn", "Withdrew before approval"

    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="carer_households")
    reference = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAINSTREAM)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ENQUIRY)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.ENQUIRY)
    stage_since = models.DateField("In this stage since", null=True, blank=True)
    enquiry_date = models.DateField()
    approval_date = models.DateField(null=True, blank=True)
    deregistration_date = models.DateField(null=True, blank=True)
    approved_places = models.PositiveSmallIntegerField(default=0)
    age_from = models.PositiveSmallIntegerField("Approved for children aged from", default=0)
    age_to = models.PositiveSmallIntegerField("Approved for children aged up to", default=17)
    parent_and_child = models.BooleanField("Parent and child placements", default=False)
    complex_needs = models.BooleanField("Children with complex needs", default=False)
    sibling_groups = models.BooleanField("Sibling groups", default=False)
    last_review_date = models.DateField("Last review of an inactive household", null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "reference"], name="unique_household_reference"),
            models.CheckConstraint(
                name="household_approved_after_enquiry",
                condition=models.Q(approval_date__isnull=True)
                | models.Q(approval_date__gte=models.F("enquiry_date")),
            ),
            models.CheckConstraint(
                name="household_deregistered_after_approval",
                condition=models.Q(deregistration_date__isnull=True)
                | models.Q(approval_date__isnull=True)
                | models.Q(deregistration_date__gte=models.F("approval_date")),
            ),
            models.CheckConstraint(
                name="approved_household_has_date",
                condition=~models.Q(status__in=["approved", "inactive"])
                | models.Q(approval_date__isnull=False),
            ),
            models.CheckConstraint(
                name="household_age_range_in_order", condition=models.Q(age_from__lte=models.F("age_to"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def in_stage_since(self) -> dt.date:
        """When the household entered its current stage (the enquiry for older records)."""
        return self.stage_since or self.enquiry_date


class StageChange(models.Model):
    """One move of a household into a stage: the history that time in each stage is read from."""

    household = models.ForeignKey(FosterHousehold, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=FosterHousehold.Stage.choices)
    date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["household", "date", "pk"]
        indexes = [models.Index(fields=["household", "date"])]

    def __str__(self) -> str:
        return f"{self.household.reference} {self.get_stage_display()} {self.date}"
