"""The returns pages: export and validate a collection year, upload SSDA903 files, follow a job.

Views only check the role (``queries.require_returns_user``, which asks ``core.access``),
call a query or an action, and render. Every page or download that names children is
audited, as a child search is. Downloads are sent as attachments with their own content
type, never as HTML.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.core import audit
from divert.core.downloads import attachment
from divert.core.models import AuditEvent
from divert.core.pages import page_title
from divert.core.spreadsheet import write_csv
from divert.returns import actions, queries, uploads
from divert.returns.forms import UploadForm
from divert.returns.models import ReturnJob

RECENT_JOBS = 10


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The collection years, with their exports and validation, and the latest jobs."""
    jobs = queries.jobs_for(request.user)[:RECENT_JOBS]
    context = {"page_title": "Statutory returns", "years": queries.collection_years(), "jobs": jobs}
    return render(request, "returns/index.html", context)


@require_GET
def export_903(request: HttpRequest, year: int) -> HttpResponse:
    content = queries.ssda903_zip(request.user, queries.check_year(year))
    audit.record(request.user, AuditEvent.Action.VIEW, object_type="returns.ssda903", note=f"Exported {year}")
    return attachment(content, "application/zip", f"ssda903-{year}.zip")


@require_POST
def export_cin(request: HttpRequest, year: int) -> HttpResponse:
    """Start a CIN census export: it takes too long for a request, so it is a job."""
    queries.require_returns_user(request.user)
    job = actions.start_cin_export(request.user, queries.check_year(year))
    return redirect("returns:job", pk=job.pk)


@require_GET
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file a finished export job wrote, as an attachment."""
    found, path = queries.export_file(request.user, pk)
    audit.record(
        request.user, AuditEvent.Action.VIEW, object_type="returns.cin", note=f"Exported {found.year}"
    )
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type="application/xml"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def validate(request: HttpRequest, year: int) -> HttpResponse:
    queries.require_returns_user(request.user)
    job = actions.start_validation(request.user, queries.check_year(year))
    return redirect("returns:job", pk=job.pk)


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload SSDA903 files; a checked upload becomes an import job."""
    queries.require_returns_user(request.user)
    form = UploadForm()
    if request.method == "POST":
        # Refuse an upload that is too large from its declared length, before reading its body.
        too_large = int(request.META.get("CONTENT_LENGTH") or 0) > uploads.max_bytes() + 1024 * 1024
        form = UploadForm(data={}, too_large=True) if too_large else UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = actions.start_import(request.user, form.cleaned_data["upload"])
            return redirect("returns:job", pk=job.pk)
    context = {
        "form": form,
        "page_title": page_title("Upload SSDA903 files", form),
        "max_mb": uploads.max_bytes() // 2**20,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "returns/upload.html", context, status=status)


@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress, then its outcome; children listed are linked where the user may see them."""
    found = queries.get_job(request.user, pk)
    context: dict[str, Any] = {"job": found, "page_title": f"{found.get_kind_display()} {found.pk}"}
    if found.status == ReturnJob.Status.DONE:
        if found.kind == ReturnJob.Kind.VALIDATE:
            context["reports"] = queries.validation_results(request.user, found)
        else:
            context["children"] = queries.imported_children(request.user, found)
        listed = queries.children_listed(found)
        if listed:
            audit.record(
                request.user,
                AuditEvent.Action.SEARCH,
                object_type="people.child",
                note=f"Returns job {found.pk} results: {listed} child references",
            )
    return render(request, "returns/job.html", context)


@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress for the page's script: numbers and a stage, nothing about any child."""
    return JsonResponse(queries.get_job(request.user, pk).status_data())


@require_GET
def job_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """A validation's results, one row per rule and child, safe to open in a spreadsheet."""
    found = queries.get_job(request.user, pk)
    if found.kind != ReturnJob.Kind.VALIDATE or found.status != ReturnJob.Status.DONE:
        return redirect("returns:job", pk=found.pk)
    out = io.StringIO()
    write_csv(out, queries.RESULT_COLUMNS, queries.result_rows(found))
    audit.record(
        request.user,
        AuditEvent.Action.SEARCH,
        object_type="people.child",
        note=f"Returns job {found.pk} results downloaded: {queries.children_listed(found)} child references",
    )
    name = f"validation-{found.year}-{found.pk}.csv"
    return attachment(out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", name)
