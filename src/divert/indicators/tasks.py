"""The board pack made by the task worker (``divert db_worker``), not inside a web request.

The task takes a job id, marks the job running, reports each step on it and finishes it as
done (with the file) or failed (with a message a person can act on). The file is written
under a temporary name in the packs' folder and renamed into place only when complete, so a
failure at any point leaves no file, or half of one, behind. An unexpected exception still
fails the job, so a page never waits for ever, and is re-raised so the worker logs it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

from django_tasks import task

from divert.indicators import boardpack, cache, exports
from divert.indicators.exports import BadOption, Scope
from divert.indicators.models import BoardPackJob, pack_folder

#: The steps a job reports: reading the register, then ``boardpack.build``'s, then keeping the file.
STEPS = 1 + boardpack.BUILD_STEPS + 1


@task()
def build_boardpack(job_id: int) -> str:
    """Make a job's board pack and keep it for download from the job's page."""
    job = BoardPackJob.objects.select_related("authority").get(pk=job_id)
    job.mark_running()
    try:
        scope = scope_of(job)
    except BadOption as error:
        job.mark_failed(f"The board pack could not be made: {error.message}")
        return job.status
    try:
        job.report_progress(0, STEPS, "Reading the register")
        frames = cache.frames(scope.authority_id)
        content = boardpack.build(scope, job.format, frames, progress=_after_reading(job))
        job.report_progress(STEPS - 1, STEPS, "Keeping the file")
        path = keep(content, job.format)
    except Exception as error:
        job.mark_failed(
            f"The board pack could not be made ({type(error).__name__}); no file was kept. "
            "Try again; if it fails again, tell your system administrator."
        )
        raise
    try:
        job.mark_done(str(path))
    except BaseException:
        path.unlink(missing_ok=True)  # a finished file no job points at would never be deleted
        raise
    return job.status


def scope_of(job: BoardPackJob) -> Scope:
    """The job's filters checked again: a team renamed since the pack was asked for is an error,
    not a pack of zeros."""
    return exports.parse_scope(
        job.authority,
        as_at=job.as_at.isoformat(),
        frequency=job.frequency,
        team=job.team,
        locality=job.locality,
    )


def _after_reading(job: BoardPackJob) -> boardpack.Progress:
    """``boardpack.build``'s steps, counted after the job's own first step (reading the register)."""

    def progress(done: int, total: int, stage: str) -> None:
        job.report_progress(1 + done, STEPS, stage)

    return progress


def keep(content: bytes, fmt: str) -> Path:
    """Write ``content`` to a new owner-only file in the packs' folder, whole or not at all."""
    folder = pack_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"{uuid.uuid4().hex}.{exports.FORMATS[fmt][1]}"
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".partial-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
    return target
