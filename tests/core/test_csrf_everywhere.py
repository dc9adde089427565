"""Every page that takes a POST refuses one without a CSRF token, and no view opts out.

The test walks every URL pattern of the project (``get_resolver``), builds a URL for each
(``1`` for a number, ``x`` for text), and posts to it from a signed-in browser that enforces
CSRF checks, without a token. CSRF middleware runs before any view, so even a page that only
answers GET, or a record that does not exist, must answer 403 "CSRF verification failed": a
view that answers anything else has been exempted or bypasses the middleware.

The only views allowed to be exempt are the bearer-token API under ``/api/v1/`` (no session
cookie, so no cross-site forgery; read only) and the single sign-on callback (a GET).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from tests.conftest import World

EXEMPT_PREFIXES = ("/api/v1/", "/account/oidc/callback/")
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000001"}
_ROUTE_PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_GROUP = re.compile(r"\(\?P<\w+>([^)]*)\)")


def _route(part: RoutePattern | RegexPattern | LocalePrefixPattern) -> str:
    """One concrete piece of URL matching a pattern piece."""
    if isinstance(part, RoutePattern):
        return _ROUTE_PART.sub(lambda m: SAMPLE.get(m.group("converter") or "str", "1"), str(part._route))  # type: ignore[attr-defined]
    if not isinstance(part, RegexPattern):
        return ""  # a language prefix: Divert has none
    text = _GROUP.sub(lambda m: m.group(1).split("|")[0] if "|" in m.group(1) else "1", part.regex.pattern)
    text = text.replace(".*", "x").replace(".+", "x")
    return re.sub(r"[\^$\\?]", "", text)


def _urls(patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "/") -> Iterator[str]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        here = prefix + _route(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _urls(entry.url_patterns, here)
        else:
            yield here


def _every_url() -> list[str]:
    return [url for url in dict.fromkeys(_urls()) if _resolves(url)]


def test_every_url_pattern_is_covered() -> None:
    """The URL builder reaches (nearly) every pattern, so the walk below is not quietly thin."""
    built = list(dict.fromkeys(_urls()))
    unresolved = [url for url in built if not _resolves(url)]
    assert len(built) > 100
    assert len(unresolved) <= 3, unresolved


def _resolves(url: str) -> bool:
    try:
        resolve(url)
    except Exception:
        return False
    return True


def test_no_view_is_csrf_exempt_except_the_token_api() -> None:
    exempt = [
        url
        for url in _every_url()
        if getattr(resolve(url).func, "csrf_exempt", False) and not url.startswith(EXEMPT_PREFIXES)
    ]
    assert exempt == []


@pytest.mark.parametrize("who", ["hos", "alice"])
def test_a_post_without_a_csrf_token_is_refused_everywhere(world: World, who: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[who])
    accepted = {}
    for url in _every_url():
        if url.startswith(EXEMPT_PREFIXES):
            continue
        response = client.post(url, {"x": "1"})
        if response.status_code != 403 or b"CSRF verification failed" not in response.content:
            accepted[url] = response.status_code
    assert accepted == {}


def test_the_sign_in_form_needs_a_csrf_token_too(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "hos", "password": "x"})
    assert response.status_code == 403 and b"CSRF verification failed" in response.content


def test_the_token_api_writes_nothing_by_post(world: World) -> None:
    """Exempt from CSRF because it takes no session cookie; it must not take a POST either."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["hos"])
    for url in _every_url():
        if url.startswith("/api/v1/"):
            assert client.post(url, {"x": "1"}).status_code in {401, 403, 404, 405}, url
