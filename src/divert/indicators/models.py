"""An authority's own targets for its indicators, editable by an administrator.

The catalogue carries a default target and tolerance for some indicators (the case study's
cap of 8 entries a month, exits 10 a month); an authority sets its own here. Benchmarks
(England, statistical neighbours) are reference data in ``core.Benchmark``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class IndicatorTarget(models.Model):
    authority = models.ForeignKey(
        "core.Authority", on_delete=models.CASCADE, related_name="indicator_targets"
    )
    indicator = models.CharField(
        max_length=60, help_text="The indicator's id in the catalogue, e.g. cla_starts"
    )
    target = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty for no target. For entries and exits, the figure for a month.",
    )
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="How far the figure may miss the target and still be amber (same unit as the figure).",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Where the target comes from")

    class Meta:
        ordering = ["authority", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "indicator"], name="one_target_per_indicator"),
            models.CheckConstraint(name="tolerance_not_negative", condition=models.Q(tolerance__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target}"

    def clean(self) -> None:
        from divert.indicators.catalogue import get

        try:
            get(self.indicator)
        except KeyError:
            raise ValidationError({"indicator": f"There is no indicator {self.indicator!r}."}) from None
