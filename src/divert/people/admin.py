"""Teams and localities are reference data an administrator keeps; children never appear here."""

from __future__ import annotations

from django.contrib import admin

from divert.core.admin import ReferenceDataAdmin
from divert.people.models import Locality, Team


@admin.register(Locality)
class LocalityAdmin(ReferenceDataAdmin):
    list_display = ["name", "authority"]
    list_filter = ["authority"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(ReferenceDataAdmin):
    list_display = ["name", "kind", "locality", "authority"]
    list_filter = ["authority", "kind"]
    search_fields = ["name"]
