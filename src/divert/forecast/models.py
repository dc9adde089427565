"""Saved scenarios, and the backtest's results kept between requests.

A scenario is plain data (``types.Scenario``) a head of service sets on a form; it is saved
as JSON so that the page, the ``divert forecast --scenario NAME`` command and any later
change to the model all read the same thing. Names are unique within an authority because
the command line and the comparison page find a scenario by its name.

The backtest fits the model at many past origins and takes seconds; its answer depends only
on the register's episodes and children, so it is stored under a fingerprint of those
(``BacktestResult``), not recomputed on every page view nor after every unrelated change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.models import Authority
from divert.forecast.types import Scenario


class SavedScenario(models.Model):
    """A named set of the programme's levers ("Entries held to 8 a month ...") for one authority."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="forecast_scenarios")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    params = models.JSONField(default=dict, help_text="Scenario.to_json()")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="one_scenario_name_per_authority")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scenario(self) -> Scenario:
        """The levers as the model takes them, named as saved (the saved name wins over the JSON's)."""
        return Scenario.from_json({**self.params, "name": self.name})


class BacktestResult(models.Model):
    """One authority's backtest for one state of its care history (``fingerprint``) and run count."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    runs = models.PositiveIntegerField()
    computed = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(help_text="How long the backtest took")
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "fingerprint", "runs"], name="one_backtest_per_history"
            )
        ]

    def __str__(self) -> str:
        return f"Backtest {self.authority_id} {self.fingerprint[:8]}"
