"""Sign in and out, the home page, and a health check for the load balancer."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from divert.core.forms import SignInForm
from divert.core.navigation import NAV_ITEMS


class SignInView(auth_views.LoginView):
    """Username and password (then a code: divert.signin), or the council's single sign-on if set up."""

    template_name = "core/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"page_title": "Sign in"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["single_sign_on"] = getattr(settings, "DIVERT_OIDC_ENABLED", False)
        return context


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    links = [item for item in NAV_ITEMS if user.role in item.roles and item.url_name != "core:home"]  # type: ignore[union-attr]
    return render(request, "core/home.html", {"page_title": "Home", "links": links})


def healthz(request: HttpRequest) -> JsonResponse:
    """Up and able to reach the database: for a load balancer, without signing in."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this instead of signing in a locked account (AXES_LOCKOUT_CALLABLE).

    The page says how long the lock lasts and who can lift it, so nobody keeps guessing.
    """
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    context = {"page_title": "Your account is locked", "lockout_minutes": minutes}
    return render(request, "core/locked_out.html", context, status=429)
