"""Django's admin, for reference data only: authorities, population, benchmarks, unit costs.

Children's records are never in the admin: every change to them goes through the domain
actions and pages that check access. Administrators (role ``admin``) reach the admin without
Django's staff flag; every change made here is audited like any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from divert.core.actions import audited_create, audited_delete, audited_update
from divert.core.models import Authority, Benchmark, PopulationEstimate, UnitCost
from divert.core.roles import Role

# The only models the admin may show ("app_label.model_name"); tests hold the admin to it.
REFERENCE_MODELS = frozenset(
    {
        "core.authority",
        "core.populationestimate",
        "core.benchmark",
        "core.unitcost",
        "people.team",
        "people.locality",
        "indicators.indicatortarget",
    }
)


def is_reference_admin(user: Any) -> bool:
    """Administrators manage reference data; a Django superuser may too (first set-up)."""
    return bool(user.is_active and (getattr(user, "role", None) == Role.ADMIN or user.is_superuser))


class ReferenceDataAdmin(admin.ModelAdmin):
    """Administrators may do everything with reference data; each change is audited."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_reference_admin(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_reference_admin(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_reference_admin(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_reference_admin(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_reference_admin(request.user) or super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        if not change:
            audited_create(request.user, obj, note="admin")
            return
        stored = type(obj)._default_manager.get(pk=obj.pk)
        values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
        audited_update(request.user, stored, values, note="admin")

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        audited_delete(request.user, obj, note="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audited_delete(request.user, obj, note="admin")


@admin.register(Authority)
class AuthorityAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "la_number"]
    search_fields = ["name", "code"]


@admin.register(PopulationEstimate)
class PopulationEstimateAdmin(ReferenceDataAdmin):
    list_display = ["authority", "year", "children_0_17", "source"]
    list_filter = ["authority", "year"]


@admin.register(Benchmark)
class BenchmarkAdmin(ReferenceDataAdmin):
    list_display = ["indicator", "scope", "authority", "year", "value", "source"]
    list_filter = ["scope", "year", "authority"]
    search_fields = ["indicator"]


@admin.register(UnitCost)
class UnitCostAdmin(ReferenceDataAdmin):
    list_display = ["placement_type", "year", "weekly_cost", "source"]
    list_filter = ["year"]


def _keep_to_reference_data() -> None:
    """Take out what other apps registered before us (auth groups, task results: a task's
    arguments may name a child), so the admin holds reference data and nothing else."""
    for model in list(admin.site._registry):
        if model._meta.label_lower not in REFERENCE_MODELS:
            admin.site.unregister(model)


_keep_to_reference_data()
