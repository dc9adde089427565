"""Whether a token's user may read the API at all (``may_use_api``). Reading only is the views'
business: they allow GET, HEAD and OPTIONS, so anything else is a 405."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from divert.core.access import may_use_api


class UsesApi(BasePermission):
    """The user's role is one of ``API_ROLES``, and they are active (else 403; no token is a 401)."""

    message = "Your role does not use the API, or your account is no longer active."

    def has_permission(self, request: Request, view: Any) -> bool:
        return may_use_api(request.user)
