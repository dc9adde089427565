"""The main menu, by role. Each domain adds its entries here, so the menu and the access
matrix test read from one table."""

from __future__ import annotations

from dataclasses import dataclass

from divert.core.roles import (
    API_ROLES,
    AUDIT_READERS,
    CARERS_READERS,
    CASEWORK_READERS,
    FORECAST_READERS,
    FRONT_DOOR_READERS,
    PANEL_READERS,
    PLACEMENT_REVIEW_READERS,
    PRICE_READERS,
    PROGRAMME_READERS,
    RESTRICTION_MANAGERS,
    RETURNS_ROLES,
    SCORECARD_ROLES,
    Role,
)

ALL_ROLES = frozenset(Role)
CHILD_ROLES = ALL_ROLES - {Role.ADMIN}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "core:home", ALL_ROLES),
    NavItem("Find a child", "people:search", CHILD_ROLES),
    NavItem("Front door", "frontdoor:queue", FRONT_DOOR_READERS),
    NavItem("Information requests", "frontdoor:requests", frozenset({Role.PARTNER})),
    NavItem("Early help", "earlyhelp:index", CASEWORK_READERS),
    NavItem("Assessments", "cases:index", CASEWORK_READERS),
    NavItem("Children in care", "care:index", CASEWORK_READERS),
    NavItem("Placement review", "stepdown:index", PLACEMENT_REVIEW_READERS),
    NavItem("Foster carers", "carers:index", CARERS_READERS),
    NavItem("Providers", "commissioning:index", PRICE_READERS),
    NavItem("Panels", "panels:index", PANEL_READERS),
    NavItem("Scorecard", "indicators:scorecard", SCORECARD_ROLES),
    NavItem("Forecast", "forecast:index", FORECAST_READERS),
    NavItem("Programme", "programme:index", PROGRAMME_READERS),
    NavItem("Returns", "returns:index", RETURNS_ROLES),
    NavItem("API tokens", "api:tokens", API_ROLES),
    NavItem("Restricted records", "privacy:restricted", RESTRICTION_MANAGERS),
    NavItem("Access alerts", "oversight:alerts", AUDIT_READERS),
    NavItem("Reference data", "admin:index", frozenset({Role.ADMIN})),
)
