"""Files sent to a browser: always as attachments with their own type, never sniffed as a page.

A download of figures or of a return must not be rendered by the browser (an HTML or script
payload in a CSV cell would otherwise run in Divert's origin), so every download goes out
with ``Content-Disposition: attachment`` and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

from django.http import HttpResponse


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
