"""Foster carer households: the council's own capacity to look after children in families."""

from __future__ import annotations

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

    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="carer_households")
    reference = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAINSTREAM)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ENQUIRY)
    enquiry_date = models.DateField()
    approval_date = models.DateField(null=True, blank=True)
    deregistration_date = models.DateField(null=True, blank=True)
    approved_places = models.PositiveSmallIntegerField(default=0)
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
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"
