"""Single sign-on through the council's OpenID Connect provider (mozilla-django-oidc).

The provider says who the person is; Divert decides what they may do. So the backend only
matches an existing, active Divert account (by email, or by username against the provider's
``preferred_username`` or ``upn``), never creates one and never changes a role. The person is
read from the signed ID token (audience, expiry, issuer and nonce checked), not from the
provider's userinfo endpoint, and with ``DIVERT_OIDC_REQUIRE_MFA`` the token must say the
provider asked for a second factor (``"mfa"`` in ``amr``), which then stands for Divert's own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import jwt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from requests import RequestException

from divert.core.backends import DivertBackend
from divert.signin import actions

SSO_NOTE = "single sign-on"
REFUSED = "Divert could not sign you in with your council account."
UNKNOWN = (
    "Your council account is not linked to a Divert account. Ask your Divert administrator to "
    "give you access."
)
INACTIVE = "Your Divert account cannot sign in. Ask your Divert administrator."
NO_MFA = (
    "Your council sign-in did not ask for a second factor, which Divert requires. Sign in again, "
    "or ask your IT service desk."
)
AMBIGUOUS = "Your council account matches more than one Divert account. Ask your Divert administrator."


class Refused(Exception):
    """A sign-in the provider allowed but Divert refuses, with the reason to show the person.

    Not a ``SuspiciousOperation``: the library would swallow that and lose the reason.
    """

    def __init__(self, message: str, who: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.who = who


def is_configured() -> bool:
    return bool(getattr(settings, "DIVERT_OIDC_ENABLED", False))


class DivertOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, narrowed to matching people who already have a Divert account."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view passes a nonce: a password form posted with ?code= must not
        # start a token exchange with a code an attacker chose.
        if request is None or "nonce" not in kwargs or not is_configured():
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The library checks the signature and expiry; also check audience and issuer."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with the expected algorithm.")
        issuer = getattr(settings, "DIVERT_OIDC_ISSUER", "") or None
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer,
                options={"require": ["exp", "iat", "aud", "sub"], "verify_iss": issuer is not None},
                leeway=60,
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The signed ID token's claims: Entra's userinfo endpoint returns fewer and signs none."""
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if settings.DIVERT_OIDC_REQUIRE_MFA and "mfa" not in (claims.get("amr") or []):
            raise Refused(NO_MFA, _claimed_name(claims))
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        match = Q(pk__in=[])
        email = (claims.get("email") or "").strip()
        if email:
            match |= Q(email__iexact=email)
        for claim in ("preferred_username", "upn"):
            if value := (claims.get(claim) or "").strip():
                match |= Q(username=value)
        return self.UserModel.objects.filter(match)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        users = list(self.filter_users_by_claims(claims)[:2])
        who = _claimed_name(claims)
        if not users:
            raise Refused(UNKNOWN, who)
        if len(users) > 1:
            raise Refused(AMBIGUOUS, who)
        user = users[0]
        if not DivertBackend().user_can_authenticate(user):
            raise Refused(INACTIVE, user.username)
        user.sign_in_note = SSO_NOTE  # read by the LOGIN audit row (core.signals)
        return user

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise Refused(UNKNOWN, _claimed_name(claims))

    def get_user(self, user_id: Any) -> Any:
        """The session's user, while the account stays active (Django's rule, not the library's)."""
        return DivertBackend().get_user(user_id)


def _claimed_name(claims: dict[str, Any]) -> str:
    return str(claims.get("preferred_username") or claims.get("upn") or claims.get("email") or "")[:40]


def only_when_configured(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Without single sign-on set up its pages do not exist (the library's views would not start)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_configured():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class StartView(OIDCAuthenticationRequestView):
    """Send the person to the council's sign-in page (the "Sign in with your council account" button)."""


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the person back here; every refusal is audited and explained."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)
        except Refused as refusal:
            return self._refuse(refusal.message, refusal.who, str(refusal))
        except (SuspiciousOperation, RequestException) as exc:
            return self._refuse(REFUSED, "", str(exc))

    def login_failure(self) -> HttpResponse:
        return self._refuse(REFUSED, "", "the provider refused or the sign-in was not started here")

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        actions.mark_verified(self.request, "sso")
        return response

    def _refuse(self, message: str, who: str, reason: str) -> HttpResponse:
        actions.record_refused_sso(who, reason)
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse(settings.LOGIN_URL))
