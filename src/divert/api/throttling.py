"""One rate limit per token (``DIVERT_API_RATE``, e.g. ``120/minute``), read when it is applied.

Reading the setting on each request (rather than DRF's rates fixed at import) lets an
installation, and a test, change it. Two tokens of one user are limited separately: each is a
separate report refreshing on its own schedule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from divert.api.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str | None:
        return str(getattr(settings, "DIVERT_API_RATE", "120/minute")) or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
