"""Every page is sent with the headers that stop a browser being turned against its user.

The Content Security Policy lets only Divert's own scripts run (so an injected script cannot read a
child's record), pages may not be framed (clickjacking), and links to other sites do not carry the
page's address (which can name a child's record). In production the cookies only travel over
HTTPS and cannot be read by scripts, and browsers are told to use only HTTPS from then on.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from tests.conftest import PASSWORD, World

PRODUCTION = {
    "DEBUG": False,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": False,
}


def directives(header: str) -> dict[str, list[str]]:
    """``"a 'x' 'y'; b 'z'"`` as ``{"a": ["'x'", "'y'"], "b": ["'z'"]}``."""
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("path", ["/sign-in/", "/", "/children/", "/no-such-page/"])
def test_every_response_carries_the_policy_and_the_headers(client: Client, world: World, path: str) -> None:
    if path != "/sign-in/":
        client.force_login(world.users["alice"])
    response = client.get(path)

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(**PRODUCTION)
def test_in_production_cookies_are_secure_and_https_is_insisted_on(world: World) -> None:
    client = Client()
    assert client.get("/sign-in/").status_code == 301  # plain HTTP is sent to HTTPS

    page = client.get("/sign-in/", secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert csrf["samesite"] == "Lax"

    signed_in = client.post("/sign-in/", {"username": "alice", "password": PASSWORD}, secure=True)
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def test_the_sign_in_form_needs_its_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/sign-in/")
    assert b'name="csrfmiddlewaretoken"' in page.content

    refused = client.post("/sign-in/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session

    token = page.context["csrf_token"]
    accepted = client.post(
        "/sign-in/", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": str(token)}
    )
    assert accepted.status_code == 302
