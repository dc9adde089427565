"""Significant events added to a child's chronology by hand.

Most of a chronology is built from the records themselves (``sources.py``); what no other record
holds (a court hearing, a school exclusion, a stay in hospital, a bereavement) is written here.
An event is never deleted: a wrong one is corrected or removed with a reason, both audited, so
the chronology a court was shown can always be explained.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.people.models import Child


class SignificantEvent(models.Model):
    child_path = "child"

    class Category(models.TextChoices):
        COURT = "court", "Court"
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health"
        FAMILY = "family", "Family and relationships"
        POLICE = "police", "Police and youth justice"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="significant_events")
    date = models.DateField("Date of the event")
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    title = models.CharField("What happened, in a line", max_length=150)
    detail = models.TextField("What happened", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_reason = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "date", "pk"]
        indexes = [models.Index(fields=["child", "date"])]
        constraints = [
            models.CheckConstraint(
                name="significant_event_removal_has_reason",
                condition=(models.Q(removed_at__isnull=True) & models.Q(removed_reason=""))
                | (models.Q(removed_at__isnull=False) & ~models.Q(removed_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
