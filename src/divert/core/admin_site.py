"""Divert's admin site, in its own module so Django can build it before any admin is registered."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from divert.core.roles import Role


class DivertAdminSite(admin.AdminSite):
    """The admin site: administrators are a role here, not Django's staff flag."""

    site_header = "Divert reference data"
    site_title = "Divert administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (getattr(user, "role", None) == Role.ADMIN or user.is_staff))


class DivertAdminConfig(AdminConfig):
    """Django's admin with Divert's site, which admits the administrator role."""

    default_site = "divert.core.admin_site.DivertAdminSite"
