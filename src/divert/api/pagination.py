"""Pages of API rows by ``limit`` and ``offset``, with ``next`` and ``previous`` links.

Power BI's Web connector follows ``next`` (docs/api.md). The sizes are settings, read when a
list is paged: ``DIVERT_API_PAGE_SIZE`` rows by default, at most ``DIVERT_API_MAX_PAGE_SIZE``.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination


class Pages(LimitOffsetPagination):
    def __init__(self) -> None:
        self.default_limit = int(getattr(settings, "DIVERT_API_PAGE_SIZE", 100))
        self.max_limit = int(getattr(settings, "DIVERT_API_MAX_PAGE_SIZE", 1000))
