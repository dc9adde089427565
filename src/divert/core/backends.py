"""Authentication that refuses demonstration accounts outside a DEBUG installation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class DivertBackend(ModelBackend):
    """Demo users (published passwords, synthetic data) must never open a production system."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DIVERT_ALLOW_DEMO_USERS:
            return False
        return super().user_can_authenticate(user)
