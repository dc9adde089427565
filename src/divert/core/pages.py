"""Small helpers every domain's views share, so each page says the same things the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from divert.core.models import User


def page_title(title: str, form: Any = None) -> str:
    """GOV.UK asks for "Error: " before the page title when the form has errors."""
    return f"Error: {title}" if form is not None and form.is_bound and form.errors else title


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user (the sign-in middleware lets no anonymous request reach a view)."""
    return cast("User", request.user)
