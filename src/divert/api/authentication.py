"""Who is asking: a bearer token, and nothing else (no session, so no CSRF surface).

``Authorization: Bearer dvt_...``. An unknown, expired or revoked token is refused with a 401
and a message saying which; a live token authenticates as its user even if that user is now
inactive or in another role, so that the permission check can answer with a 403 that says why.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from divert.api.models import PREFIX, ApiToken, hash_secret

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _, secret = header.partition(" ")
        secret = secret.strip()
        if keyword.lower() != KEYWORD.lower() or not secret or " " in secret:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        if not secret.startswith(PREFIX):
            raise exceptions.AuthenticationFailed("That is not a Divert API token.")
        token = ApiToken.objects.select_related("user").filter(digest=hash_secret(secret)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown token.")
        now = timezone.now()
        if token.revoked is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.expires <= now:
            raise exceptions.AuthenticationFailed("This token has expired; make a new one.")
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        """Makes a refusal a 401 (with this challenge) rather than a 403."""
        return f'{KEYWORD} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI document, so clients know to send the header."""

    target_class = "divert.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A personal token from /api/tokens/"}
