"""The second factor's pages: set up an authenticator app, enter a code, backup codes, your account."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from divert.signin import actions
from divert.signin.forms import AppCodeForm, CodeForm
from divert.signin.session import VERIFIED_SESSION_KEY

NEW_CODES_KEY = "signin_new_backup_codes"
NEXT_KEY = "signin_next"
WRONG_CODE = "The code is not right. Enter the newest code your app shows; each code works once."
WAIT = "Too many wrong codes in a row. Wait a minute, then enter the newest code."
SESSION_FACTOR = {
    "totp": "a code from your authenticator app",
    "backup-code": "a backup code",
    "sso": "your council account (single sign-on)",
}


def _next(request: HttpRequest) -> str:
    """Where to go once the code is given: the page first asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter a code, or set up an app first if there is none."""
    next_url = _next(request)
    if request.session.get(VERIFIED_SESSION_KEY):
        return redirect(next_url)
    if actions.app_device(request.user) is None:
        return redirect(f"{reverse('signin:set_up')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = actions.verify(request, form.cleaned_data["code"])
        if outcome is actions.Outcome.ACCEPTED:
            return redirect(next_url)
        form.add_error("code", WAIT if outcome is actions.Outcome.WAIT else WRONG_CODE)
    context = {"page_title": "Enter your code", "form": form, "next": next_url}
    return render(request, "signin/two_factor.html", context)


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the key), then prove the app works with its first code."""
    next_url = _next(request)
    if actions.app_device(request.user) is not None:
        return redirect(
            "signin:account" if request.session.get(VERIFIED_SESSION_KEY) else "signin:two_factor"
        )
    device = actions.pending_app_device(request.user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = actions.confirm_app_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            return _show_codes(request, codes, next_url)
        form.add_error("code", WRONG_CODE)
    context = {
        "page_title": "Set up your authenticator app",
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(device),
        "secret": _secret_for_typing(device),
    }
    return render(request, "signin/set_up.html", context)


@require_http_methods(["GET"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes, shown this once: only their use is stored afterwards."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    next_url = request.session.pop(NEXT_KEY, None) or reverse("core:home")
    if not codes:
        return redirect("signin:account")
    context = {"page_title": "Your backup codes", "codes": codes, "next": next_url}
    return render(request, "signin/backup_codes.html", context)


@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """How this person proves who they are, and new backup codes when they need them."""
    return _account_page(request, AppCodeForm())


@require_POST
def new_backup_codes(request: HttpRequest) -> HttpResponse:
    form = AppCodeForm(request.POST)
    if form.is_valid():
        codes = actions.replace_backup_codes(request.user, form.cleaned_data["code"])
        if codes is not None:
            return _show_codes(request, codes, reverse("signin:account"))
        form.add_error("code", WRONG_CODE)
    return _account_page(request, form, status=400)


def _account_page(request: HttpRequest, form: AppCodeForm, status: int = 200) -> HttpResponse:
    device = actions.app_device(request.user)
    context = {
        "page_title": "Your account",
        "device": device,
        "codes_left": actions.backup_codes_left(request.user),
        "session_factor": SESSION_FACTOR.get(str(request.session.get(VERIFIED_SESSION_KEY, "")), ""),
        "form": form,
    }
    return render(request, "signin/account.html", context, status=status)


def _show_codes(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    request.session[NEW_CODES_KEY] = codes
    request.session[NEXT_KEY] = next_url
    return redirect("signin:backup_codes")


def _qr_svg(device: TOTPDevice) -> str:
    """The app's set-up link as an inline SVG QR code: no image request, no inline style or script."""
    code = segno.make(device.config_url, error="m")
    return str(
        code.svg_inline(scale=4, title="QR code to scan with your authenticator app", svgclass="divert-qr")
    )


def _secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
