"""Starting background work on the returns: each start is one audited write, then a task.

The job row and its audit record commit together; the task is enqueued after that commit
(views run in autocommit), so the worker always finds the job it is given. With the
immediate backend (tests) the task runs inside ``enqueue`` and the job is finished on return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from divert.core import audit
from divert.core.models import AuditEvent
from divert.returns import tasks, uploads
from divert.returns.models import ReturnJob

EXPORT_KEPT = dt.timedelta(days=1)


def start_import(user: Any, files: Sequence[UploadedFile]) -> ReturnJob:
    """Keep the checked files and queue their import into the user's authority."""
    folder, names = uploads.store(files)
    try:
        with transaction.atomic():
            job = ReturnJob.objects.create(
                authority_id=user.authority_id,
                created_by=user,
                kind=ReturnJob.Kind.IMPORT_903,
                files=names,
                upload_dir=str(folder),
            )
            audit.record(user, AuditEvent.Action.CREATE, job, note=f"SSDA903 import of {len(names)} file(s)")
    except BaseException:
        uploads.discard(folder)
        raise
    _enqueue(tasks.import_903_job, job)
    return job


def start_validation(user: Any, year: int) -> ReturnJob:
    """Queue the export and DfE validation of both returns for the collection year ``year``."""
    with transaction.atomic():
        job = ReturnJob.objects.create(
            authority_id=user.authority_id, created_by=user, kind=ReturnJob.Kind.VALIDATE, year=year
        )
        audit.record(user, AuditEvent.Action.CREATE, job, note=f"Validation of the {year} returns")
    _enqueue(tasks.validate_job, job)
    return job


def start_cin_export(user: Any, year: int) -> ReturnJob:
    """Queue the CIN census export for ``year``; exports older than a day are deleted first."""
    with transaction.atomic():
        job = ReturnJob.objects.create(
            authority_id=user.authority_id, created_by=user, kind=ReturnJob.Kind.EXPORT_CIN, year=year
        )
        audit.record(user, AuditEvent.Action.CREATE, job, note=f"CIN census export for {year}")
    discard_old_exports()
    _enqueue(tasks.export_cin_job, job)
    return job


def discard_old_exports(now: dt.datetime | None = None) -> int:
    """Delete the files of exports finished more than ``EXPORT_KEPT`` ago: they are copies of
    children's records, and the register can always write them again."""
    cutoff = (now or timezone.now()) - EXPORT_KEPT
    old = ReturnJob.objects.filter(kind=ReturnJob.Kind.EXPORT_CIN, finished__lt=cutoff).exclude(output="")
    count = 0
    for job in old:
        uploads.discard(Path(job.output).parent)
        count += ReturnJob.objects.filter(pk=job.pk).update(output="")
    return count


def _enqueue(task: Any, job: ReturnJob) -> None:
    try:
        result = task.enqueue(job.pk)
    except Exception as error:
        job.mark_failed([f"The job could not be queued: {error}"])
        raise
    ReturnJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
