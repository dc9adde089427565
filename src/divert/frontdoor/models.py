"""Contacts and referrals: the front door, where the one-working-day decision clock starts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.core.codes import CategoryOfNeed, CINClosureReason, ReferralSource
from divert.people.models import Child


class Contact(models.Model):
    """An enquiry of concern about a child, from any agency or person, before any referral."""

    child_path = "child"

    class Decision(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        ADVICE = "advice", "Information and advice"
        EARLY_HELP = "early_help", "Early help"
        REFERRAL = "referral", "Referral to children's social care"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts")
    received = models.DateTimeField()
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    concerns = models.TextField()
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-received"]
        constraints = [
            models.CheckConstraint(
                name="contact_decided_after_received",
                condition=models.Q(decided__isnull=True) | models.Q(decided__gte=models.F("received")),
            ),
            models.CheckConstraint(
                name="contact_decision_has_date",
                condition=(models.Q(decision="") & models.Q(decided__isnull=True))
                | (~models.Q(decision="") & models.Q(decided__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.received:%d/%m/%Y} ({self.get_source_display()})"


class Referral(models.Model):
    """A referral to children's social care: a CIN census ``CINdetails`` episode.

    It opens when the referral is accepted and closes with a reason; the route decided at the
    front door says what happens next.
    """

    child_path = "child"

    class Route(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        EARLY_HELP = "early_help", "Early help"
        ASSESSMENT = "assessment", "Children and families assessment"
        STRATEGY = "strategy", "Strategy discussion"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="referrals")
    contact = models.OneToOneField(Contact, null=True, blank=True, on_delete=models.SET_NULL)
    date = models.DateField("Referral date")
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=CategoryOfNeed.choices, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    decided = models.DateField("Decision date", null=True, blank=True)
    re_referral = models.BooleanField(
        default=False, help_text="Within 12 months of a previous referral (set by the action that records it)"
    )
    closed = models.DateField("CIN closure date", null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=CINClosureReason.choices, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                name="referral_decided_on_or_after_date",
                condition=models.Q(decided__isnull=True) | models.Q(decided__gte=models.F("date")),
            ),
            models.CheckConstraint(
                name="referral_closed_on_or_after_date",
                condition=models.Q(closed__isnull=True) | models.Q(closed__gte=models.F("date")),
            ),
            models.CheckConstraint(
                name="referral_closure_has_reason",
                condition=(models.Q(closed__isnull=True) & models.Q(closure_reason=""))
                | (models.Q(closed__isnull=False) & ~models.Q(closure_reason="")),
            ),
        ]
        indexes = [models.Index(fields=["child", "date"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"Referral {self.date:%d/%m/%Y}"
