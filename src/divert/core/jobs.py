"""Work the task worker does for a person (an import, a validation, a board pack), as a row.

A job row is what the person's page follows while the worker runs: status, steps done of the
total and the current stage, read by the progress script (``returns/job-progress.js``). The
worker writes its bookkeeping with single-row updates, so a page never sees half an update.
Each kind of job adds its own inputs and results.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["authority", "created"])]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """Whole per cent of the steps done; 100 only when the job has finished."""
        if self.is_finished:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    def status_data(self) -> dict[str, Any]:
        """What the progress script needs, and nothing about any child."""
        return {
            "status": self.status,
            "status_label": self.get_status_display(),
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "stage": self.stage,
            "finished": self.is_finished,
        }

    def report_progress(self, done: int, total: int, stage: str = "") -> None:
        self.done, self.total, self.stage = done, total, stage[:200]
        type(self)._default_manager.filter(pk=self.pk).update(done=done, total=total, stage=self.stage)

    def mark_running(self, total: int = 0) -> None:
        self.status, self.started = self.Status.RUNNING, timezone.now()
        self.total = total or self.total
        type(self)._default_manager.filter(pk=self.pk).update(
            status=self.status, started=self.started, total=self.total
        )
