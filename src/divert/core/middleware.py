"""Request id for the audit trail, and sign-in required everywhere except the sign-in page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from divert.core.audit import new_request_id, request_id_var, request_path_var

Handler = Callable[[HttpRequest], HttpResponse]

# The API checks its own bearer tokens; single sign-on's start and return ("/account/oidc/") are
# reached before anyone is signed in.
OPEN_PREFIXES = ("/sign-in/", "/static/", "/healthz", "/api/v1/", "/account/oidc/")


class RequestIdMiddleware:
    """Give every request an id (or keep the proxy's ``X-Request-ID``) for audit rows and logs."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request.headers.get("X-Request-ID", "")[:36] or new_request_id()
        request.request_id = rid  # type: ignore[attr-defined]
        id_token = request_id_var.set(rid)
        path_token = request_path_var.set(request.path)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(id_token)
            request_path_var.reset(path_token)
        response["X-Request-ID"] = rid
        return response


class LoginRequiredMiddleware:
    """Children's records are never public: every page but sign-in needs a signed-in user."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            if _session_expired(request):
                minutes = settings.SESSION_COOKIE_AGE // 60
                messages.info(request, f"You were signed out after {minutes} minutes without activity")
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


def _session_expired(request: HttpRequest) -> bool:
    """The browser still sent a session cookie the server no longer knows: it lapsed from inactivity.

    Signing out deletes the cookie, so a stale cookie means the idle time ran out (or the session
    was cleared), and the person should be told why they must sign in again.
    """
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and request.session.session_key is None
