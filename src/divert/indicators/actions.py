"""Starting a board pack: one audited write, then a task for the worker.

The job row and its audit record commit together, and the task is enqueued on that commit
(``transaction.on_commit``), so the worker always finds the job it is given, and a request
that rolls back queues nothing. With the immediate backend (tests) the task runs at the
commit and the job has finished when the request returns.

The audit record is a read (``VIEW``): asking for a pack reads the register and changes
nothing in it, so it must not raise the register version and throw away every process's
cached figures (``divert.core.audit.READS``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from divert.core import audit
from divert.core.models import AuditEvent
from divert.indicators import tasks
from divert.indicators.exports import Scope
from divert.indicators.models import BoardPackJob

#: How long a finished pack's file is kept. Long enough for a board's papers to go round in the
#: week before its meeting; after that the register has moved on and the pack should be made
#: again rather than passed round. Not deleted on download: several directors and members
#: download the same pack, and a download cut off halfway must be able to start again.
PACK_KEPT = dt.timedelta(days=7)


def start_boardpack(user: Any, scope: Scope, fmt: str = BoardPackJob.Format.PDF) -> BoardPackJob:
    """Queue the board pack for ``scope`` (already checked by the filters form) in ``fmt``.

    The same pack already waiting or being made for the authority is followed instead of queued
    again: a second press of the button, or a colleague's, would only keep the worker busy.
    """
    wanted = {
        "authority_id": user.authority_id,
        "as_at": scope.as_at,
        "frequency": str(scope.frequency),
        "team": scope.team,
        "locality": scope.locality,
        "format": fmt,
    }
    note = f"Asked for the board pack ({fmt}, as at {scope.as_at}, {scope.part})"
    with transaction.atomic():
        unfinished = [BoardPackJob.Status.QUEUED, BoardPackJob.Status.RUNNING]
        job = BoardPackJob.objects.filter(**wanted, status__in=unfinished).first()
        if job is not None:
            audit.record(user, AuditEvent.Action.VIEW, job, note=f"{note}: already being made")
            return job
        job = BoardPackJob.objects.create(created_by=user, **wanted)
        audit.record(user, AuditEvent.Action.VIEW, job, note=note)
        transaction.on_commit(lambda: _enqueue(job))
    discard_old_packs()
    return job


def _enqueue(job: BoardPackJob) -> None:
    try:
        result = tasks.build_boardpack.enqueue(job.pk)
    except Exception as error:
        job.mark_failed(f"The board pack could not be queued: {error}")
        raise
    BoardPackJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def discard_old_packs(now: dt.datetime | None = None) -> int:
    """Delete the files of packs finished more than ``PACK_KEPT`` ago; their jobs stay, saying so."""
    cutoff = (now or timezone.now()) - PACK_KEPT
    count = 0
    for job in BoardPackJob.objects.filter(finished__lt=cutoff).exclude(output=""):
        path = job.file()
        if path is not None:
            path.unlink(missing_ok=True)
        count += BoardPackJob.objects.filter(pk=job.pk).update(output="")
    return count
