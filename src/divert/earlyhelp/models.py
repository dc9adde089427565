"""Early help: a family supported by a lead professional in a locality, outside statutory services.

The MASH steps a child down to early help; the lead professional completes an early help
assessment and a family support intervention (12 weeks by default, ``DIVERT["EARLY_HELP_WEEKS"]``)
and records the outcome. If worries grow, the child is stepped up to social care: a new MASH
enquiry that carries this episode's history across (``Enquiry.stepped_up_from``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.people.models import Child, Locality, Professional


class EarlyHelpEpisode(models.Model):
    child_path = "child"

    class Outcome(models.TextChoices):
        NEEDS_MET = "needs_met", "Needs met: closed"
        UNIVERSAL = "universal", "Stepped down to universal services"
        STEPPED_UP = "stepped_up", "Stepped up to children's social care"
        DECLINED = "declined", "Family declined or withdrew consent"
        MOVED = "moved", "Family moved away"
        OTHER = "other", "Other (recorded in the note)"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="early_help")
    contact = models.OneToOneField(
        "frontdoor.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="early_help",
        help_text="The MASH decision that stepped the child down to early help",
    )
    referral = models.ForeignKey(
        "frontdoor.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="early_help",
        help_text="The social care referral stepped down after assessment, when that is how it began",
    )
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="early_help")
    lead_professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="early_help_cases"
    )
    start = models.DateField()
    assessment_completed = models.DateField("Early help assessment completed", null=True, blank=True)
    assessment_summary = models.TextField("What the early help assessment found", blank=True)
    intervention = models.CharField(
        "Family support intervention", max_length=200, blank=True, help_text="What support, and from whom"
    )
    intervention_start = models.DateField(null=True, blank=True)
    intervention_planned_end = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = "early help episode"
        constraints = [
            models.CheckConstraint(
                name="early_help_ends_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
            models.CheckConstraint(
                name="early_help_end_has_outcome",
                condition=(models.Q(end__isnull=True) & models.Q(outcome=""))
                | (models.Q(end__isnull=False) & ~models.Q(outcome="")),
            ),
            models.CheckConstraint(
                name="early_help_assessed_after_start",
                condition=models.Q(assessment_completed__isnull=True)
                | models.Q(assessment_completed__gte=models.F("start")),
            ),
            models.CheckConstraint(
                name="early_help_intervention_ends_after_start",
                condition=models.Q(intervention_planned_end__isnull=True)
                | models.Q(intervention_planned_end__gte=models.F("intervention_start")),
            ),
        ]
        indexes = [models.Index(fields=["child", "end"]), models.Index(fields=["locality", "end"])]

    def __str__(self) -> str:
        return f"Early help from {self.start:%d/%m/%Y}"
