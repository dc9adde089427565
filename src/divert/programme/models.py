"""The programme that diverts children from care, as the Plymouth PID runs it: six work streams
with their actions, a risk register re-scored over time, and an efficiency savings plan.

The savings plan keeps two statuses apart because the PID warns that its own table mixed them:
a line rated green because its outcome was "not yet due" read as if it were achieved. Here
``on_track`` is a forecast (red, amber, green) and ``achieved_k`` is money actually saved; the
placements line's achieved figure is never typed but read from the placement review
(``programme.queries.placement_savings_k``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from divert.core.models import Authority

SCORE_RANGE = [MinValueValidator(1), MaxValueValidator(5)]


def financial_year_label(year: int) -> str:
    """2025 -> "2025/26": the year a line's savings fall in, April to March."""
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_of(day: dt.date) -> int:
    """The financial year (by its starting calendar year) that ``day`` falls in."""
    return day.year if day.month >= 4 else day.year - 1


class WorkStream(models.Model):
    """One of the PID's work streams (the hub, early intervention, ... placements)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="work_streams")
    name = models.CharField(max_length=120)
    lead = models.CharField(max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["authority", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="programme_stream_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Action(models.Model):
    """A row of the PID's action plan: what, how, how success is measured, by when, with what, by whom."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        BLOCKED = "blocked", "Blocked"

    stream = models.ForeignKey(WorkStream, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField("What we want to achieve", max_length=300)
    how = models.TextField("What we are going to do", blank=True)
    measure = models.TextField("How we will measure success", blank=True)
    due = models.DateField("Due date")
    resources = models.TextField("Resources needed", blank=True)
    owner = models.CharField("Who is responsible", max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    done_on = models.DateField("Date done", null=True, blank=True)
    barrier = models.TextField("What is blocking it", blank=True)
    indicators = models.JSONField(default=list, blank=True, help_text="Indicator ids from the catalogue")

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", done_on__isnull=False)
                | (~models.Q(status="done") & models.Q(done_on__isnull=True)),
                name="programme_action_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.what

    def is_overdue(self, today: dt.date) -> bool:
        """Past its due date and not done (a blocked action can be overdue too)."""
        return self.status != self.Status.DONE and self.due < today


class Risk(models.Model):
    """A risk on the register, scored probability 1-5 (unlikely to certain) x impact 1-5."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="programme_risks")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    mitigation = models.TextField(blank=True)
    probability = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    impact = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["authority", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=1, probability__lte=5, impact__gte=1, impact__lte=5),
                name="programme_risk_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.probability * self.impact

    @property
    def rating(self) -> str:
        """High (15 and over), medium (8 to 14), low: the bands the heat map colours."""
        return rating(self.score)


def rating(score: int) -> str:
    if score >= 15:
        return "High"
    if score >= 8:
        return "Medium"
    return "Low"


class RiskScore(models.Model):
    """One scoring of a risk: the first is its assessment, each later one a re-scoring."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="scores")
    date = models.DateField()
    probability = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    impact = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["risk", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.probability} x {self.impact}"

    @property
    def score(self) -> int:
        return self.probability * self.impact


class SavingsLine(models.Model):
    """One area's efficiency saving for one financial year: a target, a forecast, and what was achieved."""

    class Area(models.TextChoices):
        PLACEMENTS = "placements", "Re-commissioning placements"
        STAFF = "staff", "Staff reductions"
        COURT = "court", "Court ordered placements and transport"
        YOS = "yos", "Youth offending service"
        CARE_LEAVERS = "care_leavers", "Care leavers"
        INTEGRATION = "integration", "Childcare services integration"

    class OnTrack(models.TextChoices):
        GREEN = "green", "Green: on track"
        AMBER = "amber", "Amber: at risk"
        RED = "red", "Red: will not be met"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="savings_lines")
    area = models.CharField(max_length=20, choices=Area.choices)
    year = models.PositiveSmallIntegerField(help_text="The financial year by its first calendar year")
    target_k = models.DecimalField("Target (£000)", max_digits=9, decimal_places=1)
    fte = models.DecimalField("FTE", max_digits=6, decimal_places=1, null=True, blank=True)
    on_track = models.CharField(max_length=10, choices=OnTrack.choices, blank=True)
    on_track_note = models.TextField(blank=True)
    achieved_k = models.DecimalField("Achieved (£000)", max_digits=9, decimal_places=1, null=True, blank=True)
    achieved_on = models.DateField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["authority", "year", "area"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "area", "year"], name="programme_saving_unique"),
            models.CheckConstraint(condition=models.Q(target_k__gte=0), name="programme_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} {self.year_label}"

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)

    @property
    def from_register(self) -> bool:
        """The placements line's achieved figure comes from the placement review, never typed."""
        return self.area == self.Area.PLACEMENTS


ZERO = Decimal("0.0")
