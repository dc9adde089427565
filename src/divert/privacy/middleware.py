"""Pseudonymise every child an analyst's request loads (see ``divert.privacy.pseudonyms``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from divert.core.roles import PSEUDONYMISED_ROLES
from divert.privacy.pseudonyms import pseudonymised


class PseudonymiseMiddleware:
    """Turn masking on for the whole request of a user whose role works on pseudonymised data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        on = bool(getattr(user, "is_authenticated", False) and user.role in PSEUDONYMISED_ROLES)  # type: ignore[union-attr]
        with pseudonymised(on):
            return self.get_response(request)
