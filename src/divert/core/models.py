"""Users, authorities, the audit trail and reference data."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from divert.core.codes import PartnerAgency
from divert.core.roles import Role


class Authority(models.Model):
    """A local authority whose children are on the register (one in a normal installation)."""

    code = models.CharField(max_length=9, unique=True, help_text="ONS code, e.g. E06000026")
    la_number = models.PositiveSmallIntegerField(unique=True, help_text="DfE LA number, e.g. 879")
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Their role and team decide which children they may see."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SOCIAL_WORKER)
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.SET_NULL)
    agency = models.CharField(max_length=20, choices=PartnerAgency.choices, blank=True)
    is_demo = models.BooleanField(
        default=False, help_text="A demonstration account; refused when DEBUG is off."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="partner_users_have_an_agency",
                condition=~models.Q(role=Role.PARTNER) | ~models.Q(agency=""),
            ),
        ]

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class AuditEvent(models.Model):
    """One row per view of a child's record and per change: who, when, what, before and after.

    Append-only: ``save`` refuses updates, ``delete`` refuses, and database triggers (installed
    by migration on SQLite and PostgreSQL) refuse UPDATE and DELETE from any client.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        SEARCH = "search", "Searched"
        LOGIN = "login", "Signed in"
        LOGOUT = "logout", "Signed out"
        LOGIN_FAILED = "login_failed", "Sign-in refused"
        LOAD = "load", "Bulk load"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True, help_text="Username at the time")
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    child_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text="Register id of the child"
    )
    request_id = models.CharField(max_length=36, blank=True)
    path = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        what = f"{self.object_type} {self.object_id}"
        return f"{self.actor_label} {self.action} {what} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events are append-only and cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only and cannot be deleted.")


class PopulationEstimate(models.Model):
    """ONS mid-year estimate of children aged 0-17 in an authority (denominator for rates)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="population")
    year = models.PositiveSmallIntegerField(help_text="Mid-year of the estimate")
    children_0_17 = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="one_estimate_per_year")]
        ordering = ["authority", "year"]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}: {self.children_0_17}"


class Benchmark(models.Model):
    """A published comparator figure (England, statistical neighbours) for an indicator and year."""

    class Scope(models.TextChoices):
        ENGLAND = "england", "England"
        COMPARATOR = "comparator", "Statistical neighbours"
        REGION = "region", "Region"

    indicator = models.CharField(max_length=60)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="benchmarks",
        help_text="The authority whose comparator group this is; empty for England and regions' figures.",
    )
    year = models.PositiveSmallIntegerField(help_text="The year of the 31 March, or the year ending then")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "scope", "year"],
                condition=models.Q(authority__isnull=True),
                name="one_benchmark_per_scope_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "scope", "year", "authority"],
                condition=models.Q(authority__isnull=False),
                name="one_authority_benchmark_per_scope_year",
            ),
        ]
        ordering = ["indicator", "scope", "year"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.scope} {self.year}: {self.value}"


class UnitCost(models.Model):
    """Reference weekly cost of a placement type, used where a placement carries no cost of its own."""

    placement_type = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement_type", "year"], name="one_unit_cost_per_type_year")
        ]
        ordering = ["placement_type", "year"]

    def __str__(self) -> str:
        return f"{self.placement_type} {self.year}: £{self.weekly_cost}"


class RegisterVersion(models.Model):
    """A number that goes up after every committed change to the register: the key of cached frames.

    One row (``pk=1``) for the whole installation: a change to any authority's register moves
    it, so cached figures are never older than the latest change. ``divert.core.audit.record``
    raises it once the changing transaction has committed; views and searches do not.
    """

    SINGLE = 1

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Register version {self.value}"
