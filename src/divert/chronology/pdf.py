"""A child's chronology as a PDF, for a court bundle, a conference or a case transfer.

It is laid out by WeasyPrint from ``chronology/pdf.html`` (the same entries and filters as the
page), marked OFFICIAL-SENSITIVE on every page, with who made it and when. A chronology is a few
pages, so it is made while the person waits, unlike the board pack.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from divert.chronology.queries import Chronology


def html(chronology: Chronology, *, generated_by: str, generated_at: dt.datetime | None = None) -> str:
    """The PDF's source (tests read it for the child, the marking and the entries)."""
    context = {
        "chronology": chronology,
        "child": chronology.child,
        "generated_by": generated_by,
        "generated_at": timezone.localtime(generated_at or timezone.now()),
    }
    return render_to_string("chronology/pdf.html", context)


def pdf(chronology: Chronology, *, generated_by: str, generated_at: dt.datetime | None = None) -> bytes:
    from weasyprint import HTML

    source = html(chronology, generated_by=generated_by, generated_at=generated_at)
    return bytes(HTML(string=source, url_fetcher=_no_fetching, base_url=".").write_pdf())


def filename(chronology: Chronology, today: dt.date) -> str:
    return f"chronology-{chronology.child.child_id}-{today:%Y-%m-%d}.pdf"


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Self-contained: refuse every URL, so no text typed into a record can make the server fetch one."""
    raise ValueError(f"The chronology fetches nothing ({url[:40]!r})")
