"""A child's access history as a PDF, for a subject access request answered on paper.

Laid out by WeasyPrint from ``oversight/pdf.html`` (the same lines as the CSV), marked
OFFICIAL-SENSITIVE on every page, with who made it and when. It names the child by ID only: the
requester knows who they are, and a letter can go astray.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from divert.oversight.queries import Line
from divert.people.models import Child


def html(
    child: Child, lines: list[Line], *, generated_by: str, generated_at: dt.datetime | None = None
) -> str:
    """The PDF's source (tests read it for the child ID, the marking and the events)."""
    context = {
        "child": child,
        "lines": lines,
        "generated_by": generated_by,
        "generated_at": timezone.localtime(generated_at or timezone.now()),
    }
    return render_to_string("oversight/pdf.html", context)


def pdf(child: Child, lines: list[Line], *, generated_by: str) -> bytes:
    from weasyprint import HTML

    source = html(child, lines, generated_by=generated_by)
    return bytes(HTML(string=source, url_fetcher=_no_fetching, base_url=".").write_pdf())


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Self-contained: refuse every URL, so no text typed into a note can make the server fetch one."""
    raise ValueError(f"The access history fetches nothing ({url[:40]!r})")
