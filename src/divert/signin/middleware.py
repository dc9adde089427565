"""A password alone opens nothing: a signed-in session must also have given a second factor."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from divert.signin.session import VERIFIED_SESSION_KEY

Handler = Callable[[HttpRequest], HttpResponse]

#: What a signed-in person may open before giving a code: the second-factor pages themselves,
#: signing out, the static files those pages need, and the load balancer's health check.
OPEN_PREFIXES = ("/account/two-factor/", "/sign-out/", "/static/", "/healthz")


def needs_second_factor(request: HttpRequest) -> bool:
    """Signed in with a password but no code yet (demo accounts are let through only with DEBUG)."""
    user = request.user
    if not settings.DIVERT_SECOND_FACTOR or not user.is_authenticated:
        return False
    if settings.DEBUG and getattr(user, "is_demo", False):
        return False
    return not request.session.get(VERIFIED_SESSION_KEY)


class SecondFactorMiddleware:
    """Send a session without a second factor to the code page, and back to its page afterwards."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request) and not request.path.startswith(OPEN_PREFIXES):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('signin:two_factor')}?{query}")
        return self.get_response(request)
