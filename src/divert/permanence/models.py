"""Permanence: the plan for where each looked-after child will grow up, and the court applications
that carry it out.

Peterborough's plan asked that "by second review a permanence plan must be in place which has
addressed whether or not the child can go home", that the children placed at home under a care
order be considered for discharge, and that revocation applications be "chased up and speeded
up". A plan can change (a return home that fails becomes long-term fostering), so plans are
kept as history and the current plan is the latest agreed. The adoption steps themselves are
the SSDA903 record (``care.AdoptionRecord`` and the episodes); nothing here repeats them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.people.models import Child


class PermanencePlan(models.Model):
    """A permanence plan agreed for a child, usually at a looked-after review."""

    child_path = "child"

    class Kind(models.TextChoices):
        RETURN_HOME = "return_home", "Return home to parents"
        ADOPTION = "adoption", "Adoption"
        SPECIAL_GUARDIANSHIP = "sgo", "Special guardianship"
        CHILD_ARRANGEMENTS = "cao", "Child arrangements order with family or friends"
        LONG_TERM_FOSTERING = "long_term_fostering", "Long-term fostering"
        INDEPENDENCE = "independence", "Supported living or independence"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="permanence_plans")
    agreed = models.DateField("Date agreed")
    plan = models.CharField(max_length=20, choices=Kind.choices)
    review = models.ForeignKey(
        "care.LookedAfterReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="permanence_plans",
        help_text="The looked-after review that agreed the plan, if it was agreed at one",
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-agreed", "-pk"]
        indexes = [models.Index(fields=["child", "agreed"])]

    def __str__(self) -> str:
        return f"Permanence plan {self.agreed:%d/%m/%Y}: {self.get_plan_display()}"


class CourtApplication(models.Model):
    """An application to the family court that moves a child towards permanence (or out of care).

    Open until its outcome is recorded; the hearing date is the next listed hearing.
    """

    child_path = "child"

    class Kind(models.TextChoices):
        DISCHARGE = "discharge", "Discharge of care order"
        REVOCATION = "revocation", "Revocation of placement order"
        SPECIAL_GUARDIANSHIP = "sgo", "Special guardianship order"
        CHILD_ARRANGEMENTS = "cao", "Child arrangements order"
        ADOPTION = "adoption", "Adoption order"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="court_applications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    applied = models.DateField("Date applied")
    hearing = models.DateField("Hearing date", null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField("Date of outcome", null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-applied", "-pk"]
        indexes = [models.Index(fields=["child", "applied"]), models.Index(fields=["outcome"])]
        constraints = [
            models.CheckConstraint(
                name="court_outcome_has_a_date",
                condition=(models.Q(outcome="") & models.Q(outcome_date__isnull=True))
                | (~models.Q(outcome="") & models.Q(outcome_date__isnull=False)),
            ),
            models.CheckConstraint(
                name="court_outcome_not_before_application",
                condition=models.Q(outcome_date__isnull=True)
                | models.Q(outcome_date__gte=models.F("applied")),
            ),
            models.CheckConstraint(
                name="court_hearing_not_before_application",
                condition=models.Q(hearing__isnull=True) | models.Q(hearing__gte=models.F("applied")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} applied {self.applied:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return not self.outcome
