"""Personal API tokens for business-intelligence tools (Power BI, Excel).

A token acts as its user: what it reads is what the user's role may read, checked on every
request, so a user who changes role or leaves loses the API with the pages. The token itself is
shown once, when it is made, and only its SHA-256 hash is kept (with a short prefix so a person
can tell their tokens apart), so a copy of the database gives no one a working token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "dvt_"
DEFAULT_DAYS = 90
MAX_DAYS = 365


def new_secret() -> str:
    """A fresh token: ``dvt_`` and 43 URL-safe characters (256 random bits)."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """What is stored for a token. A plain SHA-256 is enough: the token is random, not a password."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """One named token of one user, live from creation until it expires or is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=80, help_text="What the token is for, e.g. 'Power BI placements report'"
    )
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to recognise it")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_live(self, now: dt.datetime | None = None) -> bool:
        """Neither revoked nor past its expiry."""
        return self.revoked is None and self.expires > (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked is not None:
            return "Revoked"
        return "Active" if self.is_live() else "Expired"
