"""Need to know: which children's records are restricted, who is named on them, and break-glass views.

A restricted record (an adopted child, a high-profile case, a member of staff's own family) is
seen only by the people named on it, whatever their role's usual reach. Anyone else whose role
would otherwise reach the child may open it only by "breaking glass": giving a reason, which is
kept, audited, and sent to managers as an alert. The grant lasts a short while
(``DIVERT_BREAK_GLASS_MINUTES``), not for ever. ``divert.core.access.child_filter`` reads these
tables; nothing else decides who sees a restricted child.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet


class RestrictedRecord(models.Model):
    """One child whose record only named people may see. Lifting the restriction deletes this row."""

    class Category(models.TextChoices):
        ADOPTED = "adopted", "Adopted or placed for adoption"
        HIGH_PROFILE = "high_profile", "High-profile case"
        STAFF_FAMILY = "staff_family", "A member of staff's own family"
        OTHER = "other", "Other sensitive case"

    child_path = "child"
    child = models.OneToOneField("people.Child", on_delete=models.CASCADE, related_name="restriction")
    category = models.CharField(max_length=20, choices=Category.choices)
    reason = models.CharField(max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-set_at"]

    def __str__(self) -> str:
        return f"Restricted record {self.child_id} ({self.get_category_display()})"


class NamedAccess(models.Model):
    """A person named on a restricted record: they see it as if it were not restricted."""

    child_path = "child"
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="named_access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="named_access")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "user"], name="named_once_per_record")]
        ordering = ["child", "user"]

    def __str__(self) -> str:
        return f"{self.user} named on {self.child_id}"


class BreakGlass(models.Model):
    """Someone not named on a restricted record opened it with a reason; it lasts until ``expires``."""

    child_path = "child"
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.CharField(max_length=500)
    at = models.DateTimeField()
    expires = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "expires"])]
        constraints = [
            models.CheckConstraint(
                name="break_glass_expires_after_it_starts", condition=models.Q(expires__gt=models.F("at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} broke glass on {self.child_id} at {self.at:%Y-%m-%d %H:%M}"


class AccessAlert(models.Model):
    """Access a manager should look at: a break-glass view, or many records opened in a short time.

    Alerts go to the head of service and to the manager of the person's team; a manager
    acknowledges one with a note of what they found.
    """

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", "Restricted record opened (break glass)"
        MANY_RECORDS = "many_records", "Many records opened in a short time"
        RESTRICTED_REFUSED = "restricted_refused", "Restricted record refused"

    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_alerts")
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="access_alerts"
    )
    at = models.DateTimeField()
    detail = models.CharField(max_length=500)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["authority", "acknowledged_at"])]
        constraints = [
            models.CheckConstraint(
                name="acknowledged_alert_has_who_and_when",
                condition=models.Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} at {self.at:%Y-%m-%d %H:%M}"
