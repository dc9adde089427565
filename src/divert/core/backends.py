"""Authentication that refuses demonstration accounts outside a DEBUG installation."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class DivertBackend(ModelBackend):
    """Demo users (published passwords, synthetic data) must never open a production system."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DIVERT_ALLOW_DEMO_USERS:
            return False
        return super().user_can_authenticate(user)


class LockoutBackend(AxesStandaloneBackend):
    """Refuse a locked-out account (django-axes) before any password is checked.

    Only sign-ins made through a web request can be counted or locked; an authentication without a
    request (the test client's ``login``, a management command) has nothing to lock and is passed on.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
