"""Template tags that put people's data on shared pages (the home page) through ``queries``."""

from __future__ import annotations

from typing import Any

from django import template

from divert.people import queries

register = template.Library()


@register.simple_tag
def home_children(user: Any) -> queries.HomeList | None:
    """The children a role sees first on the home page, already restricted to the user."""
    return queries.home_list(user)
