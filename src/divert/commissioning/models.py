"""Providers' contracts and the weekly prices they fix, by placement type.

Plymouth's plan re-commissioned placements through cost-and-volume contracts and frameworks
rather than buying each placement on the spot. A contract is with one provider, of one type,
for a period; its prices are dated, so a price rise is a new row from its date and the old
price still prices the placements that started under it. The placement type is the
forecast's placement category (``divert.core.codes.PLACEMENT_CATEGORIES``), so contracted
prices, spend and the forecast's unit costs speak of the same groups.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.codes import PLACEMENT_CATEGORIES

#: The placement types a contract prices: the forecast's categories.
PLACEMENT_TYPES = [(category, category) for category in PLACEMENT_CATEGORIES]


class Contract(models.Model):
    """An agreement with one provider for a period: cost and volume, a framework, or a spot purchase.

    A cost-and-volume contract buys a number of places (``committed_places``) whether or not
    they are used, which is why the spend page sets places used against them.
    """

    class Kind(models.TextChoices):
        COST_AND_VOLUME = "cost_and_volume", "Cost and volume"
        FRAMEWORK = "framework", "Framework"
        SPOT = "spot", "Spot purchase"

    provider = models.ForeignKey("care.Provider", on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=40)
    kind = models.CharField("Contract type", max_length=20, choices=Kind.choices)
    start = models.DateField("Start date")
    end = models.DateField("End date", null=True, blank=True)
    committed_places = models.PositiveSmallIntegerField(
        "Committed places", null=True, blank=True, help_text="Cost and volume contracts only"
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["provider__name", "-start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="unique_contract_reference"),
            models.CheckConstraint(
                name="contract_ends_on_or_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
            models.CheckConstraint(
                name="contract_committed_places_for_cost_and_volume",
                condition=(models.Q(kind="cost_and_volume") & models.Q(committed_places__gt=0))
                | (~models.Q(kind="cost_and_volume") & models.Q(committed_places__isnull=True)),
            ),
            models.CheckConstraint(
                name="contract_kind_valid",
                condition=models.Q(kind__in=["cost_and_volume", "framework", "spot"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()})"

    def in_force_on(self, day: object) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)  # type: ignore[operator]


class ContractPrice(models.Model):
    """A contract's weekly price for one placement type, from a date until the next price for it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="prices")
    placement = models.CharField("Placement type", max_length=40, choices=PLACEMENT_TYPES)
    weekly_price = models.DecimalField("Weekly price", max_digits=9, decimal_places=2)
    from_date = models.DateField("Price from")

    class Meta:
        ordering = ["contract", "placement", "-from_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "placement", "from_date"], name="one_price_per_type_and_date"
            ),
            models.CheckConstraint(
                name="contract_price_not_negative", condition=models.Q(weekly_price__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement}: £{self.weekly_price} a week from {self.from_date:%d/%m/%Y}"
