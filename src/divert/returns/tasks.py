"""The background tasks behind the returns pages (run by ``divert db_worker``).

Each task takes a job id, marks the job running, reports progress on it as it goes and
finishes it as done (with a summary) or failed (with the errors a person can act on). An
unexpected exception still fails the job, so a page never waits for ever, and is re-raised
so the worker logs it.
"""

from __future__ import annotations

import csv
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django_tasks import task

from divert.returns import uploads
from divert.returns.checking import check_register
from divert.returns.exportcin import export_cin
from divert.returns.import903 import ImportFailed, Summary, import_903
from divert.returns.models import ReturnJob
from divert.returns.validation import STATUSES, ValidationReport, ValidatorUnavailable

RETURN_LABELS = {"903": "SSDA903", "cin": "CIN census"}


@contextmanager
def _failing_on_error(job: ReturnJob) -> Iterator[None]:
    try:
        yield
    except Exception as error:
        job.mark_failed([f"The job stopped unexpectedly ({type(error).__name__}). Nothing was written."])
        raise


@task()
def import_903_job(job_id: int) -> str:
    """Import a job's uploaded files, then delete them whatever the outcome."""
    job = ReturnJob.objects.select_related("authority", "created_by").get(pk=job_id)
    job.mark_running()
    try:
        with _failing_on_error(job):
            try:
                summary = import_903(
                    [Path(job.upload_dir)], job.authority, actor=job.created_by, progress=job.report_progress
                )
            except ImportFailed as failed:
                job.mark_failed(failed.errors)
            else:
                job.mark_done(import_summary(summary, child_ids_in(Path(job.upload_dir))))
    finally:
        uploads.discard(job.upload_dir)
    return job.status


def import_summary(summary: Summary, children: list[str]) -> dict[str, Any]:
    """The import's outcome as JSON for the job page."""
    grouped: dict[str, dict[str, int]] = {}
    for key, count in summary.others.items():
        name, _, kind = key.partition(":")
        grouped.setdefault(name, {})[kind] = count
    return {
        "files": summary.files,
        "returns": [{"folder": folder or ".", "year": year} for folder, year in summary.returns],
        "rows": dict(sorted(summary.rows.items())),
        "not_imported": dict(sorted(summary.not_imported.items())),
        "counts": [
            {"name": "Children", **dict(summary.children)},
            {"name": "Episodes", **dict(summary.episodes)},
            *({"name": name, **counts} for name, counts in sorted(grouped.items())),
        ],
        "warnings": summary.warnings[:200],
        "warning_count": len(summary.warnings),
        "children": children,
    }


def child_ids_in(folder: Path) -> list[str]:
    """Every CHILD value in the CSV files under ``folder`` (the import has already read them)."""
    found: set[str] = set()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            rows = csv.reader(handle)
            header = [name.strip().upper() for name in next(rows, [])]
            if "CHILD" not in header:
                continue
            column = header.index("CHILD")
            found.update(row[column].strip() for row in rows if len(row) > column and row[column].strip())
    return sorted(found)


@task()
def export_cin_job(job_id: int) -> str:
    """Write the CIN census for the job's year to a private file the job page offers for download.

    The census is built from every child's referrals, assessments and plans, which takes
    longer than a web request should, so it is a job like the others.
    """
    job = ReturnJob.objects.select_related("authority").get(pk=job_id)
    year = int(job.year or 0)
    job.mark_running(total=1)
    job.report_progress(0, 1, "Writing the CIN census")
    target = Path(settings.DIVERT_UPLOAD_DIR) / uuid.uuid4().hex / f"cin-census-{year}.xml"
    with _failing_on_error(job):
        children = export_cin(year, target, job.authority)
        target.parent.chmod(0o700)
        ReturnJob.objects.filter(pk=job.pk).update(output=str(target))
        job.mark_done({"children_count": children, "bytes": target.stat().st_size})
    return job.status


@task()
def validate_job(job_id: int) -> str:
    """Export both returns for the job's year and check each with the DfE's rules."""
    job = ReturnJob.objects.select_related("authority").get(pk=job_id)
    year, authority = int(job.year or 0), job.authority
    job.mark_running(total=2)
    reports: list[dict[str, Any]] = []
    with _failing_on_error(job), tempfile.TemporaryDirectory() as scratch:
        try:
            for step, kind in enumerate(("903", "cin")):
                label = RETURN_LABELS[kind]
                job.report_progress(step, 2, f"Checking the {label} return with the DfE rules")
                report = check_register(kind, year, authority, Path(scratch))
                reports.append(report_data(report))
        except (ValidatorUnavailable, RuntimeError) as error:
            job.mark_failed([str(error)])
            return job.status
    job.mark_done({"reports": reports})
    return job.status


def report_data(report: ValidationReport) -> dict[str, Any]:
    """One return's results as JSON: counts by status and every rule with its children."""
    return {
        "kind": report.kind,
        "label": RETURN_LABELS.get(report.kind, report.kind),
        "year": report.year,
        "ruleset": report.ruleset,
        "counts": {status: len(report.with_status(status)) for status in STATUSES},
        "rules": [
            {
                "code": rule.code,
                "message": rule.message,
                "status": rule.status,
                "reason": rule.reason,
                "children": rule.children,
            }
            for rule in report.rules
        ],
    }
