"""The token pages (signed in with the browser, like every page): list, make and revoke your tokens.

Only roles that use the API (``core.access.may_use_api``) reach them; a token is always the
signed-in person's own, so another person's token is the same 404 as a missing one. A new token
is shown once, in the response to the form that made it (never stored in the session or a
redirect), with ``Cache-Control: no-store`` so the browser does not keep the page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.api import actions
from divert.api.forms import TokenForm
from divert.api.models import ApiToken
from divert.core.access import may_use_api
from divert.core.pages import page_title, signed_in_user


def _api_user(request: HttpRequest) -> None:
    if not may_use_api(request.user):
        raise PermissionDenied("Your role does not use the API.")


@require_GET
def tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in person's tokens, newest first, with when each expires and was last used."""
    _api_user(request)
    user = signed_in_user(request)
    context = {"tokens": ApiToken.objects.filter(user=user), "page_title": "Your API tokens"}
    return render(request, "api/tokens.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Make a token, and show it this once."""
    _api_user(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.create_token(
                signed_in_user(request), name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            context = {"token": token, "secret": secret, "page_title": "Your new API token"}
            return render(request, "api/token_created.html", context)
    context = {"form": form, "page_title": page_title("Make an API token", form)}
    return render(request, "api/token_form.html", context)


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _api_user(request)
    token = get_object_or_404(ApiToken, pk=pk, user=signed_in_user(request))
    actions.revoke_token(signed_in_user(request), token)
    return redirect("api:tokens")
