"""The main menu, by role. Each domain adds its entries here, so the menu and the access
matrix test read from one table."""

from __future__ import annotations

from dataclasses import dataclass

from divert.core.roles import RETURNS_ROLES, SCORECARD_ROLES, Role

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
    NavItem("Scorecard", "indicators:scorecard", SCORECARD_ROLES),
    NavItem("Returns", "returns:index", RETURNS_ROLES),
    NavItem("Reference data", "admin:index", frozenset({Role.ADMIN})),
)
