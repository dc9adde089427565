"""Template context every page needs: the authority's name and the role's menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from divert.core.navigation import NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for item in NAV_ITEMS:
            if user.role in item.roles:
                url = reverse(item.url_name)
                active = request.path == url if url == "/" else request.path.startswith(url)
                items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items, "divert_authority_name": settings.DIVERT["AUTHORITY_NAME"]}
