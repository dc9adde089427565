"""Single sign-on through the council's OpenID Connect provider, against a fake provider.

The fake signs ID tokens with its own RSA key and answers the token and key requests that
mozilla-django-oidc makes with ``requests``; nothing leaves the machine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.test import Client, override_settings

from divert.core.models import AuditEvent, User
from divert.signin.config import entra_endpoints, oidc_endpoints
from divert.signin.session import VERIFIED_SESSION_KEY
from tests.conftest import World

CLIENT_ID = "divert-test-client"
ISSUER = "https://idp.example/tenant/v2.0"
START = "/account/oidc/authenticate/"
CALLBACK = "/account/oidc/callback/"
BACKEND = "divert.signin.oidc.DivertOIDCBackend"


class _Response:
    def __init__(self, payload: dict[str, Any], url: str) -> None:
        self.payload, self.url, self.status_code = payload, url, 200
        self.headers = {"content-type": "application/json"}
        self.text = ""

    def json(self) -> dict[str, Any]:
        return self.payload

    def raise_for_status(self) -> None:
        return None


@dataclass
class FakeProvider:
    """Issues one ID token per sign-in with the claims a test sets (``claims``, ``audience`` ...)."""

    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    claims: dict[str, Any] = field(default_factory=dict)
    audience: str = CLIENT_ID
    issuer: str = ISSUER
    lifetime: int = 600
    nonce: str = ""
    token_requests: list[dict[str, Any]] = field(default_factory=list)

    def id_token(self) -> str:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": "subject-1",
            "iat": now - 5,
            "nbf": now - 5,
            "exp": now + self.lifetime,
            "nonce": self.nonce,
            "amr": ["pwd", "mfa"],
            **self.claims,
        }
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": "k1"})

    def post(self, url: str, data: dict[str, Any], **kwargs: Any) -> _Response:
        assert url == "https://idp.example/token"
        self.token_requests.append(data)
        return _Response({"id_token": self.id_token(), "access_token": "opaque", "token_type": "Bearer"}, url)

    def get(self, url: str, **kwargs: Any) -> _Response:
        assert url == "https://idp.example/keys", "only the keys are fetched: the ID token names the person"
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return _Response({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}, url)


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    fake = FakeProvider()
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", fake.post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", fake.get)
    configured = override_settings(
        DIVERT_OIDC_ENABLED=True,
        DIVERT_OIDC_ISSUER=ISSUER,
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET="test-secret",  # pragma: allowlist secret (the fake provider's)
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://idp.example/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://idp.example/token",
        OIDC_OP_JWKS_ENDPOINT="https://idp.example/keys",
        OIDC_OP_USER_ENDPOINT="https://idp.example/userinfo",
        OIDC_RP_SIGN_ALGO="RS256",
        OIDC_RP_SCOPES="openid email profile",
        OIDC_CREATE_USER=False,
        OIDC_USE_PKCE=True,
        OIDC_AUTHENTICATION_CALLBACK_URL="signin:oidc_callback",
        AUTHENTICATION_BACKENDS=[*django_settings.AUTHENTICATION_BACKENDS, BACKEND],
    )
    with configured:
        yield fake


def _start(client: Client, provider: FakeProvider, next_url: str = "") -> str:
    """Press the button: Divert sends the browser to the provider. Returns the state to come back with."""
    response = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    sent = urlparse(response["Location"])
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == "https://idp.example/authorize"
    query = parse_qs(sent.query)
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver/account/oidc/callback/"]
    provider.nonce = query["nonce"][0]
    return query["state"][0]


def _come_back(client: Client, state: str):
    return client.get(CALLBACK, {"code": "code-from-provider", "state": state})


def _sso(client: Client, provider: FakeProvider, **claims: Any):
    provider.claims = claims
    return _come_back(client, _start(client, provider))


def _refused(client: Client, response: Any, message: bytes) -> None:
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert "_auth_user_id" not in client.session
    page = client.get("/sign-in/")
    assert message in page.content
    assert client.get("/").status_code == 302


def _sso_refusals() -> int:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, note__startswith="single sign-on refused"
    ).count()


@pytest.fixture
def alice(world: World) -> User:
    user = world.users["alice"]
    user.email = "Alice.Tester@Plymptown.gov.uk"
    user.save(update_fields=["email"])
    return user


def test_a_matched_person_signs_in_and_reaches_the_home_page(
    alice: User, client: Client, provider: FakeProvider
) -> None:
    response = _sso(
        client, provider, email="alice.tester@plymptown.gov.uk", preferred_username="at@plymptown"
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.session[VERIFIED_SESSION_KEY] == "sso"
    assert int(client.session["_auth_user_id"]) == alice.pk
    assert AuditEvent.objects.filter(action="login", actor=alice, note="single sign-on").count() == 1
    assert provider.token_requests[0]["code_verifier"], "PKCE is used"


def test_a_person_is_also_matched_by_username(world: World, client: Client, provider: FakeProvider) -> None:
    response = _sso(client, provider, preferred_username="tom")
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == world.users["tom"].pk


def test_single_sign_on_returns_to_the_page_first_asked_for(
    alice: User, client: Client, provider: FakeProvider
) -> None:
    provider.claims = {"email": alice.email}
    state = _start(client, provider, next_url="/children/")
    assert _come_back(client, state)["Location"] == "/children/"


def test_an_unknown_person_is_refused_and_no_account_is_made(
    world: World, client: Client, provider: FakeProvider
) -> None:
    users = User.objects.count()
    response = _sso(client, provider, email="stranger@plymptown.gov.uk", preferred_username="stranger")
    _refused(client, response, b"Your council account is not linked to a Divert account")
    assert User.objects.count() == users
    assert _sso_refusals() == 1
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).object_id == "stranger"


def test_a_token_without_an_email_matches_no_account_without_one(
    world: World, client: Client, provider
) -> None:
    # The fixture's users have no email: a token without one must not match them all.
    _refused(client, _sso(client, provider, preferred_username="nobody"), b"is not linked")


def test_an_inactive_account_is_refused(alice: User, client: Client, provider: FakeProvider) -> None:
    User.objects.filter(pk=alice.pk).update(is_active=False)
    _refused(client, _sso(client, provider, email=alice.email), b"Your Divert account cannot sign in")
    assert _sso_refusals() == 1


def test_a_demo_account_is_refused_without_debug(alice: User, client: Client, provider: FakeProvider) -> None:
    User.objects.filter(pk=alice.pk).update(is_demo=True)
    _refused(client, _sso(client, provider, email=alice.email), b"Your Divert account cannot sign in")


def test_a_sign_in_without_mfa_is_refused(alice: User, client: Client, provider: FakeProvider) -> None:
    _refused(
        client, _sso(client, provider, email=alice.email, amr=["pwd"]), b"did not ask for a second factor"
    )
    assert _sso_refusals() == 1


@override_settings(DIVERT_OIDC_REQUIRE_MFA=False)
def test_mfa_can_be_left_to_the_provider(alice: User, client: Client, provider: FakeProvider) -> None:
    assert _sso(client, provider, email=alice.email, amr=["pwd"])["Location"] == "/"


def test_a_token_for_another_application_is_refused(
    alice: User, client: Client, provider: FakeProvider
) -> None:
    provider.audience = "someone-elses-app"
    _refused(client, _sso(client, provider, email=alice.email), b"could not sign you in")
    assert _sso_refusals() == 1


def test_an_expired_token_is_refused(alice: User, client: Client, provider: FakeProvider) -> None:
    provider.lifetime = -3600
    _refused(client, _sso(client, provider, email=alice.email), b"could not sign you in")


def test_a_token_from_another_issuer_is_refused(alice: User, client: Client, provider: FakeProvider) -> None:
    provider.issuer = "https://evil.example/v2.0"
    _refused(client, _sso(client, provider, email=alice.email), b"could not sign you in")


def test_a_token_signed_by_another_key_is_refused(
    alice: User, client: Client, provider: FakeProvider
) -> None:
    provider.claims = {"email": alice.email}
    state = _start(client, provider)
    real_key = provider.key
    provider.key = rsa.generate_private_key(65537, 2048)
    token = provider.id_token()
    provider.key = real_key
    provider.id_token = lambda: token
    _refused(client, _come_back(client, state), b"could not sign you in")


def test_a_state_that_divert_did_not_send_is_refused(
    alice: User, client: Client, provider: FakeProvider
) -> None:
    provider.claims = {"email": alice.email}
    _start(client, provider)
    _refused(client, _come_back(client, "forged-state"), b"could not sign you in")
    assert provider.token_requests == [], "no code is exchanged for a forged state"
    assert _sso_refusals() == 1


def test_a_callback_without_a_started_sign_in_is_refused(
    alice: User, client: Client, provider: FakeProvider
) -> None:
    _refused(client, _come_back(client, "any-state"), b"could not sign you in")


def test_a_state_works_once(alice: User, client: Client, provider: FakeProvider) -> None:
    provider.claims = {"email": alice.email}
    state = _start(client, provider)
    assert _come_back(client, state)["Location"] == "/"
    client.post("/sign-out/")
    _refused(client, _come_back(client, state), b"could not sign you in")


def test_signing_out_ends_the_divert_session(alice: User, client: Client, provider: FakeProvider) -> None:
    _sso(client, provider, email=alice.email)
    assert client.get("/").status_code == 200
    client.post("/sign-out/")
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_the_sign_in_page_offers_the_council_account(world: World, client: Client, provider) -> None:
    page = client.get("/sign-in/?next=/children/").content.decode()
    assert "Sign in with your council account" in page
    assert 'href="/account/oidc/authenticate/?next=/children/"' in page


def test_without_configuration_nothing_of_single_sign_on_appears(world: World, client: Client) -> None:
    assert b"council account" not in client.get("/sign-in/").content
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 404
    assert BACKEND not in django_settings.AUTHENTICATION_BACKENDS


def test_a_password_form_with_a_code_starts_no_exchange(world: World, client: Client, provider) -> None:
    client.post("/sign-in/?code=stolen&state=s", {"username": "nobody", "password": "x"})
    assert provider.token_requests == []


def test_entra_endpoints_follow_from_the_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    tenant = "2c1b4a5e-0000-4000-8000-00000000abcd"
    monkeypatch.setenv("DIVERT_OIDC_TENANT", tenant)
    found = oidc_endpoints()
    base = f"https://login.microsoftonline.com/{tenant}"
    assert found.authorization == f"{base}/oauth2/v2.0/authorize"
    assert found.token == f"{base}/oauth2/v2.0/token"
    assert found.jwks == f"{base}/discovery/v2.0/keys"
    assert found.issuer == f"{base}/v2.0"
    assert entra_endpoints("plymptown.gov.uk").issuer == "", "a domain name cannot be the token's issuer"


def test_another_provider_is_named_by_its_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    from divert.env import ConfigError

    monkeypatch.delenv("DIVERT_OIDC_TENANT", raising=False)
    monkeypatch.setenv("DIVERT_OIDC_AUTHORIZATION_ENDPOINT", "https://id.example/auth")
    with pytest.raises(ConfigError, match="DIVERT_OIDC_TOKEN_ENDPOINT"):
        oidc_endpoints()
    monkeypatch.setenv("DIVERT_OIDC_TOKEN_ENDPOINT", "https://id.example/token")
    monkeypatch.setenv("DIVERT_OIDC_JWKS_ENDPOINT", "https://id.example/keys")
    assert oidc_endpoints().token == "https://id.example/token"
